//! Every rule of `cargo atomic diff`, on an old/new pair written from the Cargo book's SemVer
//! chapter, and every equivalent rewrite, on a pair that must produce no finding.
//!
//! The cases live in two generated workspaces (`old/`, `new/`); one `cargo atomic diff
//! --baseline-path old --message-format json` run serves all cases. A case asserts the exact
//! set of (rule, bump, path) it produces: nothing missing, nothing extra.
//!
//! A case whose source stays inside its own module is a module `pub mod <case>` of one of a few
//! shared crates ([`PACKS`]); a case that needs a crate of its own (a manifest, crate-level
//! paths, macros, exported symbols, extern blocks, a finding on the crate) is one. rustdoc's cost
//! is mostly per crate (it gathers the standard library's impls each time), so a shared crate
//! documents dozens of cases for the price of one. A finding in a shared crate belongs to the
//! case module its path runs through; one that belongs to none fails the run.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::support::Project;

struct Case {
    name: &'static str,
    old: &'static str,
    new: &'static str,
    /// Extra manifest text (old, new): `[features]`, `[dependencies]`, `[lib]`.
    manifest: (&'static str, &'static str),
    expect: &'static [(&'static str, &'static str, &'static str)],
}

/// The shared crates, cases dealt among them in order.
const PACKS: usize = 4;

impl Case {
    /// Whether the case needs a crate of its own: anything that is not the same inside a module
    /// (crate-level attributes and paths, macros, symbols, foreign items) or that is the crate's
    /// (features, dependencies, a finding on the crate itself).
    fn own_crate(&self) -> bool {
        let crate_level = [
            "#!",
            "crate::",
            "$crate",
            "macro_export",
            "macro_rules",
            "no_mangle",
            "export_name",
            "extern",
            "proc_macro",
        ];
        self.manifest != ("", "")
            || self.expect.iter().any(|(_, _, path)| path.is_empty())
            || [self.old, self.new].iter().any(|src| crate_level.iter().any(|m| src.contains(m)))
    }

    /// The crate the case is documented in.
    fn krate(&self) -> String {
        match CASES.iter().filter(|c| !c.own_crate()).position(|c| c.name == self.name) {
            Some(i) => pack_name(i % PACKS),
            None => self.name.to_string(),
        }
    }
}

fn pack_name(i: usize) -> String {
    format!("rules_pack_{i}")
}

macro_rules! cases {
    ($($name:ident: $old:expr => $new:expr, $(manifest: $mo:expr => $mn:expr,)? expect [$(($rule:literal, $bump:literal, $path:literal)),* $(,)?];)*) => {
        const CASES: &[Case] = &[$(Case {
            name: stringify!($name),
            old: $old,
            new: $new,
            manifest: cases!(@manifest $($mo, $mn)?),
            expect: &[$(($rule, $bump, $path)),*],
        }),*];
        $(#[test] fn $name() { check(stringify!($name)); })*
    };
    (@manifest) => { ("", "") };
    (@manifest $mo:expr, $mn:expr) => { ($mo, $mn) };
}

type Findings = BTreeMap<String, Vec<(String, String, String, String)>>;

/// The case a finding of crate `krate` at `path` belongs to, and its path with the case's crate
/// name first (`case::S::f`), as an own-crate case's findings read; `None` for a finding of a
/// shared crate outside every case module.
fn attribute(krate: &str, path: &str) -> Option<(String, String)> {
    if !krate.starts_with("rules_pack_") {
        return Some((krate.to_string(), path.to_string()));
    }
    let rest = path.strip_prefix(krate)?.strip_prefix("::")?;
    let case = rest.split("::").next()?;
    CASES.iter().any(|c| c.name == case && c.krate() == krate).then(|| (case.to_string(), rest.to_string()))
}

/// Runs the one diff over all cases; findings by case: (rule, bump, path, message).
fn outcome() -> &'static Findings {
    static OUTCOME: OnceLock<Findings> = OnceLock::new();
    OUTCOME.get_or_init(|| {
        let root = Project::kept("rules");
        let own: Vec<&Case> = CASES.iter().filter(|c| c.own_crate()).collect();
        let packs: Vec<String> = (0..PACKS).map(pack_name).collect();
        for (side, pick) in [("old", 0), ("new", 1)] {
            let mut members: Vec<String> = own.iter().map(|c| format!("\"{}\"", c.name)).collect();
            members.extend(packs.iter().map(|p| format!("\"{p}\"")));
            members.push("\"helper\"".to_string());
            root.file_if_changed(
                &format!("{side}/Cargo.toml"),
                &format!("[workspace]\nmembers = [{}]\nresolver = \"2\"\n", members.join(", ")),
            );
            root.file_if_changed(
                &format!("{side}/helper/Cargo.toml"),
                "[package]\nname = \"helper\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = [\"local\"]\n",
            );
            // A trait of another crate implied by another of its traits only through a supertrait
            // and a blanket impl (as `DeserializeOwned` is `for<'de> Deserialize<'de>`).
            root.file_if_changed(
                &format!("{side}/helper/src/lib.rs"),
                "pub fn help() {}\npub trait Read<'de> {}\npub trait Owned: for<'de> Read<'de> {}\n\
                 impl<T: for<'de> Read<'de>> Owned for T {}\npub trait Other {}\n",
            );
            // A dependency from outside the workspace, in two incompatible series.
            let ext = if pick == 0 { "0.1.0" } else { "0.2.0" };
            root.file_if_changed(
                &format!("ext-{ext}/Cargo.toml"),
                &format!("[package]\nname = \"ext\"\nversion = \"{ext}\"\nedition = \"2021\"\n\n[workspace]\n"),
            );
            root.file_if_changed(&format!("ext-{ext}/src/lib.rs"), "pub struct Thing;\n");
            let manifest = |name: &str, extra: &str| {
                format!("[package]\nname = \"{name}\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = [\"local\"]\n{extra}")
            };
            let mut pack_src: BTreeMap<String, String> = packs.iter().map(|p| (p.clone(), String::new())).collect();
            for c in CASES {
                let (src, extra) = if pick == 0 { (c.old, c.manifest.0) } else { (c.new, c.manifest.1) };
                if c.own_crate() {
                    root.file_if_changed(&format!("{side}/{}/Cargo.toml", c.name), &manifest(c.name, extra));
                    root.file_if_changed(&format!("{side}/{}/src/lib.rs", c.name), src);
                } else {
                    let body: String = src.lines().map(|l| format!("    {l}\n")).collect();
                    pack_src.get_mut(&c.krate()).unwrap().push_str(&format!("pub mod {} {{\n{body}}}\n", c.name));
                }
            }
            for (pack, src) in &pack_src {
                root.file_if_changed(&format!("{side}/{pack}/Cargo.toml"), &manifest(pack, ""));
                root.file_if_changed(&format!("{side}/{pack}/src/lib.rs"), src);
            }
        }
        let doc = diff_json(&root, &[]);
        let mut out = Findings::new();
        let mut stray = Vec::new();
        let mut compared: Vec<&str> = Vec::new();
        for krate in doc["crates"].as_array().unwrap() {
            let name = krate["package"].as_str().unwrap();
            compared.push(name);
            for f in krate["findings"].as_array().unwrap() {
                let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
                let message = format!("`{}` {}", s("subject"), s("detail"));
                match attribute(name, &s("path")) {
                    Some((case, path)) => out.entry(case).or_default().push((s("rule"), s("bump"), path, message)),
                    None => stray.push(format!("{name}: {} {} {message}", s("rule"), s("path"))),
                }
            }
        }
        assert!(stray.is_empty(), "findings of a shared crate outside every case: {stray:#?}");
        let crates: Vec<String> = own.iter().map(|c| c.name.to_string()).chain(packs).collect();
        let missing: Vec<&String> = crates.iter().filter(|c| !compared.contains(&c.as_str())).collect();
        assert!(missing.is_empty(), "crates the diff did not compare: {missing:?}");
        out
    })
}

/// `diff --message-format json` of the new workspace against the old one, with `extra` flags.
fn diff_json(root: &Project, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "diff",
        "--workspace",
        "--manifest-path",
        "new/Cargo.toml",
        "--baseline-path",
        "old",
        "--message-format",
        "json",
    ];
    args.extend_from_slice(extra);
    let run = root.atomic(&args);
    run.assert_code(0);
    serde_json::from_str(&run.stdout).expect("diff prints JSON")
}

fn check(name: &str) {
    let case = CASES.iter().find(|c| c.name == name).unwrap();
    let none = Vec::new();
    let findings = outcome().get(name).unwrap_or(&none);
    let mut got: Vec<(String, String, String)> =
        findings.iter().map(|(r, b, p, _)| (r.clone(), b.clone(), p.clone())).collect();
    got.sort();
    let mut want: Vec<(String, String, String)> = case
        .expect
        .iter()
        .map(|(r, b, p)| {
            let path = if p.is_empty() { name.to_string() } else { format!("{name}::{p}") };
            (r.to_string(), b.to_string(), path)
        })
        .collect();
    want.sort();
    let messages: Vec<&String> = findings.iter().map(|(.., m)| m).collect();
    assert_eq!(got, want, "{name}: findings differ; messages:\n{messages:#?}");
}

cases! {
    // ---- items ----------------------------------------------------------------------------
    item_removed: "pub fn f() {}\npub fn g() {}\n" => "pub fn g() {}\n",
        expect [("item-removed", "major", "f")];
    item_moved_to_another_module: "pub mod a { pub fn f() {} }\n" => "pub mod b { pub fn f() {} }\n",
        expect [("item-removed", "major", "a"), ("item-added", "minor", "b")];
    reexport_removed: "pub mod m { pub struct S; }\npub use m::S;\n" => "pub mod m { pub struct S; }\n",
        expect [("item-removed", "major", "S")];
    item_made_hidden: "pub fn f() {}\n" => "#[doc(hidden)]\npub fn f() {}\n",
        expect [("item-made-hidden", "major", "f")];
    item_kind_changed: "pub struct T;\n" => "pub enum T { A }\n",
        expect [("item-kind-changed", "major", "T")];
    item_added: "pub fn f() {}\n" => "pub fn f() {}\npub fn g() {}\n",
        expect [("item-added", "minor", "g")];
    macro_removed: "#[macro_export]\nmacro_rules! m { () => {} }\npub fn keep() {}\n" => "pub fn keep() {}\n",
        expect [("macro-removed", "major", "m")];
    reexport_target_changed: "pub use std::collections::HashMap as Map;\n" => "pub use std::collections::BTreeMap as Map;\n",
        expect [("reexport-target-changed", "major", "Map")];
    // ---- layout ---------------------------------------------------------------------------
    repr_c_removed: "#[repr(C)]\npub struct S { pub a: u8 }\n" => "pub struct S { pub a: u8 }\n",
        expect [("repr-c-removed", "major", "S")];
    repr_c_added: "pub struct S { pub a: u8 }\n" => "#[repr(C)]\npub struct S { pub a: u8 }\n",
        expect [("repr-c-added", "minor", "S")];
    repr_c_fields_reordered: "#[repr(C)]\npub struct S { pub a: u8, pub b: u16 }\n" => "#[repr(C)]\npub struct S { pub b: u16, pub a: u8 }\n",
        expect [("repr-c-fields-reordered", "major", "S")];
    repr_int_removed: "#[repr(u8)]\npub enum E { A, B }\n" => "pub enum E { A, B }\n",
        expect [("repr-int-removed", "major", "E")];
    repr_int_changed: "#[repr(u8)]\npub enum E { A, B }\n" => "#[repr(u16)]\npub enum E { A, B }\n",
        expect [("repr-int-changed", "major", "E")];
    repr_int_added: "pub enum E { A, B }\n" => "#[repr(u8)]\npub enum E { A, B }\n",
        expect [("repr-int-added", "minor", "E")];
    repr_transparent_removed: "#[repr(transparent)]\npub struct S(pub u32);\n" => "pub struct S(pub u32);\n",
        expect [("repr-transparent-removed", "major", "S")];
    repr_transparent_added: "pub struct S(pub u32);\n" => "#[repr(transparent)]\npub struct S(pub u32);\n",
        expect [("repr-transparent-added", "minor", "S")];
    repr_packed_added: "pub struct S { pub a: u8, pub b: u32 }\n" => "#[repr(packed)]\npub struct S { pub a: u8, pub b: u32 }\n",
        expect [("repr-packed-added", "major", "S")];
    repr_packed_removed: "#[repr(packed)]\npub struct S { pub a: u8, pub b: u32 }\n" => "pub struct S { pub a: u8, pub b: u32 }\n",
        expect [("repr-packed-removed", "major", "S")];
    repr_packed_changed: "#[repr(packed(2))]\npub struct S { pub a: u8, pub b: u32 }\n" => "#[repr(packed(4))]\npub struct S { pub a: u8, pub b: u32 }\n",
        expect [("repr-packed-changed", "major", "S")];
    repr_align_added: "pub struct S { pub a: u8 }\n" => "#[repr(align(8))]\npub struct S { pub a: u8 }\n",
        expect [("repr-align-added", "major", "S")];
    repr_align_removed: "#[repr(align(8))]\npub struct S { pub a: u8 }\n" => "pub struct S { pub a: u8 }\n",
        expect [("repr-align-removed", "major", "S")];
    repr_align_changed: "#[repr(align(8))]\npub struct S { pub a: u8 }\n" => "#[repr(align(16))]\npub struct S { pub a: u8 }\n",
        expect [("repr-align-changed", "major", "S")];
    enum_discriminant_changed: "pub enum E { A = 1, B = 2 }\n" => "pub enum E { A = 1, B = 3 }\n",
        expect [("enum-discriminant-changed", "major", "E::B")];
    // ---- discriminants (unit-only enums are castable with `as`) -----------------------------
    implicit_discriminant_changed: "pub enum Level { Low, High }\n" => "pub enum Level { Low, Mid, High }\n",
        expect [("enum-discriminant-changed", "major", "Level::High"), ("enum-variant-added", "major", "Level::Mid")];
    unit_only_enum_gains_tuple_variant: "pub enum Op { Add, Sub }\n" => "pub enum Op { Add, Sub, Custom(u8) }\n",
        expect [("enum-no-longer-castable", "major", "Op::Custom"), ("enum-variant-added", "major", "Op::Custom")];
    unit_only_enum_gains_non_exhaustive_variant: "pub enum Op { Add, Sub }\n" => "pub enum Op { Add, Sub, #[non_exhaustive] Other }\n",
        expect [("enum-no-longer-castable", "major", "Op::Other"), ("enum-variant-added", "major", "Op::Other")];
    // `#[non_exhaustive]` unit-only enums are castable outside their crate too (only a
    // `#[non_exhaustive]` variant forbids it): a variant inserted before others moves their values.
    implicit_discriminant_changed_non_exhaustive: "#[non_exhaustive]\npub enum Level { Low, High }\n" => "#[non_exhaustive]\npub enum Level { Low, Mid, High }\n",
        expect [("enum-discriminant-changed", "major", "Level::High"), ("enum-variant-added-non-exhaustive", "minor", "Level::Mid")];
    implicit_discriminants_reordered_non_exhaustive: "#[non_exhaustive]\npub enum Level { Low, Mid, High }\n" => "#[non_exhaustive]\npub enum Level { Low, High, Mid }\n",
        expect [("enum-discriminant-changed", "major", "Level::High"), ("enum-discriminant-changed", "major", "Level::Mid")];
    non_exhaustive_unit_only_enum_gains_tuple_variant: "#[non_exhaustive]\npub enum Op { Add, Sub }\n" => "#[non_exhaustive]\npub enum Op { Add, Sub, Custom(u8) }\n",
        expect [("enum-no-longer-castable", "major", "Op::Custom"), ("enum-variant-added-non-exhaustive", "minor", "Op::Custom")];
    // A variant appended to a `#[non_exhaustive]` enum moves no value: minor.
    non_exhaustive_enum_variant_appended: "#[non_exhaustive]\npub enum Level { Low, High }\n" => "#[non_exhaustive]\npub enum Level { Low, High, Max }\n",
        expect [("enum-variant-added-non-exhaustive", "minor", "Level::Max")];
    // A neighbour: an enum with fields was never castable; its variants can move.
    enum_with_fields_reordered: "pub enum Shape { Dot, Circle(u32) }\n" => "pub enum Shape { Circle(u32), Dot }\n",
        expect [];
    // ---- structs and unions ---------------------------------------------------------------
    pub_field_removed: "pub struct S { pub a: u8, pub b: u8 }\n" => "pub struct S { pub a: u8 }\n",
        expect [("pub-field-removed", "major", "S")];
    pub_field_made_private: "pub struct S { pub a: u8, pub b: u8 }\n" => "pub struct S { pub a: u8, b: u8 }\n",
        expect [("pub-field-removed", "major", "S"), ("struct-private-field-added-when-public", "major", "S")];
    field_type_changed: "pub struct S { pub a: u8 }\npub struct T(pub u8);\n" => "pub struct S { pub a: u16 }\npub struct T(pub u16);\n",
        expect [("field-type-changed", "major", "S"), ("field-type-changed", "major", "T")];
    union_field_type_changed: "pub union U { pub a: u32, pub b: f32 }\n" => "pub union U { pub a: u64, pub b: f32 }\n",
        expect [("field-type-changed", "major", "U")];
    generic_generalize_identical: "pub struct Foo(pub u8);\n" => "pub struct Foo<T = u8>(pub T);\n",
        expect [("generic-generalize-identical", "minor", "Foo"), ("type-generic-param-added-default", "minor", "Foo")];
    struct_private_field_added_when_public: "pub struct Foo { pub f1: i32 }\n" => "pub struct Foo { pub f1: i32, f2: i32 }\n",
        expect [("struct-private-field-added-when-public", "major", "Foo")];
    struct_pub_field_added_when_no_private: "pub struct Foo { pub f1: i32 }\n" => "pub struct Foo { pub f1: i32, pub f2: i32 }\n",
        expect [("struct-pub-field-added-when-no-private", "major", "Foo")];
    struct_pub_field_added_with_private: "pub struct Foo { pub f1: i32, f2: i32 }\n" => "pub struct Foo { pub f1: i32, f2: i32, pub f3: i32 }\n",
        expect [("struct-pub-field-added", "minor", "Foo")];
    pub_field_made_hidden: "pub struct S { pub a: u8, pub b: u8 }\npub enum E { V { x: u8 }, T(u8) }\n" => "pub struct S { pub a: u8, #[doc(hidden)] pub b: u8 }\npub enum E { V { #[doc(hidden)] x: u8 }, T(#[doc(hidden)] u8) }\n",
        expect [("pub-field-made-hidden", "major", "S"), ("enum-variant-field-made-hidden", "major", "E::V"), ("enum-variant-field-made-hidden", "major", "E::T")];
    hidden_field_added_to_constructible_struct: "pub struct P { pub x: u8 }\npub struct Empty {}\npub struct T(pub u8);\n" => "pub struct P { pub x: u8, #[doc(hidden)] pub cache: u8 }\npub struct Empty { #[doc(hidden)] pub z: () }\npub struct T(pub u8, #[doc(hidden)] pub u8);\n",
        expect [("struct-hidden-field-added-when-public", "major", "P"), ("struct-hidden-field-added-when-public", "major", "Empty"), ("struct-hidden-field-added-when-public", "major", "T")];
    private_field_added_to_empty_and_tuple_structs: "pub struct Empty {}\npub struct T(pub u8);\n" => "pub struct Empty { z: () }\npub struct T(pub u8, u8);\n",
        expect [("struct-private-field-added-when-public", "major", "Empty"), ("struct-private-field-added-when-public", "major", "T")];
    // Neighbours: a struct that was not constructible gains a hidden field; a non-exhaustive one too.
    hidden_field_added_when_not_constructible: "pub struct P { pub x: u8, y: u8 }\n#[non_exhaustive]\npub struct N { pub x: u8 }\n" => "pub struct P { pub x: u8, y: u8, #[doc(hidden)] pub z: u8 }\n#[non_exhaustive]\npub struct N { pub x: u8, #[doc(hidden)] pub z: u8 }\n",
        expect [];
    struct_kind_changed: "pub struct S(pub u8);\n" => "pub struct S { pub a: u8 }\n",
        expect [("struct-kind-changed", "major", "S")];
    struct_tuple_normal_with_private: "pub struct Foo(i32);\n" => "pub struct Foo { f1: i32 }\n",
        expect [("struct-tuple-normal-with-private", "minor", "Foo")];
    // ---- enums ----------------------------------------------------------------------------
    enum_variant_added: "pub enum E { Variant1 }\n" => "pub enum E { Variant1, Variant2 }\n",
        expect [("enum-variant-added", "major", "E::Variant2")];
    enum_variant_added_non_exhaustive: "#[non_exhaustive]\npub enum E { Variant1 }\n" => "#[non_exhaustive]\npub enum E { Variant1, Variant2 }\n",
        expect [("enum-variant-added-non-exhaustive", "minor", "E::Variant2")];
    enum_variant_removed: "pub enum E { A, B }\n" => "pub enum E { A }\n",
        expect [("enum-variant-removed", "major", "E::B")];
    enum_variant_fields_added: "pub enum E { Variant1 { f1: i32 }, T(u8) }\n" => "pub enum E { Variant1 { f1: i32, f2: i32 }, T(u8, u8) }\n",
        expect [("enum-variant-fields-added", "major", "E::Variant1"), ("enum-variant-fields-added", "major", "E::T")];
    enum_variant_field_removed: "pub enum E { V { a: u8, b: u8 } }\n" => "pub enum E { V { a: u8 } }\n",
        expect [("enum-variant-field-removed", "major", "E::V")];
    enum_variant_field_type_changed: "pub enum E { V(u8) }\n" => "pub enum E { V(u16) }\n",
        expect [("enum-variant-field-type-changed", "major", "E::V")];
    enum_variant_kind_changed: "pub enum E { V(u8) }\n" => "pub enum E { V { a: u8 } }\n",
        expect [("enum-variant-kind-changed", "major", "E::V")];
    // ---- traits ---------------------------------------------------------------------------
    trait_item_added_no_default: "pub trait Trait {}\n" => "pub trait Trait { fn foo(&self); }\n",
        expect [("trait-item-added-no-default", "major", "Trait::foo")];
    sealed_trait_item_added: "mod private { pub trait Sealed {} }\npub trait Trait: private::Sealed {}\n" => "mod private { pub trait Sealed {} }\npub trait Trait: private::Sealed { fn foo(&self); }\n",
        expect [("sealed-trait-item-added", "minor", "Trait::foo")];
    trait_assoc_type_and_const_added: "pub trait Codec { fn name(&self) -> &str; }\npub trait Sized2 { fn n(&self); }\n" => "pub trait Codec { type Output; fn name(&self) -> &str; }\npub trait Sized2 { const N: usize; fn n(&self); }\n",
        expect [("trait-item-added-no-default", "major", "Codec::Output"), ("trait-item-added-no-default", "major", "Sized2::N"), ("trait-no-longer-dyn-compatible", "major", "Sized2")];
    trait_item_added_default: "pub trait Trait {}\n" => "pub trait Trait { fn foo(&self) {} }\n",
        expect [("trait-item-added-default", "minor", "Trait::foo")];
    trait_item_removed: "pub trait Trait { fn foo(&self); fn bar(&self); }\n" => "pub trait Trait { fn foo(&self); }\n",
        expect [("trait-item-removed", "major", "Trait::bar")];
    trait_item_signature_changed: "pub trait Trait { type Out: Clone; const N: u8; fn f(&self, x: u8); }\n" => "pub trait Trait { type Out: Clone + Send; const N: u16; fn f(&self, x: u16); }\n",
        expect [("trait-item-signature-changed", "major", "Trait::f"), ("trait-item-signature-changed", "major", "Trait::Out"), ("trait-item-signature-changed", "major", "Trait::N")];
    trait_method_bound_loosened: "pub trait Trait { fn f<T: Clone>(&self, t: T); }\n" => "pub trait Trait { fn f<T>(&self, t: T); }\n",
        expect [("trait-item-signature-changed", "major", "Trait::f")];
    trait_item_default_removed: "pub trait Trait { fn foo(&self) {} }\n" => "pub trait Trait { fn foo(&self); }\n",
        expect [("trait-item-default-removed", "major", "Trait::foo")];
    trait_item_default_added: "pub trait Trait { fn foo(&self); }\n" => "pub trait Trait { fn foo(&self) {} }\n",
        expect [("trait-item-default-added", "minor", "Trait::foo")];
    trait_supertrait_added: "pub trait Trait {}\n" => "pub trait Trait: Send {}\n",
        expect [("trait-supertrait-added", "major", "Trait")];
    trait_supertrait_removed: "pub trait Trait: Send {}\n" => "pub trait Trait {}\n",
        expect [("trait-supertrait-removed", "major", "Trait")];
    trait_generic_param_added: "pub trait Trait {}\n" => "pub trait Trait<T> {}\n",
        expect [("trait-generic-param-added", "major", "Trait")];
    trait_generic_param_added_default: "pub trait Trait {}\n" => "pub trait Trait<T = i32> {}\n",
        expect [("trait-generic-param-added-default", "minor", "Trait")];
    trait_no_longer_dyn_compatible: "pub trait Trait { fn f(&self); }\n" => "pub trait Trait { fn f(&self); fn g<T>(&self, t: T) {} }\n",
        expect [("trait-no-longer-dyn-compatible", "major", "Trait"), ("trait-item-added-default", "minor", "Trait::g")];
    trait_unsafe_changed: "pub trait Trait {}\n" => "pub unsafe trait Trait {}\n",
        expect [("trait-unsafe-changed", "major", "Trait")];
    trait_newly_sealed: "pub trait Trait {}\n" => "mod private { pub trait Sealed {} }\npub trait Trait: private::Sealed {}\n",
        expect [("trait-newly-sealed", "major", "Trait"), ("trait-supertrait-added", "major", "Trait")];
    // ---- implementations ------------------------------------------------------------------
    inherent_item_added: "pub struct S;\nimpl S {}\n" => "pub struct S;\nimpl S { pub fn f(&self) {} pub const C: u8 = 1; }\n",
        expect [("inherent-item-added", "minor", "S::f"), ("inherent-item-added", "minor", "S::C")];
    trait_impl_removed: "#[derive(Clone)]\npub struct S;\n" => "pub struct S;\n",
        expect [("trait-impl-removed", "major", "S")];
    trait_impl_instance_removed: "pub struct S;\nimpl From<u8> for S { fn from(_: u8) -> S { S } }\n" => "pub struct S;\nimpl From<u16> for S { fn from(_: u16) -> S { S } }\n",
        expect [("trait-impl-removed", "major", "S"), ("trait-impl-added", "minor", "S")];
    auto_trait_impl_removed: "pub struct S { a: u8 }\n" => "pub struct S { a: *const u8 }\n",
        expect [("auto-trait-impl-removed", "major", "S"), ("auto-trait-impl-removed", "major", "S")];
    trait_impl_added: "pub struct S;\n" => "#[derive(Debug)]\npub struct S;\n",
        expect [("trait-impl-added", "minor", "S")];
    trait_impl_assoc_type_changed: "pub struct S;\nimpl Iterator for S { type Item = u8; fn next(&mut self) -> Option<u8> { None } }\n" => "pub struct S;\nimpl Iterator for S { type Item = u16; fn next(&mut self) -> Option<u16> { None } }\n",
        expect [("trait-impl-assoc-type-changed", "major", "S")];
    // ---- generics -------------------------------------------------------------------------
    generic_bounds_tightened: "pub fn f<T>(t: T) -> T { t }\npub struct Foo<A> { pub f1: A }\n" => "pub fn f<T: Clone>(t: T) -> T { t }\npub struct Foo<A: Eq> { pub f1: A }\n",
        expect [("generic-bounds-tightened", "major", "f"), ("generic-bounds-tightened", "major", "Foo")];
    generic_bounds_loosened: "pub fn f<T: Clone>(t: T) -> T { t }\npub fn g<T: std::fmt::Debug>(t: &T) {}\n" => "pub fn f<T>(t: T) -> T { t }\npub fn g<T: std::fmt::Debug + ?Sized>(t: &T) {}\n",
        expect [("generic-bounds-loosened", "minor", "f"), ("generic-bounds-loosened", "minor", "g")];
    type_generic_param_added: "pub struct S { pub a: u8, b: () }\n" => "pub struct S<T> { pub a: u8, b: std::marker::PhantomData<T> }\n",
        expect [("type-generic-param-added", "major", "S")];
    type_const_generic_param_added: "pub struct S<T> { pub a: u8, b: std::marker::PhantomData<T> }\n" => "pub struct S<T, const N: usize> { pub a: u8, b: std::marker::PhantomData<[T; N]> }\n",
        expect [("type-generic-param-added", "major", "S")];
    // `Type<'_>` names every lifetime: one more, or one fewer, and it breaks.
    type_lifetime_params_added: "pub struct S<'a> { x: &'a u8 }\n" => "pub struct S<'a, 'b> { x: &'a u8, y: &'b u8 }\n",
        expect [("type-lifetime-params-changed", "major", "S")];
    type_lifetime_params_removed: "pub enum E<'a> { X(&'a str) }\n" => "pub enum E { X(&'static str) }\n",
        expect [("type-lifetime-params-changed", "major", "E"), ("enum-variant-field-type-changed", "major", "E::X")];
    type_generic_param_added_default: "pub struct S { pub a: u8, b: () }\n" => "pub struct S<T = u8> { pub a: u8, b: std::marker::PhantomData<T> }\n",
        expect [("type-generic-param-added-default", "minor", "S")];
    generic_params_removed: "pub fn f<A, B: Default>(a: A) -> B { B::default() }\n" => "pub fn f<A>(a: A) -> u8 { 0 }\n",
        expect [("generic-params-removed-or-reordered", "major", "f"), ("fn-return-type-changed", "major", "f")];
    generic_params_reordered: "pub fn f<A, B>(a: A, b: B) {}\n" => "pub fn f<B, A>(a: A, b: B) {}\n",
        expect [("generic-params-removed-or-reordered", "major", "f")];
    // ---- trait and impl facts --------------------------------------------------------------
    copy_impl_added: "#[derive(Clone)]\npub struct P(pub u8);\n" => "#[derive(Clone, Copy)]\npub struct P(pub u8);\n",
        expect [("copy-impl-added", "major", "P")];
    sized_no_longer_implemented: "pub struct Buf { pub len: usize, pub data: [u8; 4] }\npub struct Name(pub Box<str>);\n" => "pub struct Buf { pub len: usize, pub data: [u8] }\npub struct Name(pub str);\n",
        expect [("sized-no-longer-implemented", "major", "Buf"), ("sized-no-longer-implemented", "major", "Name"), ("field-type-changed", "major", "Buf"), ("field-type-changed", "major", "Name")];
    trait_generic_params_reordered: "pub trait Convert<A, B> { fn go(&self, a: A) -> B; }\npub trait Sized2<const N: usize, T> {}\n" => "pub trait Convert<B, A> { fn go(&self, a: A) -> B; }\npub trait Sized2<T, const N: usize> {}\n",
        expect [("trait-generic-params-reordered", "major", "Convert"), ("trait-generic-params-reordered", "major", "Sized2")];
    trait_lifetime_params_changed: "pub trait Parse<'a> { fn parse(&self, s: &'a str); }\n" => "pub trait Parse<'a, 'b> { fn parse(&self, s: &'a str, t: &'b str); }\n",
        expect [("trait-lifetime-params-changed", "major", "Parse"), ("trait-item-signature-changed", "major", "Parse::parse")];
    // ---- statics ---------------------------------------------------------------------------
    static_made_unsafe: "pub static LIMIT: u32 = 8;\n" => "unsafe extern \"C\" { pub static LIMIT: u32; }\n",
        expect [("static-made-unsafe", "major", "LIMIT")];
    static_declared_safe_in_an_extern_block: "pub static LIMIT: u32 = 8;\n" => "unsafe extern \"C\" { pub safe static LIMIT: u32; }\n",
        expect [];
    // ---- target features -------------------------------------------------------------------
    fn_target_feature_added: "pub fn sum(v: &[u32]) -> u32 { v.iter().sum() }\npub struct S;\nimpl S { pub fn go(&self) {} }\npub unsafe fn raw() {}\npub trait Fast { unsafe fn go(&self) {} }\n" => "#[target_feature(enable = \"avx2\")]\npub fn sum(v: &[u32]) -> u32 { v.iter().sum() }\npub struct S;\nimpl S { #[target_feature(enable = \"avx2\", enable = \"fma\")] pub fn go(&self) {} }\n#[target_feature(enable = \"sse4.2\")]\npub unsafe fn raw() {}\npub trait Fast { #[target_feature(enable = \"avx2\")] unsafe fn go(&self) {} }\n",
        expect [("fn-target-feature-added", "major", "sum"), ("fn-target-feature-added", "major", "S::go"), ("fn-target-feature-added", "major", "raw"), ("fn-target-feature-added", "major", "Fast::go")];
    fn_target_feature_removed: "#[target_feature(enable = \"avx2\")]\npub fn sum(v: &[u32]) -> u32 { v.iter().sum() }\n" => "pub fn sum(v: &[u32]) -> u32 { v.iter().sum() }\n",
        expect [];
    // ---- exported symbols: ABI, public or not ------------------------------------------------
    // Exported methods are symbols like exported functions.
    exported_method_renamed_and_abi_changed: "pub struct S;\nimpl S {\n    #[export_name = \"s_start\"]\n    pub extern \"C\" fn start() {}\n    #[no_mangle]\n    pub extern \"C\" fn s_stop() {}\n}\n" => "pub struct S;\nimpl S {\n    #[export_name = \"s_begin\"]\n    pub extern \"C\" fn start() {}\n    #[no_mangle]\n    pub extern \"C-unwind\" fn s_stop() {}\n}\n",
        expect [("export-removed", "major", ""), ("export-abi-changed", "major", ""), ("fn-abi-changed", "major", "S::s_stop")];
    export_removed: "#[no_mangle]\npub extern \"C\" fn ffi_init() {}\n#[no_mangle]\nextern \"C\" fn ffi_private(x: u32) -> u32 { x }\n" => "pub extern \"C\" fn ffi_init() {}\n#[allow(dead_code)]\nextern \"C\" fn ffi_private(x: u32) -> u32 { x }\n",
        expect [("export-removed", "major", ""), ("export-removed", "major", "")];
    export_renamed: "#[export_name = \"v1_init\"]\npub extern \"C\" fn init() {}\n" => "#[export_name = \"v2_init\"]\npub extern \"C\" fn init() {}\n",
        expect [("export-removed", "major", "")];
    export_abi_changed: "#[no_mangle]\npub extern \"C\" fn run() {}\n#[no_mangle]\nextern \"C\" fn hidden_run() {}\n" => "#[no_mangle]\npub extern \"C-unwind\" fn run() {}\n#[no_mangle]\nfn hidden_run() {}\n",
        expect [("export-abi-changed", "major", ""), ("export-abi-changed", "major", ""), ("fn-abi-changed", "major", "run")];
    export_params_changed: "#[no_mangle]\nextern \"C\" fn add(a: u32, b: u32) -> u32 { a + b }\n" => "#[no_mangle]\nextern \"C\" fn add(a: u32, b: u32, c: u32) -> u32 { a + b + c }\n",
        expect [("export-params-changed", "major", "")];
    export_return_changed: "#[no_mangle]\nextern \"C\" fn tick() {}\n#[no_mangle]\nextern \"C\" fn count() -> u32 { 0 }\n" => "#[no_mangle]\nextern \"C\" fn tick() -> u32 { 0 }\n#[no_mangle]\nextern \"C\" fn count() {}\n",
        expect [("export-return-changed", "major", ""), ("export-return-changed", "major", "")];
    export_target_feature_added: "#[no_mangle]\nextern \"C\" fn fast() {}\n" => "#[no_mangle]\n#[target_feature(enable = \"avx2\")]\nunsafe extern \"C\" fn fast() {}\n",
        expect [("export-target-feature-added", "major", "")];
    export_static_changed: "#[no_mangle]\nstatic mut COUNTER: u32 = 0;\n" => "#[no_mangle]\nstatic COUNTER: u32 = 0;\n",
        expect [("export-static-changed", "major", "")];
    // The neighbour: the Rust signature changes, the C ABI (arity, return, ABI string) does not.
    export_rust_signature_changed_c_abi_same: "#[no_mangle]\nextern \"C\" fn f(x: u32) -> u32 { x }\n" => "#[no_mangle]\nextern \"C\" fn f(x: i32) -> i32 { x }\n",
        expect [];
    // ---- functions ------------------------------------------------------------------------
    fn_params_changed: "pub fn foo() {}\n" => "pub fn foo(x: i32) { let _ = x; }\n",
        expect [("fn-params-changed", "major", "foo")];
    fn_param_type_changed: "pub fn f(a: u8) {}\n" => "pub fn f(a: u16) {}\n",
        expect [("fn-param-type-changed", "major", "f")];
    fn_generalize_compatible: "pub fn foo(x: u8) -> u8 { x }\n" => "pub fn foo<T: Into<u8>>(x: T) -> u8 { x.into() }\n",
        expect [("fn-generalize-compatible", "minor", "foo"), ("fn-generic-param-added", "minor", "foo")];
    fn_generalize_mismatch: "pub fn foo(v: Vec<u8>) { let _ = v; }\n" => "pub fn foo<T: Copy + IntoIterator<Item = u8>>(v: T) { let _ = v; }\n",
        expect [("fn-param-type-changed", "major", "foo"), ("fn-generic-param-added", "minor", "foo")];
    fn_return_type_changed: "pub fn f() -> u8 { 0 }\n" => "pub fn f() -> u16 { 0 }\n",
        expect [("fn-return-type-changed", "major", "f")];
    fn_receiver_changed: "pub struct S;\nimpl S { pub fn f(&self) {} }\n" => "pub struct S;\nimpl S { pub fn f(&mut self) {} }\n",
        expect [("fn-receiver-changed", "major", "S::f")];
    // (An inferred new parameter is possibly breaking only: `fn_generalize_compatible`.)
    // No argument or return type names the new parameter: no existing call can infer it.
    fn_generic_param_not_inferable: "pub fn foo() {}\npub fn bar<A>(a: A) {}\npub struct S;\nimpl S { pub fn m(&self) {} }\n" => "pub fn foo<T: Copy + std::fmt::Debug>() {}\npub fn bar<A, const N: usize>(a: A) {}\npub struct S;\nimpl S { pub fn m<const N: usize>(&self) {} }\n",
        expect [("fn-generic-param-not-inferable", "major", "foo"), ("fn-generic-param-not-inferable", "major", "bar"), ("fn-generic-param-not-inferable", "major", "S::m")];
    fn_const_removed: "pub const fn f() -> u8 { 1 }\n" => "pub fn f() -> u8 { 1 }\n",
        expect [("fn-const-removed", "major", "f")];
    fn_const_added: "pub fn f() -> u8 { 1 }\n" => "pub const fn f() -> u8 { 1 }\n",
        expect [("fn-const-added", "minor", "f")];
    fn_unsafe_added: "pub fn f() {}\n" => "/// # Safety\n/// Never.\npub unsafe fn f() {}\n",
        expect [("fn-unsafe-added", "major", "f")];
    fn_unsafe_removed: "/// # Safety\n/// Never.\npub unsafe fn f() {}\n" => "pub fn f() {}\n",
        expect [("fn-unsafe-removed", "minor", "f")];
    fn_abi_changed: "pub extern \"C\" fn f() {}\n" => "pub fn f() {}\n",
        expect [("fn-abi-changed", "major", "f")];
    // `async` is the return type `impl Future<Output = u8>`: the return type changed.
    fn_async_changed: "pub fn f() -> u8 { 1 }\n" => "pub async fn f() -> u8 { 1 }\n",
        expect [("fn-return-type-changed", "major", "f")];
    fn_variadic_changed: "extern \"C\" { pub fn f(x: i32, ...); }\n" => "extern \"C\" { pub fn f(x: i32); }\n",
        expect [("fn-variadic-changed", "major", "f")];
    // ---- aliases, consts, statics, macros -------------------------------------------------
    type_alias_retargeted: "pub type A = u8;\n" => "pub type A = u16;\n",
        expect [("type-alias-retargeted", "major", "A")];
    const_type_changed: "pub const C: u8 = 1;\npub struct S;\nimpl S { pub const D: u8 = 1; }\n" => "pub const C: u16 = 1;\npub struct S;\nimpl S { pub const D: u16 = 1; }\n",
        expect [("const-type-changed", "major", "C"), ("const-type-changed", "major", "S::D")];
    static_type_changed: "pub static S: u8 = 1;\n" => "pub static S: u16 = 1;\n",
        expect [("static-type-changed", "major", "S")];
    static_mut_changed: "pub static S: u8 = 1;\n" => "pub static mut S: u8 = 1;\n",
        expect [("static-mut-changed", "major", "S")];
    proc_macro_kind_changed: "use proc_macro::TokenStream;\n#[proc_macro]\npub fn m(i: TokenStream) -> TokenStream { i }\n" => "use proc_macro::TokenStream;\n#[proc_macro_attribute]\npub fn m(_a: TokenStream, i: TokenStream) -> TokenStream { i }\n",
        manifest: "[lib]\nproc-macro = true\n" => "[lib]\nproc-macro = true\n",
        expect [("proc-macro-kind-changed", "major", "m")];
    derive_helper_removed: "use proc_macro::TokenStream;\n#[proc_macro_derive(D, attributes(a, b))]\npub fn d(_i: TokenStream) -> TokenStream { TokenStream::new() }\n" => "use proc_macro::TokenStream;\n#[proc_macro_derive(D, attributes(a))]\npub fn d(_i: TokenStream) -> TokenStream { TokenStream::new() }\n",
        manifest: "[lib]\nproc-macro = true\n" => "[lib]\nproc-macro = true\n",
        expect [("derive-helper-removed", "major", "D")];
    // ---- attributes -----------------------------------------------------------------------
    non_exhaustive_added: "pub struct S { pub a: u8 }\npub enum E { A }\npub enum V { X { a: u8 } }\n" => "#[non_exhaustive]\npub struct S { pub a: u8 }\n#[non_exhaustive]\npub enum E { A }\npub enum V { #[non_exhaustive] X { a: u8 } }\n",
        expect [("non-exhaustive-added", "major", "S"), ("non-exhaustive-added", "major", "E"), ("non-exhaustive-added", "major", "V::X")];
    non_exhaustive_added_with_private_fields: "pub struct S { pub a: u8, b: u8 }\n" => "#[non_exhaustive]\npub struct S { pub a: u8, b: u8 }\n",
        expect [];
    deprecated_added: "pub fn f() {}\n" => "#[deprecated]\npub fn f() {}\n",
        expect [("deprecated-added", "minor", "f")];
    must_use_added: "pub fn f() -> u8 { 0 }\n" => "#[must_use]\npub fn f() -> u8 { 0 }\n",
        expect [("must-use-added", "minor", "f")];
    // ---- Cargo ----------------------------------------------------------------------------
    cargo_feature_removed: "" => "",
        manifest: "[features]\nlogging = []\n" => "",
        expect [("cargo-feature-removed", "major", "")];
    cargo_feature_no_longer_default: "" => "",
        manifest: "[features]\ndefault = [\"std\"]\nstd = []\n" => "[features]\ndefault = []\nstd = []\n",
        expect [("cargo-feature-no-longer-default", "major", "")];
    cargo_feature_no_longer_enables: "" => "",
        manifest: "[features]\nfull = [\"a\", \"b\"]\na = []\nb = []\n" => "[features]\nfull = [\"a\"]\na = []\nb = []\n",
        expect [("cargo-feature-no-longer-enables", "major", "")];
    cargo_feature_added: "" => "",
        manifest: "" => "[features]\nextra = []\n",
        expect [("cargo-feature-added", "minor", "")];
    cargo_optional_dependency_removed: "" => "",
        manifest: "[dependencies]\nhelper = { path = \"../helper\", optional = true }\n" => "",
        expect [("cargo-optional-dependency-removed", "major", "")];
    cargo_implicit_feature_now_dep_only: "" => "",
        manifest: "[dependencies]\nhelper = { path = \"../helper\", optional = true }\n" => "[dependencies]\nhelper = { path = \"../helper\", optional = true }\n\n[features]\nhelp = [\"dep:helper\"]\n",
        expect [("cargo-optional-dependency-removed", "major", ""), ("cargo-feature-added", "minor", "")];
    cargo_feature_renamed: "" => "",
        manifest: "[features]\nlog = []\n" => "[features]\nlogging = []\n",
        expect [("cargo-feature-removed", "major", ""), ("cargo-feature-added", "minor", "")];
    // Neighbours: an explicit feature replaces the implicit one; unstable-looking names are not API.
    cargo_implicit_feature_replaced_by_explicit: "" => "",
        manifest: "[dependencies]\nhelper = { path = \"../helper\", optional = true }\n" => "[dependencies]\nhelper = { path = \"../helper\", optional = true }\n\n[features]\nhelper = [\"dep:helper\"]\n",
        expect [];
    cargo_unstable_features_are_not_api: "" => "",
        manifest: "[features]\nunstable-simd = []\nnightly = []\nbench-internals = []\n_private = []\n" => "[features]\nunstable_next = []\n",
        expect [];
    public_dependency_series_changed: "pub fn take(t: ext::Thing) { let _ = t; }\n" => "pub fn take(t: ext::Thing) { let _ = t; }\n",
        manifest: "[dependencies]\next = { path = \"../../ext-0.1.0\", version = \"0.1.0\" }\n" => "[dependencies]\next = { path = \"../../ext-0.2.0\", version = \"0.2.0\" }\n",
        expect [("public-dependency-series-changed", "major", "")];
    private_dependency_series_changed: "pub fn take() { let _ = ext::Thing; }\n" => "pub fn take() { let _ = ext::Thing; }\n",
        manifest: "[dependencies]\next = { path = \"../../ext-0.1.0\", version = \"0.1.0\" }\n" => "[dependencies]\next = { path = \"../../ext-0.2.0\", version = \"0.2.0\" }\n",
        expect [];
    // Whether `helper::Owned` implies `helper::Read<'de>` is the other crate's to say: probably
    // not breaking (it does, here).
    bound_replaced_by_another_crate_s_trait: "pub fn from_str<T: helper::Owned>(s: &str) -> Option<T> { let _ = s; None }\n" => "pub fn from_str<'de, T: helper::Read<'de>>(s: &'de str) -> Option<T> { let _ = s; None }\n",
        manifest: "[dependencies]\nhelper = { path = \"../helper\" }\n" => "[dependencies]\nhelper = { path = \"../helper\" }\n",
        expect [("generic-bounds-replaced", "minor", "from_str")];
    // Counter: `helper::Other` is not implied by `helper::Owned`: minor as written, major once
    // `--prove`'s witness fails against the current source (see `proofs`).
    bound_replaced_by_an_unrelated_trait_of_another_crate: "pub fn from_str<T: helper::Owned>(s: &str) -> Option<T> { let _ = s; None }\n" => "pub fn from_str<T: helper::Other>(s: &str) -> Option<T> { let _ = s; None }\n",
        manifest: "[dependencies]\nhelper = { path = \"../helper\" }\n" => "[dependencies]\nhelper = { path = \"../helper\" }\n",
        expect [("generic-bounds-replaced", "minor", "from_str")];
    // A bound the old ones imply through a supertrait asks nothing new.
    bound_implied_by_a_supertrait: "pub fn f<T: Copy>(t: T) -> T { t }\npub fn g<T: Ord>(t: T) -> T { t }\n" => "pub fn f<T: Copy + Clone>(t: T) -> T { t }\npub fn g<T: Ord + PartialEq>(t: T) -> T { t }\n",
        expect [];
    // Counter: a standard trait the old bound does not imply.
    bound_replaced_by_a_stronger_standard_one: "pub fn f<T: Clone>(t: T) -> T { t }\n" => "pub fn f<T: Copy>(t: T) -> T { t }\n",
        expect [("generic-bounds-tightened", "major", "f")];
    // ---- equivalent rewrites: no finding --------------------------------------------------
    // A generic impl that covers the old concrete one: every old use compiles at the old
    // instantiation (the generic impls are additions).
    generic_impl_covering_the_concrete_one: "#[derive(Clone)]\npub struct Value(pub i64);\npub struct Map<K, V>(Vec<(K, V)>);\nimpl Map<String, Value> {\n    pub fn new() -> Self { Map(Vec::new()) }\n    pub fn get(&self, key: &str) -> Option<&Value> { let _ = key; self.0.first().map(|e| &e.1) }\n    pub fn insert(&mut self, k: String, v: Value) -> Option<Value> { self.0.push((k, v)); None }\n}\nimpl Clone for Map<String, Value> { fn clone(&self) -> Self { Map(self.0.clone()) } }\n" => "#[derive(Clone)]\npub struct Value(pub i64);\npub struct Map<K, V>(Vec<(K, V)>);\nimpl<K, V> Map<K, V> {\n    pub fn new() -> Self { Map(Vec::new()) }\n    pub fn get(&self, key: &str) -> Option<&V> { let _ = key; self.0.first().map(|e| &e.1) }\n    pub fn insert(&mut self, k: K, v: V) -> Option<V> { self.0.push((k, v)); None }\n}\nimpl<K: Clone, V: Clone> Clone for Map<K, V> { fn clone(&self) -> Self { Map(self.0.clone()) } }\n",
        expect [("trait-impl-added", "minor", "Map")];
    // A type that gained parameters is one break, on the type: its mentions with the new
    // arguments, and its impls and methods at them, name what the old ones named.
    type_gained_parameters_mentions_follow: "pub struct Value;\npub struct Map<K, V>(Vec<(K, V)>);\npub struct Iter<'a>(std::slice::Iter<'a, (String, Value)>);\nimpl Map<String, Value> { pub fn iter(&self) -> Iter<'_> { Iter(self.0.iter()) } }\nimpl<'a> Iter<'a> { pub fn peek_key(&self) -> Option<&'a String> { self.0.as_slice().first().map(|e| &e.0) } }\nimpl<'a> Iterator for Iter<'a> { type Item = &'a (String, Value); fn next(&mut self) -> Option<Self::Item> { self.0.next() } }\n" => "pub struct Value;\npub struct Map<K, V>(Vec<(K, V)>);\npub struct Iter<'a, K, V>(std::slice::Iter<'a, (K, V)>);\nimpl<K, V> Map<K, V> { pub fn iter(&self) -> Iter<'_, K, V> { Iter(self.0.iter()) } }\nimpl<'a, K: Ord, V> Iter<'a, K, V> { pub fn peek_key(&self) -> Option<&'a K> { self.0.as_slice().first().map(|e| &e.0) } }\nimpl<'a, K, V> Iterator for Iter<'a, K, V> { type Item = &'a (K, V); fn next(&mut self) -> Option<Self::Item> { self.0.next() } }\n",
        expect [("type-generic-param-added", "major", "Iter"), ("type-generic-param-added", "major", "Iter")];
    // Counter: the old type does not meet the generic impl's bound (`Opaque` is not `Clone`).
    generic_impl_not_covering_the_concrete_one: "pub struct Opaque;\npub struct Map<K, V>(Vec<(K, V)>);\nimpl Clone for Map<String, Opaque> { fn clone(&self) -> Self { Map(Vec::new()) } }\n" => "pub struct Opaque;\npub struct Map<K, V>(Vec<(K, V)>);\nimpl<K: Clone, V: Clone> Clone for Map<K, V> { fn clone(&self) -> Self { Map(self.0.clone()) } }\n",
        expect [("trait-impl-removed", "major", "Map"), ("trait-impl-added", "minor", "Map")];
    self_in_an_impl_s_bounds: "pub struct Value(pub usize);\nimpl<V: Into<Value>> From<Vec<V>> for Value { fn from(v: Vec<V>) -> Self { Value(v.len()) } }\n" => "pub struct Value(pub usize);\nimpl<V: Into<Self>> From<Vec<V>> for Value { fn from(v: Vec<V>) -> Self { Value(v.len()) } }\n",
        expect [];
    same_items_reordered: "pub fn a() {}\npub struct B { pub x: u8 }\npub fn c() {}\n" => "pub fn c() {}\npub fn a() {}\npub struct B { pub x: u8 }\n",
        expect [];
    params_renamed: "pub fn f(interface: &str, operation: &str) {}\npub trait T { fn g(&self, a: u8); }\n" => "pub fn f(name: &str, op: &str) {}\npub trait T { fn g(&self, b: u8); }\n",
        expect [];
    bounds_inline_or_where: "pub fn f<T: Clone + Send>(t: T) -> T { t }\npub struct S<T: Copy>(pub T);\n" => "pub fn f<T>(t: T) -> T where T: Send, T: Clone { t }\npub struct S<T>(pub T) where T: Copy;\n",
        expect [];
    item_moved_keeping_paths: "pub struct Config { pub name: String }\nimpl Config { pub fn new() -> Config { Config { name: String::new() } } }\n" => "mod config {\n    pub struct Config { pub name: String }\n    impl Config { pub fn new() -> Self { Config { name: String::new() } } }\n}\npub use config::Config;\n",
        expect [];
    private_items_changed: "pub fn f() -> u8 { helper() }\nfn helper() -> u8 { 1 }\npub struct S { pub a: u8, b: u8 }\n" => "pub fn f() -> u8 { other(2) }\nfn other(x: u8) -> u8 { x }\npub struct S { pub a: u8, b: u16, c: () }\n",
        expect [];
    doc_comments_changed: "/// One.\npub fn f() {}\n" => "/// Two, longer.\n///\n/// With an example.\npub fn f() {}\n",
        expect [];
    default_repr_fields_reordered: "pub struct S { pub a: u8, pub b: u16 }\n" => "pub struct S { pub b: u16, pub a: u8 }\n",
        expect [];
    generic_params_renamed: "pub struct W<'a, T>(pub &'a T);\nimpl<'a, T> W<'a, T> { pub fn get(&self) -> &'a T { self.0 } }\npub fn f<T: Clone>(t: T) -> T { t }\n" => "pub struct W<'h, U>(pub &'h U);\nimpl<'h, U> W<'h, U> { pub fn get(&self) -> &'h U { self.0 } }\npub fn f<X: Clone>(t: X) -> X { t }\n",
        expect [];
    lifetimes_elided_or_named: "pub struct It<'a>(&'a [u8]);\nimpl<'a> It<'a> { pub fn new(s: &[u8]) -> It<'_> { It(s) } }\npub fn first(s: &str) -> &str { s }\n" => "pub struct It<'h>(&'h [u8]);\nimpl<'h> It<'h> { pub fn new(s: &'h [u8]) -> It<'h> { It(s) } }\npub fn first<'s>(s: &'s str) -> &'s str { s }\n",
        expect [];
    non_exhaustive_replacing_a_hidden_variant: "pub enum E { A, #[doc(hidden)] __Nonexhaustive }\n" => "#[non_exhaustive]\npub enum E { A }\n",
        expect [];
    hidden_items_changed: "#[doc(hidden)]\npub fn internal(a: u8) {}\npub fn f() {}\n" => "#[doc(hidden)]\npub fn internal(a: u16, b: u8) {}\npub fn f() {}\n",
        expect [];
    async_fn_written_as_impl_future: "pub async fn f() -> u8 { 1 }\npub struct S;\nimpl S { pub async fn m(&self) -> u8 { 0 } }\n" => "pub fn f() -> impl std::future::Future<Output = u8> { async { 1 } }\npub struct S;\nimpl S { pub fn m(&self) -> impl std::future::Future<Output = u8> + '_ { async move { 0 } } }\n",
        expect [];
    impl_future_written_as_async_fn: "pub fn f() -> impl core::future::Future<Output = u8> { async { 1 } }\n" => "pub async fn f() -> u8 { 1 }\n",
        expect [];
    // Counter: the `Send` the signature promised is gone.
    impl_future_send_lost_by_async_fn: "pub fn f() -> impl std::future::Future<Output = u8> + Send { async { 1 } }\n" => "pub async fn f() -> u8 { 1 }\n",
        expect [("fn-return-type-changed", "major", "f")];
    supertrait_written_as_where_clause: "pub trait B {}\npub trait A: B {}\n" => "pub trait B {}\npub trait A where Self: B {}\n",
        expect [];
    // Counter: a supertrait gained through a where clause is still gained.
    supertrait_added_as_where_clause: "pub trait B {}\npub trait A {}\n" => "pub trait B {}\npub trait A where Self: B {}\n",
        expect [("trait-supertrait-added", "major", "A")];
    renamed_keeping_the_old_path: "pub struct Old;\nimpl Old { pub fn get(&self) -> u8 { 0 } }\n" => "pub struct New;\nimpl New { pub fn get(&self) -> u8 { 0 } }\npub use New as Old;\n",
        expect [("item-added", "minor", "New")];
    // Counter: the old path is gone.
    renamed_without_the_old_path: "pub struct Old;\nimpl Old { pub fn get(&self) -> u8 { 0 } }\n" => "pub struct New;\nimpl New { pub fn get(&self) -> u8 { 0 } }\n",
        expect [("item-renamed", "major", "Old")];
    underscore_reexport_removed: "pub mod m { pub trait T {} }\npub use m::T as _;\npub use std::fmt::Write as _;\n" => "pub mod m { pub trait T {} }\n",
        expect [];
    hidden_impl_block_items_removed: "pub struct S;\n#[doc(hidden)]\nimpl S { pub fn internal(&self) {} pub const K: u8 = 1; }\n" => "pub struct S;\n",
        expect [];
    // Counter: a visible impl block's items are API.
    impl_block_items_removed: "pub struct S;\nimpl S { pub fn internal(&self) {} }\n" => "pub struct S;\n",
        expect [("item-removed", "major", "S::internal")];
    variant_unhidden: "pub enum E { A, #[doc(hidden)] B }\n" => "pub enum E { A, B }\n",
        expect [("item-unhidden", "minor", "E::B")];
    deprecated_item_made_hidden: "#[deprecated]\npub struct S { pub a: u8 }\nimpl S { pub fn get(&self) -> u8 { self.a } }\nimpl Clone for S { fn clone(&self) -> S { S { a: self.a } } }\n" => "#[deprecated]\n#[doc(hidden)]\npub struct S { pub a: u8 }\nimpl S { pub fn get(&self) -> u8 { self.a } }\nimpl Clone for S { fn clone(&self) -> S { S { a: self.a } } }\n",
        expect [];
    deprecated_and_hidden_at_once: "pub struct S { pub a: u8 }\nimpl Clone for S { fn clone(&self) -> S { S { a: self.a } } }\n" => "#[deprecated]\n#[doc(hidden)]\npub struct S { pub a: u8 }\nimpl Clone for S { fn clone(&self) -> S { S { a: self.a } } }\n",
        expect [("deprecated-added", "minor", "S")];
    static_made_const: "pub static X: u8 = 1;\n" => "pub const X: u8 = 1;\n",
        expect [("static-made-const", "minor", "X")];
    // Counter: a const made a static cannot be used in const contexts any more.
    const_made_static: "pub const X: u8 = 1;\n" => "pub static X: u8 = 1;\n",
        expect [("item-kind-changed", "major", "X")];
    // An inherent method gone where a prelude trait's method of the same name and signature
    // answers every call (`x.into_iter()`, `S::into_iter(x)`): the trait's impl existed already.
    inherent_methods_replaced_by_prelude_trait_methods: "pub struct S(Vec<u8>);\nimpl S { pub fn into_iter(self) -> std::vec::IntoIter<u8> { self.0.into_iter() } pub fn clone(&self) -> Self { S(self.0.clone()) } pub fn as_ref(&self) -> &[u8] { &self.0 } }\nimpl IntoIterator for S { type Item = u8; type IntoIter = std::vec::IntoIter<u8>; fn into_iter(self) -> Self::IntoIter { self.0.into_iter() } }\nimpl Clone for S { fn clone(&self) -> S { S(self.0.clone()) } }\nimpl AsRef<[u8]> for S { fn as_ref(&self) -> &[u8] { &self.0 } }\npub struct It;\nimpl It { pub fn next(&mut self) -> Option<u8> { None } pub fn len(&self) -> usize { 0 } }\nimpl Iterator for It { type Item = u8; fn next(&mut self) -> Option<u8> { None } }\nimpl ExactSizeIterator for It {}\npub struct W<T>(Vec<T>);\nimpl<T> W<T> { pub fn into_iter(self) -> std::vec::IntoIter<T> { self.0.into_iter() } }\nimpl<T> IntoIterator for W<T> { type Item = T; type IntoIter = std::vec::IntoIter<T>; fn into_iter(self) -> Self::IntoIter { self.0.into_iter() } }\n" => "pub struct S(Vec<u8>);\nimpl IntoIterator for S { type Item = u8; type IntoIter = std::vec::IntoIter<u8>; fn into_iter(self) -> Self::IntoIter { self.0.into_iter() } }\nimpl Clone for S { fn clone(&self) -> S { S(self.0.clone()) } }\nimpl AsRef<[u8]> for S { fn as_ref(&self) -> &[u8] { &self.0 } }\npub struct It;\nimpl Iterator for It { type Item = u8; fn next(&mut self) -> Option<u8> { None } }\nimpl ExactSizeIterator for It {}\npub struct W<T>(Vec<T>);\nimpl<T> IntoIterator for W<T> { type Item = T; type IntoIter = std::vec::IntoIter<T>; fn into_iter(self) -> Self::IntoIter { self.0.into_iter() } }\n",
        expect [];
    // The same, the trait's impl new: only the impl is found (an addition).
    inherent_method_turned_into_a_prelude_trait_impl: "pub struct S;\nimpl S { pub fn default() -> S { S } pub fn eq(&self, other: &S) -> bool { true } }\n" => "pub struct S;\nimpl Default for S { fn default() -> S { S } }\nimpl PartialEq for S { fn eq(&self, other: &S) -> bool { true } }\n",
        expect [("trait-impl-added", "minor", "S"), ("trait-impl-added", "minor", "S")];
    // Counter: the crate's own trait must be imported to call the method.
    inherent_method_moved_to_an_own_trait: "pub struct S;\nimpl S { pub fn into_iter(self) -> std::vec::IntoIter<u8> { Vec::new().into_iter() } }\n" => "pub struct S;\npub trait Iterable { fn into_iter(self) -> std::vec::IntoIter<u8>; }\nimpl Iterable for S { fn into_iter(self) -> std::vec::IntoIter<u8> { Vec::new().into_iter() } }\n",
        expect [("item-removed", "major", "S::into_iter"), ("item-added", "minor", "Iterable"), ("trait-impl-added", "minor", "S")];
    // Counter: the prelude trait's method returns another type.
    inherent_method_replaced_by_a_prelude_trait_method_of_another_type: "pub struct S;\nimpl S { pub fn into_iter(self) -> std::vec::IntoIter<u8> { Vec::new().into_iter() } }\n" => "pub struct S;\nimpl IntoIterator for S { type Item = u16; type IntoIter = std::vec::IntoIter<u16>; fn into_iter(self) -> Self::IntoIter { Vec::new().into_iter() } }\n",
        expect [("item-removed", "major", "S::into_iter"), ("trait-impl-added", "minor", "S")];
    // A projection on a concrete impl is the type the impl names, either way round.
    projection_written_as_its_type: "pub struct P;\npub trait Tr { type Out; }\nimpl Tr for P { type Out = u32; }\npub fn f() -> <P as Tr>::Out { 0 }\npub fn g(x: Option<u32>) {}\n" => "pub struct P;\npub trait Tr { type Out; }\nimpl Tr for P { type Out = u32; }\npub fn f() -> u32 { 0 }\npub fn g(x: Option<<P as Tr>::Out>) {}\n",
        expect [];
    // Counter: the projection names another type.
    projection_of_another_type: "pub struct P;\npub trait Tr { type Out; }\nimpl Tr for P { type Out = u64; }\npub fn f() -> u32 { 0 }\n" => "pub struct P;\npub trait Tr { type Out; }\nimpl Tr for P { type Out = u64; }\npub fn f() -> <P as Tr>::Out { 0 }\n",
        expect [("fn-return-type-changed", "major", "f")];
    feature_dep_entry_renamed: "" => "",
        manifest: "[dependencies]\nhelper = { path = \"../helper\", optional = true }\next = { path = \"../../ext-0.1.0\", optional = true }\n\n[features]\nx = [\"dep:helper\"]\nrest = [\"dep:ext\"]\n" => "[dependencies]\nhelper = { path = \"../helper\", optional = true }\next = { path = \"../../ext-0.2.0\", optional = true }\n\n[features]\nx = [\"dep:ext\"]\nrest = [\"dep:helper\"]\n",
        expect [];
}

/// Every rule has a case here, and every rule's anchor is a section of the SemVer chapter that
/// ships with the toolchain.
#[test]
fn every_rule_is_exercised_and_anchored_in_the_chapter() {
    let covered: std::collections::BTreeSet<&str> =
        CASES.iter().flat_map(|c| c.expect.iter().map(|(r, _, _)| *r)).collect();
    let missing: Vec<&str> =
        cargo_atomic::diff::RULES.iter().map(|r| r.id).filter(|id| !covered.contains(id)).collect();
    assert!(missing.is_empty(), "rules without a fixture case: {missing:?}");

    let sysroot = std::process::Command::new("rustc").args(["--print", "sysroot"]).output().unwrap();
    let sysroot = String::from_utf8(sysroot.stdout).unwrap();
    let chapter = std::path::Path::new(sysroot.trim()).join("share/doc/rust/html/cargo/reference/semver.html");
    let Ok(html) = std::fs::read_to_string(&chapter) else {
        eprintln!("the toolchain's docs are not installed ({}); anchors not checked", chapter.display());
        return;
    };
    for rule in cargo_atomic::diff::RULES {
        assert!(
            html.contains(&format!("id=\"{}\"", rule.anchor)),
            "{}: no section #{} in the chapter",
            rule.id,
            rule.anchor
        );
    }
    for case in CASES {
        for (rule, bump, _) in case.expect {
            let r = cargo_atomic::diff::RULES
                .iter()
                .find(|r| r.id == *rule)
                .unwrap_or_else(|| panic!("unknown rule {rule}"));
            assert_eq!(r.bump.name(), *bump, "{}: {rule} is {}", case.name, r.bump);
        }
    }
}

/// Major findings of rules with a witness generator for which no faithful witness exists, with
/// the reason (their verdict must be `none`, never `unproven`).
const NO_WITNESS: &[(&str, &str, &str)] = &[
    (
        "fn_target_feature_added",
        "raw",
        "on an `unsafe fn` a target feature is a safety precondition the compiler does not see",
    ),
    ("fn_target_feature_added", "Fast::go", "the same, on an unsafe trait method"),
    ("impl_future_send_lost_by_async_fn", "f", "auto traits leak through `impl Trait`: the future is still `Send`"),
    ("generic_params_reordered", "f", "a reorder keeps the number of parameters; only removals are witnessed"),
];

/// `(crate, rule, path, verdict, error)`.
type Proof = (String, String, String, String, String);

/// The proof of every major finding, from one `diff --prove` run over the same workspaces as
/// [`outcome`].
fn proofs() -> &'static Vec<Proof> {
    static PROOFS: OnceLock<Vec<Proof>> = OnceLock::new();
    PROOFS.get_or_init(|| {
        outcome();
        let doc = diff_json(&Project::kept("rules"), &["--prove"]);
        let mut out = Vec::new();
        for krate in doc["crates"].as_array().unwrap() {
            let name = krate["package"].as_str().unwrap();
            for f in krate["findings"].as_array().unwrap() {
                let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
                // A replaced bound is minor until its witness decides; decided, it is major.
                if f["rule"] == "generic-bounds-replaced" {
                    let expected = match name {
                        "bound_replaced_by_another_crate_s_trait" => ("minor", "unproven"),
                        _ => ("major", "proven"),
                    };
                    assert_eq!((s(&f["bump"]).as_str(), s(&f["proof"]["verdict"]).as_str()), expected, "{name}: {f}");
                }
                if f["bump"] != "major" {
                    assert!(
                        f.get("proof").is_none() || f["rule"] == "generic-bounds-replaced",
                        "{name}: a minor finding has a proof: {f}"
                    );
                    continue;
                }
                let (name, path) = attribute(name, &s(&f["path"])).expect("every finding belongs to a case");
                let path = path.strip_prefix(&format!("{name}::")).unwrap_or_default().to_string();
                let verdict = s(&f["proof"]["verdict"]);
                let error = s(&f["proof"]["error"]);
                out.push((name.to_string(), s(&f["rule"]), path, verdict, error));
            }
        }
        out
    })
}

/// Our own rules, checked by their witnesses: every major finding of a rule that has a generator
/// is proven (compiles against the baseline, fails against the current source) unless listed in
/// [`NO_WITNESS`]; no witness ever compiles on both sides or fails on the baseline; and every
/// generator is exercised by some fixture.
#[test]
fn every_major_rule_fixture_is_proven() {
    let provable = cargo_atomic::prove::PROVABLE;
    let mut wrong = Vec::new();
    let mut proven_rules = std::collections::BTreeSet::new();
    for (krate, rule, path, verdict, error) in proofs() {
        let excused = NO_WITNESS.iter().any(|(c, p, _)| c == krate && p == path);
        let expected = if provable.contains(&rule.as_str()) && !excused { "proven" } else { "none" };
        if verdict == "proven" {
            proven_rules.insert(rule.clone());
        }
        if verdict != expected {
            wrong.push(format!("{krate}: {rule} at `{path}` is {verdict}, expected {expected} ({error})"));
        }
    }
    assert!(wrong.is_empty(), "witness verdicts:\n{}", wrong.join("\n"));
    let unexercised: Vec<&&str> = provable.iter().filter(|r| !proven_rules.contains(**r)).collect();
    assert!(unexercised.is_empty(), "generators no fixture proves: {unexercised:?}");
}
