//! Canonical forms for comparison: the same API written differently reads the same.
//!
//! Generic parameter names are not API (`impl<'a> Iterator for Iter<'a>` and `impl<'h> Iterator
//! for Iter<'h>` are one impl), and neither is lifetime elision (`fn new(h: &[u8]) -> Iter<'_>`
//! and `fn new<'h>(h: &'h [u8]) -> Iter<'h>` are one function). [`canonical`] renames generic
//! parameters by position and makes elided lifetimes explicit, so comparing canonical items
//! compares meaning. Snapshots keep the names as written; only the diff compares canonical forms.

use std::collections::HashMap;

use super::{Decl, Field, Function, GenericParamKind, Generics, Item, StructKind, VariantKind};

/// A renaming applied to an item, and its inverse for showing canonical text with the item's own
/// names.
#[derive(Clone, Debug, Default)]
pub struct Names {
    back: HashMap<String, String>,
}

impl Names {
    /// Canonical names in `text` replaced by the item's own.
    pub fn restore(&self, text: &str) -> String {
        elided_as_written(&rename(text, &self.back))
    }
}

/// The lifetimes left numbered after [`Names::restore`] had no name: they were elided, and are
/// shown so (`&'_0 T` → `&T`, `Iter<'_1>` → `Iter<'_>`).
fn elided_as_written(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("'_") {
        let digits = rest[at + 2..].chars().take_while(char::is_ascii_digit).count();
        let after = &rest[at + 2 + digits..];
        let ends = !after.chars().next().is_some_and(|c| c.is_alphanumeric() || c == '_');
        if digits == 0 || !ends {
            out.push_str(&rest[..at + 2]);
            rest = &rest[at + 2..];
            continue;
        }
        let before = &rest[..at];
        if before.ends_with('&') && after.starts_with(' ') {
            out.push_str(before);
            rest = &after[1..];
        } else {
            out.push_str(before);
            out.push_str("'_");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The item in canonical form. `outer` are the generic parameter names the item uses but does
/// not declare (a variant's enum, a trait item's trait), in declaration order.
///
/// Parameters are numbered by first use in the item's signature or fields, then the unused ones
/// in declaration order: renaming a parameter changes nothing, reordering the declaration of
/// parameters changes the parameter list only.
pub fn canonical(item: &Item, outer: &[String]) -> (Item, Names) {
    let mut item = item.clone();
    let mut declared: Vec<String> = outer.to_vec();
    let body: String = match &mut item.decl {
        Decl::Function(f) | Decl::TraitFunction { function: f, .. } => {
            desugar_async(f);
            elide(f);
            signature_text(f)
        }
        Decl::Method { impl_args, function } => {
            declared.extend(param_like(impl_args));
            desugar_async(function);
            elide(function);
            format!("{} {impl_args}", signature_text(function))
        }
        Decl::AssocConst { impl_args, ty } => {
            declared.extend(param_like(impl_args));
            *ty = static_lifetimes(ty);
            format!("{ty} {impl_args}")
        }
        Decl::Impl(i) => {
            // Elided lifetimes in an impl header are fresh parameters.
            let mut fresh = 0;
            i.self_ty = explicit_refs(&i.self_ty, &mut fresh);
            i.trait_ = explicit_refs(&i.trait_, &mut fresh);
            let assoc: Vec<&str> = i.assoc_types.iter().map(|(_, t)| t.as_str()).collect();
            format!("{} {} {}", i.trait_, i.self_ty, assoc.join(" "))
        }
        Decl::Const { ty } | Decl::Static { ty, .. } | Decl::TraitConst { ty, .. } => {
            *ty = static_lifetimes(ty);
            ty.clone()
        }
        Decl::Struct(st) => match &st.kind {
            StructKind::Unit => String::new(),
            StructKind::Tuple { fields } => {
                fields.iter().flatten().map(|f| f.ty.as_str()).collect::<Vec<_>>().join(" ")
            }
            StructKind::Plain { fields, .. } => fields.iter().map(|f| f.ty.as_str()).collect::<Vec<_>>().join(" "),
        },
        Decl::Union(u) => u.fields.iter().map(|f| f.ty.as_str()).collect::<Vec<_>>().join(" "),
        Decl::Variant(v) => v.kind.fields().iter().map(|f| f.ty.as_str()).collect::<Vec<_>>().join(" "),
        Decl::TypeAlias { ty, .. } => ty.clone(),
        Decl::Trait(t) => {
            // `trait A: B` and `trait A where Self: B` declare the same supertrait.
            if let Some(i) = t.generics.predicates.iter().position(|p| p.subject == "Self") {
                let p = t.generics.predicates.remove(i);
                t.supertraits.extend(p.bounds);
                t.supertraits.sort();
                t.supertraits.dedup();
            }
            t.supertraits.join(" ")
        }
        Decl::TraitType { bounds, default, .. } => format!("{} {}", bounds.join(" "), default.as_deref().unwrap_or("")),
        _ => String::new(),
    };
    if let Some(g) = item.decl.generics() {
        declared.extend(g.params.iter().map(|p| p.name.clone()));
    }
    let mut lifetimes: Vec<String> = Vec::new();
    let mut types: Vec<String> = Vec::new();
    let mut note = |name: &str| {
        if name.starts_with('\'') {
            if name != "'static" && name != "'_" && name != "'self" && !lifetimes.iter().any(|l| l == name) {
                lifetimes.push(name.to_string());
            }
        } else if declared.iter().any(|d| d == name) && !types.iter().any(|t| t == name) {
            types.push(name.to_string());
        }
    };
    for token in tokens(&body) {
        note(&token);
    }
    for name in declared.clone() {
        note(&name);
    }
    let mut map: HashMap<String, String> = HashMap::new();
    for (i, l) in lifetimes.iter().enumerate() {
        map.insert(l.clone(), format!("'_{i}"));
    }
    for (i, t) in types.iter().enumerate() {
        map.insert(t.clone(), format!("_T{i}"));
    }
    let back = map.iter().map(|(k, v)| (v.clone(), k.clone())).collect();
    apply(&mut item, &map);
    (item, Names { back })
}

/// `async fn f(..) -> T` is `fn f(..) -> impl Future<Output = T>` capturing every input lifetime;
/// written out, the future's `+ 'a` bounds only restate that capture. Both forms compare as the
/// second without those bounds (`+ 'static` and auto traits like `+ Send` are promises and stay).
fn desugar_async(f: &mut Function) {
    const FUTURE: &str = "std::future::Future<";
    if f.is_async {
        f.is_async = false;
        f.output = Some(format!("impl {FUTURE}Output = {}>", f.output.as_deref().unwrap_or("()")));
        return;
    }
    let Some(output) = f.output.as_deref().and_then(|o| o.strip_prefix("impl ")) else {
        return;
    };
    let bounds = super::text::split_top_level(output, " + ");
    if !bounds.iter().any(|b| b.trim().starts_with(FUTURE)) {
        return;
    }
    let kept: Vec<&str> = bounds.iter().map(|b| b.trim()).filter(|b| !b.starts_with('\'') || *b == "'static").collect();
    f.output = Some(format!("impl {}", kept.join(" + ")));
}

/// Parameters' and output's types, for ordering names by first use.
fn signature_text(f: &Function) -> String {
    let mut parts: Vec<&str> = f.params.iter().filter(|p| !p.is_receiver()).map(|p| p.ty.as_str()).collect();
    if let Some(o) = &f.output {
        parts.push(o);
    }
    parts.join(" ")
}

/// The identifier and lifetime tokens of a text as byte ranges, with whether each follows `::`
/// (a path segment). Identifiers may be non-ASCII (`größe`, `Ťype`): Rust's identifiers are
/// Unicode, so scanning goes by characters, never by bytes.
fn token_spans(text: &str) -> Vec<(usize, usize, bool)> {
    let is_start = |c: char| c == '\'' || c == '_' || c.is_alphabetic();
    let is_continue = |c: char| c == '_' || c.is_alphanumeric();
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut previous: Option<char> = None;
    while let Some((start, c)) = chars.next() {
        let continues_word = previous.is_some_and(is_continue);
        previous = Some(c);
        if !is_start(c) || continues_word {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, next)) = chars.peek() {
            if !is_continue(next) {
                break;
            }
            end = i + next.len_utf8();
            previous = Some(next);
            chars.next();
        }
        out.push((start, end, text[..start].ends_with("::")));
    }
    out
}

/// Lifetimes and identifiers (not path segments) of a text, in order.
fn tokens(text: &str) -> Vec<String> {
    token_spans(text).into_iter().filter(|(.., in_path)| !in_path).map(|(s, e, _)| text[s..e].to_string()).collect()
}

/// Lifetime parameters are not turbofish-able in practice (they are late-bound): a function's
/// lifetimes are compared through its signature, not its parameter list.
fn drop_lifetime_params(g: &mut Generics) {
    g.params.retain(|p| !matches!(p.kind, GenericParamKind::Lifetime));
}

/// Makes elided lifetimes explicit: each elided input lifetime is a fresh one; an elided output
/// lifetime is the receiver's, or the only input lifetime (Rust's elision rules).
fn elide(f: &mut Function) {
    let mut fresh = 0;
    let mut self_lifetime = None;
    for p in &mut f.params {
        if p.is_receiver() {
            // `&Self` / `&'a Self`: the receiver's lifetime is `'self`.
            if let Some(rest) = p.ty.strip_prefix('&') {
                if let Some(l) = rest.strip_prefix('\'') {
                    let (name, tail) = l.split_once(' ').unwrap_or((l, ""));
                    self_lifetime = Some(format!("'{name}"));
                    p.ty = format!("&{tail}");
                } else {
                    self_lifetime = Some("'self".to_string());
                }
            }
            continue;
        }
        p.ty = explicit_refs(&p.ty, &mut fresh);
    }
    let inputs: Vec<String> = {
        let mut all = Vec::new();
        for p in f.params.iter().filter(|p| !p.is_receiver()) {
            for l in lifetimes_in(&p.ty) {
                if !all.contains(&l) {
                    all.push(l);
                }
            }
        }
        all
    };
    let output_lifetime = match (&self_lifetime, inputs.as_slice()) {
        (Some(s), _) => Some(s.clone()),
        (None, [only]) => Some(only.clone()),
        _ => None,
    };
    if let (Some(out), Some(l)) = (f.output.as_mut(), output_lifetime) {
        *out = fill_elided(out, &l);
    }
    // The receiver's named lifetime, where the signature uses it, is `'self` too.
    if let Some(s) = self_lifetime.filter(|s| s != "'self") {
        let map: HashMap<String, String> = [(s, "'self".to_string())].into();
        for p in f.params.iter_mut().filter(|p| !p.is_receiver()) {
            p.ty = rename(&p.ty, &map);
        }
        if let Some(out) = f.output.as_mut() {
            *out = rename(out, &map);
        }
        for pred in &mut f.generics.predicates {
            pred.subject = rename(&pred.subject, &map);
            pred.bounds = pred.bounds.iter().map(|b| rename(b, &map)).collect();
        }
    }
    drop_lifetime_params(&mut f.generics);
}

/// Lifetimes and bare identifiers of a self type's generic arguments (`<'a, T>`), which the impl
/// declares.
pub(crate) fn param_like(args: &str) -> Vec<String> {
    let inner = args.strip_prefix('<').and_then(|a| a.strip_suffix('>')).unwrap_or("");
    let mut out = lifetimes_in(inner);
    for part in super::split_top_level(inner, ", ") {
        let bare = !part.is_empty()
            && part.chars().all(|c| c.is_alphanumeric() || c == '_')
            && part.starts_with(|c: char| c.is_uppercase())
            && !PRELUDE_TYPES.contains(&part);
        if bare {
            out.push(part.to_string());
        }
    }
    out
}

const PRELUDE_TYPES: [&str; 5] = ["String", "Vec", "Option", "Result", "Box"];

/// `&T` → `&'_1 T`, `'_` → `'_2`: every elided lifetime a fresh one.
fn explicit_refs(ty: &str, fresh: &mut usize) -> String {
    let mut out = String::with_capacity(ty.len() + 8);
    let chars: Vec<char> = ty.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '&' && chars.get(i + 1) != Some(&'\'') {
            *fresh += 1;
            out.push_str(&format!("&'elided{fresh} "));
            i += 1;
            continue;
        }
        if c == '\''
            && chars.get(i + 1) == Some(&'_')
            && !chars.get(i + 2).is_some_and(|c| c.is_alphanumeric() || *c == '_')
        {
            *fresh += 1;
            out.push_str(&format!("'elided{fresh}"));
            i += 2;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// An output type's elided lifetimes (`&T`, `'_`) set to `lifetime`.
fn fill_elided(ty: &str, lifetime: &str) -> String {
    let mut fresh = 0;
    let explicit = explicit_refs(ty, &mut fresh);
    let map: HashMap<String, String> = (1..=fresh).map(|i| (format!("'elided{i}"), lifetime.to_string())).collect();
    rename(&explicit, &map)
}

/// In consts and statics an elided lifetime is `'static`.
fn static_lifetimes(ty: &str) -> String {
    ty.replace("&'static ", "&")
}

/// Lifetime names in a text, in order of first appearance (`'static` and `'_` excluded).
fn lifetimes_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (s, e, _) in token_spans(text) {
        let name = &text[s..e];
        if name.starts_with('\'')
            && name != "'static"
            && name != "'_"
            && name.len() > 1
            && !out.iter().any(|o| o == name)
        {
            out.push(name.to_string());
        }
    }
    out
}

/// Replaces whole tokens (identifiers not inside a path, lifetimes) by `map`.
pub(crate) fn rename(text: &str, map: &HashMap<String, String>) -> String {
    if map.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (s, e, in_path) in token_spans(text) {
        if let (Some(new), false) = (map.get(&text[s..e]), in_path) {
            out.push_str(&text[copied..s]);
            out.push_str(new);
            copied = e;
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn apply(item: &mut Item, map: &HashMap<String, String>) {
    map_text(item, &|s| rename(s, map));
    if let Decl::Impl(i) = &mut item.decl {
        drop_lifetime_params(&mut i.generics);
    }
}

/// Every type, bound and generic parameter text of the item's declaration through `f` (its path
/// untouched); predicates sorted again after.
pub fn map_text(item: &mut Item, f: &dyn Fn(&str) -> String) {
    let map = f;
    let r = |s: &mut String| *s = map(s);
    fn generics(g: &mut Generics, map: &dyn Fn(&str) -> String) {
        for p in &mut g.params {
            p.name = map(&p.name);
            match &mut p.kind {
                GenericParamKind::Lifetime => {}
                GenericParamKind::Type { default } => {
                    if let Some(d) = default {
                        *d = map(d);
                    }
                }
                GenericParamKind::Const { ty, default } => {
                    *ty = map(ty);
                    if let Some(d) = default {
                        *d = map(d);
                    }
                }
            }
        }
        for pred in &mut g.predicates {
            pred.subject = map(&pred.subject);
            pred.bounds = pred.bounds.iter().map(|b| map(b)).collect();
            pred.bounds.sort();
        }
        g.predicates.sort();
    }
    fn function(f: &mut Function, map: &dyn Fn(&str) -> String) {
        generics(&mut f.generics, map);
        for p in &mut f.params {
            p.ty = map(&p.ty);
        }
        if let Some(o) = &mut f.output {
            *o = map(o);
        }
    }
    fn fields(fs: &mut [Field], map: &dyn Fn(&str) -> String) {
        for f in fs {
            f.ty = map(&f.ty);
        }
    }
    match &mut item.decl {
        Decl::Function(f) | Decl::TraitFunction { function: f, .. } => function(f, map),
        Decl::Method { impl_args, function: f } => {
            r(impl_args);
            function(f, map);
        }
        Decl::AssocConst { impl_args, ty } => {
            r(impl_args);
            r(ty);
        }
        Decl::Struct(s) => {
            generics(&mut s.generics, map);
            match &mut s.kind {
                StructKind::Unit => {}
                StructKind::Tuple { fields: fs } => {
                    for f in fs.iter_mut().flatten() {
                        f.ty = map(&f.ty);
                    }
                }
                StructKind::Plain { fields: fs, .. } => fields(fs, map),
            }
        }
        Decl::Union(u) => {
            generics(&mut u.generics, map);
            fields(&mut u.fields, map);
        }
        Decl::Enum(g) => generics(g, map),
        Decl::Variant(v) => match &mut v.kind {
            VariantKind::Plain => {}
            VariantKind::Tuple { fields: fs } => {
                for f in fs.iter_mut().flatten() {
                    f.ty = map(&f.ty);
                }
            }
            VariantKind::Struct { fields: fs, .. } => fields(fs, map),
        },
        Decl::Trait(t) => {
            generics(&mut t.generics, map);
            t.supertraits = t.supertraits.iter().map(|s| map(s)).collect();
        }
        Decl::TraitType { generics: g, bounds, default } => {
            generics(g, map);
            *bounds = bounds.iter().map(|b| map(b)).collect();
            if let Some(d) = default {
                r(d);
            }
        }
        Decl::TraitConst { ty, .. } | Decl::Const { ty } | Decl::Static { ty, .. } => r(ty),
        Decl::Impl(i) => {
            generics(&mut i.generics, map);
            r(&mut i.trait_);
            r(&mut i.self_ty);
            for (_, t) in &mut i.assoc_types {
                r(t);
            }
        }
        Decl::TypeAlias { generics: g, ty } => {
            generics(g, map);
            r(ty);
        }
        Decl::Module | Decl::MacroRules | Decl::ProcMacro { .. } | Decl::ReExport { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::parse_item;

    /// The canonical form, parameter names left out (the rules compare types only).
    fn canon(line: &str) -> String {
        let item = parse_item(line, &|p: &str| p.ends_with("Memchr") || p.ends_with("Regex")).unwrap();
        let mut c = canonical(&item, &[]).0;
        if let Decl::Function(f) | Decl::Method { function: f, .. } = &mut c.decl {
            for p in f.params.iter_mut().filter(|p| !p.is_receiver()) {
                p.name = "_".to_string();
            }
        }
        c.render()
    }

    #[test]
    fn parameter_names_and_elision_do_not_matter() {
        assert_eq!(
            canon("pub fn memchr::Memchr::new(needle: u8, haystack: &[u8]) -> memchr::Memchr<'_>"),
            canon("pub fn memchr::Memchr::new<'h>(needle: u8, haystack: &'h [u8]) -> memchr::Memchr<'h>")
        );
        assert_eq!(
            canon("pub fn regex::Regex::find<'t>(&self, text: &'t str) -> Option<regex::Match<'t>>"),
            canon("pub fn regex::Regex::find<'h>(&self, haystack: &'h str) -> Option<regex::Match<'h>>")
        );
        assert_eq!(
            canon("impl<'a> DoubleEndedIterator for memchr::Memchr<'a>"),
            canon("impl<'h> DoubleEndedIterator for memchr::Memchr<'h>")
        );
        assert_eq!(
            canon("impl<'de, T0> serde::de::Deserialize<'de> for (T0,) where T0: serde::de::Deserialize<'de>"),
            canon("impl<'de, T> serde::de::Deserialize<'de> for (T,) where T: serde::de::Deserialize<'de>")
        );
        assert_eq!(
            canon("impl<'a, T> s::Index for &'a T where T: s::Index"),
            canon("impl<T> s::Index for &T where T: s::Index")
        );
        assert_eq!(canon("pub fn a::get(&self) -> &u8"), canon("pub fn a::get<'a>(&'a self) -> &'a u8"));
        assert_eq!(canon("pub static a::NAME: &str"), canon("pub static a::NAME: &'static str"));
    }

    #[test]
    fn real_differences_remain() {
        assert_ne!(canon("pub fn a::f(x: &u8) -> &u8"), canon("pub fn a::f(x: &u8) -> &'static u8"));
        assert_ne!(canon("pub fn a::f<T>(x: T)"), canon("pub fn a::f<T>(x: &T)"));
        assert_ne!(canon("pub fn a::f<A, B>(x: A, y: B)"), canon("pub fn a::f<A, B>(x: B, y: A)"));
        assert_ne!(canon("pub fn a::f(x: a::T)"), canon("pub fn a::f(x: a::U)"));
    }

    #[test]
    fn names_come_back_for_messages() {
        let item = parse_item("pub fn a::f<'h>(x: &'h str) -> &'h str", &|_| false).unwrap();
        let (c, names) = canonical(&item, &[]);
        assert_eq!(names.restore(&c.render()), "pub fn a::f(x: &'h str) -> &'h str");
    }

    #[test]
    fn elided_lifetimes_are_shown_as_written() {
        let names = Names::default();
        assert_eq!(names.restore("from `&'_0 a::Rule` to `a::Rule`"), "from `&a::Rule` to `a::Rule`");
        assert_eq!(names.restore("`a::Iter<'_1>` and `&'_2 mut T`"), "`a::Iter<'_>` and `&mut T`");
        assert_eq!(names.restore("`&'_x T` and `'_`"), "`&'_x T` and `'_`");
    }
}
