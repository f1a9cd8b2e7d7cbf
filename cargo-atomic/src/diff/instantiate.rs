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

/// `new` with old concrete impls answered by generic ones instantiated as the old ones, and
/// mentions of types that gained parameters read with the old arguments; `None` when nothing
/// changes.
pub(super) fn covering(old: &Snapshot, new: &Snapshot) -> Option<Snapshot> {
    let facts = Facts::new(old, new);
    let gained = gained(old, new);
    let e = |t: &str| erase(t, &gained);
    let new_impls: BTreeSet<(String, String)> = new
        .items
        .iter()
        .filter_map(|i| match &i.decl {
            Decl::Impl(imp) => Some((e(&imp.trait_), e(&imp.self_ty))),
            _ => None,
        })
        .collect();
    let new_impls_written: BTreeSet<(&str, &str)> = new
        .items
        .iter()
        .filter_map(|i| match &i.decl {
            Decl::Impl(imp) => Some((imp.trait_.as_str(), imp.self_ty.as_str())),
            _ => None,
        })
        .collect();
    let mut added: Vec<Item> = Vec::new();
    let mut replaced: HashMap<usize, Vec<Item>> = HashMap::new();
    // Trait impls: the old one gone as written, a generic one covering it.
    for o in &old.items {
        let Decl::Impl(oi) = &o.decl else { continue };
        // Answered as written (or, for auto traits, whatever the arguments: one impl per type).
        let auto = crate::api::AUTO_TRAITS.contains(&oi.trait_.as_str());
        if auto || new_impls_written.contains(&(oi.trait_.as_str(), oi.self_ty.as_str())) {
            continue;
        }
        // The same impl of a type that gained parameters is replaced by its instantiation; a
        // generic impl covering a concrete one stays beside it (an addition).
        let same = new_impls.contains(&(oi.trait_.clone(), oi.self_ty.clone()));
        let covering = new.items.iter().enumerate().find_map(|(index, n)| {
            let Decl::Impl(ni) = &n.decl else { return None };
            let vars = type_params(&ni.generics);
            if vars.is_empty() {
                return None;
            }
            let mut sigma = unify(&e(&ni.self_ty), &oi.self_ty, &vars, BTreeMap::new())?;
            sigma = unify(&e(&ni.trait_), &oi.trait_, &vars, sigma)?;
            // Parameters of arguments a type gained are bound by what the impl names with them.
            let mut shown = vec![e(&ni.self_ty), e(&ni.trait_)];
            for (name, ty) in &ni.assoc_types {
                if let Some((_, old_ty)) = oi.assoc_types.iter().find(|(k, _)| k == name) {
                    sigma = unify(&e(ty), old_ty, &vars, sigma)?;
                    shown.push(e(ty));
                }
            }
            let erased_only = |v: &String| !shown.iter().any(|t| mentions(t, v)) && mentions(&ni.self_ty, v);
            let bound = vars.iter().all(|v| sigma.contains_key(v) || erased_only(v));
            let renamed = (e(&ni.trait_), e(&ni.self_ty)) == (oi.trait_.clone(), oi.self_ty.clone());
            (bound && renamed == same && facts.hold(&ni.generics, &vars, &sigma, &oi.generics))
                .then_some((index, ni, sigma))
        });
        if let Some((index, ni, sigma)) = covering {
            let map = as_map(&sigma);
            let mut inst = oi.clone();
            inst.is_unsafe = ni.is_unsafe;
            inst.assoc_types = ni.assoc_types.iter().map(|(k, v)| (k.clone(), rename(&e(v), &map))).collect();
            let item = Item { path: o.path.clone(), attrs: o.attrs.clone(), decl: Decl::Impl(inst) };
            if same {
                replaced.entry(index).or_default().push(item);
            } else {
                added.push(item);
            }
        }
    }
    // Inherent methods: a generic one replaced by the old instantiations it covers.
    let mut old_methods: HashMap<&str, Vec<&Item>> = HashMap::new();
    for o in old.items.iter().filter(|o| matches!(o.decl, Decl::Method { .. })) {
        old_methods.entry(o.path.as_str()).or_default().push(o);
    }
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
        // The self type's arguments as the old type took them.
        let owner = n.parent_path().unwrap_or_default();
        let args = match e(&format!("{owner}{new_args}")).strip_prefix(owner) {
            Some(a) => a.to_string(),
            None => new_args.clone(),
        };
        let mut instances = Vec::new();
        for o in old_methods.get(n.path.as_str()).into_iter().flatten() {
            let Decl::Method { impl_args: old_args, function: of } = &o.decl else { continue };
            if old_args == new_args || of.params.len() != nf.params.len() {
                continue;
            }
            let Some(mut sigma) = unify(&args, old_args, &vars, BTreeMap::new()) else { continue };
            // Parameters the self type gained are bound by the signature, where it names them.
            let mut shown = vec![args.clone()];
            let pairs = nf.params.iter().map(|p| &p.ty).zip(of.params.iter().map(|p| &p.ty));
            let outputs = nf.output.iter().zip(of.output.iter());
            let mut fits = true;
            for (n_ty, o_ty) in pairs.chain(outputs) {
                let n_ty = e(n_ty);
                let unbound: Vec<String> = vars.iter().filter(|v| !sigma.contains_key(*v)).cloned().collect();
                if unbound.iter().any(|v| mentions(&n_ty, v)) {
                    match unify(&n_ty, o_ty, &unbound, sigma.clone()) {
                        Some(more) => sigma = more,
                        None => fits = false,
                    }
                }
                shown.push(n_ty);
            }
            let erased_only = |v: &String| !shown.iter().any(|t| mentions(t, v)) && mentions(new_args, v);
            if !fits
                || !vars.iter().all(|v| sigma.contains_key(v) || erased_only(v))
                || !facts.hold(&nf.generics, &vars, &sigma, &of.generics)
            {
                continue;
            }
            let map = as_map(&sigma);
            let mut f = nf.clone();
            for p in &mut f.generics.params {
                if let GenericParamKind::Type { default: Some(d) } = &mut p.kind {
                    *d = rename(&e(d), &map);
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
                    subject: rename(&e(&p.subject), &map),
                    bounds: p.bounds.iter().map(|b| rename(&e(b), &map)).collect(),
                })
                .collect();
            for p in &mut f.params {
                p.ty = rename(&e(&p.ty), &map);
            }
            f.output = f.output.map(|t| rename(&e(&t), &map));
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
    if added.is_empty() && replaced.is_empty() && gained.is_empty() {
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
    if !gained.is_empty() {
        for item in &mut out.items {
            crate::api::canonical::map_text(item, &|t| erase(t, &gained));
        }
    }
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
            let mut end =
                c.len_utf8() + rest[c.len_utf8()..].find(|d: char| !word(d)).unwrap_or(rest.len() - c.len_utf8());
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
    "String",
    "alloc::string::String",
    "std::string::String",
    "bool",
    "char",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
];
const STD_TRAITS: &[&str] = &[
    "Clone",
    "Debug",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "Default",
    "Display",
    "ToString",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "UnwindSafe",
    "RefUnwindSafe",
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
    fn hold(&self, generics: &Generics, vars: &[String], sigma: &BTreeMap<String, String>, old: &Generics) -> bool {
        let map = as_map(sigma);
        // Bounds on parameters left unbound (arguments a type gained, which the old type had
        // fixed) are the type's own change, reported on it.
        let unbound = |t: &str| vars.iter().any(|v| !sigma.contains_key(v) && mentions(t, v));
        generics
            .predicates
            .iter()
            .filter(|p| sigma.keys().any(|v| mentions(&p.subject, v)))
            .filter(|p| !unbound(&p.subject) && !p.bounds.iter().any(|b| unbound(b)))
            .all(|p| {
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
        let string = ty == "String" || ty.ends_with("::string::String");
        if string && ["AsRef<str>", "std::borrow::Borrow<str>", "core::borrow::Borrow<str>"].contains(&bound) {
            return true;
        }
        let last = bound.rsplit("::").next().unwrap_or(bound);
        STD_TYPES.contains(&ty) && STD_TRAITS.contains(&last)
            || ty != "String" && !ty.ends_with("::String") && STD_TYPES.contains(&ty) && last == "Copy"
    }
}

/// Types that gained parameters at the end, without defaults (`Iter<'a>` → `Iter<'a, K, V>`), by
/// path, with how many parameters they had. That change is reported once, on the type; a
/// mention of the type elsewhere with the new arguments (`-> Iter<'_, String, Value>`) names
/// what the old mention (`-> Iter<'_>`) named, and is compared as it.
fn gained(old: &Snapshot, new: &Snapshot) -> HashMap<String, usize> {
    let params = |i: &Item| match &i.decl {
        Decl::Struct(_) | Decl::Enum(_) | Decl::Union(_) => i.decl.generics().map(|g| g.params.clone()),
        _ => None,
    };
    let olds: HashMap<&str, Vec<crate::api::GenericParam>> =
        old.items.iter().filter_map(|i| Some((i.path.as_str(), params(i)?))).collect();
    let kind = |k: &GenericParamKind| std::mem::discriminant(k);
    new.items
        .iter()
        .filter_map(|i| {
            let (o, n) = (olds.get(i.path.as_str())?, params(i)?);
            let prefix = n.len() > o.len() && o.iter().zip(&n).all(|(a, b)| kind(&a.kind) == kind(&b.kind));
            let undefaulted = n[o.len().min(n.len())..].iter().all(|p| match &p.kind {
                GenericParamKind::Type { default } | GenericParamKind::Const { default, .. } => default.is_none(),
                GenericParamKind::Lifetime => false,
            });
            (prefix && undefaulted).then(|| (i.path.clone(), o.len()))
        })
        .collect()
}

/// `text` with the arguments of gained parameters dropped from every mention of those types.
fn erase(text: &str, gained: &HashMap<String, usize>) -> String {
    if gained.is_empty() || !text.contains('<') {
        return text.to_string();
    }
    // The first mention in `rest` with more arguments than the type had: (start, `<`, `>`, arity).
    let next = |rest: &str| -> Option<(usize, usize, usize, usize)> {
        let mut best: Option<(usize, usize, usize, usize)> = None;
        for (path, arity) in gained {
            let mut from = 0;
            while let Some(found) = rest[from..].find(path.as_str()) {
                let at = from + found;
                from = at + path.len();
                let boundary = !rest[..at].ends_with(|c: char| c == '_' || c == ':' || c.is_alphanumeric());
                if !boundary || !rest[from..].starts_with('<') {
                    continue;
                }
                let Some(close) = crate::api::text::matching_close(rest, from) else { continue };
                if crate::api::split_top_level(&rest[from + 1..close], ", ").len() > *arity {
                    if best.is_none_or(|b| at < b.0) {
                        best = Some((at, from, close, *arity));
                    }
                    break;
                }
            }
        }
        best
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((_, open, close, arity)) = next(rest) {
        out.push_str(&rest[..open]);
        if arity > 0 {
            let args = crate::api::split_top_level(&rest[open + 1..close], ", ");
            out.push('<');
            out.push_str(&args[..arity].iter().map(|a| erase(a, gained)).collect::<Vec<_>>().join(", "));
            out.push('>');
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
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
    fn mentions_of_a_type_that_gained_parameters_read_with_the_old_arguments() {
        let gained: HashMap<String, usize> = [("a::Iter".to_string(), 1), ("a::IntoIter".to_string(), 0)].into();
        assert_eq!(erase("Option<a::Iter<'a, String, a::V>>", &gained), "Option<a::Iter<'a>>");
        assert_eq!(erase("(a::IntoIter<K, V>, a::IterMut<'a, K>)", &gained), "(a::IntoIter, a::IterMut<'a, K>)");
        // A mention with the old arity, and the path inside a longer one, stay.
        assert_eq!(erase("a::Iter<'a> b::a::Iter<'a, K>", &gained), "a::Iter<'a> b::a::Iter<'a, K>");
        assert_eq!(erase("a::Iter<'a, a::Iter<'b, K>>", &gained), "a::Iter<'a>");
    }

    #[test]
    fn tokens_keep_paths_and_lifetimes_whole() {
        assert_eq!(tokens("&'a a::b::C<'b, Ωmega>"), ["&", "'a", "a::b::C", "<", "'b", ",", "Ωmega", ">"]);
        assert_eq!(tokens("fn(u8) -> T"), ["fn", "(", "u8", ")", "->", "T"]);
    }
}
