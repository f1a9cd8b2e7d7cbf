//! Witness programs: for a major finding, a few lines of Rust written from the baseline's
//! declaration that compile against the baseline and, if the finding is right, not against the
//! current API.
//!
//! Pure text generation: nothing here runs a process. A generator returns `None` where it cannot
//! write a faithful witness (a hidden item is still importable; a layout change does not fail to
//! compile; a bound only a foreign type could satisfy) — the finding's verdict is then "none".

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::api::{
    mentioned_crates, replace_self, split_top_level, Decl, GenericParam, GenericParamKind, Generics, Item, Namespace,
    Predicate, StructKind, VariantKind,
};
use crate::diff::{Finding, Indexed};

/// The rules a witness generator exists for (the others get the verdict "none").
pub const PROVABLE: &[&str] = &[
    "item-removed",
    "item-renamed",
    "macro-removed",
    "item-kind-changed",
    "pub-field-removed",
    "field-type-changed",
    "struct-private-field-added-when-public",
    "struct-hidden-field-added-when-public",
    "struct-pub-field-added-when-no-private",
    "struct-kind-changed",
    "sized-no-longer-implemented",
    "enum-variant-added",
    "enum-variant-removed",
    "enum-variant-fields-added",
    "enum-variant-field-removed",
    "enum-variant-field-type-changed",
    "enum-variant-kind-changed",
    "enum-discriminant-changed",
    "enum-no-longer-castable",
    "non-exhaustive-added",
    "trait-item-added-no-default",
    "trait-item-removed",
    "trait-item-signature-changed",
    "trait-item-default-removed",
    "trait-supertrait-added",
    "trait-supertrait-removed",
    "trait-generic-param-added",
    "trait-lifetime-params-changed",
    "trait-no-longer-dyn-compatible",
    "trait-unsafe-changed",
    "trait-newly-sealed",
    "trait-impl-removed",
    "auto-trait-impl-removed",
    "trait-impl-assoc-type-changed",
    "generic-bounds-tightened",
    "generic-bounds-replaced",
    "type-generic-param-added",
    "type-lifetime-params-changed",
    "generic-params-removed-or-reordered",
    "fn-params-changed",
    "fn-generic-param-not-inferable",
    "fn-param-type-changed",
    "fn-return-type-changed",
    "fn-receiver-changed",
    "fn-const-removed",
    "fn-unsafe-added",
    "fn-target-feature-added",
    "fn-abi-changed",
    "fn-variadic-changed",
    "type-alias-retargeted",
    "const-type-changed",
    "static-type-changed",
    "static-mut-changed",
    "static-made-unsafe",
];

/// A witness: the body of one module of the scratch crate, and the crates it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
    pub code: String,
    pub crates: BTreeSet<String>,
}

/// The witness of one finding, from its item in the baseline (`o`) and in the current API (`n`)
/// and the baseline (`old`).
pub fn witness(f: &Finding, o: Option<&Item>, n: Option<&Item>, old: &Indexed) -> Option<Witness> {
    // A replaced bound is minor until its witness decides.
    if (f.bump != crate::diff::Bump::Major && f.rule != "generic-bounds-replaced") || !PROVABLE.contains(&f.rule) {
        return None;
    }
    let code = generate(f.rule, o, n, old)?;
    // Paths a witness writes start with a crate, a local name, or a type parameter (`T::Item`).
    let crates = mentioned_crates(&code)
        .into_iter()
        .filter(|c| !LOCAL.contains(&c.as_str()) && !c.starts_with(char::is_uppercase))
        .collect();
    Some(Witness { code, crates })
}

/// First path segments a witness may write that are not crates.
const LOCAL: &[&str] = &["std", "self", "super", "crate", "need"];

fn generate(rule: &str, o: Option<&Item>, n: Option<&Item>, old: &Indexed) -> Option<String> {
    match rule {
        "enum-variant-added" => {
            let enum_path = n?.parent_path()?;
            let e = old.at(enum_path).iter().find(|i| matches!(i.decl, Decl::Enum(_)))?;
            return exhaustive_match(e, old);
        }
        "enum-no-longer-castable" => {
            let enum_path = n?.parent_path()?;
            let first = old.variants_of(enum_path).first()?;
            return Some(format!("fn w() {{ let _ = {} as i128; }}\n", first.path));
        }
        "trait-item-added-no-default" => {
            let tr = old.at(n?.parent_path()?).iter().find(|i| matches!(i.decl, Decl::Trait(_)))?;
            return implement(tr, old);
        }
        _ => {}
    }
    let o = o?;
    match rule {
        "item-removed" | "item-renamed" | "macro-removed" => removal(o, old),
        "item-kind-changed" => kind_use(o, old),
        "pub-field-removed" | "field-type-changed" => fields_read(o),
        "struct-private-field-added-when-public"
        | "struct-hidden-field-added-when-public"
        | "struct-pub-field-added-when-no-private"
        | "struct-kind-changed" => construct_struct(o),
        "non-exhaustive-added" => match &o.decl {
            Decl::Struct(_) => construct_struct(o),
            Decl::Enum(_) => exhaustive_match(o, old),
            Decl::Variant(_) => construct_variant(o, old),
            _ => None,
        },
        "sized-no-longer-implemented" => {
            let (g, ty) = self_type(o)?;
            Some(format!("fn w{}(){} {{ let _ = ::std::mem::size_of::<{ty}>(); }}\n", decl_params(&g), where_(&g)))
        }
        "enum-variant-removed" => removal(o, old),
        "enum-variant-fields-added"
        | "enum-variant-field-removed"
        | "enum-variant-field-type-changed"
        | "enum-variant-kind-changed" => construct_variant(o, old),
        "enum-discriminant-changed" => {
            let Decl::Variant(v) = &o.decl else { return None };
            let d = v.discriminant.as_ref()?;
            Some(format!("const _: () = ::std::assert!({} as i128 == {d});\n", o.path))
        }
        "trait-item-removed" => trait_item_use(o, old),
        "trait-item-signature-changed" => match &o.decl {
            Decl::TraitType { .. } => implement(old.parent_of(o)?, old),
            // Callers and implementors both see a method's signature.
            Decl::TraitFunction { provided: false, .. } => {
                let call = trait_item_use(o, old)?;
                Some(match implement(old.parent_of(o)?, old) {
                    Some(imp) => format!("{call}{imp}"),
                    None => call,
                })
            }
            _ => trait_item_use(o, old),
        },
        "trait-item-default-removed" => implement(old.parent_of(o)?, old),
        "trait-supertrait-added" | "trait-unsafe-changed" | "trait-newly-sealed" => implement(o, old),
        "trait-supertrait-removed" => {
            let Decl::Trait(t) = &o.decl else { return None };
            let (g, bound) = self_type(o)?;
            let mut out = String::new();
            for (i, sup) in t.supertraits.iter().enumerate() {
                let g = with_bound(&g, "S0", &bound);
                out.push_str(&need(&format!("w{i}"), &g, "S0", &replace_self(sup, "S0"), false));
            }
            Some(out)
        }
        "trait-generic-param-added" | "trait-lifetime-params-changed" => {
            let (g, bound) = self_type(o)?;
            let g = with_bound(&g, "S0", &bound);
            Some(format!("fn w{}(){} {{}}\n", decl_params(&g), where_(&g)))
        }
        "trait-no-longer-dyn-compatible" => {
            let (mut g, bound) = self_type(o)?;
            let mut assoc = Vec::new();
            for (i, item) in trait_items(o, old).iter().enumerate() {
                if let Decl::TraitType { generics, .. } = &item.decl {
                    if !generics.is_empty() {
                        return None;
                    }
                    g.params.push(type_param(&format!("A{i}")));
                    assoc.push(format!("{} = A{i}", item.name()));
                }
            }
            let dyn_ty = if assoc.is_empty() { bound } else { with_assoc(&bound, &assoc) };
            Some(format!("fn w{}(_: &dyn {dyn_ty}){} {{}}\n", decl_params(&g), where_(&g)))
        }
        "trait-impl-removed" | "auto-trait-impl-removed" => impl_holds(o),
        "trait-impl-assoc-type-changed" => {
            let Decl::Impl(imp) = &o.decl else { return None };
            let g = imp.generics.clone();
            let mut out = String::new();
            for (i, (name, ty)) in imp.assoc_types.iter().enumerate() {
                writeln!(
                    out,
                    "fn w{i}{}(x: <{} as {}>::{name}) -> {ty}{} {{ x }}",
                    decl_params(&g),
                    imp.self_ty,
                    imp.trait_,
                    where_(&g)
                )
                .unwrap();
            }
            (!out.is_empty()).then_some(out)
        }
        "generic-bounds-tightened"
        | "generic-bounds-replaced"
        | "type-generic-param-added"
        | "type-lifetime-params-changed"
        | "generic-params-removed-or-reordered" => generics_use(rule, o, n, old),
        // Auto traits leak through `impl Trait`: a dropped `+ Send` is a withdrawn promise that no
        // compiler sees while the hidden type stays `Send`.
        "fn-return-type-changed" if drops_leaking_auto_trait(o, n?) => None,
        "fn-params-changed"
        | "fn-generic-param-not-inferable"
        | "fn-param-type-changed"
        | "fn-return-type-changed"
        | "fn-receiver-changed"
        | "fn-unsafe-added"
        | "fn-abi-changed"
        | "fn-variadic-changed" => callable(o, old, false),
        "fn-const-removed" => callable(o, old, true),
        // On an `unsafe fn`, a target feature is a new safety precondition: no compiler sees it.
        "fn-target-feature-added" => match function_of(o) {
            Some(f) if !f.is_unsafe => callable(o, old, false),
            _ => None,
        },
        "type-alias-retargeted" => {
            let Decl::TypeAlias { generics, ty } = &o.decl else { return None };
            let g = without_defaults(generics);
            let alias = format!("{}{}", o.path, args_of(&g));
            Some(format!("fn w{}(x: {alias}) -> {ty}{} {{ x }}\n", decl_params(&g), where_(&g)))
        }
        "const-type-changed" => match &o.decl {
            Decl::Const { ty } => Some(format!("const _: {ty} = {};\n", o.path)),
            Decl::AssocConst { impl_args, ty } if impl_params(impl_args).is_empty() => {
                Some(format!("const _: {ty} = {};\n", value_path(o, impl_args)))
            }
            _ => None,
        },
        "static-type-changed" | "static-made-unsafe" | "static-mut-changed" => {
            let Decl::Static { ty, mutable, unsafe_ } = &o.decl else { return None };
            Some(if *mutable {
                format!("fn w(v: {ty}) {{ unsafe {{ {} = v; }} }}\n", o.path)
            } else if *unsafe_ {
                borrow(ty, &format!("unsafe {{ &{} }}", o.path))
            } else {
                borrow(ty, &format!("&{}", o.path))
            })
        }
        _ => None,
    }
}

/// An item that is no longer there: imported (types, modules, macros, free functions, consts,
/// statics), or named in an expression (associated items), or read (fields), or matched
/// (variants).
fn removal(o: &Item, old: &Indexed) -> Option<String> {
    let import = || Some(format!("use {} as _;\n", o.path));
    match &o.decl {
        Decl::TraitFunction { .. } | Decl::TraitType { .. } | Decl::TraitConst { .. } => trait_item_use(o, old),
        Decl::Method { .. } => callable(o, old, false),
        Decl::AssocConst { impl_args, ty } if impl_params(impl_args).is_empty() => {
            Some(format!("const _: {ty} = {};\n", value_path(o, impl_args)))
        }
        Decl::Variant(_) => {
            let e = old.parent_of(o)?;
            let (g, ty) = self_type(e)?;
            Some(format!("fn w{}(x: &{ty}){} {{ if let {} {{ .. }} = x {{}} }}\n", decl_params(&g), where_(&g), o.path))
        }
        // Types, modules, macros and re-exports are imported.
        _ if matches!(o.decl.namespace(), Namespace::Type | Namespace::Macro | Namespace::Use) => import(),
        // A `use` imports every namespace: a value is named as a value where a type or macro
        // of its name stays.
        Decl::Function(_) | Decl::Const { .. } | Decl::Static { .. } if old.at(&o.path).len() == 1 => import(),
        Decl::Function(_) => callable(o, old, false),
        Decl::Const { ty } | Decl::Static { ty, .. } => Some(borrow(ty, &format!("&{}", o.path))),
        _ => None,
    }
}

/// The item used as what it was: a struct by its shape, an enum matched, a trait as a bound, a
/// function called, a const in a pattern (a static cannot be), a static by reference.
fn kind_use(o: &Item, old: &Indexed) -> Option<String> {
    match &o.decl {
        Decl::Struct(s) => {
            let (g, ty) = self_type(o)?;
            let pattern = match &s.kind {
                StructKind::Unit => return Some(format!("fn w() {{ let _: {ty} = {}; }}\n", o.path)),
                StructKind::Tuple { .. } => format!("{}(..)", o.path),
                StructKind::Plain { .. } => format!("{} {{ .. }}", o.path),
            };
            Some(format!("fn w{}(x: {ty}){} {{ let {pattern} = x; }}\n", decl_params(&g), where_(&g)))
        }
        Decl::Enum(_) => exhaustive_match(o, old),
        Decl::Trait(_) => {
            let (g, bound) = self_type(o)?;
            let g = with_bound(&g, "S0", &bound);
            Some(format!("fn w{}(){} {{}}\n", decl_params(&g), where_(&g)))
        }
        Decl::Function(_) | Decl::Method { .. } => callable(o, old, false),
        Decl::Const { ty } => Some(format!("fn w(x: {ty}) {{ match x {{ {} => {{}} _ => {{}} }} }}\n", o.path)),
        Decl::Static { ty, mutable: false, unsafe_: false } => Some(borrow(ty, &format!("&{}", o.path))),
        Decl::Module => Some(format!("use {}::*;\n", o.path)),
        _ => None,
    }
}

/// A reference to a value (`expr`) taken as a reference to the old type `ty`.
fn borrow(ty: &str, expr: &str) -> String {
    format!("fn w() {{ let _: &{ty} = {expr}; }}\n")
}

/// Every public field read with its old type.
fn fields_read(o: &Item) -> Option<String> {
    let (g, ty) = self_type(o)?;
    let mut body = String::new();
    let fields: Vec<(String, &str)> = match &o.decl {
        Decl::Struct(s) => match &s.kind {
            StructKind::Unit => return None,
            StructKind::Tuple { fields } => {
                fields.iter().enumerate().filter_map(|(i, f)| Some((i.to_string(), f.as_ref()?.ty.as_str()))).collect()
            }
            StructKind::Plain { fields, .. } => fields.iter().map(|f| (f.name.clone(), f.ty.as_str())).collect(),
        },
        // Reading a union's field takes `unsafe`; taking its address does not on newer
        // toolchains, but did on Rust 1.85 (a witness compiles on every toolchain supported).
        Decl::Union(u) => {
            for f in &u.fields {
                write!(body, " #[allow(unused_unsafe)] let _: *const {} = unsafe {{ &raw const x.{} }};", f.ty, f.name)
                    .unwrap();
            }
            return Some(format!("fn w{}(x: &{ty}){} {{{body} }}\n", decl_params(&g), where_(&g)));
        }
        _ => return None,
    };
    for (name, fty) in fields {
        write!(body, " let _: &{fty} = &x.{name};").unwrap();
    }
    Some(format!("fn w{}(x: &{ty}){} {{{body} }}\n", decl_params(&g), where_(&g)))
}

/// A struct literal with the old fields (impossible with private fields or `#[non_exhaustive]`).
fn construct_struct(o: &Item) -> Option<String> {
    let Decl::Struct(s) = &o.decl else { return None };
    if o.attrs.non_exhaustive || s.kind.has_private_fields() {
        return None;
    }
    let (g, ty) = self_type(o)?;
    let (params, expr) = match &s.kind {
        StructKind::Unit => (String::new(), o.path.clone()),
        StructKind::Tuple { fields } => {
            let tys: Vec<&str> = fields.iter().map(|f| f.as_ref().map(|f| f.ty.as_str())).collect::<Option<_>>()?;
            (args(&tys), format!("{}({})", o.path, names(tys.len())))
        }
        StructKind::Plain { fields, .. } => {
            let tys: Vec<&str> = fields.iter().map(|f| f.ty.as_str()).collect();
            let inits: Vec<String> = fields.iter().enumerate().map(|(i, f)| format!("{}: a{i}", f.name)).collect();
            (args(&tys), format!("{} {{ {} }}", o.path, inits.join(", ")))
        }
    };
    Some(format!("fn w{}({params}) -> {ty}{} {{ {expr} }}\n", decl_params(&g), where_(&g)))
}

/// A variant built with its old shape.
fn construct_variant(o: &Item, old: &Indexed) -> Option<String> {
    let Decl::Variant(v) = &o.decl else { return None };
    if o.attrs.non_exhaustive {
        return None;
    }
    let (g, ty) = self_type(old.parent_of(o)?)?;
    let (params, expr) = match &v.kind {
        VariantKind::Plain => (String::new(), o.path.clone()),
        VariantKind::Tuple { fields } => {
            let tys: Vec<&str> = fields.iter().map(|f| f.as_ref().map(|f| f.ty.as_str())).collect::<Option<_>>()?;
            (args(&tys), format!("{}({})", o.path, names(tys.len())))
        }
        VariantKind::Struct { fields, has_hidden: false } => {
            let tys: Vec<&str> = fields.iter().map(|f| f.ty.as_str()).collect();
            let inits: Vec<String> = fields.iter().enumerate().map(|(i, f)| format!("{}: a{i}", f.name)).collect();
            (args(&tys), format!("{} {{ {} }}", o.path, inits.join(", ")))
        }
        VariantKind::Struct { .. } => return None,
    };
    Some(format!("fn w{}({params}) -> {ty}{} {{ {expr} }}\n", decl_params(&g), where_(&g)))
}

/// An exhaustive `match` over the old variants (impossible on a `#[non_exhaustive]` enum).
fn exhaustive_match(e: &Item, old: &Indexed) -> Option<String> {
    if e.attrs.non_exhaustive {
        return None;
    }
    if old.variants_of(&e.path).is_empty() {
        return None;
    }
    let (g, ty) = self_type(e)?;
    let arms: String = old.variants_of(&e.path).iter().map(|v| format!(" {} {{ .. }} => {{}}", v.path)).collect();
    Some(format!("fn w{}(x: &{ty}){} {{ match x {{{arms} }} }}\n", decl_params(&g), where_(&g)))
}

/// A trait item named through a type bounded by the trait: a function called, a type or a const
/// used.
fn trait_item_use(o: &Item, old: &Indexed) -> Option<String> {
    let tr = old.parent_of(o)?;
    let (g, bound) = self_type(tr)?;
    let g = with_bound(&g, "S0", &bound);
    match &o.decl {
        Decl::TraitFunction { .. } => callable(o, old, false),
        Decl::TraitType { generics, .. } if generics.is_empty() => Some(format!(
            "fn w{}(){} {{ let _: Option<<S0 as {bound}>::{}> = None; }}\n",
            decl_params(&g),
            where_(&g),
            o.name()
        )),
        Decl::TraitConst { ty, .. } => Some(format!(
            "fn w{}() -> {}{} {{ <S0 as {bound}>::{} }}\n",
            decl_params(&g),
            replace_self(ty, "S0"),
            where_(&g),
            o.name()
        )),
        _ => None,
    }
}

/// An impl of the trait for a local type, with exactly the old required items.
fn implement(tr: &Item, old: &Indexed) -> Option<String> {
    let Decl::Trait(t) = &tr.decl else { return None };
    if t.sealed || t.is_auto {
        return None;
    }
    let (g, bound) = self_type(tr)?;
    let mut out = String::new();
    out.push_str(&local_type("L", &t.supertraits)?);
    let mut body = String::new();
    for (i, item) in trait_items(tr, old).iter().enumerate() {
        match &item.decl {
            Decl::TraitFunction { provided: false, function } => {
                if function.output.as_deref().is_some_and(|o| o.contains("impl ")) {
                    return None;
                }
                let mut sig = String::new();
                crate::api::render_function(&mut sig, item.name(), function);
                writeln!(body, "    {sig} {{ ::std::unimplemented!() }}").unwrap();
            }
            Decl::TraitType { generics, bounds, default: None } => {
                if !generics.is_empty() {
                    return None;
                }
                let name = format!("A{i}");
                out.push_str(&local_type(&name, bounds)?);
                writeln!(body, "    type {} = {name};", item.name()).unwrap();
            }
            Decl::TraitConst { ty, provided: false } => {
                writeln!(body, "    const {}: {ty} = ::std::panic!();", item.name()).unwrap();
            }
            _ => {}
        }
    }
    let unsafety = if t.is_unsafe { "unsafe " } else { "" };
    writeln!(out, "{unsafety}impl{} {bound} for L{} {{\n{body}}}", decl_params(&g), where_(&g)).unwrap();
    Some(out)
}

/// A local type implementing exactly `bounds` (derivable standard traits, `Send`, `Sync`, and
/// what needs nothing): not `Send` nor `Sync` unless asked, so a tightened bound fails.
fn local_type(name: &str, bounds: &[String]) -> Option<String> {
    const DERIVABLE: &[(&str, &[&str])] = &[
        ("Clone", &[]),
        ("Copy", &["Clone"]),
        ("std::fmt::Debug", &[]),
        ("Default", &[]),
        ("PartialEq", &[]),
        ("Eq", &["PartialEq"]),
        ("PartialOrd", &["PartialEq"]),
        ("Ord", &["Eq", "PartialEq", "PartialOrd"]),
        ("std::hash::Hash", &[]),
    ];
    let mut derives: BTreeSet<&str> = BTreeSet::new();
    let mut extra = String::new();
    for b in bounds {
        let b = b.trim();
        if let Some((d, implied)) = DERIVABLE.iter().find(|(d, _)| *d == b) {
            derives.insert(d);
            derives.extend(implied.iter().copied());
        } else if b == "Send" || b == "Sync" {
            writeln!(extra, "unsafe impl {b} for {name} {{}}").unwrap();
        } else if !(b == "Sized" || b == "?Sized" || b == "Unpin" || b == "'static" || b.starts_with('\'')) {
            return None;
        }
    }
    let derive = if derives.is_empty() {
        String::new()
    } else {
        format!("#[derive({})]\n", derives.into_iter().collect::<Vec<_>>().join(", "))
    };
    Some(format!("{derive}pub struct {name}(::std::marker::PhantomData<*const ()>);\n{extra}"))
}

/// The old impl still holds: a function requiring it, instantiated with the impl's self type.
fn impl_holds(o: &Item) -> Option<String> {
    let Decl::Impl(imp) = &o.decl else { return None };
    if imp.trait_.starts_with('!') {
        return None;
    }
    let g = without_defaults(&imp.generics);
    Some(need("w", &g, &imp.self_ty, &imp.trait_, true))
}

/// `fn NAME<G>() { fn need<X: ?Sized + TRAIT, G>() {} need::<TY, G>(); }` (`?Sized` when `TY`
/// may be unsized: an impl's self type).
fn need(name: &str, g: &Generics, ty: &str, trait_: &str, maybe_unsized: bool) -> String {
    let mut inner = g.clone();
    inner.params.insert(0, type_param("X"));
    let bounds = if maybe_unsized { vec!["?Sized".to_string(), trait_.to_string()] } else { vec![trait_.to_string()] };
    inner.predicates.push(Predicate { subject: "X".to_string(), bounds });
    let turbofish: Vec<String> = std::iter::once(ty.to_string())
        .chain(g.params.iter().filter(|p| !matches!(p.kind, GenericParamKind::Lifetime)).map(|p| p.name.clone()))
        .collect();
    // The type as a parameter: its implied bounds (`S: 'a` of `Iter<'a, S>`) hold in the body.
    let marker = if ty == "S0" { String::new() } else { format!("_: ::std::marker::PhantomData<{ty}>") };
    format!(
        "fn {name}{}({marker}){} {{\n    fn need{}(){} {{}}\n    need::<{}>();\n}}\n",
        decl_params(g),
        where_(g),
        decl_params(&inner),
        where_(&inner),
        turbofish.join(", ")
    )
}

/// Generic parameters used with their old number and bounds.
fn generics_use(rule: &str, o: &Item, n: Option<&Item>, old: &Indexed) -> Option<String> {
    // A reorder keeps the number of parameters and proves nothing by count: only removals.
    let count = |g: &Generics| g.params.iter().filter(|p| !matches!(p.kind, GenericParamKind::Lifetime)).count();
    if rule == "generic-params-removed-or-reordered" && count(n?.decl.generics()?) >= count(o.decl.generics()?) {
        return None;
    }
    match &o.decl {
        // Removed parameters: named explicitly, with the old count.
        Decl::Function(_) | Decl::Method { .. } | Decl::TraitFunction { .. } => {
            callable_as(o, old, false, rule == "generic-params-removed-or-reordered")
        }
        Decl::Impl(_) => impl_holds(o),
        Decl::Struct(_) | Decl::Enum(_) | Decl::Union(_) | Decl::Trait(_) | Decl::TypeAlias { .. } => {
            let (g, ty) = self_type(o)?;
            if matches!(o.decl, Decl::Trait(_)) {
                let g = with_bound(&g, "S0", &ty);
                return Some(format!("fn w{}(){} {{}}\n", decl_params(&g), where_(&g)));
            }
            Some(format!(
                "fn w{}(_: ::std::marker::PhantomData<{ty}>){} {{ let _: Option<{ty}> = None; }}\n",
                decl_params(&g),
                where_(&g)
            ))
        }
        _ => None,
    }
}

fn drops_leaking_auto_trait(o: &Item, n: &Item) -> bool {
    let output = |i: &Item| {
        let f = function_of(i)?;
        let out = f.output.clone().unwrap_or_else(|| "()".to_string());
        Some(if f.is_async { format!("impl std::future::Future<Output = {out}>") } else { out })
    };
    let (Some(old), Some(new)) = (output(o), output(n)) else { return false };
    let has = |text: &str, word: &str| text.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == word);
    old.contains("impl ") && ["Send", "Sync", "Unpin"].iter().any(|a| has(&old, a) && !has(&new, a))
}

fn function_of(i: &Item) -> Option<&crate::api::Function> {
    match &i.decl {
        Decl::Function(f) | Decl::Method { function: f, .. } | Decl::TraitFunction { function: f, .. } => Some(f),
        _ => None,
    }
}

/// A function, method or trait method called with arguments of its old parameter types and its
/// result returned as the old type, inside a function with the old generics; when the
/// signature has no type parameters of its own, also coerced to a function pointer of the old
/// type. `in_const`: called from a `const fn` (for `const` removed).
fn callable(o: &Item, old: &Indexed, in_const: bool) -> Option<String> {
    callable_as(o, old, in_const, false)
}

/// [`callable`], with the function's own type and const parameters written out when `turbofish`
/// (impossible with `impl Trait` parameters).
fn callable_as(o: &Item, old: &Indexed, in_const: bool, turbofish: bool) -> Option<String> {
    let (f, outer, mut callee, self_ty) = match &o.decl {
        Decl::Function(f) => (f, Generics::default(), o.path.clone(), None),
        Decl::Method { impl_args, function } => {
            let params = impl_params(impl_args);
            let ty = format!("{}{impl_args}", o.parent_path()?);
            let outer = Generics { params, predicates: Vec::new() };
            (function, outer, format!("<{ty}>::{}", o.name()), Some(ty))
        }
        Decl::TraitFunction { function, .. } => {
            let tr = old.parent_of(o)?;
            let (g, bound) = self_type(tr)?;
            let g = with_bound(&g, "S0", &bound);
            (function, g, format!("<S0 as {bound}>::{}", o.name()), Some("S0".to_string()))
        }
        _ => return None,
    };
    let subst = |t: &str| match &self_ty {
        Some(s) => replace_self(t, s),
        None => t.to_string(),
    };
    let mut g = outer.clone();
    g.params.extend(f.generics.params.iter().cloned().map(strip_default));
    g.predicates.extend(f.generics.predicates.iter().map(|p| Predicate {
        subject: subst(&p.subject),
        bounds: p.bounds.iter().filter(|b| !b.starts_with('=')).map(|b| subst(b)).collect(),
    }));
    let mut tys: Vec<String> = f.params.iter().map(|p| subst(&p.ty)).collect();
    let mut out = f.output.as_deref().map(&subst);
    // A method's elided output lifetimes are its receiver's; a free function with more than one
    // input lifetime has no such rule, so the witness names it.
    let by_ref_receiver = f.params.first().is_some_and(|p| p.is_receiver() && (p.ty == "&Self" || p.ty == "&mut Self"));
    let named = by_ref_receiver && out.as_deref().is_some_and(|o| o.contains('&') || o.contains("'_"));
    if named {
        tys[0] = name_elided(&tys[0], "'w0");
        out = out.map(|o| name_elided(&o, "'w0"));
        g.params.insert(0, GenericParam { name: "'w0".to_string(), kind: GenericParamKind::Lifetime });
    }
    if turbofish {
        if tys.iter().any(|t| t.contains("impl ")) {
            return None;
        }
        let own: Vec<&str> = f
            .generics
            .params
            .iter()
            .filter(|p| !matches!(p.kind, GenericParamKind::Lifetime))
            .map(|p| p.name.as_str())
            .collect();
        callee = format!("{callee}::<{}>", own.join(", "));
    }
    let tys_ref: Vec<&str> = tys.iter().map(String::as_str).collect();
    let mut call_args: Vec<String> = (0..tys.len()).map(|i| format!("a{i}")).collect();
    if f.variadic {
        call_args.push("0i32".to_string());
    }
    let unsafe_call = f.is_unsafe || !o.attrs.target_features.is_empty() || f.variadic;
    let mut call = format!("{callee}({})", call_args.join(", "));
    if f.is_async {
        call = format!("async move {{ {call}.await }}");
    }
    if unsafe_call {
        call = format!("unsafe {{ {call} }}");
    }
    let ret = match (&out, f.is_async) {
        (Some(o), true) => format!(" -> impl ::std::future::Future<Output = {o}>"),
        (None, true) => " -> impl ::std::future::Future<Output = ()>".to_string(),
        (Some(o), false) => format!(" -> {o}"),
        (None, false) => String::new(),
    };
    let mut text = String::new();
    let features = if o.attrs.target_features.is_empty() {
        String::new()
    } else {
        format!("#[target_feature(enable = \"{}\")]\n", o.attrs.target_features.join(","))
    };
    if in_const {
        let body = match &out {
            Some(_) => format!("::std::mem::forget({call});"),
            None => format!("{call};"),
        };
        writeln!(text, "const fn w{}({}){} {{ {body} }}", decl_params(&g), args(&tys_ref), where_(&g)).unwrap();
        return Some(text);
    }
    writeln!(text, "{features}fn w{}({}){ret}{} {{ {call} }}", decl_params(&g), args(&tys_ref), where_(&g)).unwrap();
    // The function pointer of the old type (not for own type parameters, `impl Trait`, async,
    // target features or lifetimes that are early-bound).
    let named_lifetime = [GenericParam { name: "'w0".to_string(), kind: GenericParamKind::Lifetime }];
    let own_lifetimes: Vec<&GenericParam> = f
        .generics
        .params
        .iter()
        .filter(|p| matches!(p.kind, GenericParamKind::Lifetime))
        .chain(named_lifetime.iter().filter(|_| named))
        .collect();
    let early = own_lifetimes.iter().any(|l| {
        f.generics
            .predicates
            .iter()
            .any(|p| p.subject.contains(&l.name) || p.bounds.iter().any(|b| b.contains(&l.name)))
    });
    let plain = own_lifetimes.len() == f.generics.params.len() + usize::from(named)
        && !early
        && !f.is_async
        && !f.variadic
        && o.attrs.target_features.is_empty()
        && !tys.iter().chain(out.iter()).any(|t| t.contains("impl "));
    if plain {
        let binder = if own_lifetimes.is_empty() {
            String::new()
        } else {
            format!("for<{}> ", own_lifetimes.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", "))
        };
        let unsafety = if f.is_unsafe { "unsafe " } else { "" };
        let abi = f.abi.as_ref().map(|a| format!("extern {a:?} ")).unwrap_or_default();
        let ret = out.as_ref().map(|o| format!(" -> {o}")).unwrap_or_default();
        let p = Generics { params: outer.params.clone(), predicates: g.predicates.clone() };
        writeln!(
            text,
            "fn p{}(){} {{ let _: {binder}{unsafety}{abi}fn({}){ret} = {callee}; }}",
            decl_params(&p),
            where_(&p),
            tys.join(", ")
        )
        .unwrap();
    }
    Some(text)
}

/// `&mut Self` → `&'w0 mut Self`, `Iter<'_, T>` → `Iter<'w0, T>`: elided lifetimes named.
fn name_elided(ty: &str, lifetime: &str) -> String {
    let mut out = String::with_capacity(ty.len() + 8);
    let mut chars = ty.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '&' && chars.peek().is_some_and(|n| *n != '\'') {
            out.push_str(lifetime);
            out.push(' ');
        }
    }
    out.replace("'_", lifetime)
}

/// The generics and the type (or trait bound) an item names with its own parameters:
/// `(<T: Clone>, k::W<T>)`.
fn self_type(o: &Item) -> Option<(Generics, String)> {
    let g = without_defaults(o.decl.generics()?);
    Some((g.clone(), format!("{}{}", o.path, args_of(&g))))
}

/// The items of the trait at `tr`'s path.
fn trait_items<'a>(tr: &Item, old: &Indexed<'a>) -> Vec<&'a Item> {
    let prefix = format!("{}::", tr.path);
    old.snapshot
        .items
        .iter()
        .filter(|i| {
            i.path.strip_prefix(&prefix).is_some_and(|rest| !rest.contains("::"))
                && matches!(i.decl, Decl::TraitFunction { .. } | Decl::TraitType { .. } | Decl::TraitConst { .. })
        })
        .collect()
}

/// The parameters an inherent impl's self-type arguments declare (`<T, 'a>`; concrete arguments
/// such as `u8` or `k::X` are not parameters).
fn impl_params(impl_args: &str) -> Vec<GenericParam> {
    let inner = impl_args.strip_prefix('<').and_then(|s| s.strip_suffix('>')).unwrap_or("");
    split_top_level(inner, ",")
        .into_iter()
        .filter_map(|a| {
            let a = a.trim();
            if a.starts_with('\'') && a != "'static" && a != "'_" {
                return Some(GenericParam { name: a.to_string(), kind: GenericParamKind::Lifetime });
            }
            let ident = a.chars().next()?.is_uppercase() && a.chars().all(|c| c.is_alphanumeric() || c == '_');
            (ident && !PRELUDE_TYPES.contains(&a)).then(|| type_param(a))
        })
        .collect()
}

const PRELUDE_TYPES: &[&str] = &["String", "Self"];

fn value_path(o: &Item, impl_args: &str) -> String {
    let parent = o.parent_path().unwrap_or_default();
    if impl_args.is_empty() {
        o.path.clone()
    } else {
        format!("<{parent}{impl_args}>::{}", o.name())
    }
}

fn type_param(name: &str) -> GenericParam {
    GenericParam { name: name.to_string(), kind: GenericParamKind::Type { default: None } }
}

fn strip_default(mut p: GenericParam) -> GenericParam {
    match &mut p.kind {
        GenericParamKind::Type { default } => *default = None,
        GenericParamKind::Const { default, .. } => *default = None,
        GenericParamKind::Lifetime => {}
    }
    p
}

fn without_defaults(g: &Generics) -> Generics {
    Generics {
        params: g.params.iter().cloned().map(strip_default).collect(),
        predicates: g
            .predicates
            .iter()
            .map(|p| Predicate {
                subject: p.subject.clone(),
                bounds: p.bounds.iter().filter(|b| !b.starts_with('=')).cloned().collect(),
            })
            .collect(),
    }
}

/// `g` plus a type parameter `name` bounded by `bound`.
fn with_bound(g: &Generics, name: &str, bound: &str) -> Generics {
    let mut g = g.clone();
    for p in &mut g.predicates {
        p.subject = replace_self(&p.subject, name);
        p.bounds = p.bounds.iter().map(|b| replace_self(b, name)).collect();
    }
    g.params.push(type_param(name));
    g.predicates.push(Predicate { subject: name.to_string(), bounds: vec![bound.to_string()] });
    g
}

/// `k::Tr<T>` + `Out = A0` → `k::Tr<T, Out = A0>`.
fn with_assoc(bound: &str, assoc: &[String]) -> String {
    match bound.strip_suffix('>') {
        Some(open) => format!("{open}, {}>", assoc.join(", ")),
        None => format!("{bound}<{}>", assoc.join(", ")),
    }
}

/// `<'a, T, const N: usize>` (empty without parameters).
fn decl_params(g: &Generics) -> String {
    if g.params.is_empty() {
        return String::new();
    }
    let lifetimes = g.params.iter().filter(|p| matches!(p.kind, GenericParamKind::Lifetime));
    let others = g.params.iter().filter(|p| !matches!(p.kind, GenericParamKind::Lifetime));
    let list: Vec<String> = lifetimes
        .chain(others)
        .map(|p| match &p.kind {
            GenericParamKind::Const { ty, .. } => format!("const {}: {ty}", p.name),
            _ => p.name.clone(),
        })
        .collect();
    format!("<{}>", list.join(", "))
}

/// `<'a, T, N>`: the parameters as arguments.
fn args_of(g: &Generics) -> String {
    if g.params.is_empty() {
        return String::new();
    }
    format!("<{}>", g.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", "))
}

fn where_(g: &Generics) -> String {
    let preds: Vec<String> = g
        .predicates
        .iter()
        .filter(|p| !p.bounds.is_empty())
        .map(|p| format!("{}: {}", p.subject, p.bounds.join(" + ")))
        .collect();
    if preds.is_empty() {
        String::new()
    } else {
        format!(" where {}", preds.join(", "))
    }
}

/// `a0: A, a1: B`.
fn args(tys: &[&str]) -> String {
    tys.iter().enumerate().map(|(i, t)| format!("a{i}: {t}")).collect::<Vec<_>>().join(", ")
}

/// `a0, a1`.
fn names(n: usize) -> String {
    (0..n).map(|i| format!("a{i}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::findings;

    use crate::api::snapshot::from_lines as snap;

    /// The witness of each major finding between two snapshots: (rule, code).
    fn witnesses(old: &str, new: &str) -> Vec<(&'static str, Option<String>)> {
        let (old, new) = (snap(old), snap(new));
        let (o, n) = (Indexed::new(&old), Indexed::new(&new));
        let (ok, nk) = (crate::diff::items_by_key(&o), crate::diff::items_by_key(&n));
        findings(&old, &new)
            .iter()
            .filter(|f| f.bump == crate::diff::Bump::Major)
            .map(|f| (f.rule, witness(f, ok.get(&f.key).copied(), nk.get(&f.key).copied(), &o).map(|w| w.code)))
            .collect()
    }

    #[test]
    fn a_signature_change_is_coerced_to_the_old_function_pointer_and_called_with_the_old_types() {
        let got = witnesses("pub mod k\npub fn k::f(a: &str) -> u8", "pub mod k\npub fn k::f(a: &str, b: u8) -> u8");
        assert_eq!(
            got,
            [(
                "fn-params-changed",
                Some("fn w(a0: &str) -> u8 { k::f(a0) }\nfn p() { let _: fn(&str) -> u8 = k::f; }\n".to_string())
            )]
        );
    }

    #[test]
    fn generic_functions_keep_their_old_bounds_and_methods_their_impl_parameters() {
        let got = witnesses(
            "pub mod k\npub struct k::W<T>(pub T);\npub fn k::W<T>::get<U>(&self, u: U) -> &T where T: Clone, U: Copy",
            "pub mod k\npub struct k::W<T>(pub T);\npub fn k::W<T>::get<U>(&self, u: U) -> &T where T: Clone, U: Copy + Send",
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "generic-bounds-tightened");
        assert_eq!(
            got[0].1.as_deref(),
            Some("fn w<'w0, T, U>(a0: &'w0 k::W<T>, a1: U) -> &'w0 T where T: Clone, U: Copy { <k::W<T>>::get(a0, a1) }\n")
        );
    }

    #[test]
    fn an_impl_lost_is_required_of_the_type_with_the_old_generics() {
        let got = witnesses(
            "pub mod k\npub struct k::W<T>(pub T);\nimpl<T> Clone for k::W<T> where T: Clone",
            "pub mod k\npub struct k::W<T>(pub T);",
        );
        let code = got[0].1.as_deref().unwrap();
        assert!(code.contains("fn need<X, T>() where T: Clone, X: ?Sized + Clone {}"), "{code}");
        assert!(code.contains("need::<k::W<T>, T>();"), "{code}");
    }

    #[test]
    fn a_trait_item_added_is_witnessed_by_an_impl_with_exactly_the_old_items_but_not_for_sealed_traits() {
        let old = "pub mod k\npub trait k::Tr: Clone // dyn-compatible\npub fn k::Tr::f(&self) -> u8 // required\npub fn k::Tr::g(&self) // provided";
        let new = format!("{old}\npub fn k::Tr::h(&self) // required");
        let got = witnesses(old, &new);
        let code = got[0].1.as_deref().unwrap();
        assert!(code.starts_with("#[derive(Clone)]\npub struct L(::std::marker::PhantomData<*const ()>);"), "{code}");
        assert!(code.contains("impl k::Tr for L {\n    fn f(&self) -> u8 { ::std::unimplemented!() }\n}"), "{code}");
        assert!(!code.contains("fn g"), "provided items are left out: {code}");
        let sealed = old.replace("k::Tr: Clone // dyn-compatible", "k::Tr: Clone // sealed, dyn-compatible");
        assert_eq!(witnesses(&sealed, &format!("{sealed}\npub fn k::Tr::h(&self) // required")), []);
    }

    #[test]
    fn a_method_returning_a_borrow_of_its_receiver_names_the_lifetime() {
        assert_eq!(name_elided("&mut Self", "'w0"), "&'w0 mut Self");
        assert_eq!(name_elided("&&str", "'w0"), "&'w0 &'w0 str");
        assert_eq!(name_elided("k::Iter<'_, &'a T>", "'w0"), "k::Iter<'w0, &'a T>");
        let got = witnesses(
            "pub mod k\npub struct k::B;\npub fn k::B::add(&mut self, p: &[u8]) -> &mut k::B",
            "pub mod k\npub struct k::B;",
        );
        let code = got[0].1.as_deref().unwrap();
        assert!(code.starts_with("fn w<'w0>(a0: &'w0 mut k::B, a1: &[u8]) -> &'w0 mut k::B {"), "{code}");
        assert!(code.contains("let _: for<'w0> fn(&'w0 mut k::B, &[u8]) -> &'w0 mut k::B = <k::B>::add;"), "{code}");
    }

    #[test]
    fn no_witness_where_none_is_faithful() {
        // Hidden items are still importable; a struct with private fields cannot be built.
        let got = witnesses("pub mod k\npub fn k::f()", "pub mod k\n#[doc(hidden)] pub fn k::f()");
        assert_eq!(got, [("item-made-hidden", None)]);
        let got = witnesses(
            "pub mod k\npub struct k::S { pub a: u8, .. }",
            "pub mod k\npub struct k::S { pub a: u8, pub b: u8, .. }",
        );
        assert!(got.iter().all(|(_, w)| w.is_none()), "{got:?}");
    }
}
