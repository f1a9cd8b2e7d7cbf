//! Generic impls that cover the concrete ones they replace. `impl Clone for Map<String, Value>`
//! rewritten as `impl<K: Clone, V: Clone> Clone for Map<K, V>` still implements `Clone` for
//! `Map<String, Value>`, and the methods of `impl<K, V> Map<K, V>` instantiate, at `K = String`
//! and `V = Value`, to the old signatures: every use of the old impl compiles. The new side is
//! compared at the old instantiation: an old concrete impl covered by a new generic one gets the
//! new impl's instantiation beside it (the generic impl stays: it is an addition), and a new
//! generic method that covers old concrete ones is compared as those instantiations.
//!
//! Covered means: the new impl's self type (and trait) match the old one's with its type
//! parameters bound to the old types, and every bound of the new impl holds there — a bound the
//! old item had too, an impl either side declares, or a fact of the standard library. Anything
//! this cannot decide is not covered, and the item is compared as written.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::api::canonical::rename;
use crate::api::{Decl, GenericParamKind, Generics, Item, Snapshot};

/// `new` with old concrete impls answered by generic ones instantiated as the old ones; `None`
/// when nothing is covered.
pub(super) fn covering(old: &Snapshot, new: &Snapshot) -> Option<Snapshot> {
    let facts = Facts::new(old, new);
    let new_impls: BTreeSet<(&str, &str)> = new
        .items
        .iter()
        .filter_map(|i| match &i.decl {
            Decl::Impl(imp) => Some((imp.trait_.as_str(), imp.self_ty.as_str())),
            _ => None,
        })
        .collect();
    let mut added: Vec<Item> = Vec::new();
    // Trait impls: the old one gone as written, a generic one covering it.
    for o in &old.items {
        let Decl::Impl(oi) = &o.decl else { continue };
        if new_impls.contains(&(oi.trait_.as_str(), oi.self_ty.as_str())) {
            continue;
        }
        let covering = new.items.iter().find_map(|n| {
            let Decl::Impl(ni) = &n.decl else { return None };
            let vars = type_params(&ni.generics);
            if vars.is_empty() {
                return None;
            }
            let mut sigma = unify(&ni.self_ty, &oi.self_ty, &vars, BTreeMap::new())?;
            sigma = unify(&ni.trait_, &oi.trait_, &vars, sigma)?;
            (sigma.len() == vars.len() && facts.hold(&ni.generics, &sigma, &oi.generics)).then_some((ni, sigma))
        });
        if let Some((ni, sigma)) = covering {
            let map = as_map(&sigma);
            let mut inst = oi.clone();
            inst.is_unsafe = ni.is_unsafe;
            inst.assoc_types = ni.assoc_types.iter().map(|(k, v)| (k.clone(), rename(v, &map))).collect();
            added.push(Item { path: o.path.clone(), attrs: o.attrs.clone(), decl: Decl::Impl(inst) });
        }
    }
    // Inherent methods: a generic one replaced by the old instantiations it covers.
    let mut replaced: HashMap<usize, Vec<Item>> = HashMap::new();
    for (index, n) in new.items.iter().enumerate() {
        let Decl::Method { impl_args: new_args, function: nf } = &n.decl else { continue };
        // The impl's parameters: its self type's bare arguments (the method's own are its
        // generics).
        let vars: Vec<String> = crate::api::canonical::param_like(new_args)
            .into_iter()
            .filter(|v| !v.starts_with('\'') && !type_params(&nf.generics).contains(v))
            .collect();
        if vars.is_empty() {
            continue;
        }
        let mut instances = Vec::new();
        for o in old.items.iter().filter(|o| o.path == n.path) {
            let Decl::Method { impl_args: old_args, function: of } = &o.decl else { continue };
            if old_args == new_args {
                continue;
            }
            let Some(sigma) = unify(new_args, old_args, &vars, BTreeMap::new()) else { continue };
            if sigma.len() != vars.len() || !facts.hold(&nf.generics, &sigma, &of.generics) {
                continue;
            }
            let map = as_map(&sigma);
            let mut f = nf.clone();
            for p in &mut f.generics.params {
                if let GenericParamKind::Type { default: Some(d) } = &mut p.kind {
                    *d = rename(d, &map);
                }
            }
            // The bounds that held at the instantiation are the impl's, met there; the rest
            // (on the method's own parameters) stay, instantiated.
            f.generics.predicates = nf
                .generics
                .predicates
                .iter()
                .filter(|p| !vars.iter().any(|v| mentions(&p.subject, v)))
                .map(|p| crate::api::Predicate {
                    subject: rename(&p.subject, &map),
                    bounds: p.bounds.iter().map(|b| rename(b, &map)).collect(),
                })
                .collect();
            for p in &mut f.params {
                p.ty = rename(&p.ty, &map);
            }
            f.output = f.output.map(|t| rename(&t, &map));
            instances.push(Item {
                path: n.path.clone(),
                attrs: n.attrs.clone(),
                decl: Decl::Method { impl_args: old_args.clone(), function: f },
            });
        }
        if !instances.is_empty() {
            replaced.insert(index, instances);
        }
    }
    if added.is_empty() && replaced.is_empty() {
        return None;
    }
    let mut out = new.clone();
    out.items = Vec::with_capacity(new.items.len() + added.len());
    for (index, item) in new.items.iter().enumerate() {
        match replaced.remove(&index) {
            Some(instances) => out.items.extend(instances),
            None => out.items.push(item.clone()),
        }
    }
    out.items.extend(added);
    Some(out)
}

/// The type parameters an item declares.
fn type_params(g: &Generics) -> Vec<String> {
    g.params.iter().filter(|p| matches!(p.kind, GenericParamKind::Type { .. })).map(|p| p.name.clone()).collect()
}

fn as_map(sigma: &BTreeMap<String, String>) -> HashMap<String, String> {
    sigma.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// Whether `text` names `var` as a whole token (not a path segment).
fn mentions(text: &str, var: &str) -> bool {
    let probe: HashMap<String, String> = [(var.to_string(), "\u{0}".to_string())].into();
    rename(text, &probe) != text
}

/// A type text as tokens: paths (`a::b::C`), lifetimes, `->`, and single characters.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut i = 0;
    let word = |c: char| c == '_' || c.is_alphanumeric();
    while i < text.len() {
        let rest = &text[i..];
        let c = rest.chars().next().expect("in bounds");
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let len = if word(c) || c == '\'' {
            // A path: words joined by `::` (a turbofish `::<` ends it).
            let mut end = c.len_utf8() + rest[c.len_utf8()..].find(|d: char| !word(d)).unwrap_or(rest.len() - c.len_utf8());
            while rest[end..].starts_with("::") && rest[end + 2..].starts_with(word) {
                end += 2;
                end += rest[end..].find(|d: char| !word(d)).unwrap_or(rest.len() - end);
            }
            end
        } else if rest.starts_with("->") || rest.starts_with("::") {
            2
        } else {
            c.len_utf8()
        };
        out.push(&rest[..len]);
        i += len;
    }
    out
}

/// Binds `vars` in `pattern` so that it reads as `concrete`: each variable stands for one whole
/// type there (the same type at every use); everything else must read the same.
fn unify(
    pattern: &str,
    concrete: &str,
    vars: &[String],
    mut sigma: BTreeMap<String, String>,
) -> Option<BTreeMap<String, String>> {
    let (p, c) = (tokens(pattern), tokens(concrete));
    let (mut i, mut j) = (0, 0);
    while i < p.len() {
        if vars.iter().any(|v| v == p[i]) {
            // One type: up to a `,` `>` `)` `]` `;` or `=` outside brackets.
            let start = j;
            let mut depth = 0i32;
            while j < c.len() {
                match c[j] {
                    "<" | "(" | "[" => depth += 1,
                    ">" | ")" | "]" if depth == 0 => break,
                    ">" | ")" | "]" => depth -= 1,
                    "," | ";" | "=" if depth == 0 => break,
                    _ => {}
                }
                j += 1;
            }
            if j == start {
                return None;
            }
            let bound = c[start..j].join(" ");
            let bound = untokenized(concrete, &c[start..j]).unwrap_or(bound);
            match sigma.get(p[i]) {
                Some(known) if *known != bound => return None,
                _ => sigma.insert(p[i].to_string(), bound),
            };
            i += 1;
            continue;
        }
        if j >= c.len() || p[i] != c[j] {
            return None;
        }
        i += 1;
        j += 1;
    }
    (j == c.len()).then_some(sigma)
}

/// The text `tokens` (a run of `text`'s tokens) came from, as written.
fn untokenized(text: &str, run: &[&str]) -> Option<String> {
    let (first, last) = (run.first()?, run.last()?);
    let start = first.as_ptr() as usize - text.as_ptr() as usize;
    let end = last.as_ptr() as usize - text.as_ptr() as usize + last.len();
    text.get(start..end).map(str::to_string)
}

/// What is known to hold: the trait impls either side declares, and the standard library's
/// impls for its own types.
struct Facts<'a> {
    impls: BTreeSet<(&'a str, &'a str)>,
}

/// Standard types and the traits every one of them implements (`Copy` aside: not `String`).
const STD_TYPES: &[&str] = &[
    "String", "alloc::string::String", "std::string::String", "bool", "char", "u8", "u16", "u32", "u64", "u128",
    "usize", "i8", "i16", "i32", "i64", "i128", "isize",
];
const STD_TRAITS: &[&str] = &[
    "Clone", "Debug", "PartialEq", "Eq", "PartialOrd", "Ord", "Hash", "Default", "Display", "ToString", "Send",
    "Sync", "Sized", "Unpin", "UnwindSafe", "RefUnwindSafe",
];

impl<'a> Facts<'a> {
    fn new(old: &'a Snapshot, new: &'a Snapshot) -> Facts<'a> {
        let impls = old
            .items
            .iter()
            .chain(&new.items)
            .filter_map(|i| match &i.decl {
                Decl::Impl(imp) => Some((imp.trait_.as_str(), imp.self_ty.as_str())),
                _ => None,
            })
            .collect();
        Facts { impls }
    }

    /// Whether every bound of `generics` that mentions a variable of `sigma` holds once they are
    /// bound: the old item required it too (`old`), or it is a known impl.
    fn hold(&self, generics: &Generics, sigma: &BTreeMap<String, String>, old: &Generics) -> bool {
        let map = as_map(sigma);
        generics.predicates.iter().filter(|p| sigma.keys().any(|v| mentions(&p.subject, v))).all(|p| {
            let subject = rename(&p.subject, &map);
            p.bounds.iter().all(|b| {
                let bound = rename(b, &map);
                old.bounds_of(&subject).contains(&bound) || self.implements(&subject, &bound)
            })
        })
    }

    fn implements(&self, ty: &str, bound: &str) -> bool {
        if bound.starts_with('?') {
            return true;
        }
        // An outlives bound on a type that borrows nothing.
        if bound.starts_with('\'') {
            return !ty.contains('\'') && !ty.contains('&');
        }
        if self.impls.contains(&(bound, ty)) {
            return true;
        }
        let last = bound.rsplit("::").next().unwrap_or(bound);
        STD_TYPES.contains(&ty) && STD_TRAITS.contains(&last)
            || ty != "String" && !ty.ends_with("::String") && STD_TYPES.contains(&ty) && last == "Copy"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_pattern_binds_each_parameter_to_one_whole_type() {
        let s = unify("a::Map<K, V>", "a::Map<String, Option<a::Value>>", &vars(&["K", "V"]), BTreeMap::new()).unwrap();
        assert_eq!(s["K"], "String");
        assert_eq!(s["V"], "Option<a::Value>");
        assert!(unify("a::Map<K, K>", "a::Map<String, u8>", &vars(&["K"]), BTreeMap::new()).is_none());
        assert!(unify("a::Map<K, V>", "a::Other<String, u8>", &vars(&["K", "V"]), BTreeMap::new()).is_none());
        // A parameter's name inside a path is not the parameter.
        assert!(unify("a::K", "a::X", &vars(&["K"]), BTreeMap::new()).is_none());
        let s = unify("From<Vec<T>>", "From<Vec<(u8, &'a str)>>", &vars(&["T"]), BTreeMap::new()).unwrap();
        assert_eq!(s["T"], "(u8, &'a str)");
    }

    #[test]
    fn tokens_keep_paths_and_lifetimes_whole() {
        assert_eq!(tokens("&'a a::b::C<'b, Ωmega>"), ["&", "'a", "a::b::C", "<", "'b", ",", "Ωmega", ">"]);
        assert_eq!(tokens("fn(u8) -> T"), ["fn", "(", "u8", ")", "->", "T"]);
    }
}
