//! Typed names for what items are: the namespace a name lives in, the kind of an item, and the key
//! that identifies an item across versions.

use std::fmt;

use serde::Serialize;

/// The Rust namespace an item's name lives in (plus trait impls and re-exports, which have no
/// name of their own). Variants are in alphabetical order of their names, so that keys sort as
/// their rendered form does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Namespace {
    Impl,
    Macro,
    Type,
    Use,
    Value,
    Variant,
}

impl Namespace {
    pub fn as_str(self) -> &'static str {
        match self {
            Namespace::Impl => "impl",
            Namespace::Macro => "macro",
            Namespace::Type => "type",
            Namespace::Use => "use",
            Namespace::Value => "value",
            Namespace::Variant => "variant",
        }
    }
}

impl fmt::Display for Namespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identity of an item across versions: what a baseline item is matched with
/// ([`super::Item::key`]). Orders as its rendered form does.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKey {
    /// Crate-level data: a Cargo feature (`feature \`serde\``).
    Crate(String),
    /// A trait impl, by trait and self type.
    Impl { trait_: String, self_ty: String },
    /// A named item, by namespace and path.
    Path { namespace: Namespace, path: String },
}

impl ItemKey {
    pub fn namespace(&self) -> Option<Namespace> {
        match self {
            ItemKey::Crate(_) => None,
            ItemKey::Impl { .. } => Some(Namespace::Impl),
            ItemKey::Path { namespace, .. } => Some(*namespace),
        }
    }
}

impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemKey::Crate(subject) => write!(f, "crate:{subject}"),
            ItemKey::Impl { trait_, self_ty } => write!(f, "impl {trait_} for {self_ty}"),
            ItemKey::Path { namespace, path } => write!(f, "{namespace}:{path}"),
        }
    }
}

/// What an item is, as reports name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemKind {
    Module,
    Function,
    Method,
    AssocConst,
    Struct,
    Union,
    Enum,
    Variant,
    Trait,
    TraitMethod,
    TraitType,
    TraitConst,
    TraitImpl,
    TypeAlias,
    Const,
    Static,
    Macro,
    ProcMacro,
    ReExport,
    /// Crate-level data (Cargo features).
    Crate,
}

impl ItemKind {
    /// Every kind of item a snapshot holds (all but [`ItemKind::Crate`]).
    pub const ITEMS: &'static [ItemKind] = &[
        ItemKind::Module,
        ItemKind::Function,
        ItemKind::Method,
        ItemKind::AssocConst,
        ItemKind::Struct,
        ItemKind::Union,
        ItemKind::Enum,
        ItemKind::Variant,
        ItemKind::Trait,
        ItemKind::TraitMethod,
        ItemKind::TraitType,
        ItemKind::TraitConst,
        ItemKind::TraitImpl,
        ItemKind::TypeAlias,
        ItemKind::Const,
        ItemKind::Static,
        ItemKind::Macro,
        ItemKind::ProcMacro,
        ItemKind::ReExport,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Module => "module",
            ItemKind::Function => "function",
            ItemKind::Method => "method",
            ItemKind::AssocConst => "associated const",
            ItemKind::Struct => "struct",
            ItemKind::Union => "union",
            ItemKind::Enum => "enum",
            ItemKind::Variant => "variant",
            ItemKind::Trait => "trait",
            ItemKind::TraitMethod => "trait method",
            ItemKind::TraitType => "trait associated type",
            ItemKind::TraitConst => "trait associated const",
            ItemKind::TraitImpl => "trait impl",
            ItemKind::TypeAlias => "type alias",
            ItemKind::Const => "const",
            ItemKind::Static => "static",
            ItemKind::Macro => "macro",
            ItemKind::ProcMacro => "proc macro",
            ItemKind::ReExport => "re-export",
            ItemKind::Crate => "crate",
        }
    }

    /// The keyword a short subject starts with: `fn core::run`, `type core::Alias`.
    pub fn keyword(self) -> &'static str {
        match self {
            ItemKind::Function | ItemKind::Method | ItemKind::TraitMethod => "fn",
            ItemKind::AssocConst | ItemKind::TraitConst => "const",
            ItemKind::TraitType | ItemKind::TypeAlias => "type",
            ItemKind::Macro | ItemKind::ProcMacro => "macro",
            ItemKind::ReExport => "use",
            ItemKind::Module => "mod",
            other => other.as_str(),
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl schemars::JsonSchema for ItemKind {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ItemKind".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = ItemKind::ITEMS.iter().chain([&ItemKind::Crate]).map(|k| k.as_str()).collect();
        schemars::json_schema!({ "type": "string", "enum": names })
    }
}

impl Serialize for ItemKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_as_their_rendered_form() {
        let keys = [
            ItemKey::Crate("feature `a`".into()),
            ItemKey::Impl { trait_: "Send".into(), self_ty: "k::A".into() },
            ItemKey::Impl { trait_: "Send::X".into(), self_ty: "k::A".into() },
            ItemKey::Path { namespace: Namespace::Impl, path: "k::A".into() },
            ItemKey::Path { namespace: Namespace::Macro, path: "k::m".into() },
            ItemKey::Path { namespace: Namespace::Type, path: "k::A".into() },
            ItemKey::Path { namespace: Namespace::Type, path: "k::B".into() },
            ItemKey::Path { namespace: Namespace::Use, path: "k::x".into() },
            ItemKey::Path { namespace: Namespace::Value, path: "k::f".into() },
            ItemKey::Path { namespace: Namespace::Variant, path: "k::E::V".into() },
        ];
        let mut by_key = keys.to_vec();
        by_key.sort();
        let mut by_text = keys.to_vec();
        by_text.sort_by_key(|k| k.to_string());
        assert_eq!(by_key, by_text);
        assert_eq!(keys[5].to_string(), "type:k::A");
        assert_eq!(keys[1].to_string(), "impl Send for k::A");
    }

    #[test]
    fn kinds_serialize_as_reports_name_them() {
        assert_eq!(serde_json::to_string(&ItemKind::TraitImpl).unwrap(), "\"trait impl\"");
        assert_eq!(ItemKind::TraitMethod.keyword(), "fn");
        assert_eq!(ItemKind::Struct.keyword(), "struct");
    }
}
