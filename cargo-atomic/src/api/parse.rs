//! Snapshot lines → model: the exact inverse of `render.rs`.
//!
//! Lines are parsed in file order. A function or const whose parent path is a struct, enum or
//! union seen earlier (parents sort before their children) is an inherent associated item; the
//! trailing `// required` / `// provided` marks trait items.

use super::render::{DYN_COMPATIBLE, NOT_DYN_COMPATIBLE, PROVIDED, REQUIRED, SEALED};
use super::text::{find_top_level, matching_close, split_top_level};
use super::{
    Attrs, Decl, Field, Function, GenericParam, GenericParamKind, Generics, Impl, Item, Param, Predicate,
    ProcMacroKind, Struct, StructKind, Trait, Union, Variant, VariantKind,
};

type Result<T> = std::result::Result<T, String>;

/// Parses one item line. `is_type` tells whether a path names a struct, enum or union declared on
/// an earlier line.
pub fn parse_item(line: &str, is_type: &dyn Fn(&str) -> bool) -> Result<Item> {
    let (attrs, rest) = parse_attrs(line)?;
    let (body, note) = match find_top_level(rest, " // ", 0) {
        Some(i) => (&rest[..i], Some(&rest[i + 4..])),
        None => (rest, None),
    };
    if let Some(imp) = body.strip_prefix("unsafe impl").or_else(|| body.strip_prefix("impl")) {
        let imp = parse_impl(imp, body.starts_with("unsafe"))?;
        return Ok(Item { path: impl_anchor(&imp.trait_, &imp.self_ty), attrs, decl: Decl::Impl(imp) });
    }
    let body = body.strip_prefix("pub ").ok_or("expected `pub` or `impl`")?;
    let provided = match note {
        Some(n) if n == &PROVIDED[4..] => Some(true),
        Some(n) if n == &REQUIRED[4..] => Some(false),
        _ => None,
    };

    let (path, decl) = if let Some(rest) = body.strip_prefix("mod ") {
        (rest.to_string(), Decl::Module)
    } else if is_function(body) {
        let (segments, function) = parse_function(body)?;
        let path = segments.path();
        match provided {
            Some(provided) => (path, Decl::TraitFunction { function, provided }),
            None if segments.is_assoc(is_type) => {
                (path, Decl::Method { impl_args: segments.impl_args().to_string(), function })
            }
            None => (path, Decl::Function(function)),
        }
    } else if let Some(rest) = body.strip_prefix("const ") {
        let colon = find_top_level(rest, ": ", 0).ok_or("const without a type")?;
        let segments = PathSegments::parse(&rest[..colon])?;
        let ty = rest[colon + 2..].to_string();
        let path = segments.path();
        match provided {
            Some(provided) => (path, Decl::TraitConst { ty, provided }),
            None if segments.is_assoc(is_type) => {
                (path, Decl::AssocConst { impl_args: segments.impl_args().to_string(), ty })
            }
            None => (path, Decl::Const { ty }),
        }
    } else if let Some((unsafe_, rest)) = body
        .strip_prefix("static ")
        .map(|r| (false, r))
        .or_else(|| body.strip_prefix("unsafe static ").map(|r| (true, r)))
    {
        let (mutable, rest) = match rest.strip_prefix("mut ") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let (path, ty) = rest.split_once(": ").ok_or("static without a type")?;
        (path.to_string(), Decl::Static { ty: ty.to_string(), mutable, unsafe_ })
    } else if let Some(rest) = body.strip_prefix("struct ") {
        parse_struct(rest)?
    } else if let Some(rest) = body.strip_prefix("union ") {
        let (path, generics, rest) = parse_path_params(rest)?;
        let (generics, rest) = parse_where_before_body(generics, rest)?;
        let (fields, has_private) = parse_named_fields(rest, true)?;
        (path, Decl::Union(Union { generics, fields, has_private }))
    } else if let Some(rest) = body.strip_prefix("enum ") {
        let (path, generics, rest) = parse_path_params(rest)?;
        let generics = parse_trailing_where(generics, rest)?;
        (path, Decl::Enum(generics))
    } else if let Some((is_unsafe, is_auto, rest)) = strip_trait_keyword(body) {
        parse_trait(rest, is_unsafe, is_auto, note)?
    } else if let Some(rest) = body.strip_prefix("type ") {
        match provided {
            Some(_) => parse_trait_type(rest)?,
            None => {
                let (path, generics, rest) = parse_path_params(rest)?;
                let rest = rest.strip_prefix(" = ").ok_or("type alias without `=`")?;
                let (ty, generics) = split_where(generics, rest)?;
                (path, Decl::TypeAlias { generics, ty: ty.to_string() })
            }
        }
    } else if let Some(rest) = body.strip_prefix("macro_rules! ") {
        (rest.to_string(), Decl::MacroRules)
    } else if let Some((kind, rest)) = strip_proc_macro_keyword(body) {
        let (path, helpers) = match rest.find("(attributes(") {
            Some(i) => {
                let list = rest[i + "(attributes(".len()..].strip_suffix("))").ok_or("unclosed `attributes(`")?;
                (rest[..i].to_string(), list.split(", ").map(str::to_string).collect())
            }
            None => (rest.to_string(), Vec::new()),
        };
        (path, Decl::ProcMacro { kind, helpers })
    } else if let Some(rest) = body.strip_prefix("use ") {
        let (path, target) = rest.split_once(" = ").ok_or("re-export without `=`")?;
        (path.to_string(), Decl::ReExport { target: target.to_string() })
    } else {
        parse_variant(body)?
    };
    if path.is_empty() || path.contains(' ') {
        return Err(format!("malformed item path `{path}`"));
    }
    Ok(Item { path, attrs, decl })
}

/// Parses an `export SYMBOL = DECLARATION` line (see `render::export_line`).
pub fn parse_export(line: &str) -> Result<(String, Item)> {
    let rest = line.strip_prefix("export ").ok_or("expected `export`")?;
    let (symbol, decl) = rest.split_once(" = ").ok_or("export without `=`")?;
    let (attrs, body) = parse_attrs(decl)?;
    let attrs_text = super::render::attrs(&attrs);
    let item = parse_item(&format!("{attrs_text}pub {body}"), &|_| false)?;
    if !matches!(item.decl, Decl::Function(_) | Decl::Static { .. }) {
        return Err(format!("export `{symbol}` is neither a function nor a static"));
    }
    Ok((symbol.to_string(), item))
}

/// Where a trait impl sorts: under its self type's path, or under the trait's path when the self
/// type is not a path (`impl Tr for u32`, `impl<T> Tr for T`).
pub fn impl_anchor(trait_: &str, self_ty: &str) -> String {
    let head = super::strip_generic_args(self_ty.trim_start_matches(['&', '*']).trim_start_matches("mut "));
    if head.contains("::") && !head.starts_with('<') && !head.contains(' ') {
        head.to_string()
    } else {
        super::strip_generic_args(trait_).to_string()
    }
}

fn parse_attrs(mut line: &str) -> Result<(Attrs, &str)> {
    let mut attrs = Attrs::default();
    while line.starts_with("#[") {
        let close = matching_close(line, 1).ok_or("unclosed attribute")?;
        let inner = &line[2..close];
        match inner {
            "deprecated" => attrs.deprecated = true,
            "doc(hidden)" => attrs.doc_hidden = true,
            "must_use" => attrs.must_use = true,
            "non_exhaustive" => attrs.non_exhaustive = true,
            "no_mangle" => attrs.no_mangle = true,
            _ if inner.starts_with("export_name = ") => {
                let name = &inner["export_name = ".len()..];
                attrs.export_name = Some(serde_json::from_str(name).map_err(|_| format!("bad export name `{name}`"))?);
            }
            _ if inner.starts_with("target_feature(enable = \"") => {
                let list = inner["target_feature(enable = \"".len()..]
                    .strip_suffix("\")")
                    .ok_or_else(|| format!("malformed `#[{inner}]`"))?;
                attrs.target_features = list.split(',').map(str::to_string).collect();
            }
            _ => {
                let list = inner
                    .strip_prefix("repr(")
                    .and_then(|r| r.strip_suffix(')'))
                    .ok_or_else(|| format!("unknown attribute `#[{inner}]`"))?;
                attrs.repr = split_top_level(list, ", ").into_iter().map(str::to_string).collect();
            }
        }
        line = line[close + 1..].strip_prefix(' ').ok_or("attribute not followed by a space")?;
    }
    Ok((attrs, line))
}

fn is_function(body: &str) -> bool {
    let mut rest = body;
    for qualifier in ["const ", "async ", "unsafe "] {
        rest = rest.strip_prefix(qualifier).unwrap_or(rest);
    }
    if let Some(after) = rest.strip_prefix("extern \"") {
        rest = after.split_once("\" ").map(|(_, r)| r).unwrap_or(after);
    }
    rest.starts_with("fn ")
}

/// A path whose segments may carry generic arguments: `core::Wrapper<T>::map<U>`.
struct PathSegments {
    segments: Vec<(String, String)>,
}

impl PathSegments {
    fn parse(s: &str) -> Result<Self> {
        let (segments, rest) = Self::parse_prefix(s)?;
        if !rest.is_empty() {
            return Err(format!("unexpected `{rest}` after path"));
        }
        Ok(segments)
    }

    /// Parses a path at the start of `s`, returning it and the rest.
    fn parse_prefix(s: &str) -> Result<(Self, &str)> {
        let mut segments = Vec::new();
        let mut rest = s;
        loop {
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '#')).unwrap_or(rest.len());
            if end == 0 {
                return Err(format!("expected a path at `{rest}`"));
            }
            let name = &rest[..end];
            rest = &rest[end..];
            let mut args = "";
            if rest.starts_with('<') {
                let close = matching_close(rest, 0).ok_or("unclosed `<` in path")?;
                args = &rest[..=close];
                rest = &rest[close + 1..];
            }
            segments.push((name.to_string(), args.to_string()));
            match rest.strip_prefix("::") {
                Some(r) => rest = r,
                None => break,
            }
        }
        Ok((PathSegments { segments }, rest))
    }

    fn path(&self) -> String {
        let names: Vec<&str> = self.segments.iter().map(|(n, _)| n.as_str()).collect();
        names.join("::")
    }

    fn parent(&self) -> String {
        let names: Vec<&str> = self.segments[..self.segments.len() - 1].iter().map(|(n, _)| n.as_str()).collect();
        names.join("::")
    }

    /// Arguments of the last segment: the item's own generic parameters.
    fn own_args(&self) -> &str {
        self.segments.last().map(|(_, a)| a.as_str()).unwrap_or("")
    }

    /// Arguments of the parent segment: the self type's generic arguments of an inherent impl.
    fn impl_args(&self) -> &str {
        match self.segments.len() {
            0 | 1 => "",
            n => &self.segments[n - 2].1,
        }
    }

    fn is_assoc(&self, is_type: &dyn Fn(&str) -> bool) -> bool {
        self.segments.len() > 1 && (!self.impl_args().is_empty() || is_type(&self.parent()))
    }
}

fn parse_function(body: &str) -> Result<(PathSegments, Function)> {
    let mut f = Function::default();
    let mut rest = body;
    if let Some(r) = rest.strip_prefix("const ") {
        f.is_const = true;
        rest = r;
    }
    if let Some(r) = rest.strip_prefix("async ") {
        f.is_async = true;
        rest = r;
    }
    if let Some(r) = rest.strip_prefix("unsafe ") {
        f.is_unsafe = true;
        rest = r;
    }
    if let Some(r) = rest.strip_prefix("extern \"") {
        let (abi, r) = r.split_once("\" ").ok_or("unclosed ABI string")?;
        f.abi = Some(abi.to_string());
        rest = r;
    }
    let rest = rest.strip_prefix("fn ").ok_or("expected `fn`")?;
    let (segments, rest) = PathSegments::parse_prefix(rest)?;
    let mut generics = parse_params(segments.own_args())?;
    if !rest.starts_with('(') {
        return Err("expected `(` after function name".to_string());
    }
    let close = matching_close(rest, 0).ok_or("unclosed parameter list")?;
    for p in split_top_level(&rest[1..close], ", ") {
        match p {
            "..." => f.variadic = true,
            _ => f.params.push(parse_param(p)?),
        }
    }
    let mut rest = &rest[close + 1..];
    let where_at = find_top_level(rest, " where ", 0);
    if let Some(r) = rest.strip_prefix(" -> ") {
        let end = find_top_level(r, " where ", 0).unwrap_or(r.len());
        f.output = Some(r[..end].to_string());
        rest = &r[end..];
    } else if where_at != Some(0) && !rest.is_empty() {
        return Err(format!("unexpected `{rest}` after parameters"));
    }
    if let Some(preds) = rest.strip_prefix(" where ") {
        generics.predicates = parse_predicates(preds)?;
    }
    f.generics = generics;
    Ok((segments, f))
}

fn parse_param(p: &str) -> Result<Param> {
    let receiver = |ty: &str| Param { name: "self".to_string(), ty: ty.to_string() };
    match p {
        "self" => return Ok(receiver("Self")),
        "&self" => return Ok(receiver("&Self")),
        "&mut self" => return Ok(receiver("&mut Self")),
        _ => {}
    }
    if let Some(lifetime_rest) = p.strip_prefix("&'") {
        if let Some(lifetime) = lifetime_rest.strip_suffix(" mut self") {
            return Ok(receiver(&format!("&'{lifetime} mut Self")));
        }
        if let Some(lifetime) = lifetime_rest.strip_suffix(" self") {
            return Ok(receiver(&format!("&'{lifetime} Self")));
        }
    }
    let colon = find_top_level(p, ": ", 0).ok_or_else(|| format!("parameter `{p}` without a type"))?;
    Ok(Param { name: p[..colon].to_string(), ty: p[colon + 2..].to_string() })
}

/// `<'a, T = u8, const N: usize>` → generic parameters (no predicates).
fn parse_params(args: &str) -> Result<Generics> {
    let mut generics = Generics::default();
    if args.is_empty() {
        return Ok(generics);
    }
    let inner = args.strip_prefix('<').and_then(|a| a.strip_suffix('>')).ok_or("malformed generics")?;
    for p in split_top_level(inner, ", ") {
        let param = if p.starts_with('\'') {
            GenericParam { name: p.to_string(), kind: GenericParamKind::Lifetime }
        } else if let Some(c) = p.strip_prefix("const ") {
            let (name, rest) = c.split_once(": ").ok_or("const parameter without a type")?;
            let (ty, default) = match find_top_level(rest, " = ", 0) {
                Some(i) => (&rest[..i], Some(rest[i + 3..].to_string())),
                None => (rest, None),
            };
            GenericParam { name: name.to_string(), kind: GenericParamKind::Const { ty: ty.to_string(), default } }
        } else {
            let (name, default) = match p.split_once(" = ") {
                Some((n, d)) => (n, Some(d.to_string())),
                None => (p, None),
            };
            GenericParam { name: name.to_string(), kind: GenericParamKind::Type { default } }
        };
        generics.params.push(param);
    }
    Ok(generics)
}

fn parse_predicates(s: &str) -> Result<Vec<Predicate>> {
    split_top_level(s, ", ")
        .into_iter()
        .map(|p| {
            if let Some(i) = find_top_level(p, ": ", 0) {
                let bounds = split_top_level(&p[i + 2..], " + ").into_iter().map(str::to_string).collect();
                Ok(Predicate { subject: p[..i].to_string(), bounds })
            } else if let Some(i) = find_top_level(p, " = ", 0) {
                Ok(Predicate { subject: p[..i].to_string(), bounds: vec![p[i + 1..].to_string()] })
            } else {
                Err(format!("malformed where predicate `{p}`"))
            }
        })
        .collect()
}

/// A path with optional generic parameters: `core::Config<T>` + the rest of the line.
fn parse_path_params(s: &str) -> Result<(String, Generics, &str)> {
    let (segments, rest) = PathSegments::parse_prefix(s)?;
    if segments.segments[..segments.segments.len() - 1].iter().any(|(_, a)| !a.is_empty()) {
        return Err(format!("unexpected generic arguments in `{s}`"));
    }
    Ok((segments.path(), parse_params(segments.own_args())?, rest))
}

/// `where P { body }` or ` { body }` → generics with predicates, and `{ body }`.
fn parse_where_before_body(mut generics: Generics, rest: &str) -> Result<(Generics, &str)> {
    let brace = find_top_level(rest, " {", 0).ok_or("expected a `{` body")?;
    if let Some(preds) = rest[..brace].strip_prefix(" where ") {
        generics.predicates = parse_predicates(preds)?;
    } else if brace != 0 {
        return Err(format!("unexpected `{}`", &rest[..brace]));
    }
    Ok((generics, &rest[brace + 1..]))
}

fn parse_trailing_where(mut generics: Generics, rest: &str) -> Result<Generics> {
    if let Some(preds) = rest.strip_prefix(" where ") {
        generics.predicates = parse_predicates(preds)?;
    } else if !rest.is_empty() {
        return Err(format!("unexpected `{rest}`"));
    }
    Ok(generics)
}

/// `TYPE where P` → (`TYPE`, generics with predicates).
fn split_where(mut generics: Generics, s: &str) -> Result<(&str, Generics)> {
    match find_top_level(s, " where ", 0) {
        Some(i) => {
            generics.predicates = parse_predicates(&s[i + 7..])?;
            Ok((&s[..i], generics))
        }
        None => Ok((s, generics)),
    }
}

fn parse_struct(rest: &str) -> Result<(String, Decl)> {
    let (path, generics, rest) = parse_path_params(rest)?;
    let (generics, kind) = if let Some(r) = rest.strip_suffix(';') {
        if r.starts_with('(') {
            let close = matching_close(r, 0).ok_or("unclosed tuple fields")?;
            let fields = parse_tuple_fields(&r[1..close], true)?;
            (parse_trailing_where(generics, &r[close + 1..])?, StructKind::Tuple { fields })
        } else {
            (parse_trailing_where(generics, r)?, StructKind::Unit)
        }
    } else {
        let (generics, body) = parse_where_before_body(generics, rest)?;
        let (fields, has_private) = parse_named_fields(body, true)?;
        (generics, StructKind::Plain { fields, has_private })
    };
    Ok((path, Decl::Struct(Struct { generics, kind })))
}

/// `{ pub a: T, .. }` → fields and whether `..` ends the list.
fn parse_named_fields(body: &str, public: bool) -> Result<(Vec<Field>, bool)> {
    let inner = body.strip_prefix('{').and_then(|b| b.strip_suffix('}')).ok_or("malformed `{ }` fields")?;
    let mut fields = Vec::new();
    let mut rest = false;
    for part in split_top_level(inner, ", ") {
        if part == ".." {
            rest = true;
            continue;
        }
        let (attrs, f) = parse_attrs(part)?;
        let f = if public { f.strip_prefix("pub ").ok_or("public field without `pub`")? } else { f };
        let colon = find_top_level(f, ": ", 0).ok_or("field without a type")?;
        fields.push(Field { name: f[..colon].to_string(), ty: f[colon + 2..].to_string(), attrs });
    }
    Ok((fields, rest))
}

fn parse_tuple_fields(inner: &str, public: bool) -> Result<Vec<Option<Field>>> {
    split_top_level(inner, ", ")
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            if part == "_" {
                return Ok(None);
            }
            let (attrs, f) = parse_attrs(part)?;
            let ty = if public { f.strip_prefix("pub ").ok_or("public field without `pub`")? } else { f };
            Ok(Some(Field { name: i.to_string(), ty: ty.to_string(), attrs }))
        })
        .collect()
}

fn parse_variant(body: &str) -> Result<(String, Decl)> {
    let (segments, rest) = PathSegments::parse_prefix(body)?;
    let (rest, discriminant) = match find_top_level(rest, " = ", 0) {
        Some(i) => (&rest[..i], Some(rest[i + 3..].to_string())),
        None => (rest, None),
    };
    let kind = if rest.is_empty() {
        VariantKind::Plain
    } else if rest.starts_with('(') && rest.ends_with(')') {
        VariantKind::Tuple { fields: parse_tuple_fields(&rest[1..rest.len() - 1], false)? }
    } else if let Some(body) = rest.strip_prefix(' ') {
        let (fields, has_hidden) = parse_named_fields(body, false)?;
        VariantKind::Struct { fields, has_hidden }
    } else {
        return Err(format!("cannot read item `{body}`"));
    };
    Ok((segments.path(), Decl::Variant(Variant { kind, discriminant })))
}

fn strip_trait_keyword(body: &str) -> Option<(bool, bool, &str)> {
    let (is_unsafe, rest) = match body.strip_prefix("unsafe ") {
        Some(r) => (true, r),
        None => (false, body),
    };
    let (is_auto, rest) = match rest.strip_prefix("auto ") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    rest.strip_prefix("trait ").map(|r| (is_unsafe, is_auto, r))
}

fn parse_trait(rest: &str, is_unsafe: bool, is_auto: bool, note: Option<&str>) -> Result<(String, Decl)> {
    let (path, generics, rest) = parse_path_params(rest)?;
    let (supers, generics) = split_where(generics, rest)?;
    let supertraits = match supers.strip_prefix(": ") {
        Some(s) => split_top_level(s, " + ").into_iter().map(str::to_string).collect(),
        None if supers.is_empty() => Vec::new(),
        None => return Err(format!("unexpected `{supers}` in trait")),
    };
    let notes: Vec<&str> = note.ok_or("trait without notes")?.split(", ").collect();
    let dyn_compatible = if notes.contains(&DYN_COMPATIBLE) {
        true
    } else if notes.contains(&NOT_DYN_COMPATIBLE) {
        false
    } else {
        return Err("trait notes do not say whether it is dyn-compatible".to_string());
    };
    let sealed = notes.contains(&SEALED);
    Ok((path, Decl::Trait(Trait { is_unsafe, is_auto, generics, supertraits, sealed, dyn_compatible })))
}

fn parse_trait_type(rest: &str) -> Result<(String, Decl)> {
    let (path, generics, rest) = parse_path_params(rest)?;
    let (rest, default) = match last_top_level(rest, " = ") {
        Some(i) => (&rest[..i], Some(rest[i + 3..].to_string())),
        None => (rest, None),
    };
    let (bounds, generics) = split_where(generics, rest)?;
    let bounds = match bounds.strip_prefix(": ") {
        Some(b) => split_top_level(b, " + ").into_iter().map(str::to_string).collect(),
        None => Vec::new(),
    };
    Ok((path, Decl::TraitType { generics, bounds, default }))
}

fn last_top_level(s: &str, pat: &str) -> Option<usize> {
    let mut found = None;
    let mut from = 0;
    while let Some(i) = find_top_level(s, pat, from) {
        found = Some(i);
        from = i + 1;
    }
    found
}

fn strip_proc_macro_keyword(body: &str) -> Option<(ProcMacroKind, &str)> {
    [
        ("proc_macro_attribute ", ProcMacroKind::Attribute),
        ("proc_macro_derive ", ProcMacroKind::Derive),
        ("proc_macro ", ProcMacroKind::Bang),
    ]
    .into_iter()
    .find_map(|(keyword, kind)| body.strip_prefix(keyword).map(|r| (kind, r)))
}

fn parse_impl(rest: &str, is_unsafe: bool) -> Result<Impl> {
    let (mut generics, rest) = if rest.starts_with('<') {
        let close = matching_close(rest, 0).ok_or("unclosed impl generics")?;
        (parse_params(&rest[..=close])?, &rest[close + 1..])
    } else {
        (Generics::default(), rest)
    };
    let rest = rest.strip_prefix(' ').ok_or("expected a space after `impl`")?;
    let for_at = find_top_level(rest, " for ", 0).ok_or("impl without `for`")?;
    let trait_ = rest[..for_at].to_string();
    let mut rest = &rest[for_at + 5..];
    let mut assoc_types = Vec::new();
    if let Some(i) = last_top_level(rest, " { ") {
        let body = rest[i + 3..].strip_suffix(" }").ok_or("unclosed impl body")?;
        for part in split_top_level(body, ";").into_iter().filter(|p| !p.is_empty()) {
            let def = part.strip_prefix("type ").ok_or("impl body item is not `type`")?;
            let (name, ty) = def.split_once(" = ").ok_or("associated type without `=`")?;
            assoc_types.push((name.to_string(), ty.to_string()));
        }
        rest = &rest[..i];
    }
    let self_ty = match find_top_level(rest, " where ", 0) {
        Some(i) => {
            generics.predicates = parse_predicates(&rest[i + 7..])?;
            &rest[..i]
        }
        None => rest,
    };
    Ok(Impl { is_unsafe, generics, trait_, self_ty: self_ty.to_string(), assoc_types })
}
