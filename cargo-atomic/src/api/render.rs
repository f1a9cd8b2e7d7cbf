//! Model → the one-line declarations of snapshot files and `cargo atomic api`.
//!
//! The grammar is Rust-like and unambiguous given the parent lines (see `parse.rs`, its inverse):
//!
//! ```text
//! pub mod core::net
//! pub fn core::execute_operation(interface: &str, operation: &str) -> Result<(), core::Error>
//! pub fn core::Wrapper<T>::get(&self) -> &T where T: Clone          (inherent method)
//! #[non_exhaustive] pub struct core::Config { pub name: String, .. }  (`..`: private fields)
//! pub struct core::Pair(pub u32, _);                                  (`_`: private field)
//! pub enum core::Mode
//! pub core::Mode::Slow(u32) = 2                                       (variant)
//! pub trait core::Handler: Send // sealed, dyn-compatible
//! pub fn core::Handler::handle(&self) -> u32 // required             (trait item)
//! impl std::fmt::Debug for core::Config
//! feature default = ["std"]
//! ```

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{
    Attrs, Decl, Field, Function, GenericParamKind, Generics, Impl, Item, ProcMacroKind, Struct, StructKind, Trait,
    Union, Variant, VariantKind,
};

pub(super) fn feature_lines(features: &BTreeMap<String, Vec<String>>) -> impl Iterator<Item = String> + '_ {
    features.iter().map(|(name, enables)| {
        let list: Vec<String> =
            enables.iter().map(|e| serde_json::to_string(e).expect("a string serializes")).collect();
        format!("feature {name} = [{}]", list.join(", "))
    })
}

pub(super) fn item(item: &Item) -> String {
    let mut out = attrs(&item.attrs);
    let path = item.path.as_str();
    match &item.decl {
        Decl::Module => write!(out, "pub mod {path}"),
        Decl::Function(f) => {
            out.push_str("pub ");
            function(&mut out, path, f);
            Ok(())
        }
        Decl::Method { impl_args, function: f } => {
            out.push_str("pub ");
            function(&mut out, &assoc_path(path, impl_args), f);
            Ok(())
        }
        Decl::AssocConst { impl_args, ty } => {
            write!(out, "pub const {}: {ty}", assoc_path(path, impl_args))
        }
        Decl::Struct(s) => {
            structure(&mut out, path, s);
            Ok(())
        }
        Decl::Union(u) => {
            union(&mut out, path, u);
            Ok(())
        }
        Decl::Enum(g) => write!(out, "pub enum {path}{}{}", params(g), where_clause(g)),
        Decl::Variant(v) => {
            variant(&mut out, path, v);
            Ok(())
        }
        Decl::Trait(t) => {
            trait_decl(&mut out, path, t);
            Ok(())
        }
        Decl::TraitFunction { function: f, provided } => {
            out.push_str("pub ");
            function(&mut out, path, f);
            out.push_str(provided_note(*provided));
            Ok(())
        }
        Decl::TraitType { generics, bounds, default } => {
            write!(out, "pub type {path}{}", params(generics)).unwrap();
            if !bounds.is_empty() {
                write!(out, ": {}", bounds.join(" + ")).unwrap();
            }
            out.push_str(&where_clause(generics));
            if let Some(default) = default {
                write!(out, " = {default}").unwrap();
            }
            out.push_str(provided_note(default.is_some()));
            Ok(())
        }
        Decl::TraitConst { ty, provided } => {
            write!(out, "pub const {path}: {ty}{}", provided_note(*provided))
        }
        Decl::Impl(i) => {
            impl_decl(&mut out, i);
            Ok(())
        }
        Decl::TypeAlias { generics, ty } => {
            write!(out, "pub type {path}{} = {ty}{}", params(generics), where_clause(generics))
        }
        Decl::Const { ty } => write!(out, "pub const {path}: {ty}"),
        Decl::Static { ty, mutable, unsafe_ } => write!(
            out,
            "pub {}static {}{path}: {ty}",
            if *unsafe_ { "unsafe " } else { "" },
            if *mutable { "mut " } else { "" }
        ),
        Decl::MacroRules => write!(out, "pub macro_rules! {path}"),
        Decl::ProcMacro { kind, helpers } => {
            let keyword = match kind {
                ProcMacroKind::Bang => "proc_macro",
                ProcMacroKind::Attribute => "proc_macro_attribute",
                ProcMacroKind::Derive => "proc_macro_derive",
            };
            write!(out, "pub {keyword} {path}").unwrap();
            if !helpers.is_empty() {
                write!(out, "(attributes({}))", helpers.join(", ")).unwrap();
            }
            Ok(())
        }
        Decl::ReExport { target } => write!(out, "pub use {path} = {target}"),
    }
    .expect("writing to a String cannot fail");
    out
}

pub(super) const PROVIDED: &str = " // provided";
pub(super) const REQUIRED: &str = " // required";

fn provided_note(provided: bool) -> &'static str {
    if provided {
        PROVIDED
    } else {
        REQUIRED
    }
}

/// `core::inner::Wrapper::get` with impl arguments `<T>` → `core::inner::Wrapper<T>::get`.
fn assoc_path(path: &str, impl_args: &str) -> String {
    match path.rsplit_once("::") {
        Some((parent, name)) => format!("{parent}{impl_args}::{name}"),
        None => path.to_string(),
    }
}

pub(super) fn attrs(a: &Attrs) -> String {
    let mut out = String::new();
    if a.deprecated {
        out.push_str("#[deprecated] ");
    }
    if a.doc_hidden {
        out.push_str("#[doc(hidden)] ");
    }
    if a.must_use {
        out.push_str("#[must_use] ");
    }
    if a.non_exhaustive {
        out.push_str("#[non_exhaustive] ");
    }
    if !a.repr.is_empty() {
        write!(out, "#[repr({})] ", a.repr.join(", ")).unwrap();
    }
    if a.no_mangle {
        out.push_str("#[no_mangle] ");
    }
    if let Some(name) = &a.export_name {
        write!(out, "#[export_name = {}] ", serde_json::to_string(name).expect("a string serializes")).unwrap();
    }
    if !a.target_features.is_empty() {
        write!(out, "#[target_feature(enable = \"{}\")] ", a.target_features.join(",")).unwrap();
    }
    out
}

/// An exported symbol's line: `export SYMBOL = DECLARATION`, the declaration as an item line
/// without its leading `pub` (exported items need not be public).
pub(super) fn export_line(symbol: &str, item: &Item) -> String {
    let line = self::item(item);
    let attrs = attrs(&item.attrs);
    let decl = &line[attrs.len()..];
    format!("export {symbol} = {attrs}{}", decl.strip_prefix("pub ").unwrap_or(decl))
}

pub(super) fn function(out: &mut String, path: &str, f: &Function) {
    if f.is_const {
        out.push_str("const ");
    }
    if f.is_async {
        out.push_str("async ");
    }
    if f.is_unsafe {
        out.push_str("unsafe ");
    }
    if let Some(abi) = &f.abi {
        write!(out, "extern {abi:?} ").unwrap();
    }
    write!(out, "fn {path}{}(", params(&f.generics)).unwrap();
    let mut first = true;
    for p in &f.params {
        if !first {
            out.push_str(", ");
        }
        first = false;
        out.push_str(&param(&p.name, &p.ty));
    }
    if f.variadic {
        out.push_str(if first { "..." } else { ", ..." });
    }
    out.push(')');
    if let Some(output) = &f.output {
        write!(out, " -> {output}").unwrap();
    }
    out.push_str(&where_clause(&f.generics));
}

/// A parameter; receivers use their short forms (`&self`, `&mut self`, `self`).
fn param(name: &str, ty: &str) -> String {
    if name == "self" {
        match ty {
            "Self" => return "self".to_string(),
            "&Self" => return "&self".to_string(),
            "&mut Self" => return "&mut self".to_string(),
            _ => {
                if let Some(rest) = ty.strip_prefix('&') {
                    if let Some((lifetime, tail)) = rest.split_once(' ') {
                        if lifetime.starts_with('\'') {
                            if tail == "Self" {
                                return format!("&{lifetime} self");
                            }
                            if tail == "mut Self" {
                                return format!("&{lifetime} mut self");
                            }
                        }
                    }
                }
            }
        }
    }
    format!("{name}: {ty}")
}

pub(super) fn params(g: &Generics) -> String {
    if g.params.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = g
        .params
        .iter()
        .map(|p| match &p.kind {
            GenericParamKind::Lifetime => p.name.clone(),
            GenericParamKind::Type { default: None } => p.name.clone(),
            GenericParamKind::Type { default: Some(d) } => format!("{} = {d}", p.name),
            GenericParamKind::Const { ty, default: None } => format!("const {}: {ty}", p.name),
            GenericParamKind::Const { ty, default: Some(d) } => format!("const {}: {ty} = {d}", p.name),
        })
        .collect();
    format!("<{}>", parts.join(", "))
}

pub(super) fn where_clause(g: &Generics) -> String {
    if g.predicates.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = g.predicates.iter().map(predicate).collect();
    format!(" where {}", parts.join(", "))
}

fn predicate(p: &super::Predicate) -> String {
    match p.bounds.as_slice() {
        [only] if only.starts_with("= ") => format!("{} {only}", p.subject),
        bounds => format!("{}: {}", p.subject, bounds.join(" + ")),
    }
}

fn field(f: &Field, named: bool) -> String {
    let attrs = attrs(&f.attrs);
    if named {
        format!("{attrs}pub {}: {}", f.name, f.ty)
    } else {
        format!("{attrs}pub {}", f.ty)
    }
}

fn named_fields(fields: &[Field], rest: bool, public: bool) -> String {
    let mut parts: Vec<String> = fields
        .iter()
        .map(|f| {
            let s = field(f, true);
            if public {
                s
            } else {
                s.replacen("pub ", "", 1)
            }
        })
        .collect();
    if rest {
        parts.push("..".to_string());
    }
    if parts.is_empty() {
        "{}".to_string()
    } else {
        format!("{{ {} }}", parts.join(", "))
    }
}

fn tuple_fields(fields: &[Option<Field>], public: bool) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|f| match f {
            Some(f) if public => field(f, false),
            Some(f) => format!("{}{}", attrs(&f.attrs), f.ty),
            None => "_".to_string(),
        })
        .collect();
    format!("({})", parts.join(", "))
}

fn structure(out: &mut String, path: &str, s: &Struct) {
    let g = &s.generics;
    write!(out, "pub struct {path}{}", params(g)).unwrap();
    match &s.kind {
        StructKind::Unit => write!(out, "{};", where_clause(g)).unwrap(),
        StructKind::Tuple { fields } => write!(out, "{}{};", tuple_fields(fields, true), where_clause(g)).unwrap(),
        StructKind::Plain { fields, has_private } => {
            write!(out, "{} {}", where_clause(g), named_fields(fields, *has_private, true)).unwrap()
        }
    }
}

fn union(out: &mut String, path: &str, u: &Union) {
    let g = &u.generics;
    write!(out, "pub union {path}{}{} {}", params(g), where_clause(g), named_fields(&u.fields, u.has_private, true))
        .unwrap();
}

fn variant(out: &mut String, path: &str, v: &Variant) {
    write!(out, "pub {path}").unwrap();
    match &v.kind {
        VariantKind::Plain => {}
        VariantKind::Tuple { fields } => out.push_str(&tuple_fields(fields, false)),
        VariantKind::Struct { fields, has_hidden } => {
            write!(out, " {}", named_fields(fields, *has_hidden, false)).unwrap()
        }
    }
    if let Some(d) = &v.discriminant {
        write!(out, " = {d}").unwrap();
    }
}

pub(super) const SEALED: &str = "sealed";
pub(super) const DYN_COMPATIBLE: &str = "dyn-compatible";
pub(super) const NOT_DYN_COMPATIBLE: &str = "not dyn-compatible";

fn trait_decl(out: &mut String, path: &str, t: &Trait) {
    out.push_str("pub ");
    if t.is_unsafe {
        out.push_str("unsafe ");
    }
    if t.is_auto {
        out.push_str("auto ");
    }
    write!(out, "trait {path}{}", params(&t.generics)).unwrap();
    if !t.supertraits.is_empty() {
        write!(out, ": {}", t.supertraits.join(" + ")).unwrap();
    }
    out.push_str(&where_clause(&t.generics));
    let mut notes = Vec::new();
    if t.sealed {
        notes.push(SEALED);
    }
    notes.push(if t.dyn_compatible { DYN_COMPATIBLE } else { NOT_DYN_COMPATIBLE });
    write!(out, " // {}", notes.join(", ")).unwrap();
}

fn impl_decl(out: &mut String, i: &Impl) {
    if i.is_unsafe {
        out.push_str("unsafe ");
    }
    write!(out, "impl{} {} for {}{}", params(&i.generics), i.trait_, i.self_ty, where_clause(&i.generics)).unwrap();
    if !i.assoc_types.is_empty() {
        let parts: Vec<String> = i.assoc_types.iter().map(|(n, t)| format!("type {n} = {t};")).collect();
        write!(out, " {{ {} }}", parts.join(" ")).unwrap();
    }
}
