//! The model of rustdoc JSON (the newest `rustdoc-types`, which every format is read into by
//! `super::formats`) → [`CrateApi`]. Nothing here knows which format a document was.
//!
//! Steps: walk the public module tree from the crate root (following `pub use`, globs included,
//! and joining re-exports of sibling workspace crates by definition path), pick each item's
//! canonical path, then emit one model item per (item, import path), plus trait impls once.
//! The walk is here; `render.rs` turns rustdoc types and signatures into the model's strings.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use rustdoc_types as rt;

mod render;

use super::std_paths::{std_path, INTERNAL_TRAITS, STD_FAMILY, SYSROOT_OTHERS};
use super::NormalizeInput;
use crate::api::{
    impl_anchor, replace_self, Attrs, CrateApi, Decl, Field, Function, GenericParam, GenericParamKind, Generics, Impl,
    Item, ItemKey, Location, Param, Predicate, ProcMacroKind, Snapshot, Struct, StructKind, Trait, Union, Variant,
    VariantKind, AUTO_TRAITS,
};
use render::*;

pub(super) fn normalize(krate: &rt::Crate, input: &NormalizeInput) -> CrateApi {
    Normalizer::new(krate, input).run()
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Ns {
    Type,
    Value,
    Macro,
}

/// Where a module entry leads.
#[derive(Clone, Debug)]
enum Target {
    Local(rt::Id),
    /// An item of a sibling workspace crate, by definition path.
    Sibling {
        krate: u32,
        def_path: String,
        glob: bool,
    },
    /// Something outside the workspace (`std`, a crates.io dependency), kept as a re-export line.
    External {
        target: String,
    },
}

#[derive(Clone, Debug)]
struct Entry {
    name: String,
    ns: Option<Ns>,
    target: Target,
    hidden: bool,
    /// The `use` item that introduced the entry, for its source location.
    via: Option<rt::Id>,
}

#[derive(Clone, Debug)]
struct PublicPath {
    path: String,
    hidden: bool,
}

struct Normalizer<'a> {
    krate: &'a rt::Crate,
    input: &'a NormalizeInput<'a>,
    std_crates: HashSet<u32>,
    sibling_crates: HashMap<u32, &'a CrateApi>,
    paths: BTreeMap<rt::Id, Vec<PublicPath>>,
    canonical: HashMap<rt::Id, String>,
    variant_parent: HashMap<rt::Id, rt::Id>,
    /// Fields of enum variants (public whatever their recorded visibility).
    variant_fields: HashSet<rt::Id>,
    items: Vec<Item>,
    locations: HashMap<ItemKey, Location>,
    reexports: BTreeMap<String, String>,
}

impl<'a> Normalizer<'a> {
    fn new(krate: &'a rt::Crate, input: &'a NormalizeInput<'a>) -> Self {
        let mut std_crates = HashSet::new();
        let mut sibling_crates = HashMap::new();
        for (id, ext) in &krate.external_crates {
            let in_sysroot = ext.path.components().any(|c| c.as_os_str() == "rustlib");
            let sysroot_name = STD_FAMILY.contains(&ext.name.as_str()) || SYSROOT_OTHERS.contains(&ext.name.as_str());
            if in_sysroot && sysroot_name {
                std_crates.insert(*id);
            } else if let Some(api) = input.siblings.get(&ext.name) {
                sibling_crates.insert(*id, api);
            }
        }
        let mut variant_parent = HashMap::new();
        let mut variant_fields = HashSet::new();
        for (id, item) in &krate.index {
            if let rt::ItemEnum::Enum(e) = &item.inner {
                for v in &e.variants {
                    variant_parent.insert(*v, *id);
                    match krate.index.get(v).map(|i| &i.inner) {
                        Some(rt::ItemEnum::Variant(rt::Variant { kind: rt::VariantKind::Tuple(fields), .. })) => {
                            variant_fields.extend(fields.iter().flatten());
                        }
                        Some(rt::ItemEnum::Variant(rt::Variant {
                            kind: rt::VariantKind::Struct { fields, .. },
                            ..
                        })) => {
                            variant_fields.extend(fields.iter());
                        }
                        _ => {}
                    }
                }
            }
        }
        Normalizer {
            krate,
            input,
            std_crates,
            sibling_crates,
            paths: BTreeMap::new(),
            canonical: HashMap::new(),
            variant_parent,
            variant_fields,
            items: Vec::new(),
            locations: HashMap::new(),
            reexports: BTreeMap::new(),
        }
    }

    fn run(mut self) -> CrateApi {
        let root = self.krate.root;
        let root_name = self.input.lib.to_string();
        self.paths.entry(root).or_default().push(PublicPath { path: root_name.clone(), hidden: false });
        let mut stack = vec![root];
        self.walk(root, &root_name, &mut stack);

        // Canonical path: the definition's own path when users can import it there (stable when
        // re-exports come and go); else visible before hidden, the item's own name before a
        // `use ... as` rename, then the shortest, then the first in order.
        for (id, paths) in &self.paths {
            let def_path = self.krate.paths.get(id).map(|s| s.path.join("::"));
            if let Some(def) = def_path.filter(|d| paths.iter().any(|p| !p.hidden && &p.path == d)) {
                self.canonical.insert(*id, def);
                continue;
            }
            let own_name = self.krate.index.get(id).and_then(|i| i.name.as_deref());
            let rank = |p: &PublicPath| {
                let renamed = own_name.is_some_and(|n| !p.path.ends_with(&format!("::{n}")));
                (p.hidden, renamed, p.path.matches("::").count(), p.path.clone())
            };
            let best = paths.iter().min_by_key(|p| rank(p)).expect("every recorded item has a path");
            self.canonical.insert(*id, best.path.clone());
        }

        let all: Vec<(rt::Id, PublicPath)> =
            self.paths.iter().flat_map(|(id, ps)| ps.iter().map(move |p| (*id, p.clone()))).collect();
        for (id, p) in all {
            self.emit(id, &p.path, p.hidden);
        }
        self.emit_trait_impls();

        let exports = self.exports();
        let mut canonical = HashMap::new();
        for (id, path) in &self.canonical {
            if let Some(summary) = self.krate.paths.get(id) {
                canonical.insert(summary.path.join("::"), path.clone());
            }
        }
        let features = self
            .input
            .features
            .iter()
            .map(|(k, v)| {
                let mut v = v.clone();
                v.sort();
                (k.clone(), v)
            })
            .collect();
        let mut snapshot = Snapshot {
            package: self.input.package.to_string(),
            lib: self.input.lib.to_string(),
            checked_features: self.input.checked.clone(),
            features,
            dependencies: std::collections::BTreeMap::new(),
            items: self.items,
            exports,
        };
        snapshot.normalize();
        CrateApi { snapshot, locations: self.locations, canonical, reexports: self.reexports }
    }

    // ---- the public module tree -------------------------------------------------------------

    fn walk(&mut self, module: rt::Id, path: &str, stack: &mut Vec<rt::Id>) {
        let entries = self.entries(module, &mut Vec::new());
        let defined: HashSet<String> = entries
            .iter()
            .filter(|e| !matches!(e.target, Target::Sibling { glob: true, .. }))
            .map(|e| e.name.clone())
            .collect();
        for entry in entries {
            let entry_path = format!("{path}::{}", entry.name);
            match entry.target {
                Target::Local(id) => {
                    let item = &self.krate.index[&id];
                    // A deprecated item stays public API when hidden (the ecosystem's reading).
                    let hidden = entry.hidden || (is_hidden(item) && item.deprecation.is_none());
                    self.paths.entry(id).or_default().push(PublicPath { path: entry_path.clone(), hidden });
                    if matches!(item.inner, rt::ItemEnum::Module(_)) && !hidden && !stack.contains(&id) {
                        stack.push(id);
                        self.walk(id, &entry_path, stack);
                        stack.pop();
                    }
                }
                Target::Sibling { krate, def_path, glob } => {
                    let api = self.sibling_crates[&krate];
                    let shown = if glob { format!("{path}::*") } else { entry_path.clone() };
                    self.reexports.entry(api.snapshot.lib.clone()).or_insert(shown);
                    let new_path = if glob { path } else { entry_path.as_str() };
                    let skip = |name: &str| glob && defined.contains(name);
                    for mut item in api.reexport(&def_path, new_path, glob, &skip) {
                        if entry.hidden {
                            item.attrs.doc_hidden = true;
                        }
                        if let Some(via) = entry.via {
                            self.record_location(&item, via);
                        }
                        self.items.push(item);
                    }
                }
                Target::External { target } => {
                    let path = if entry.name == "*" { format!("{path}::*") } else { entry_path };
                    let item = Item {
                        path,
                        attrs: Attrs { doc_hidden: entry.hidden, ..Attrs::default() },
                        decl: Decl::ReExport { target },
                    };
                    if let Some(via) = entry.via {
                        self.record_location(&item, via);
                    }
                    self.items.push(item);
                }
            }
        }
    }

    /// A module's public entries: its own items and `pub use`s, then glob imports for names not
    /// defined explicitly (as Rust resolves them).
    fn entries(&self, module: rt::Id, visiting: &mut Vec<rt::Id>) -> Vec<Entry> {
        let Some(rt::ItemEnum::Module(m)) = self.krate.index.get(&module).map(|i| &i.inner) else {
            return Vec::new();
        };
        visiting.push(module);
        let mut entries = Vec::new();
        let mut globs = Vec::new();
        for id in &m.items {
            let Some(item) = self.krate.index.get(id) else {
                continue;
            };
            if !matches!(item.visibility, rt::Visibility::Public) {
                continue;
            }
            match &item.inner {
                rt::ItemEnum::Use(u) if u.is_glob => globs.push((item, u)),
                rt::ItemEnum::Use(u) => {
                    let target = self.use_target(u);
                    let ns = match &target {
                        Target::Local(t) => self.krate.index.get(t).and_then(namespace),
                        _ => None,
                    };
                    entries.push(Entry { name: u.name.clone(), ns, target, hidden: is_hidden(item), via: Some(*id) });
                }
                rt::ItemEnum::ExternCrate { name, .. } => entries.push(Entry {
                    name: item.name.clone().unwrap_or_else(|| name.clone()),
                    ns: Some(Ns::Type),
                    target: Target::External { target: name.clone() },
                    hidden: is_hidden(item),
                    via: Some(*id),
                }),
                rt::ItemEnum::Impl(_) | rt::ItemEnum::Primitive(_) => {}
                _ => {
                    if let Some(name) = &item.name {
                        entries.push(Entry {
                            name: name.clone(),
                            ns: namespace(item),
                            target: Target::Local(*id),
                            hidden: false,
                            via: None,
                        });
                    }
                }
            }
        }
        let explicit: HashSet<(String, Option<Ns>)> = entries.iter().map(|e| (e.name.clone(), e.ns)).collect();
        let explicit_names: HashSet<String> = entries.iter().map(|e| e.name.clone()).collect();
        for (item, u) in globs {
            let hidden = is_hidden(item);
            match self.use_target(u) {
                Target::Local(target) => {
                    let inner = self.krate.index.get(&target).map(|i| &i.inner);
                    let imported: Vec<Entry> = match inner {
                        Some(rt::ItemEnum::Module(_)) if !visiting.contains(&target) => self.entries(target, visiting),
                        Some(rt::ItemEnum::Enum(e)) => e
                            .variants
                            .iter()
                            .filter_map(|v| self.krate.index.get(v))
                            .filter_map(|v| {
                                Some(Entry {
                                    name: v.name.clone()?,
                                    ns: Some(Ns::Value),
                                    target: Target::Local(v.id),
                                    hidden: false,
                                    via: None,
                                })
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    for mut e in imported {
                        let shadowed = match e.ns {
                            Some(ns) => explicit.contains(&(e.name.clone(), Some(ns))),
                            None => explicit_names.contains(&e.name),
                        };
                        if !shadowed {
                            e.hidden |= hidden;
                            e.via = e.via.or(Some(item.id));
                            entries.push(e);
                        }
                    }
                }
                Target::Sibling { krate, def_path, .. } => entries.push(Entry {
                    name: "*".to_string(),
                    ns: None,
                    target: Target::Sibling { krate, def_path, glob: true },
                    hidden,
                    via: Some(item.id),
                }),
                Target::External { target } => entries.push(Entry {
                    name: "*".to_string(),
                    ns: None,
                    target: Target::External { target: format!("{target}::*") },
                    hidden,
                    via: Some(item.id),
                }),
            }
        }
        visiting.pop();
        // `pub use x as _` (and `const _`) give no path anyone can import.
        entries.retain(|e| e.name != "_");
        entries
    }

    fn use_target(&self, u: &rt::Use) -> Target {
        let Some(id) = u.id else {
            return Target::External { target: u.source.clone() };
        };
        if self.krate.index.get(&id).is_some_and(|i| i.crate_id == 0) {
            return Target::Local(id);
        }
        match self.krate.paths.get(&id) {
            Some(summary) if self.sibling_crates.contains_key(&summary.crate_id) => {
                Target::Sibling { krate: summary.crate_id, def_path: summary.path.join("::"), glob: false }
            }
            Some(summary) if summary.crate_id == 0 => Target::External { target: summary.path.join("::") },
            Some(summary) => Target::External { target: self.external_path(summary) },
            None => Target::External { target: u.source.clone() },
        }
    }

    // ---- exported symbols --------------------------------------------------------------------

    /// Functions and statics of this crate exported to the linker, public or not (rustdoc runs
    /// with private items for them), by symbol, under their public path when they have one and
    /// their definition path otherwise.
    fn exports(&self) -> std::collections::BTreeMap<String, Item> {
        let mut out = std::collections::BTreeMap::new();
        for (id, item) in &self.krate.index {
            if item.crate_id != 0 {
                continue;
            }
            let attrs = attrs_of(item);
            let Some(name) = &item.name else { continue };
            let Some(symbol) = attrs.symbol(name) else { continue };
            let r = Renderer { n: self, self_trait: None };
            let decl = match &item.inner {
                rt::ItemEnum::Function(f) => Decl::Function(r.function(f, &[])),
                rt::ItemEnum::Static(s) => {
                    Decl::Static { ty: r.ty(&s.type_), mutable: s.is_mutable, unsafe_: s.is_unsafe }
                }
                _ => continue,
            };
            let path = self
                .canonical
                .get(id)
                .cloned()
                .or_else(|| self.krate.paths.get(id).map(|s| s.path.join("::")))
                .unwrap_or_else(|| format!("{}::{name}", self.input.lib));
            let symbol = symbol.to_string();
            out.insert(symbol, Item { path, attrs: Attrs { doc_hidden: false, deprecated: false, ..attrs }, decl });
        }
        out
    }

    // ---- emitting items ---------------------------------------------------------------------

    fn emit(&mut self, id: rt::Id, path: &str, path_hidden: bool) {
        let item = &self.krate.index[&id];
        let mut attrs = attrs_of(item);
        attrs.doc_hidden |= path_hidden;
        let r = Renderer { n: self, self_trait: None };
        let decl = match &item.inner {
            rt::ItemEnum::Module(_) => Decl::Module,
            rt::ItemEnum::Function(f) => Decl::Function(r.function(f, &[])),
            rt::ItemEnum::Struct(s) => {
                Decl::Struct(Struct { generics: r.generics(&s.generics, &[]), kind: r.struct_kind(&s.kind) })
            }
            rt::ItemEnum::Union(u) => {
                let fields = u.fields.iter().filter_map(|f| r.field(f)).collect();
                Decl::Union(Union {
                    generics: r.generics(&u.generics, &[]),
                    fields,
                    has_private: u.has_stripped_fields || r.any_private(&u.fields),
                })
            }
            rt::ItemEnum::Enum(e) => Decl::Enum(r.generics(&e.generics, &[])),
            rt::ItemEnum::Variant(_) => match self.variant_parent.get(&id) {
                Some(parent) => Decl::Variant(r.variant(*parent, id)),
                None => return,
            },
            rt::ItemEnum::Trait(t) => Decl::Trait(Trait {
                is_unsafe: t.is_unsafe,
                is_auto: t.is_auto,
                generics: r.generics(&t.generics, &[]),
                supertraits: sorted(t.bounds.iter().map(|b| r.bound(b)).collect()),
                sealed: self.is_sealed(id, &mut Vec::new()),
                dyn_compatible: t.is_dyn_compatible,
            }),
            rt::ItemEnum::TypeAlias(a) => {
                Decl::TypeAlias { generics: r.generics(&a.generics, &[]), ty: r.ty(&a.type_) }
            }
            rt::ItemEnum::Constant { type_, .. } => Decl::Const { ty: r.ty(type_) },
            rt::ItemEnum::Static(s) => Decl::Static { ty: r.ty(&s.type_), mutable: s.is_mutable, unsafe_: s.is_unsafe },
            rt::ItemEnum::Macro(_) => Decl::MacroRules,
            rt::ItemEnum::ProcMacro(pm) => Decl::ProcMacro {
                kind: match pm.kind {
                    rt::MacroKind::Bang => ProcMacroKind::Bang,
                    rt::MacroKind::Attr => ProcMacroKind::Attribute,
                    rt::MacroKind::Derive => ProcMacroKind::Derive,
                },
                helpers: sorted(pm.helpers.clone()),
            },
            _ => return,
        };
        let hidden = attrs.doc_hidden && !attrs.deprecated;
        let new = Item { path: path.to_string(), attrs, decl };
        self.record_location(&new, id);
        self.items.push(new);
        if hidden {
            return;
        }
        match &item.inner {
            rt::ItemEnum::Struct(rt::Struct { impls, .. }) | rt::ItemEnum::Union(rt::Union { impls, .. }) => {
                self.emit_inherent(impls, path)
            }
            rt::ItemEnum::Enum(e) => {
                for v in &e.variants {
                    let Some(variant) = self.krate.index.get(v) else {
                        continue;
                    };
                    let Some(name) = &variant.name else { continue };
                    let r = Renderer { n: self, self_trait: None };
                    let decl = Decl::Variant(r.variant(id, *v));
                    let new = Item { path: format!("{path}::{name}"), attrs: attrs_of(variant), decl };
                    self.record_location(&new, *v);
                    self.items.push(new);
                }
                self.emit_inherent(&e.impls, path);
            }
            rt::ItemEnum::Trait(t) => {
                for child in &t.items {
                    let Some(ti) = self.krate.index.get(child) else {
                        continue;
                    };
                    let Some(name) = &ti.name else { continue };
                    let r = Renderer { n: self, self_trait: Some(id) };
                    let decl = match &ti.inner {
                        rt::ItemEnum::Function(f) => {
                            Decl::TraitFunction { function: r.function(f, &[]), provided: f.has_body }
                        }
                        rt::ItemEnum::AssocType { generics, bounds, type_, .. } => Decl::TraitType {
                            generics: r.generics(generics, &[]),
                            bounds: sorted(bounds.iter().map(|b| r.bound(b)).collect()),
                            default: type_.as_ref().map(|t| r.ty(t)),
                        },
                        rt::ItemEnum::AssocConst { type_, value, .. } => {
                            Decl::TraitConst { ty: r.ty(type_), provided: value.is_some() }
                        }
                        _ => continue,
                    };
                    let new = Item { path: format!("{path}::{name}"), attrs: attrs_of(ti), decl };
                    self.record_location(&new, *child);
                    self.items.push(new);
                }
            }
            _ => {}
        }
    }

    /// Associated functions and consts of the inherent impls of a type, under `path`.
    fn emit_inherent(&mut self, impls: &[rt::Id], path: &str) {
        for impl_id in impls {
            let Some(rt::ItemEnum::Impl(imp)) = self.krate.index.get(impl_id).map(|i| &i.inner) else {
                continue;
            };
            if imp.trait_.is_some() || imp.is_synthetic || imp.blanket_impl.is_some() {
                continue;
            }
            // Items of a `#[doc(hidden)]` impl block are hidden with it.
            let block_hidden = self.krate.index.get(impl_id).is_some_and(is_hidden);
            let r = Renderer { n: self, self_trait: None };
            let impl_args = match &imp.for_ {
                rt::Type::ResolvedPath(p) => p.args.as_deref().map(|a| r.args(a)).unwrap_or_default(),
                _ => String::new(),
            };
            // `Self` in an inherent impl is the self type: `-> Self` and `-> Config` are one API.
            let self_ty = r.ty(&imp.for_);
            let mut new_items = Vec::new();
            for child in &imp.items {
                let Some(ci) = self.krate.index.get(child) else {
                    continue;
                };
                if !matches!(ci.visibility, rt::Visibility::Public) {
                    continue;
                }
                let Some(name) = &ci.name else { continue };
                let decl = match &ci.inner {
                    rt::ItemEnum::Function(f) => {
                        let mut function = r.function(f, &[&imp.generics]);
                        for p in function.params.iter_mut().filter(|p| !p.is_receiver()) {
                            p.ty = replace_self(&p.ty, &self_ty);
                        }
                        function.output = function.output.map(|o| replace_self(&o, &self_ty));
                        for pred in &mut function.generics.predicates {
                            pred.subject = replace_self(&pred.subject, &self_ty);
                            pred.bounds = pred.bounds.iter().map(|b| replace_self(b, &self_ty)).collect();
                        }
                        Decl::Method { impl_args: impl_args.clone(), function }
                    }
                    rt::ItemEnum::AssocConst { type_, .. } => {
                        Decl::AssocConst { impl_args: impl_args.clone(), ty: replace_self(&r.ty(type_), &self_ty) }
                    }
                    _ => continue,
                };
                let mut attrs = attrs_of(ci);
                attrs.doc_hidden |= block_hidden;
                new_items.push((Item { path: format!("{path}::{name}"), attrs, decl }, *child));
            }
            for (item, id) in new_items {
                self.record_location(&item, id);
                self.items.push(item);
            }
        }
    }

    /// Trait impls whose trait and self type users can name: once each, anchored at the self
    /// type's canonical path (or the trait's).
    fn emit_trait_impls(&mut self) {
        let mut ids: Vec<&rt::Id> = self.krate.index.keys().collect();
        ids.sort();
        for id in ids {
            let item = &self.krate.index[id];
            let rt::ItemEnum::Impl(imp) = &item.inner else {
                continue;
            };
            let Some(trait_path) = &imp.trait_ else {
                continue;
            };
            if item.crate_id != 0 || imp.blanket_impl.is_some() || imp.is_negative || is_hidden(item) {
                continue;
            }
            let r = Renderer { n: self, self_trait: None };
            let trait_name = r.resolve(trait_path.id, &trait_path.path);
            if imp.is_synthetic && !AUTO_TRAITS.contains(&trait_name.as_str()) {
                continue;
            }
            if INTERNAL_TRAITS.contains(&trait_name.as_str()) {
                continue;
            }
            let trait_local = self.is_local(trait_path.id);
            if trait_local && !self.is_public(trait_path.id) {
                continue;
            }
            match self_type_head(&imp.for_) {
                Some(head) if self.is_local(head) && !self.is_public(head) => continue,
                Some(head) if self.is_local(head) => {}
                _ if !trait_local => continue,
                _ => {}
            }
            let trait_ = format!("{trait_name}{}", trait_path.args.as_deref().map(|a| r.args(a)).unwrap_or_default());
            let self_ty = r.ty(&imp.for_);
            let mut assoc_types: Vec<(String, String)> = imp
                .items
                .iter()
                .filter_map(|i| self.krate.index.get(i))
                .filter_map(|i| match &i.inner {
                    rt::ItemEnum::AssocType { type_: Some(t), .. } => Some((i.name.clone()?, r.ty(t))),
                    _ => None,
                })
                .collect();
            assoc_types.sort();
            let auto = AUTO_TRAITS.contains(&trait_name.as_str());
            // `Self` in an impl's header is its self type: `V: Into<Self>` and `V: Into<Value>`
            // are one bound.
            let mut generics = r.generics(&imp.generics, &[]);
            for pred in &mut generics.predicates {
                pred.subject = replace_self(&pred.subject, &self_ty);
                pred.bounds = pred.bounds.iter().map(|b| replace_self(b, &self_ty)).collect();
            }
            let trait_ = replace_self(&trait_, &self_ty);
            for (_, ty) in &mut assoc_types {
                *ty = replace_self(ty, &self_ty);
            }
            let decl = Impl {
                is_unsafe: imp.is_unsafe && !auto,
                generics,
                trait_: trait_.clone(),
                self_ty: self_ty.clone(),
                assoc_types,
            };
            // A type public at several paths (`pub use New as Old`) has its impls at each: code
            // naming it by any of them relies on them.
            let aliases: Vec<String> = match self_type_head(&imp.for_) {
                Some(head) => {
                    let canonical = self.canonical.get(&head).cloned().unwrap_or_default();
                    self.paths
                        .get(&head)
                        .into_iter()
                        .flatten()
                        .filter(|p| !p.hidden && p.path != canonical && self_ty.starts_with(&canonical))
                        .map(|p| format!("{}{}", p.path, &self_ty[canonical.len()..]))
                        .collect()
                }
                None => Vec::new(),
            };
            let new = Item { path: impl_anchor(&trait_, &self_ty), attrs: Attrs::default(), decl: Decl::Impl(decl) };
            self.record_location(&new, *id);
            for alias in aliases {
                let Decl::Impl(mut decl) = new.decl.clone() else { unreachable!("built as an impl") };
                decl.self_ty = alias;
                let item =
                    Item { path: impl_anchor(&trait_, &decl.self_ty), attrs: Attrs::default(), decl: Decl::Impl(decl) };
                self.record_location(&item, *id);
                self.items.push(item);
            }
            self.items.push(new);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    fn is_local(&self, id: rt::Id) -> bool {
        self.krate.index.get(&id).is_some_and(|i| i.crate_id == 0)
            || self.krate.paths.get(&id).is_some_and(|s| s.crate_id == 0)
    }

    /// A local item users can name: reachable at a public path that is not hidden.
    fn is_public(&self, id: rt::Id) -> bool {
        self.paths.get(&id).is_some_and(|ps| ps.iter().any(|p| !p.hidden))
    }

    /// A trait that cannot be implemented outside its crate: a supertrait, or a type in a required
    /// method's signature, cannot be named by users.
    fn is_sealed(&self, id: rt::Id, seen: &mut Vec<rt::Id>) -> bool {
        if seen.contains(&id) {
            return false;
        }
        seen.push(id);
        let Some(rt::ItemEnum::Trait(t)) = self.krate.index.get(&id).map(|i| &i.inner) else {
            return false;
        };
        for bound in &t.bounds {
            if let rt::GenericBound::TraitBound { trait_, .. } = bound {
                if self.is_local(trait_.id) && (!self.is_public(trait_.id) || self.is_sealed(trait_.id, seen)) {
                    return true;
                }
            }
        }
        for child in &t.items {
            if let Some(rt::ItemEnum::Function(f)) = self.krate.index.get(child).map(|i| &i.inner) {
                if f.has_body {
                    continue;
                }
                let mut ids = Vec::new();
                for (_, ty) in &f.sig.inputs {
                    type_ids(ty, &mut ids);
                }
                if ids.iter().any(|i| self.is_local(*i) && !self.is_public(*i) && *i != id) {
                    return true;
                }
            }
        }
        false
    }

    fn external_path(&self, summary: &rt::ItemSummary) -> String {
        if self.std_crates.contains(&summary.crate_id) {
            std_path(&summary.path)
        } else if let Some(api) = self.sibling_crates.get(&summary.crate_id) {
            api.public_path(&summary.path.join("::"))
        } else {
            summary.path.join("::")
        }
    }

    fn record_location(&mut self, item: &Item, id: rt::Id) {
        let key = item.key();
        if self.locations.contains_key(&key) {
            return;
        }
        let Some(span) = self.krate.index.get(&id).and_then(|i| i.span.as_ref()) else {
            return;
        };
        let file = match span.filename.strip_prefix(self.input.root) {
            Ok(rel) => rel.to_path_buf(),
            Err(_) => span.filename.clone(),
        };
        self.locations.insert(key, Location { file: file.to_string_lossy().replace('\\', "/"), line: span.begin.0 });
    }
}
