//! One fixture crate per item kind (`tests/fixtures/kinds`), each asserting its exact snapshot.

use std::sync::OnceLock;

use snapbox::{assert_data_eq, str};

use crate::support::{items, Project};

/// The `kinds` workspace, snapshotted once for all tests of this module.
fn kinds() -> &'static Project {
    static KINDS: OnceLock<Project> = OnceLock::new();
    KINDS.get_or_init(|| {
        let p = Project::shared_fixture("kinds");
        p.atomic(&["snapshot", "--workspace"]).assert_code(0);
        p
    })
}

fn snapshot_of(krate: &str) -> String {
    items(&kinds().read(&format!("{krate}/atomic-api.txt")))
}

#[test]
fn functions() {
    assert_data_eq!(
        snapshot_of("functions"),
        str![[r#"
pub mod functions
pub async fn functions::asynchronous(x: u32) -> u32
pub extern "C" fn functions::c_abi(x: i32) -> i32
pub fn functions::const_generic<const N: usize>(a: [u8; N]) -> [u8; N]
pub const fn functions::constant(x: u32) -> u32
pub unsafe fn functions::dangerous(p: *const u8) -> u8
pub fn functions::higher_ranked<F>(f: F) where F: for<'a> Fn(&'a str) -> &'a str
pub fn functions::impl_trait(items: impl IntoIterator<Item = u8>) -> impl Iterator<Item = u8>
pub fn functions::inline_bounds<T, U>(t: T, _u: U) -> T where T: Clone + std::fmt::Debug, U: Send
pub fn functions::lifetimes<'a, 'b>(x: &'a str, _y: &'b str) -> &'a str where 'b: 'a
pub fn functions::plain(a: u8, b: &str) -> String
pub fn functions::pointers(f: fn(u8) -> u8, d: &dyn std::fmt::Debug, m: *mut u8, t: (u8, i64), s: &mut [u16]) -> Option<Box<dyn Fn(u8) -> u8 + Send>>
pub fn functions::std_types(m: std::collections::HashMap<String, Vec<u8>>) -> std::io::Result<std::time::Duration>
pub fn functions::unit()
pub fn functions::where_bounds<T>(t: T) -> T where T: Clone + std::fmt::Debug

"#]]
    );
}

#[test]
fn structs() {
    assert_data_eq!(
        snapshot_of("structs"),
        str![[r#"
pub mod structs
#[repr(align(8))] pub struct structs::Aligned { pub a: u8 }
impl Send for structs::Aligned
impl Sync for structs::Aligned
impl Unpin for structs::Aligned
impl std::panic::RefUnwindSafe for structs::Aligned
impl std::panic::UnwindSafe for structs::Aligned
#[repr(C)] pub struct structs::C { pub a: u8, pub b: u32 }
impl Send for structs::C
impl Sync for structs::C
impl Unpin for structs::C
impl std::panic::RefUnwindSafe for structs::C
impl std::panic::UnwindSafe for structs::C
#[non_exhaustive] pub struct structs::Exhausted { pub a: u8 }
impl Send for structs::Exhausted
impl Sync for structs::Exhausted
impl Unpin for structs::Exhausted
impl std::panic::RefUnwindSafe for structs::Exhausted
impl std::panic::UnwindSafe for structs::Exhausted
pub struct structs::Generic<T, const N: usize = 4> where T: Clone { pub items: [T; N] }
pub fn structs::Generic<T, N>::first(&self) -> Option<&T> where T: Clone
pub fn structs::Generic<u8, 4>::sum(&self) -> u32
impl<T, const N: usize> Send for structs::Generic<T, N> where T: Send
impl<T, const N: usize> Sync for structs::Generic<T, N> where T: Sync
impl<T, const N: usize> Unpin for structs::Generic<T, N> where T: Unpin
impl<T, const N: usize> std::panic::RefUnwindSafe for structs::Generic<T, N> where T: std::panic::RefUnwindSafe
impl<T, const N: usize> std::panic::UnwindSafe for structs::Generic<T, N> where T: std::panic::UnwindSafe
pub struct structs::HiddenField { pub a: u8, #[doc(hidden)] pub b: u8 }
impl Send for structs::HiddenField
impl Sync for structs::HiddenField
impl Unpin for structs::HiddenField
impl std::panic::RefUnwindSafe for structs::HiddenField
impl std::panic::UnwindSafe for structs::HiddenField
pub struct structs::OnlyPrivate { .. }
impl Send for structs::OnlyPrivate
impl Sync for structs::OnlyPrivate
impl Unpin for structs::OnlyPrivate
impl std::panic::RefUnwindSafe for structs::OnlyPrivate
impl std::panic::UnwindSafe for structs::OnlyPrivate
#[repr(C, packed(2))] pub struct structs::Packed { pub a: u8, pub b: u32 }
impl Send for structs::Packed
impl Sync for structs::Packed
impl Unpin for structs::Packed
impl std::panic::RefUnwindSafe for structs::Packed
impl std::panic::UnwindSafe for structs::Packed
pub struct structs::Public { pub a: u8, pub b: String }
pub const structs::Public::ZERO: u8
pub fn structs::Public::boxed(self: Box<Self>) -> u8
pub fn structs::Public::by_mut(&mut self, a: u8)
pub fn structs::Public::by_ref(&self) -> u8
pub fn structs::Public::by_value(self) -> String
pub fn structs::Public::new() -> structs::Public
impl Send for structs::Public
impl Sync for structs::Public
impl Unpin for structs::Public
impl std::panic::RefUnwindSafe for structs::Public
impl std::panic::UnwindSafe for structs::Public
#[repr(transparent)] pub struct structs::Transparent(pub u64);
impl Send for structs::Transparent
impl Sync for structs::Transparent
impl Unpin for structs::Transparent
impl std::panic::RefUnwindSafe for structs::Transparent
impl std::panic::UnwindSafe for structs::Transparent
pub struct structs::Tuple(pub u8, _);
impl Send for structs::Tuple
impl Sync for structs::Tuple
impl Unpin for structs::Tuple
impl std::panic::RefUnwindSafe for structs::Tuple
impl std::panic::UnwindSafe for structs::Tuple
pub struct structs::Unit;
impl Send for structs::Unit
impl Sync for structs::Unit
impl Unpin for structs::Unit
impl std::panic::RefUnwindSafe for structs::Unit
impl std::panic::UnwindSafe for structs::Unit
pub struct structs::WithPrivate { pub a: u8, .. }
impl Send for structs::WithPrivate
impl Sync for structs::WithPrivate
impl Unpin for structs::WithPrivate
impl std::panic::RefUnwindSafe for structs::WithPrivate
impl std::panic::UnwindSafe for structs::WithPrivate

"#]]
    );
}

#[test]
fn enums() {
    assert_data_eq!(
        snapshot_of("enums"),
        str![[r#"
pub mod enums
pub enum enums::Explicit
pub enums::Explicit::First = 5
pub enums::Explicit::Second = 6
impl Send for enums::Explicit
impl Sync for enums::Explicit
impl Unpin for enums::Explicit
impl std::panic::RefUnwindSafe for enums::Explicit
impl std::panic::UnwindSafe for enums::Explicit
pub enum enums::Generic<T> where T: Copy
pub enums::Generic::None
pub enums::Generic::Some(T)
impl<T> Send for enums::Generic<T> where T: Send
impl<T> Sync for enums::Generic<T> where T: Sync
impl<T> Unpin for enums::Generic<T> where T: Unpin
impl<T> std::panic::RefUnwindSafe for enums::Generic<T> where T: std::panic::RefUnwindSafe
impl<T> std::panic::UnwindSafe for enums::Generic<T> where T: std::panic::UnwindSafe
pub enum enums::Implicit
pub enums::Implicit::First = 0
pub enums::Implicit::Second = 1
impl Send for enums::Implicit
impl Sync for enums::Implicit
impl Unpin for enums::Implicit
impl std::panic::RefUnwindSafe for enums::Implicit
impl std::panic::UnwindSafe for enums::Implicit
#[non_exhaustive] pub enum enums::Open
pub enums::Open::A
#[non_exhaustive] pub enums::Open::B { x: u8 }
impl Send for enums::Open
impl Sync for enums::Open
impl Unpin for enums::Open
impl std::panic::RefUnwindSafe for enums::Open
impl std::panic::UnwindSafe for enums::Open
#[repr(u8)] pub enum enums::Repr
pub enums::Repr::A = 1
pub enums::Repr::B = 2
pub enums::Repr::C = 10
pub enums::Repr::D = 11
impl Send for enums::Repr
impl Sync for enums::Repr
impl Unpin for enums::Repr
impl std::panic::RefUnwindSafe for enums::Repr
impl std::panic::UnwindSafe for enums::Repr
pub enum enums::Shapes
pub enums::Shapes::Struct { x: i32, y: i32 }
pub enums::Shapes::Tuple(u8, String)
pub enums::Shapes::Unit
impl Send for enums::Shapes
impl Sync for enums::Shapes
impl Unpin for enums::Shapes
impl std::panic::RefUnwindSafe for enums::Shapes
impl std::panic::UnwindSafe for enums::Shapes

"#]]
    );
}

#[test]
fn unions() {
    assert_data_eq!(
        snapshot_of("unions"),
        str![[r#"
pub mod unions
#[repr(C)] pub union unions::Bits { pub int: u32, pub float: f32 }
impl Send for unions::Bits
impl Sync for unions::Bits
impl Unpin for unions::Bits
impl std::panic::RefUnwindSafe for unions::Bits
impl std::panic::UnwindSafe for unions::Bits
pub union unions::Partly { pub a: u32, .. }
impl Send for unions::Partly
impl Sync for unions::Partly
impl Unpin for unions::Partly
impl std::panic::RefUnwindSafe for unions::Partly
impl std::panic::UnwindSafe for unions::Partly

"#]]
    );
}

#[test]
fn traits() {
    assert_data_eq!(
        snapshot_of("traits"),
        str![[r#"
pub mod traits
pub trait traits::Generic<T, U = u8> where T: Copy // dyn-compatible
pub fn traits::Generic::take(&self, t: T, u: U) // required
pub trait traits::Iter // dyn-compatible
pub type traits::Iter::Item // required
pub fn traits::Iter::next(&mut self) -> Option<Self::Item> // required
pub trait traits::NotDyn // not dyn-compatible
pub fn traits::NotDyn::make() -> Self // required
pub trait traits::Plain // not dyn-compatible
pub const traits::Plain::DEFAULT: u8 // provided
pub const traits::Plain::LIMIT: usize // required
pub type traits::Plain::Output: Clone // required
pub fn traits::Plain::generic<T>(&self, t: T) -> u8 where Self: Sized, T: Into<u8> // provided
pub fn traits::Plain::provided(&self) -> usize // provided
pub fn traits::Plain::required(&self) -> Self::Output // required
pub trait traits::Sealed: traits::private::Sealed // sealed, dyn-compatible
pub fn traits::Sealed::sealed(&self) // required
pub trait traits::Super: Clone + Send + std::fmt::Debug // not dyn-compatible
pub unsafe trait traits::Unsafe // dyn-compatible

"#]]
    );
}

#[test]
fn impls() {
    assert_data_eq!(
        snapshot_of("impls"),
        str![[r#"
pub mod impls
pub struct impls::Chunks;
impl Iterator for impls::Chunks { type Item = [u8; 4]; }
impl Send for impls::Chunks
impl Sync for impls::Chunks
impl Unpin for impls::Chunks
impl std::panic::RefUnwindSafe for impls::Chunks
impl std::panic::UnwindSafe for impls::Chunks
pub struct impls::Counter { pub n: u32 }
impl Iterator for impls::Counter { type Item = u32; }
impl Send for impls::Counter
impl Sync for impls::Counter
impl Unpin for impls::Counter
impl std::panic::RefUnwindSafe for impls::Counter
impl std::panic::UnwindSafe for impls::Counter
pub struct impls::Derived;
impl Clone for impls::Derived
impl Copy for impls::Derived
impl Default for impls::Derived
impl Eq for impls::Derived
impl From<u8> for impls::Derived
impl PartialEq for impls::Derived
impl Send for impls::Derived
impl Sync for impls::Derived
impl Unpin for impls::Derived
impl std::fmt::Debug for impls::Derived
impl std::fmt::Display for impls::Derived
impl std::hash::Hash for impls::Derived
impl std::panic::RefUnwindSafe for impls::Derived
impl std::panic::UnwindSafe for impls::Derived
pub trait impls::Local // dyn-compatible
pub fn impls::Local::local(&self) -> u8 // provided
impl impls::Local for u32
impl<T> impls::Local for Vec<T> where T: Clone
pub struct impls::NotSend(_);
impl Unpin for impls::NotSend
impl std::panic::RefUnwindSafe for impls::NotSend
impl std::panic::UnwindSafe for impls::NotSend
pub struct impls::Wrapper<T>(pub T);
impl<T> Send for impls::Wrapper<T> where T: Send
impl<T> Sync for impls::Wrapper<T> where T: Sync
impl<T> Unpin for impls::Wrapper<T> where T: Unpin
impl<T> std::fmt::Debug for impls::Wrapper<T> where T: std::fmt::Debug
impl<T> std::panic::RefUnwindSafe for impls::Wrapper<T> where T: std::panic::RefUnwindSafe
impl<T> std::panic::UnwindSafe for impls::Wrapper<T> where T: std::panic::UnwindSafe

"#]]
    );
}

#[test]
fn values() {
    assert_data_eq!(
        snapshot_of("values"),
        str![[r#"
pub mod values
pub type values::Alias = Vec<u8>
pub static mut values::COUNTER: u32
pub type values::GenericAlias<T> = Result<T, std::io::Error>
pub const values::LIMIT: usize
pub static values::NAME: &str

"#]]
    );
}

#[test]
fn macros() {
    assert_data_eq!(
        snapshot_of("macros"),
        str![[r#"
pub mod macros
pub macro_rules! macros::also_exported
pub macro_rules! macros::exported
pub mod macros::inner

"#]]
    );
}

#[test]
fn derive() {
    assert_data_eq!(
        snapshot_of("derive"),
        str![[r#"
pub mod derive
pub proc_macro_derive derive::Describe(attributes(describe, skip))
pub proc_macro_attribute derive::route
pub proc_macro derive::sql

"#]]
    );
}

#[test]
fn attrs() {
    assert_data_eq!(
        snapshot_of("attrs"),
        str![[r#"
pub mod attrs
#[must_use] pub struct attrs::Guard;
impl Send for attrs::Guard
impl Sync for attrs::Guard
impl Unpin for attrs::Guard
impl std::panic::RefUnwindSafe for attrs::Guard
impl std::panic::UnwindSafe for attrs::Guard
#[doc(hidden)] pub mod attrs::__private
#[doc(hidden)] pub fn attrs::internal_helper()
#[must_use] pub fn attrs::new_way() -> u8
#[deprecated] pub fn attrs::old_way()

"#]]
    );
}

#[test]
fn features() {
    assert_data_eq!(
        snapshot_of("features"),
        str![[r#"
feature default = ["std"]
feature full = ["serde", "std"]
feature serde = []
feature std = []
pub mod features
pub fn features::always()
pub fn features::with_std()

"#]]
    );
}

#[test]
fn reexports() {
    assert_data_eq!(
        snapshot_of("reexports"),
        str![[r#"
pub mod reexports
pub struct reexports::Moved { pub x: u8 }
pub fn reexports::Moved::get(&self) -> u8
impl Send for reexports::Moved
impl Sync for reexports::Moved
impl Unpin for reexports::Moved
impl std::panic::RefUnwindSafe for reexports::Moved
impl std::panic::UnwindSafe for reexports::Moved
pub struct reexports::Renamed;
impl Send for reexports::Renamed
impl Sync for reexports::Renamed
impl Unpin for reexports::Renamed
impl std::panic::RefUnwindSafe for reexports::Renamed
impl std::panic::UnwindSafe for reexports::Renamed
pub fn reexports::from_glob()
pub mod reexports::public
pub struct reexports::public::Twice;
impl Send for reexports::public::Twice
impl Sync for reexports::public::Twice
impl Unpin for reexports::public::Twice
impl std::panic::RefUnwindSafe for reexports::public::Twice
impl std::panic::UnwindSafe for reexports::public::Twice
pub fn reexports::shadowed() -> u16
pub fn reexports::takes(m: reexports::Moved) -> reexports::public::Twice

"#]]
    );
}

#[test]
fn facade() {
    assert_data_eq!(
        snapshot_of("facade"),
        str![[r#"
pub mod facade
pub struct facade::Moved { pub x: u8 }
pub fn facade::Moved::get(&self) -> u8
pub mod facade::public
pub struct facade::public::Twice;
pub fn facade::uses(m: &reexports::Moved) -> reexports::public::Twice
impl Send for reexports::Moved
impl Sync for reexports::Moved
impl Unpin for reexports::Moved
impl std::panic::RefUnwindSafe for reexports::Moved
impl std::panic::UnwindSafe for reexports::Moved
impl Send for reexports::public::Twice
impl Sync for reexports::public::Twice
impl Unpin for reexports::public::Twice
impl std::panic::RefUnwindSafe for reexports::public::Twice
impl std::panic::UnwindSafe for reexports::public::Twice

"#]]
    );
}
