//! The normalized public API of one library crate: the model every later stage works on.
//!
//! A [`Snapshot`] lists every public item under every path it can be imported by, plus the crate's
//! Cargo features. It is built from rustdoc JSON by the adapter in [`crate::rustdoc`] and written
//! to / read from the committed snapshot file by [`snapshot`]. The file is a lossless rendering of
//! this model: `parse(render(s)) == s` for every snapshot, so a baseline read from a file and a
//! current API built from rustdoc compare exactly.
//!
//! Types inside declarations are kept as canonical strings (fully qualified by the public path of
//! their definition, standard library types by their `std` path or prelude name). Comparison of two
//! types is string equality; nothing here knows about rustdoc ids or file system paths.
//!
//! This module must never run tools or touch the file system except through [`snapshot`].

pub mod canonical;
mod kinds;
mod parse;
mod render;
pub mod snapshot;
pub(crate) mod text;

use std::collections::BTreeMap;

use serde::Serialize;

pub use kinds::{ItemKey, ItemKind, Namespace};
pub use parse::{impl_anchor, parse_export, parse_item};
pub use text::{mentioned_crates, replace_self, split_top_level};

/// Writes a function's signature as a snapshot line has it, under `path` (`fn name<T>(x: T)`).
pub fn render_function(out: &mut String, path: &str, f: &Function) {
    render::function(out, path, f)
}

/// The stable auto traits, as rendered in snapshots.
pub const AUTO_TRAITS: [&str; 5] = ["Send", "Sync", "Unpin", "std::panic::UnwindSafe", "std::panic::RefUnwindSafe"];

/// Version of the snapshot file format. Bump when a line's grammar or meaning changes.
/// Schema 2 added `export` lines, the `#[no_mangle]`, `#[export_name]` and `#[target_feature]`
/// attributes, `unsafe static`, and discriminants of unit-only enums; schema 1 files, a subset,
/// are still read (as baselines).
pub const SCHEMA: u32 = 2;
/// The oldest schema still read.
pub const OLDEST_SCHEMA: u32 = 1;

/// The public API of one library crate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    /// Package name (`gateway-core`).
    pub package: String,
    /// Library crate name as it appears in paths (`gateway_core`).
    pub lib: String,
    /// The feature selection the API was documented with.
    pub checked_features: FeatureSelection,
    /// The crate's Cargo features and what each enables (values sorted).
    pub features: BTreeMap<String, Vec<String>>,
    /// Dependencies outside the workspace that the public API exposes (its items mention their
    /// types), by crate name, with the compatible series required (`1`, `0.2`, `0.0.3`): a new
    /// series of an exposed dependency changes this crate's API.
    pub dependencies: BTreeMap<String, String>,
    /// Every public item, sorted by [`Item::sort_key`].
    pub items: Vec<Item>,
    /// Functions and statics exported to the linker (`#[no_mangle]`, `#[export_name]`), public
    /// or not, by symbol: what C callers and `dlsym` see. Items carry their definition path.
    pub exports: BTreeMap<String, Item>,
}

/// Which features a crate's API was documented with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "features")]
pub enum FeatureSelection {
    /// `default` plus the listed features (the list may be empty).
    Default(Vec<String>),
    /// Only the listed features, without `default`.
    NoDefault(Vec<String>),
    /// `--all-features`.
    All,
}

impl FeatureSelection {
    pub fn render(&self) -> String {
        match self {
            FeatureSelection::All => "all".to_string(),
            FeatureSelection::Default(extra) if extra.is_empty() => "default".to_string(),
            FeatureSelection::Default(extra) => format!("default, {}", extra.join(", ")),
            FeatureSelection::NoDefault(list) if list.is_empty() => "none".to_string(),
            FeatureSelection::NoDefault(list) => format!("no-default, {}", list.join(", ")),
        }
    }
}

/// One public item at one import path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Import path, starting with the crate name (`core::net::Client::send`). For trait impls,
    /// the canonical path of the self type, or of the trait when the self type is not a path.
    pub path: String,
    pub attrs: Attrs,
    pub decl: Decl,
}

/// Attributes that matter for compatibility.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Attrs {
    pub deprecated: bool,
    pub doc_hidden: bool,
    pub must_use: bool,
    pub non_exhaustive: bool,
    /// Normalized `repr` arguments in a fixed order: `C`, `transparent`, the integer type,
    /// `packed(N)`, `align(N)`. Empty for the default representation.
    pub repr: Vec<String>,
    /// `#[no_mangle]`: the item is exported under its own name.
    pub no_mangle: bool,
    /// `#[export_name = "..."]`.
    pub export_name: Option<String>,
    /// `#[target_feature(enable = ...)]`, sorted: the features a caller's target must have.
    pub target_features: Vec<String>,
}

impl Attrs {
    /// The linker symbol the item is exported as, if it is (`#[no_mangle]`, `#[export_name]`).
    pub fn symbol<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.export_name.as_deref().or(self.no_mangle.then_some(name))
    }
}

impl Attrs {
    pub fn is_empty(&self) -> bool {
        *self == Attrs::default()
    }
}

/// The declaration of an item, by kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum Decl {
    Module,
    /// A free function.
    Function(Function),
    /// An associated function of an inherent impl; `impl_args` are the generic arguments of the
    /// impl's self type (`<T>` for `impl<T> Wrapper<T>`, empty when it has none).
    Method {
        impl_args: String,
        function: Function,
    },
    /// An associated const of an inherent impl.
    AssocConst {
        impl_args: String,
        ty: String,
    },
    Struct(Struct),
    Union(Union),
    Enum(Generics),
    Variant(Variant),
    Trait(Trait),
    TraitFunction {
        function: Function,
        provided: bool,
    },
    TraitType {
        generics: Generics,
        bounds: Vec<String>,
        default: Option<String>,
    },
    TraitConst {
        ty: String,
        provided: bool,
    },
    Impl(Impl),
    TypeAlias {
        generics: Generics,
        ty: String,
    },
    Const {
        ty: String,
    },
    Static {
        ty: String,
        mutable: bool,
        /// Using it takes `unsafe` (an item of an `extern` block not marked `safe`).
        unsafe_: bool,
    },
    MacroRules,
    ProcMacro {
        kind: ProcMacroKind,
        helpers: Vec<String>,
    },
    /// A re-export of an item from a crate outside the workspace, whose API is not expanded.
    ReExport {
        target: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcMacroKind {
    Bang,
    Attribute,
    Derive,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Function {
    pub is_const: bool,
    pub is_async: bool,
    pub is_unsafe: bool,
    /// `None` for the Rust ABI, else the ABI string (`C`, `C-unwind`, `system`, ...).
    pub abi: Option<String>,
    pub generics: Generics,
    pub params: Vec<Param>,
    pub variadic: bool,
    /// `None` for `()`.
    pub output: Option<String>,
}

/// A function parameter. The name is shown for reading and ignored when comparing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Param {
    pub name: String,
    pub ty: String,
}

impl Param {
    pub fn is_receiver(&self) -> bool {
        self.name == "self"
    }
}

/// Generic parameters (order kept: it is visible through turbofish) and normalized predicates:
/// inline bounds and `where` clauses merged, one predicate per subject, bounds sorted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Generics {
    pub params: Vec<GenericParam>,
    pub predicates: Vec<Predicate>,
}

impl Generics {
    pub fn is_empty(&self) -> bool {
        self.params.is_empty() && self.predicates.is_empty()
    }

    /// Bounds on a subject (`T`, `'a`, `<T as Trait>::Item`), empty when there are none.
    pub fn bounds_of(&self, subject: &str) -> &[String] {
        self.predicates.iter().find(|p| p.subject == subject).map(|p| p.bounds.as_slice()).unwrap_or(&[])
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GenericParam {
    pub name: String,
    pub kind: GenericParamKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GenericParamKind {
    Lifetime,
    Type { default: Option<String> },
    Const { ty: String, default: Option<String> },
}

/// `subject: bound + bound` (or `subject = ty` for an equality predicate, kept as bound `= ty`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Predicate {
    pub subject: String,
    pub bounds: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Struct {
    pub generics: Generics,
    pub kind: StructKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StructKind {
    Unit,
    /// Tuple fields in order; `None` for a field that is not public.
    Tuple {
        fields: Vec<Option<Field>>,
    },
    /// Public fields in declaration order, and whether non-public fields exist.
    Plain {
        fields: Vec<Field>,
        has_private: bool,
    },
}

impl StructKind {
    pub fn has_private_fields(&self) -> bool {
        match self {
            StructKind::Unit => false,
            StructKind::Tuple { fields } => fields.iter().any(Option::is_none),
            StructKind::Plain { has_private, .. } => *has_private,
        }
    }

    /// Public fields with their name (`0`, `1`, ... for tuple fields).
    pub fn public_fields(&self) -> Vec<&Field> {
        match self {
            StructKind::Unit => Vec::new(),
            StructKind::Tuple { fields } => fields.iter().flatten().collect(),
            StructKind::Plain { fields, .. } => fields.iter().collect(),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            StructKind::Unit => "unit",
            StructKind::Tuple { .. } => "tuple",
            StructKind::Plain { .. } => "plain",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    pub name: String,
    pub ty: String,
    pub attrs: Attrs,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Union {
    pub generics: Generics,
    pub fields: Vec<Field>,
    pub has_private: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Variant {
    pub kind: VariantKind,
    /// The discriminant value, shown when it is observable: explicit, or computed for enums with
    /// a primitive representation or explicit discriminants.
    pub discriminant: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VariantKind {
    Plain,
    Tuple { fields: Vec<Option<Field>> },
    Struct { fields: Vec<Field>, has_hidden: bool },
}

impl VariantKind {
    pub fn name(&self) -> &'static str {
        match self {
            VariantKind::Plain => "unit",
            VariantKind::Tuple { .. } => "tuple",
            VariantKind::Struct { .. } => "struct",
        }
    }

    pub fn fields(&self) -> Vec<&Field> {
        match self {
            VariantKind::Plain => Vec::new(),
            VariantKind::Tuple { fields } => fields.iter().flatten().collect(),
            VariantKind::Struct { fields, .. } => fields.iter().collect(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trait {
    pub is_unsafe: bool,
    pub is_auto: bool,
    pub generics: Generics,
    /// Supertraits, sorted.
    pub supertraits: Vec<String>,
    /// Cannot be implemented outside its crate (a supertrait or signature names a private item).
    pub sealed: bool,
    pub dyn_compatible: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Impl {
    pub is_unsafe: bool,
    pub generics: Generics,
    /// The trait with its generic arguments (`From<u32>`).
    pub trait_: String,
    pub self_ty: String,
    /// Associated types of the impl: `(name, type)`, sorted by name.
    pub assoc_types: Vec<(String, String)>,
}

impl Item {
    /// The identity of an item across versions: what a baseline item is matched with.
    ///
    /// Kinds that share a namespace share a key prefix so that, for example, a struct turned into
    /// an enum is reported as a change of kind rather than a removal and an addition.
    ///
    /// Trait impls are identified by trait and self type as written (`impl From<u8> for X` and
    /// `impl From<u16> for X` are different impls), except auto-trait impls, which exist once
    /// per type and keep their identity when the type gains generic parameters.
    pub fn key(&self) -> ItemKey {
        match &self.decl {
            Decl::Impl(imp) if AUTO_TRAITS.contains(&imp.trait_.as_str()) => {
                ItemKey::Impl { trait_: imp.trait_.clone(), self_ty: strip_generic_args(&imp.self_ty).to_string() }
            }
            Decl::Impl(imp) => ItemKey::Impl { trait_: imp.trait_.clone(), self_ty: imp.self_ty.clone() },
            _ => ItemKey::Path { namespace: self.decl.namespace(), path: self.path.clone() },
        }
    }

    /// Order of lines in a snapshot: by path, then kind, then text; a type's trait impls come
    /// after its associated items.
    pub fn sort_key(&self) -> (String, u8, String) {
        let path = match self.decl {
            Decl::Impl(_) => format!("{}::~", self.path),
            _ => self.path.clone(),
        };
        (path, self.decl.rank(), self.render())
    }

    /// The crate-relative name of the item's parent path (`core::Client` for `core::Client::send`).
    pub fn parent_path(&self) -> Option<&str> {
        self.path.rsplit_once("::").map(|(parent, _)| parent)
    }

    pub fn name(&self) -> &str {
        self.path.rsplit("::").next().unwrap_or(&self.path)
    }

    pub fn render(&self) -> String {
        render::item(self)
    }
}

impl Decl {
    /// A short human name of the kind (`fn`, `struct`, `trait impl`, ...).
    pub fn kind_name(&self) -> ItemKind {
        match self {
            Decl::Module => ItemKind::Module,
            Decl::Function(_) => ItemKind::Function,
            Decl::Method { .. } => ItemKind::Method,
            Decl::AssocConst { .. } => ItemKind::AssocConst,
            Decl::Struct(_) => ItemKind::Struct,
            Decl::Union(_) => ItemKind::Union,
            Decl::Enum(_) => ItemKind::Enum,
            Decl::Variant(_) => ItemKind::Variant,
            Decl::Trait(_) => ItemKind::Trait,
            Decl::TraitFunction { .. } => ItemKind::TraitMethod,
            Decl::TraitType { .. } => ItemKind::TraitType,
            Decl::TraitConst { .. } => ItemKind::TraitConst,
            Decl::Impl(_) => ItemKind::TraitImpl,
            Decl::TypeAlias { .. } => ItemKind::TypeAlias,
            Decl::Const { .. } => ItemKind::Const,
            Decl::Static { .. } => ItemKind::Static,
            Decl::MacroRules => ItemKind::Macro,
            Decl::ProcMacro { .. } => ItemKind::ProcMacro,
            Decl::ReExport { .. } => ItemKind::ReExport,
        }
    }

    /// The Rust namespace an item's name lives in: items of one namespace at one path are the
    /// same item for matching purposes.
    pub fn namespace(&self) -> Namespace {
        match self {
            Decl::Module
            | Decl::Struct(_)
            | Decl::Union(_)
            | Decl::Enum(_)
            | Decl::Trait(_)
            | Decl::TypeAlias { .. }
            | Decl::TraitType { .. } => Namespace::Type,
            Decl::Function(_)
            | Decl::Method { .. }
            | Decl::AssocConst { .. }
            | Decl::TraitFunction { .. }
            | Decl::TraitConst { .. }
            | Decl::Const { .. }
            | Decl::Static { .. } => Namespace::Value,
            Decl::Variant(_) => Namespace::Variant,
            Decl::MacroRules | Decl::ProcMacro { .. } => Namespace::Macro,
            Decl::Impl(_) => Namespace::Impl,
            Decl::ReExport { .. } => Namespace::Use,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Decl::Module => 0,
            Decl::Struct(_) | Decl::Union(_) | Decl::Enum(_) | Decl::Trait(_) => 1,
            Decl::TypeAlias { .. } | Decl::TraitType { .. } => 2,
            Decl::Variant(_) => 3,
            Decl::Const { .. } | Decl::Static { .. } | Decl::AssocConst { .. } | Decl::TraitConst { .. } => 4,
            Decl::Function(_) | Decl::Method { .. } | Decl::TraitFunction { .. } => 5,
            Decl::MacroRules | Decl::ProcMacro { .. } => 6,
            Decl::ReExport { .. } => 7,
            Decl::Impl(_) => 8,
        }
    }

    /// Generics of the declaration, when it has any.
    pub fn generics(&self) -> Option<&Generics> {
        match self {
            Decl::Function(f) | Decl::Method { function: f, .. } | Decl::TraitFunction { function: f, .. } => {
                Some(&f.generics)
            }
            Decl::Struct(s) => Some(&s.generics),
            Decl::Union(u) => Some(&u.generics),
            Decl::Enum(g) => Some(g),
            Decl::Trait(t) => Some(&t.generics),
            Decl::TraitType { generics, .. } | Decl::TypeAlias { generics, .. } => Some(generics),
            Decl::Impl(i) => Some(&i.generics),
            _ => None,
        }
    }
}

/// `std::ops::Fn(u8) -> u8` → `std::ops::Fn`, `From<u32>` → `From`.
pub fn strip_generic_args(path: &str) -> &str {
    let cut = path.find(['<', '(']).unwrap_or(path.len());
    &path[..cut]
}

/// The compatible series of a requirement, as Cargo's caret rule groups versions: `^1.4` → `1`,
/// `^0.2.15` → `0.2`, `^0.0.3` → `0.0.3` (other operators by their first version).
pub fn dependency_series(req: &semver::VersionReq) -> Option<String> {
    let c = req.comparators.first()?;
    let (minor, patch) = (c.minor.unwrap_or(0), c.patch.unwrap_or(0));
    Some(match (c.major, minor) {
        (0, 0) => format!("0.0.{patch}"),
        (0, m) => format!("0.{m}"),
        (m, _) => m.to_string(),
    })
}

impl Snapshot {
    /// Records which of `deps` (`(crate name as in paths, requirement)`) the API exposes.
    pub fn expose_dependencies<'a>(&mut self, deps: impl Iterator<Item = (String, &'a semver::VersionReq)>) {
        let mentioned: std::collections::BTreeSet<String> =
            self.items.iter().flat_map(|i| mentioned_crates(&i.render())).collect();
        for (name, req) in deps {
            if name != self.lib && mentioned.contains(&name) {
                if let Some(series) = dependency_series(req) {
                    self.dependencies.insert(name, series);
                }
            }
        }
    }

    /// Items sorted and deduplicated, as every snapshot must hold them.
    pub fn normalize(&mut self) {
        let mut keyed: Vec<((String, u8, String), Item)> =
            self.items.drain(..).map(|item| (item.sort_key(), item)).collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        keyed.dedup_by(|a, b| a.0 == b.0);
        self.items = keyed.into_iter().map(|(_, item)| item).collect();
    }

    /// The snapshot as the lines `cargo atomic api` prints (no header).
    pub fn lines(&self) -> impl Iterator<Item = String> + '_ {
        render::feature_lines(&self.features)
            .chain(self.dependencies.iter().map(|(name, series)| format!("dependency {name} {series}")))
            .chain(self.exports.iter().map(|(symbol, item)| render::export_line(symbol, item)))
            .chain(self.items.iter().map(Item::render))
    }
}

/// A crate's API as produced from rustdoc: the snapshot plus what later stages and dependent
/// crates need but the snapshot file does not hold.
#[derive(Clone, Debug)]
pub struct CrateApi {
    pub snapshot: Snapshot,
    /// Source location of each item, by [`Item::key`] (first seen).
    pub locations: std::collections::HashMap<ItemKey, Location>,
    /// Definition path (`core::hidden::Thing`) → canonical public path (`core::Thing`), for every
    /// public item: how dependents that re-export or mention the item name it.
    pub canonical: std::collections::HashMap<String, String>,
    /// Sibling workspace crates (lib names) this crate re-exports items of, with the first path
    /// it re-exports them at.
    pub reexports: BTreeMap<String, String>,
}

/// A place in the source tree: file relative to the workspace root, 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

impl CrateApi {
    /// The public path of the item defined at `def_path`, as its crate names it.
    pub fn public_path(&self, def_path: &str) -> String {
        self.canonical.get(def_path).cloned().unwrap_or_else(|| def_path.to_string())
    }

    /// The items a dependent crate exports when it writes `pub use <def_path>` (as `new_path`) or,
    /// with `glob`, `pub use <def_path>::*` (into the module `new_path`), re-rooted at the
    /// dependent's path. Trait impls of the re-exported items come along unchanged. `skip` tells
    /// which first-level names a glob must not bring in (names the module defines itself).
    pub fn reexport(&self, def_path: &str, new_path: &str, glob: bool, skip: &dyn Fn(&str) -> bool) -> Vec<Item> {
        let root = self.public_path(def_path);
        let prefix = format!("{root}::");
        let mut out = Vec::new();
        for item in &self.snapshot.items {
            if let Decl::Impl(_) = item.decl {
                if item.path == root || item.path.starts_with(&prefix) {
                    out.push(item.clone());
                }
                continue;
            }
            let rest = if item.path == root {
                if glob {
                    continue;
                }
                ""
            } else if let Some(rest) = item.path.strip_prefix(&prefix) {
                rest
            } else {
                continue;
            };
            let path = match (glob, rest.is_empty()) {
                (true, _) => {
                    let first = rest.split("::").next().unwrap_or(rest);
                    if skip(first) {
                        continue;
                    }
                    format!("{new_path}::{rest}")
                }
                (false, true) => new_path.to_string(),
                (false, false) => format!("{new_path}::{rest}"),
            };
            out.push(Item { path, ..item.clone() });
        }
        out
    }
}
