//! What a rule is: an id, the bump it requires, a summary, the anchor of the Cargo book section,
//! the item kinds it applies to, and a check. The checks see both APIs through [`Ctx`].
//!
//! Every check returns the same kind of detail: one phrase per finding, saying what happened to
//! the item (`gained parameter \`timeout: std::time::Duration\``).

use std::collections::HashMap;

use super::Bump;
use crate::api::{Attrs, Decl, Item, ItemKind, Snapshot};

/// What an item check returns: one phrase per finding, saying what happened to the item
/// (`gained parameter \`timeout: std::time::Duration\``); empty when the rule does not fire.
pub type Details = Vec<String>;

/// One rule of the SemVer chapter.
pub struct Rule {
    pub id: &'static str,
    pub bump: Bump,
    pub summary: &'static str,
    /// Section anchor in the Cargo book's SemVer chapter.
    pub anchor: &'static str,
    /// The item kinds the rule looks at (crate-level rules: [`kinds::CRATE`]).
    pub applies: &'static [ItemKind],
    pub check: Check,
}

impl Rule {
    /// Whether the rule looks at items of this kind.
    pub fn applies_to(&self, kind: ItemKind) -> bool {
        self.applies.contains(&kind)
    }

    /// The details of a finding on a pair (`old`, `new`), a removal (`new` absent) or an
    /// addition (`old` absent).
    pub fn details(&self, ctx: &Ctx, old: Option<&Item>, new: Option<&Item>) -> Details {
        let kinds = old.iter().chain(new.iter()).map(|i| i.decl.kind_name());
        if !kinds.into_iter().any(|k| self.applies_to(k)) {
            return Vec::new();
        }
        match (&self.check, old, new) {
            (Check::Removed(f), Some(o), None) => f(ctx, o),
            (Check::Added(f), None, Some(n)) => f(ctx, n),
            (Check::Changed(f), Some(o), Some(n)) => f(ctx, o, n),
            (Check::Repr(repr, change), Some(o), Some(n)) => repr_details(*repr, *change, &o.attrs, &n.attrs),
            _ => Vec::new(),
        }
    }
}

/// Groups of item kinds rules apply to.
pub mod kinds {
    use crate::api::ItemKind::{self, *};

    /// Every kind of item.
    pub const ANY: &[ItemKind] = ItemKind::ITEMS;
    /// Items that can be imported by path (not members of a type or trait, not impls).
    pub const IMPORTABLE: &[ItemKind] =
        &[Module, Function, Struct, Union, Enum, Trait, TypeAlias, Const, Static, Macro, ProcMacro, ReExport];
    /// Items removal rules report (macros have their own rule; members and impls fold into
    /// their parents).
    pub const REMOVABLE: &[ItemKind] =
        &[Module, Function, Method, AssocConst, Struct, Union, Enum, Trait, TypeAlias, Const, Static, ReExport];
    pub const MACROS: &[ItemKind] = &[Macro, ProcMacro];
    pub const TYPES: &[ItemKind] = &[Struct, Union, Enum];
    pub const STRUCTS: &[ItemKind] = &[Struct, Union];
    pub const VARIANTS: &[ItemKind] = &[Variant];
    pub const TRAITS: &[ItemKind] = &[Trait];
    /// Functions `#[target_feature]` can be put on.
    pub const TARGET_FEATURE_FNS: &[ItemKind] = &[Function, Method, TraitMethod];
    pub const TRAIT_ITEMS: &[ItemKind] = &[TraitMethod, TraitType, TraitConst];
    pub const INHERENT_ITEMS: &[ItemKind] = &[Method, AssocConst];
    pub const IMPLS: &[ItemKind] = &[TraitImpl];
    pub const FUNCTIONS: &[ItemKind] = &[Function, Method];
    /// Items with generic parameters.
    pub const GENERIC: &[ItemKind] =
        &[Function, Method, TraitMethod, Struct, Union, Enum, Trait, TraitType, TypeAlias, TraitImpl];
    pub const TYPE_DEFINITIONS: &[ItemKind] = &[Struct, Union, Enum, TypeAlias];
    pub const ALIASES: &[ItemKind] = &[TypeAlias];
    pub const CONSTS: &[ItemKind] = &[Const, AssocConst];
    pub const STATICS: &[ItemKind] = &[Static];
    pub const PROC_MACROS: &[ItemKind] = &[ProcMacro];
    pub const REEXPORTS: &[ItemKind] = &[ReExport];
    /// Items `#[non_exhaustive]` can be put on.
    pub const NON_EXHAUSTIVE: &[ItemKind] = &[Struct, Enum, Variant];
    /// Crate-level data (Cargo features, exposed dependencies).
    pub const CRATE: &[ItemKind] = &[Crate];
}

/// A representation attribute, as the layout rules compare it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repr {
    /// `repr(C)`.
    C,
    /// `repr(transparent)`.
    Transparent,
    /// A primitive representation of an enum (`repr(u8)`, ...).
    Int,
    /// `repr(packed)` / `repr(packed(N))`.
    Packed,
    /// `repr(align(N))`.
    Align,
}

/// What happened to a [`Repr`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReprChange {
    Gained,
    Lost,
    /// Present on both sides with another argument (`packed(2)` → `packed(4)`, `u8` → `u16`).
    Changed,
}

impl Repr {
    /// The attribute as written on `attrs`, if present.
    fn on(self, attrs: &Attrs) -> Option<&str> {
        let mut reprs = attrs.repr.iter().map(String::as_str);
        match self {
            Repr::C => reprs.find(|r| *r == "C"),
            Repr::Transparent => reprs.find(|r| *r == "transparent"),
            Repr::Int => reprs.find(|r| {
                matches!(
                    *r,
                    "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128" | "isize"
                )
            }),
            Repr::Packed => reprs.find(|r| r.starts_with("packed")),
            Repr::Align => reprs.find(|r| r.starts_with("align")),
        }
    }
}

fn repr_details(repr: Repr, change: ReprChange, old: &Attrs, new: &Attrs) -> Details {
    match (change, repr.on(old), repr.on(new)) {
        (ReprChange::Gained, None, Some(b)) => vec![format!("gained `#[repr({b})]`")],
        (ReprChange::Lost, Some(a), None) => vec![format!("lost `#[repr({a})]`")],
        (ReprChange::Changed, Some(a), Some(b)) if a != b => {
            vec![format!("changed from `#[repr({a})]` to `#[repr({b})]`")]
        }
        _ => Vec::new(),
    }
}

/// Both APIs, indexed, for rules that look at an item's surroundings (its parent enum, trait).
pub struct Ctx<'a> {
    pub old: Indexed<'a>,
    pub new: Indexed<'a>,
}

pub struct Indexed<'a> {
    pub snapshot: &'a Snapshot,
    by_path: HashMap<&'a str, Vec<&'a Item>>,
    /// Variants by the path of their enum, indexed once: rules ask per item.
    variants: HashMap<&'a str, Vec<&'a Item>>,
}

impl<'a> Indexed<'a> {
    pub fn new(snapshot: &'a Snapshot) -> Self {
        let mut by_path: HashMap<&str, Vec<&Item>> = HashMap::new();
        let mut variants: HashMap<&str, Vec<&Item>> = HashMap::new();
        for item in &snapshot.items {
            if !matches!(item.decl, Decl::Impl(_)) {
                by_path.entry(item.path.as_str()).or_default().push(item);
            }
            if let (Decl::Variant(_), Some(parent)) = (&item.decl, item.parent_path()) {
                variants.entry(parent).or_default().push(item);
            }
        }
        Indexed { snapshot, by_path, variants }
    }

    /// The items declared at `path` (trait impls excluded).
    pub fn at(&self, path: &str) -> &[&'a Item] {
        self.by_path.get(path).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The variants of the enum at `path`.
    pub fn variants_of(&self, path: &str) -> &[&'a Item] {
        self.variants.get(path).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether the enum at `path` has a `#[doc(hidden)]` variant.
    pub fn has_hidden_variant(&self, path: &str) -> bool {
        self.variants_of(path).iter().any(|v| v.attrs.doc_hidden)
    }

    /// The type or trait an associated item, variant or impl belongs to.
    pub fn parent_of(&self, item: &Item) -> Option<&'a Item> {
        let parent = match item.decl {
            Decl::Impl(_) => item.path.as_str(),
            _ => item.parent_path()?,
        };
        self.at(parent)
            .iter()
            .find(|i| matches!(i.decl, Decl::Struct(_) | Decl::Enum(_) | Decl::Union(_) | Decl::Trait(_)))
            .copied()
    }
}

/// What a rule's check looks at.
pub enum Check {
    /// An item of the baseline that the current API no longer has.
    Removed(fn(&Ctx, &Item) -> Details),
    /// An item of the current API that the baseline did not have.
    Added(fn(&Ctx, &Item) -> Details),
    /// An item present in both whose declaration differs.
    Changed(fn(&Ctx, &Item, &Item) -> Details),
    /// Crate-level data (Cargo features): `(subject, detail)` pairs.
    Crate(fn(&Ctx) -> Vec<(String, String)>),
    /// Not run on items: the diff derives these findings from others (a rename pairs a removal
    /// with an addition of the same shape).
    Derived,
    /// A `#[repr]` of a type present in both, gained, lost or changed (the layout family, one
    /// table entry each).
    Repr(Repr, ReprChange),
}
