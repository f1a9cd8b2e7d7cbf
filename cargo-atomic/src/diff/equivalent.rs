//! Rewrites that change how an API is written and not what code using it can do, which the item
//! by item comparison would report: an inherent method replaced by the same method of a prelude
//! trait, and an associated type projection written for the type it names.

use std::collections::HashMap;

use super::{Ctx, Finding};
use crate::api::text::matching_close;
use crate::api::text::replace_word;
use crate::api::{replace_self, Decl, Function, Impl, Item, ItemKind, Snapshot};

/// A method of a trait every edition's prelude brings into scope, as the trait declares it:
/// `Self::X` is the associated type `X` of `assoc_of`'s impl for the type, `T` the trait's one
/// generic argument (for traits written with one).
struct PreludeMethod {
    trait_: &'static str,
    name: &'static str,
    params: &'static [&'static str],
    output: Option<&'static str>,
    /// The trait whose impl gives `Self::X` (a supertrait's, for `DoubleEndedIterator`).
    assoc_of: &'static str,
}

const fn method(
    trait_: &'static str,
    name: &'static str,
    params: &'static [&'static str],
    output: Option<&'static str>,
) -> PreludeMethod {
    PreludeMethod { trait_, name, params, output, assoc_of: trait_ }
}

/// Only traits of the 2015 prelude (and so of every edition's): `TryFrom`, `FromIterator` and
/// the 2024 additions are not in scope for every user. Conversion traits with blanket impls
/// (`From`, `Into`) are left out: which impl a call picks depends on inference.
const PRELUDE_METHODS: &[PreludeMethod] = &[
    method("Clone", "clone", &["&Self"], Some("Self")),
    method("Default", "default", &[], Some("Self")),
    method("Iterator", "next", &["&mut Self"], Some("Option<Self::Item>")),
    method("Iterator", "size_hint", &["&Self"], Some("(usize, Option<usize>)")),
    method("Iterator", "count", &["Self"], Some("usize")),
    method("Iterator", "last", &["Self"], Some("Option<Self::Item>")),
    method("Iterator", "nth", &["&mut Self", "usize"], Some("Option<Self::Item>")),
    PreludeMethod {
        trait_: "DoubleEndedIterator",
        name: "next_back",
        params: &["&mut Self"],
        output: Some("Option<Self::Item>"),
        assoc_of: "Iterator",
    },
    method("ExactSizeIterator", "len", &["&Self"], Some("usize")),
    method("IntoIterator", "into_iter", &["Self"], Some("Self::IntoIter")),
    method("PartialEq", "eq", &["&Self", "&Self"], Some("bool")),
    method("PartialEq", "ne", &["&Self", "&Self"], Some("bool")),
    method("AsRef", "as_ref", &["&Self"], Some("&T")),
    method("AsMut", "as_mut", &["&mut Self"], Some("&mut T")),
];

/// Drops the removals of inherent methods that a prelude trait's method of the same name and
/// signature now answers: `x.into_iter()` and `S::into_iter(x)` resolve to the trait's method
/// and mean the same. The trait must be implemented for exactly the method's self type, once
/// (two `AsRef` impls make `x.as_ref()` ambiguous), with no bound the inherent impl did not have,
/// and the old method must have been callable wherever the trait's is (not `const`, `async`, or
/// of another ABI, with no generic parameters of its own).
pub(super) fn prelude_trait_methods(ctx: &Ctx, findings: &mut Vec<Finding>) {
    // Every old method at the path (impl blocks for `S<u8>` and `S<u16>` may each have one).
    findings.retain(|f| {
        let olds = ctx.old.at(&f.path);
        !(f.rule == "item-removed"
            && f.kind == ItemKind::Method
            && !olds.is_empty()
            && olds.iter().all(|o| answered_by_prelude_trait(o, &ctx.new.snapshot.items)))
    });
}

fn answered_by_prelude_trait(old: &Item, new_items: &[Item]) -> bool {
    let Decl::Method { impl_args, function: f } = &old.decl else { return false };
    let Some(owner) = old.parent_path() else { return false };
    // A method's generics are its own (its impl's parameters are in `impl_args`).
    if f.is_const || f.is_async || f.abi.is_some() || f.variadic || !f.generics.params.is_empty() {
        return false;
    }
    let self_ty = format!("{owner}{impl_args}");
    let impls: Vec<&Impl> = new_items
        .iter()
        .filter_map(|i| match &i.decl {
            Decl::Impl(imp) if imp.self_ty == self_ty => Some(imp),
            _ => None,
        })
        .collect();
    PRELUDE_METHODS.iter().filter(|m| m.name == old.name()).any(|m| {
        let of_trait: Vec<&&Impl> =
            impls.iter().filter(|imp| crate::api::strip_generic_args(&imp.trait_) == m.trait_).collect();
        let [imp] = of_trait[..] else { return false };
        // A missing supertrait impl leaves `Self::X` unresolved, which matches no old type.
        let assoc: &[(String, String)] = match m.assoc_of == m.trait_ {
            true => &imp.assoc_types,
            false => impls.iter().find(|i| i.trait_ == m.assoc_of).map_or(&[], |i| &i.assoc_types),
        };
        let arg = imp.trait_.strip_prefix(m.trait_).and_then(|a| a.strip_prefix('<')).and_then(|a| a.strip_suffix('>'));
        let expect = |text: &str| -> String {
            let mut text = text.to_string();
            for (name, ty) in assoc {
                text = text.replace(&format!("Self::{name}"), ty);
            }
            match arg {
                Some(arg) => replace_word(&text, "T", arg),
                None => text,
            }
        };
        let receiver = |i: usize| i == 0 && m.params[0].ends_with("Self") && !m.params[0].contains("Self::");
        let params_match = m.params.len() == f.params.len()
            && m.params.iter().zip(&f.params).enumerate().all(|(i, (want, have))| {
                if receiver(i) {
                    have.is_receiver() && have.ty == *want
                } else {
                    !have.is_receiver() && have.ty == replace_self(&expect(want), &self_ty)
                }
            });
        let output_match = f.output.as_deref() == m.output.map(|o| replace_self(&expect(o), &self_ty)).as_deref();
        arg_fits(m, arg) && params_match && output_match && bounds_within(&imp.generics, f)
    })
}

/// `AsRef<T>` and `AsMut<T>` are written with their argument; the others' methods are the ones
/// of the trait written without one (`PartialEq` compares with `Self` then).
fn arg_fits(m: &PreludeMethod, arg: Option<&str>) -> bool {
    match m.trait_ {
        "AsRef" | "AsMut" => arg.is_some(),
        _ => arg.is_none(),
    }
}

/// Every bound of the trait impl was a bound of the inherent method (its impl's bounds included).
fn bounds_within(imp: &crate::api::Generics, f: &Function) -> bool {
    imp.predicates.iter().all(|p| {
        f.generics.predicates.iter().any(|q| q.subject == p.subject && p.bounds.iter().all(|b| q.bounds.contains(b)))
    })
}

/// The associated types of a side's trait impls for concrete types: `<S as k::Tr>::Out` is the
/// `Out` of `impl k::Tr for S`. Generic impls are left out (their projections need inference).
pub(super) fn projections(snapshot: &Snapshot) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for item in &snapshot.items {
        let Decl::Impl(imp) = &item.decl else { continue };
        let concrete = imp.generics.params.is_empty()
            && imp.generics.predicates.is_empty()
            && ![&imp.self_ty, &imp.trait_].iter().any(|t| t.contains('&') || t.contains('\''));
        if !concrete {
            continue;
        }
        for (name, ty) in &imp.assoc_types {
            out.insert(format!("<{} as {}>::{name}", imp.self_ty, imp.trait_), ty.clone());
        }
    }
    out
}

/// `text` with every projection of `known` written as the type it names, one substitution deep
/// per round, for a few rounds (a projection's type may be one).
pub(super) fn resolve_projections(text: &str, known: &HashMap<String, String>) -> String {
    if known.is_empty() || !text.contains(" as ") {
        return text.to_string();
    }
    let mut text = text.to_string();
    for _ in 0..4 {
        let next = resolve_once(&text, known);
        if next == text {
            break;
        }
        text = next;
    }
    text
}

fn resolve_once(text: &str, known: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(open) = text[from..].find('<').map(|i| i + from) {
        from = open + 1;
        if open < copied {
            continue;
        }
        let Some(close) = matching_close(text, open) else { continue };
        let Some(rest) = text[close + 1..].strip_prefix("::") else { continue };
        let name_len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        let end = close + 3 + name_len;
        if let Some(ty) = known.get(&text[open..end]) {
            out.push_str(&text[copied..open]);
            out.push_str(ty);
            copied = end;
            from = end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(old: &str, new: &str) -> Vec<&'static str> {
        let snap = crate::api::snapshot::from_lines;
        super::super::findings(&snap(old), &snap(new)).iter().map(|f| f.rule).collect()
    }

    #[test]
    fn an_inherent_method_is_answered_by_a_prelude_trait_only_when_every_call_still_resolves() {
        let old = |method: &str| format!("pub mod k\npub struct k::S;\n{method}");
        let as_ref = old("pub fn k::S::as_ref(&self) -> &[u8]");
        let one = "pub mod k\npub struct k::S;\nimpl AsRef<[u8]> for k::S";
        assert_eq!(rules(&as_ref, one), ["trait-impl-added"]);
        // Two `AsRef` impls: `s.as_ref()` no longer infers.
        let two = format!("{one}\nimpl AsRef<str> for k::S");
        assert_eq!(rules(&as_ref, &two), ["item-removed", "trait-impl-added", "trait-impl-added"]);
        // A `const fn` could be called in constants; a trait method cannot.
        let clone = "pub mod k\npub struct k::S;\nimpl Clone for k::S";
        assert_eq!(rules(&old("pub const fn k::S::clone(&self) -> k::S"), clone), ["item-removed", "trait-impl-added"]);
        assert_eq!(rules(&old("pub fn k::S::clone(&self) -> k::S"), clone), ["trait-impl-added"]);
        // Another receiver, or a generic parameter of its own: other calls.
        assert_eq!(rules(&old("pub fn k::S::clone(self) -> k::S"), clone), ["item-removed", "trait-impl-added"]);
        assert_eq!(rules(&old("pub fn k::S::clone<T>(&self) -> k::S"), clone), ["item-removed", "trait-impl-added"]);
        // The trait of the crate's own, of the same name: not in the prelude.
        let own = "pub mod k\npub struct k::S;\npub trait k::Clone // dyn-compatible\nimpl k::Clone for k::S";
        assert_eq!(
            rules(&old("pub fn k::S::clone(&self) -> k::S"), own),
            ["item-removed", "item-added", "trait-impl-added"]
        );
    }

    #[test]
    fn a_projection_on_a_concrete_impl_reads_as_its_type() {
        let known: HashMap<String, String> =
            [("<k::S as k::Tr>::Out".to_string(), "u32".to_string())].into_iter().collect();
        assert_eq!(resolve_projections("Option<<k::S as k::Tr>::Out>", &known), "Option<u32>");
        assert_eq!(resolve_projections("<k::S as k::Tr>::Out", &known), "u32");
        // Another name, another type, a longer name: untouched.
        assert_eq!(resolve_projections("<k::S as k::Tr>::OutMore", &known), "<k::S as k::Tr>::OutMore");
        assert_eq!(resolve_projections("<k::T as k::Tr>::Out", &known), "<k::T as k::Tr>::Out");
        assert_eq!(resolve_projections("fn() -> <k::S as k::Tr>::Out", &known), "fn() -> u32");
    }
}
