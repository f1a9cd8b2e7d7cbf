//! Rendering rustdoc format 57 types, generics and signatures as the model's canonical strings.

use rustdoc_types as rt;

use super::*;

/// Renders rustdoc types into canonical strings.
pub(super) struct Renderer<'n, 'a> {
    pub(super) n: &'n Normalizer<'a>,
    /// The trait whose items are being rendered: `<Self as ThisTrait>::X` is written `Self::X`.
    pub(super) self_trait: Option<rt::Id>,
}

impl Renderer<'_, '_> {
    /// The canonical path of the item `id`; `written` (as in the source) when rustdoc knows no
    /// path for it.
    pub(super) fn resolve(&self, id: rt::Id, written: &str) -> String {
        if let Some(c) = self.n.canonical.get(&id) {
            return c.clone();
        }
        match self.n.krate.paths.get(&id) {
            Some(summary) if summary.crate_id == 0 => summary.path.join("::"),
            Some(summary) => self.n.external_path(summary),
            None => written.trim_start_matches("$crate::").to_string(),
        }
    }

    pub(super) fn path(&self, p: &rt::Path) -> String {
        let args = p.args.as_deref().map(|a| self.args(a)).unwrap_or_default();
        format!("{}{args}", self.resolve(p.id, &p.path))
    }

    pub(super) fn args(&self, a: &rt::GenericArgs) -> String {
        match a {
            rt::GenericArgs::AngleBracketed { args, constraints } => {
                let mut parts: Vec<String> = args
                    .iter()
                    .map(|arg| match arg {
                        rt::GenericArg::Lifetime(l) => l.clone(),
                        rt::GenericArg::Type(t) => self.ty(t),
                        rt::GenericArg::Const(c) => c.expr.clone(),
                        rt::GenericArg::Infer => "_".to_string(),
                    })
                    .collect();
                for c in constraints {
                    let args = c.args.as_deref().map(|a| self.args(a)).unwrap_or_default();
                    parts.push(match &c.binding {
                        rt::AssocItemConstraintKind::Equality(term) => {
                            format!("{}{args} = {}", c.name, self.term(term))
                        }
                        rt::AssocItemConstraintKind::Constraint(bounds) => {
                            format!("{}{args}: {}", c.name, self.bounds(bounds))
                        }
                    });
                }
                if parts.is_empty() {
                    String::new()
                } else {
                    format!("<{}>", parts.join(", "))
                }
            }
            rt::GenericArgs::Parenthesized { inputs, output } => {
                let inputs: Vec<String> = inputs.iter().map(|t| self.ty(t)).collect();
                match output {
                    Some(o) => format!("({}) -> {}", inputs.join(", "), self.ty(o)),
                    None => format!("({})", inputs.join(", ")),
                }
            }
            rt::GenericArgs::ReturnTypeNotation => "(..)".to_string(),
        }
    }

    pub(super) fn term(&self, t: &rt::Term) -> String {
        match t {
            rt::Term::Type(t) => self.ty(t),
            rt::Term::Constant(c) => c.expr.clone(),
        }
    }

    pub(super) fn ty(&self, t: &rt::Type) -> String {
        match t {
            rt::Type::ResolvedPath(p) => self.path(p),
            rt::Type::DynTrait(d) => self.dyn_trait(d),
            rt::Type::Generic(g) => g.clone(),
            rt::Type::Primitive(p) => p.clone(),
            rt::Type::FunctionPointer(fp) => {
                let mut out = String::new();
                if !fp.generic_params.is_empty() {
                    out.push_str(&format!("for<{}> ", self.param_names(&fp.generic_params)));
                }
                out.push_str(&header_prefix(&fp.header));
                let inputs: Vec<String> = fp.sig.inputs.iter().map(|(_, t)| self.ty(t)).collect();
                let mut inputs = inputs.join(", ");
                if fp.sig.is_c_variadic {
                    inputs.push_str(if inputs.is_empty() { "..." } else { ", ..." });
                }
                out.push_str(&format!("fn({inputs})"));
                if let Some(o) = &fp.sig.output {
                    out.push_str(&format!(" -> {}", self.ty(o)));
                }
                out
            }
            rt::Type::Tuple(ts) => match ts.as_slice() {
                [one] => format!("({},)", self.ty(one)),
                _ => format!("({})", ts.iter().map(|t| self.ty(t)).collect::<Vec<_>>().join(", ")),
            },
            rt::Type::Slice(t) => format!("[{}]", self.ty(t)),
            rt::Type::Array { type_, len } => format!("[{}; {len}]", self.ty(type_)),
            rt::Type::Pat { type_, .. } => self.ty(type_),
            rt::Type::ImplTrait(bounds) => format!("impl {}", self.bounds(bounds)),
            rt::Type::Infer => "_".to_string(),
            rt::Type::RawPointer { is_mutable, type_ } => {
                format!("*{} {}", if *is_mutable { "mut" } else { "const" }, self.pointee(type_))
            }
            rt::Type::BorrowedRef { lifetime, is_mutable, type_ } => {
                let mut out = String::from("&");
                if let Some(l) = lifetime {
                    out.push_str(l);
                    out.push(' ');
                }
                if *is_mutable {
                    out.push_str("mut ");
                }
                out.push_str(&self.pointee(type_));
                out
            }
            rt::Type::QualifiedPath { name, args, self_type, trait_ } => {
                let args = args.as_deref().map(|a| self.args(a)).unwrap_or_default();
                let self_ty = self.ty(self_type);
                match trait_ {
                    Some(tr) if self_ty == "Self" && Some(tr.id) == self.self_trait => {
                        format!("Self::{name}{args}")
                    }
                    Some(tr) => format!("<{self_ty} as {}>::{name}{args}", self.path(tr)),
                    None => format!("{self_ty}::{name}{args}"),
                }
            }
        }
    }

    /// A type behind `&` or `*`: `dyn A + B` needs parentheses there.
    pub(super) fn pointee(&self, t: &rt::Type) -> String {
        let s = self.ty(t);
        let multi = match t {
            rt::Type::DynTrait(d) => d.traits.len() + usize::from(d.lifetime.is_some()) > 1,
            rt::Type::ImplTrait(b) => b.len() > 1,
            _ => false,
        };
        if multi {
            format!("({s})")
        } else {
            s
        }
    }

    pub(super) fn dyn_trait(&self, d: &rt::DynTrait) -> String {
        let mut parts: Vec<String> = d
            .traits
            .iter()
            .map(|pt| {
                let path = self.path(&pt.trait_);
                if pt.generic_params.is_empty() {
                    path
                } else {
                    format!("for<{}> {path}", self.param_names(&pt.generic_params))
                }
            })
            .collect();
        parts.sort();
        if let Some(l) = &d.lifetime {
            parts.push(l.clone());
        }
        format!("dyn {}", parts.join(" + "))
    }

    pub(super) fn bound(&self, b: &rt::GenericBound) -> String {
        match b {
            rt::GenericBound::TraitBound { trait_, generic_params, modifier } => {
                let mut out = String::new();
                if !generic_params.is_empty() {
                    out.push_str(&format!("for<{}> ", self.param_names(generic_params)));
                }
                match modifier {
                    rt::TraitBoundModifier::None => {}
                    rt::TraitBoundModifier::Maybe => out.push('?'),
                    rt::TraitBoundModifier::MaybeConst => out.push_str("~const "),
                }
                out.push_str(&self.path(trait_));
                out
            }
            rt::GenericBound::Outlives(l) => l.clone(),
            rt::GenericBound::Use(args) => {
                let args: Vec<&str> = args
                    .iter()
                    .map(|a| match a {
                        rt::PreciseCapturingArg::Lifetime(l) | rt::PreciseCapturingArg::Param(l) => l.as_str(),
                    })
                    .collect();
                format!("use<{}>", args.join(", "))
            }
        }
    }

    /// Bounds joined with ` + `, sorted (their order carries no meaning).
    pub(super) fn bounds(&self, bounds: &[rt::GenericBound]) -> String {
        sorted(bounds.iter().map(|b| self.bound(b)).collect()).join(" + ")
    }

    pub(super) fn param_names(&self, params: &[rt::GenericParamDef]) -> String {
        params.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", ")
    }

    /// Generic parameters in order (synthetic `impl Trait` ones left out: they show in the
    /// parameter's type) and all bounds, inline or in `where`, merged per subject. `outer` are
    /// the generics of an enclosing impl whose bounds also constrain the item.
    pub(super) fn generics(&self, g: &rt::Generics, outer: &[&rt::Generics]) -> Generics {
        let mut preds: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut params = Vec::new();
        for (own, generics) in std::iter::once((true, g)).chain(outer.iter().map(|o| (false, *o))) {
            for p in &generics.params {
                let kind = match &p.kind {
                    rt::GenericParamDefKind::Lifetime { outlives } => {
                        if !outlives.is_empty() {
                            preds.entry(p.name.clone()).or_default().extend(outlives.iter().cloned());
                        }
                        GenericParamKind::Lifetime
                    }
                    rt::GenericParamDefKind::Type { bounds, default, is_synthetic } => {
                        if *is_synthetic {
                            continue;
                        }
                        if !bounds.is_empty() {
                            preds.entry(p.name.clone()).or_default().extend(bounds.iter().map(|b| self.bound(b)));
                        }
                        GenericParamKind::Type { default: default.as_ref().map(|d| self.ty(d)) }
                    }
                    rt::GenericParamDefKind::Const { type_, default } => {
                        GenericParamKind::Const { ty: self.ty(type_), default: default.clone() }
                    }
                };
                if own {
                    params.push(GenericParam { name: p.name.clone(), kind });
                }
            }
            for wp in &generics.where_predicates {
                match wp {
                    rt::WherePredicate::BoundPredicate { type_, bounds, generic_params } => {
                        let mut subject = self.ty(type_);
                        if !generic_params.is_empty() {
                            subject = format!("for<{}> {subject}", self.param_names(generic_params));
                        }
                        preds.entry(subject).or_default().extend(bounds.iter().map(|b| self.bound(b)));
                    }
                    rt::WherePredicate::LifetimePredicate { lifetime, outlives } => {
                        preds.entry(lifetime.clone()).or_default().extend(outlives.iter().cloned());
                    }
                    rt::WherePredicate::EqPredicate { lhs, rhs } => {
                        preds.entry(self.ty(lhs)).or_default().insert(format!("= {}", self.term(rhs)));
                    }
                }
            }
        }
        let predicates = preds
            .into_iter()
            .filter(|(_, b)| !b.is_empty())
            .map(|(subject, bounds)| Predicate { subject, bounds: bounds.into_iter().collect() })
            .collect();
        Generics { params, predicates }
    }

    pub(super) fn function(&self, f: &rt::Function, outer: &[&rt::Generics]) -> Function {
        Function {
            is_const: f.header.is_const,
            is_async: f.header.is_async,
            is_unsafe: f.header.is_unsafe,
            abi: abi(&f.header.abi),
            generics: self.generics(&f.generics, outer),
            params: f.sig.inputs.iter().map(|(name, t)| Param { name: name.clone(), ty: self.ty(t) }).collect(),
            variadic: f.sig.is_c_variadic,
            output: f.sig.output.as_ref().map(|t| self.ty(t)).filter(|t| t != "()"),
        }
    }

    /// A public field (private fields are documented too, since rustdoc runs with private
    /// items for exported symbols; they count as private here).
    pub(super) fn field(&self, id: &rt::Id) -> Option<Field> {
        let item = self.n.krate.index.get(id)?;
        let rt::ItemEnum::StructField(t) = &item.inner else {
            return None;
        };
        if !self.is_public_field(item) {
            return None;
        }
        Some(Field { name: item.name.clone()?, ty: self.ty(t), attrs: attrs_of(item) })
    }

    pub(super) fn struct_kind(&self, k: &rt::StructKind) -> StructKind {
        match k {
            rt::StructKind::Unit => StructKind::Unit,
            rt::StructKind::Tuple(fields) => {
                StructKind::Tuple { fields: fields.iter().map(|f| f.as_ref().and_then(|id| self.field(id))).collect() }
            }
            rt::StructKind::Plain { fields, has_stripped_fields } => StructKind::Plain {
                fields: fields.iter().filter_map(|f| self.field(f)).collect(),
                has_private: *has_stripped_fields || self.any_private(fields),
            },
        }
    }

    /// Fields of a struct are public when declared `pub`; fields of an enum variant always are.
    fn is_public_field(&self, item: &rt::Item) -> bool {
        match item.visibility {
            rt::Visibility::Public => true,
            rt::Visibility::Default => self.n.variant_fields.contains(&item.id),
            _ => false,
        }
    }

    /// Whether some of `fields` exist but are not public.
    pub(super) fn any_private(&self, fields: &[rt::Id]) -> bool {
        fields.iter().filter_map(|f| self.n.krate.index.get(f)).any(|f| !self.is_public_field(f))
    }

    /// The variant `id` of enum `parent`, with its discriminant when it is observable.
    pub(super) fn variant(&self, parent: rt::Id, id: rt::Id) -> Variant {
        let (kind, discriminant) = match self.n.krate.index.get(&id).map(|i| &i.inner) {
            Some(rt::ItemEnum::Variant(v)) => (self.variant_kind(&v.kind), self.discriminant(parent, id)),
            _ => (VariantKind::Plain, None),
        };
        Variant { kind, discriminant }
    }

    pub(super) fn variant_kind(&self, k: &rt::VariantKind) -> VariantKind {
        match k {
            rt::VariantKind::Plain => VariantKind::Plain,
            rt::VariantKind::Tuple(fields) => {
                VariantKind::Tuple { fields: fields.iter().map(|f| f.as_ref().and_then(|id| self.field(id))).collect() }
            }
            rt::VariantKind::Struct { fields, has_stripped_fields } => VariantKind::Struct {
                fields: fields.iter().filter_map(|f| self.field(f)).collect(),
                has_hidden: *has_stripped_fields || self.any_private(fields),
            },
        }
    }

    /// Discriminants are shown for enums that make them part of the API: a primitive `repr`,
    /// explicit discriminants, or only unit variants (`as` casts). Implicit ones are computed
    /// (previous + 1).
    pub(super) fn discriminant(&self, parent: rt::Id, id: rt::Id) -> Option<String> {
        let enum_item = self.n.krate.index.get(&parent)?;
        let rt::ItemEnum::Enum(e) = &enum_item.inner else {
            return None;
        };
        let variants: Vec<&rt::Variant> = e
            .variants
            .iter()
            .filter_map(|v| match self.n.krate.index.get(v).map(|i| &i.inner) {
                Some(rt::ItemEnum::Variant(var)) => Some(var),
                _ => None,
            })
            .collect();
        let has_int_repr = attrs_of(enum_item).repr.iter().any(|r| r.starts_with('i') || r.starts_with('u'));
        let any_explicit = variants.iter().any(|v| v.discriminant.is_some());
        // Unit-only enums can be cast with `as`, `#[non_exhaustive]` ones too (a
        // `#[non_exhaustive]` variant forbids it): their values are API too.
        let castable = variants.iter().all(|v| matches!(v.kind, rt::VariantKind::Plain))
            && e.variants.iter().filter_map(|v| self.n.krate.index.get(v)).all(|v| !attrs_of(v).non_exhaustive);
        if !has_int_repr && !any_explicit && !castable {
            return None;
        }
        let mut next: Option<i128> = Some(0);
        for v in &e.variants {
            let Some(rt::ItemEnum::Variant(var)) = self.n.krate.index.get(v).map(|i| &i.inner) else {
                continue;
            };
            let value = match &var.discriminant {
                Some(d) => d.value.parse::<i128>().ok(),
                None => next,
            };
            if *v == id {
                return value.map(|v| v.to_string());
            }
            next = value.and_then(|v| v.checked_add(1));
        }
        None
    }
}

pub(super) fn header_prefix(h: &rt::FunctionHeader) -> String {
    let mut out = String::new();
    if h.is_const {
        out.push_str("const ");
    }
    if h.is_async {
        out.push_str("async ");
    }
    if h.is_unsafe {
        out.push_str("unsafe ");
    }
    if let Some(abi) = abi(&h.abi) {
        out.push_str(&format!("extern {abi:?} "));
    }
    out
}

pub(super) fn abi(a: &rt::Abi) -> Option<String> {
    let (name, unwind) = match a {
        rt::Abi::Rust => return None,
        rt::Abi::C { unwind } => ("C", *unwind),
        rt::Abi::Cdecl { unwind } => ("cdecl", *unwind),
        rt::Abi::Stdcall { unwind } => ("stdcall", *unwind),
        rt::Abi::Fastcall { unwind } => ("fastcall", *unwind),
        rt::Abi::Aapcs { unwind } => ("aapcs", *unwind),
        rt::Abi::Win64 { unwind } => ("win64", *unwind),
        rt::Abi::SysV64 { unwind } => ("sysv64", *unwind),
        rt::Abi::System { unwind } => ("system", *unwind),
        rt::Abi::Other(s) => return Some(s.clone()),
    };
    Some(if unwind { format!("{name}-unwind") } else { name.to_string() })
}

pub(super) fn is_hidden(item: &rt::Item) -> bool {
    item.attrs.iter().any(|a| match a {
        rt::Attribute::Other(s) => s.starts_with("#[doc(") && s.contains("hidden"),
        _ => false,
    })
}

pub(super) fn attrs_of(item: &rt::Item) -> Attrs {
    let mut attrs = Attrs { deprecated: item.deprecation.is_some(), doc_hidden: is_hidden(item), ..Attrs::default() };
    for a in &item.attrs {
        match a {
            rt::Attribute::NonExhaustive => attrs.non_exhaustive = true,
            rt::Attribute::MustUse { .. } => attrs.must_use = true,
            rt::Attribute::Repr(r) => {
                match r.kind {
                    rt::ReprKind::Rust => {}
                    rt::ReprKind::C => attrs.repr.push("C".to_string()),
                    rt::ReprKind::Transparent => attrs.repr.push("transparent".to_string()),
                    rt::ReprKind::Simd => attrs.repr.push("simd".to_string()),
                }
                if let Some(int) = &r.int {
                    attrs.repr.push(int.clone());
                }
                if let Some(n) = r.packed {
                    attrs.repr.push(format!("packed({n})"));
                }
                if let Some(n) = r.align {
                    attrs.repr.push(format!("align({n})"));
                }
            }
            rt::Attribute::NoMangle => attrs.no_mangle = true,
            rt::Attribute::ExportName(name) => attrs.export_name = Some(name.clone()),
            rt::Attribute::TargetFeature { enable } => attrs.target_features.extend(enable.iter().cloned()),
            _ => {}
        }
    }
    attrs.target_features.sort();
    attrs.target_features.dedup();
    attrs
}

pub(super) fn namespace(item: &rt::Item) -> Option<Ns> {
    Some(match &item.inner {
        rt::ItemEnum::Module(_)
        | rt::ItemEnum::Struct(_)
        | rt::ItemEnum::Union(_)
        | rt::ItemEnum::Enum(_)
        | rt::ItemEnum::Trait(_)
        | rt::ItemEnum::TraitAlias(_)
        | rt::ItemEnum::TypeAlias(_)
        | rt::ItemEnum::ExternType
        | rt::ItemEnum::ExternCrate { .. } => Ns::Type,
        rt::ItemEnum::Function(_)
        | rt::ItemEnum::Constant { .. }
        | rt::ItemEnum::Static(_)
        | rt::ItemEnum::Variant(_) => Ns::Value,
        rt::ItemEnum::Macro(_) | rt::ItemEnum::ProcMacro(_) => Ns::Macro,
        _ => return None,
    })
}

/// The id of the nominal type an impl is for (`&Foo<T>` → `Foo`), if it is one.
pub(super) fn self_type_head(t: &rt::Type) -> Option<rt::Id> {
    match t {
        rt::Type::ResolvedPath(p) => Some(p.id),
        rt::Type::BorrowedRef { type_, .. } | rt::Type::RawPointer { type_, .. } => self_type_head(type_),
        rt::Type::DynTrait(d) => d.traits.first().map(|pt| pt.trait_.id),
        _ => None,
    }
}

/// Every item id a type mentions.
pub(super) fn type_ids(t: &rt::Type, out: &mut Vec<rt::Id>) {
    let args = |a: &Option<Box<rt::GenericArgs>>, out: &mut Vec<rt::Id>| {
        if let Some(a) = a.as_deref() {
            match a {
                rt::GenericArgs::AngleBracketed { args, .. } => {
                    for arg in args {
                        if let rt::GenericArg::Type(t) = arg {
                            type_ids(t, out);
                        }
                    }
                }
                rt::GenericArgs::Parenthesized { inputs, output } => {
                    inputs.iter().chain(output).for_each(|t| type_ids(t, out));
                }
                rt::GenericArgs::ReturnTypeNotation => {}
            }
        }
    };
    match t {
        rt::Type::ResolvedPath(p) => {
            out.push(p.id);
            args(&p.args, out);
        }
        rt::Type::DynTrait(d) => d.traits.iter().for_each(|pt| {
            out.push(pt.trait_.id);
            args(&pt.trait_.args, out);
        }),
        rt::Type::FunctionPointer(fp) => {
            fp.sig.inputs.iter().for_each(|(_, t)| type_ids(t, out));
            if let Some(o) = &fp.sig.output {
                type_ids(o, out);
            }
        }
        rt::Type::Tuple(ts) => ts.iter().for_each(|t| type_ids(t, out)),
        rt::Type::Slice(t)
        | rt::Type::Array { type_: t, .. }
        | rt::Type::Pat { type_: t, .. }
        | rt::Type::RawPointer { type_: t, .. }
        | rt::Type::BorrowedRef { type_: t, .. } => type_ids(t, out),
        rt::Type::QualifiedPath { self_type, trait_, .. } => {
            type_ids(self_type, out);
            if let Some(tr) = trait_ {
                out.push(tr.id);
            }
        }
        rt::Type::ImplTrait(bounds) => bounds.iter().for_each(|b| {
            if let rt::GenericBound::TraitBound { trait_, .. } = b {
                out.push(trait_.id);
            }
        }),
        rt::Type::Generic(_) | rt::Type::Primitive(_) | rt::Type::Infer => {}
    }
}

pub(super) fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}
