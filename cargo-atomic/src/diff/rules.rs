//! The rules: one entry each, in the order of the Cargo book's SemVer Compatibility chapter.
//!
//! Each entry says what it applies to (`for KINDS`), what it compares (its check) and what it says
//! (its summary and the details its check returns). A rule fires when its check returns details;
//! the bump is the rule's. Where the chapter makes
//! the bump depend on context (a variant added to a `#[non_exhaustive]` enum, an item added to
//! a sealed trait), there are two rules with two checks.

use std::collections::{BTreeMap, BTreeSet};

use super::rule::kinds;
use super::{Bump, Check, Ctx, Repr, ReprChange, Rule};
use crate::api::{
    Attrs, Decl, Field, Function, GenericParamKind, Generics, Item, Param, StructKind, Trait, AUTO_TRAITS,
};

use Bump::{Major, Minor};

macro_rules! rule {
    ($id:literal, $bump:expr, $anchor:literal, for $applies:ident, $summary:literal, $check:expr) => {
        Rule { id: $id, bump: $bump, summary: $summary, anchor: $anchor, applies: kinds::$applies, check: $check }
    };
}

/// A row of the `repr` family: the attribute and what happened to it decide the detail.
const fn repr(
    id: &'static str,
    bump: Bump,
    anchor: &'static str,
    repr: Repr,
    change: ReprChange,
    summary: &'static str,
) -> Rule {
    Rule { id, bump, summary, anchor, applies: kinds::TYPES, check: Check::Repr(repr, change) }
}

pub static RULES: &[Rule] = &[
    // ---- items ----------------------------------------------------------------------------
    rule!(
        "item-removed",
        Major,
        "item-remove",
        for REMOVABLE,
        "a public item was removed, renamed, or is no longer importable at this path",
        Check::Removed(|_, _| vec!["was removed or is no longer importable at this path".to_string()])
    ),
    rule!(
        "item-made-hidden",
        Major,
        "item-remove",
        for ANY,
        "a public item was made `#[doc(hidden)]`, which takes it out of the public API",
        // A deprecated item stays public API when hidden (the ecosystem's reading): hiding it is
        // how deprecations are retired from the docs.
        Check::Changed(|_, o, n| {
            when(!o.attrs.doc_hidden && n.attrs.doc_hidden && !n.attrs.deprecated, "was made `#[doc(hidden)]`")
        })
    ),
    rule!(
        "item-unhidden",
        Minor,
        "item-new",
        for ANY,
        "a `#[doc(hidden)]` item was made public API (an addition: code could not rely on it before)",
        Check::Changed(|_, o, n| {
            when(o.attrs.doc_hidden && !o.attrs.deprecated && !n.attrs.doc_hidden, "is no longer `#[doc(hidden)]`")
        })
    ),
    rule!(
        "item-renamed",
        Major,
        "item-remove",
        for REMOVABLE,
        "an item was renamed: code using the old name breaks (a `pub use New as Old` would keep it)",
        // Found by pairing a removal with an addition of the same shape (see `diff::renames`).
        Check::Derived
    ),
    rule!(
        "static-made-const",
        Minor,
        "item-new",
        for STATICS,
        "a static became a const of the same type: reads, `&X` and patterns keep working (the \
         address is no longer unique, which only `unsafe` pointer identity could observe)",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::Static { ty: a, mutable: false, unsafe_: false }, Decl::Const { ty: b }) if a == b => {
                vec!["became a `const` of the same type".to_string()]
            }
            _ => vec![],
        })
    ),
    rule!(
        "item-kind-changed",
        Major,
        "item-remove",
        for ANY,
        "an item changed kind (for example a struct became an enum)",
        Check::Changed(|_, o, n| {
            let (a, b) = (o.decl.kind_name(), n.decl.kind_name());
            let static_to_const = matches!(
                (&o.decl, &n.decl),
                (Decl::Static { ty: x, mutable: false, unsafe_: false }, Decl::Const { ty: y }) if x == y
            );
            when(a != b && !static_to_const, &format!("changed from a {a} to a {b}"))
        })
    ),
    rule!(
        "macro-removed",
        Major,
        "item-remove",
        for MACROS,
        "an exported macro was removed or is no longer exported",
        Check::Removed(|_, _| vec!["was removed or is no longer exported".to_string()])
    ),
    rule!(
        "reexport-target-changed",
        Major,
        "item-remove",
        for REEXPORTS,
        "a re-export now points at a different item",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::ReExport { target: a }, Decl::ReExport { target: b }) if a != b => {
                vec![format!("now re-exports `{b}` instead of `{a}`")]
            }
            _ => vec![],
        })
    ),
    rule!(
        "item-added",
        Minor,
        "item-new",
        for IMPORTABLE,
        "a public item was added",
        Check::Added(|_, _| vec!["was added".to_string()])
    ),
    // ---- layout ---------------------------------------------------------------------------
    // The `repr` family: one table row each (attribute, what happened to it).
    repr(
        "repr-c-removed",
        Major,
        "repr-c-remove",
        Repr::C,
        ReprChange::Lost,
        "`repr(C)` was removed: the layout is no longer defined",
    ),
    repr(
        "repr-c-added",
        Minor,
        "repr-c-add",
        Repr::C,
        ReprChange::Gained,
        "`repr(C)` was added to a type with the default representation",
    ),
    rule!(
        "repr-c-fields-reordered",
        Major,
        "repr-c-shuffle",
        for TYPES,
        "the public fields of a `repr(C)` type changed order",
        Check::Changed(|_, o, n| {
            if !has_repr(&o.attrs, "C") || !has_repr(&n.attrs, "C") {
                return vec![];
            }
            let (a, b) = (field_names(o), field_names(n));
            let common_a: Vec<&String> = a.iter().filter(|f| b.contains(f)).collect();
            let common_b: Vec<&String> = b.iter().filter(|f| a.contains(f)).collect();
            when(common_a != common_b, "changed the order of its public fields")
        })
    ),
    repr(
        "repr-int-removed",
        Major,
        "repr-int-enum-remove",
        Repr::Int,
        ReprChange::Lost,
        "the primitive representation of an enum was removed",
    ),
    repr(
        "repr-int-changed",
        Major,
        "repr-int-enum-change",
        Repr::Int,
        ReprChange::Changed,
        "the primitive representation of an enum changed",
    ),
    repr(
        "repr-int-added",
        Minor,
        "repr-int-enum-add",
        Repr::Int,
        ReprChange::Gained,
        "a primitive representation was added to an enum",
    ),
    repr(
        "repr-transparent-removed",
        Major,
        "repr-transparent-remove",
        Repr::Transparent,
        ReprChange::Lost,
        "`repr(transparent)` was removed",
    ),
    repr(
        "repr-transparent-added",
        Minor,
        "repr-transparent-add",
        Repr::Transparent,
        ReprChange::Gained,
        "`repr(transparent)` was added to a type with the default representation",
    ),
    repr(
        "repr-packed-added",
        Major,
        "repr-packed-add",
        Repr::Packed,
        ReprChange::Gained,
        "`repr(packed)` was added to a struct or union",
    ),
    repr(
        "repr-packed-removed",
        Major,
        "repr-packed-remove",
        Repr::Packed,
        ReprChange::Lost,
        "`repr(packed)` was removed from a struct or union",
    ),
    repr(
        "repr-packed-changed",
        Major,
        "repr-packed-n-change",
        Repr::Packed,
        ReprChange::Changed,
        "the `N` of `repr(packed(N))` changed",
    ),
    repr(
        "repr-align-added",
        Major,
        "repr-align-add",
        Repr::Align,
        ReprChange::Gained,
        "`repr(align)` was added to a struct, union or enum",
    ),
    repr(
        "repr-align-removed",
        Major,
        "repr-align-remove",
        Repr::Align,
        ReprChange::Lost,
        "`repr(align)` was removed from a struct, union or enum",
    ),
    repr(
        "repr-align-changed",
        Major,
        "repr-align-n-change",
        Repr::Align,
        ReprChange::Changed,
        "the `N` of `repr(align(N))` changed",
    ),
    rule!(
        "enum-discriminant-changed",
        Major,
        "type-layout",
        for VARIANTS,
        "the discriminant of a variant changed (observable through `as` casts and the representation)",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::Variant(a), Decl::Variant(b)) => match (&a.discriminant, &b.discriminant) {
                (Some(x), Some(y)) if x != y => vec![format!("changed its discriminant from {x} to {y}")],
                _ => vec![],
            },
            _ => vec![],
        })
    ),
    rule!(
        "enum-no-longer-castable",
        Major,
        "api-compatibility",
        for VARIANTS,
        "an enum whose variants were all unit variants (castable with `as`) gained a variant with fields or a `#[non_exhaustive]` variant",
        Check::Added(|ctx, n| {
            let Some(parent) = n.parent_path() else { return vec![] };
            // `#[non_exhaustive]` enums are castable too, outside their crate as well.
            let was_castable = ctx.old.at(parent).iter().any(|e| matches!(e.decl, Decl::Enum(_)))
                && castable(ctx.old.variants_of(parent));
            if !was_castable || castable(&[n]) {
                return vec![];
            }
            let what = if n.attrs.non_exhaustive { "a `#[non_exhaustive]` variant" } else { "a variant with fields" };
            vec![format!("was added as {what}: `as` casts of the enum no longer compile")]
        })
    ),
    rule!(
        "trait-generic-params-reordered",
        Major,
        "api-compatibility",
        for TRAITS,
        "a trait's type or const parameters were reordered: `Trait<A, B>` in impls and bounds now means something else",
        Check::Changed(|ctx, o, _| {
            let original = |side: &super::Indexed, path: &str| {
                side.at(path).iter().find_map(|i| trait_decl(i).map(|t| type_and_const_params(&t.generics)))
            };
            let (Some(a), Some(b)) = (original(&ctx.old, &o.path), original(&ctx.new, &o.path)) else { return vec![] };
            if a.len() != b.len() || a == b {
                return vec![];
            }
            let mut names_a: Vec<&String> = a.iter().map(|(n, _)| n).collect();
            let mut names_b: Vec<&String> = b.iter().map(|(n, _)| n).collect();
            let kinds_differ = a.iter().map(|(_, k)| k).ne(b.iter().map(|(_, k)| k));
            names_a.sort();
            names_b.sort();
            let same_names = names_a == names_b;
            if !kinds_differ && !same_names {
                return vec![]; // renamed, not reordered
            }
            let show = |p: &[(String, bool)]| p.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ");
            vec![format!("reordered its parameters from `<{}>` to `<{}>`", show(&a), show(&b))]
        })
    ),
    // ---- structs and unions ---------------------------------------------------------------
    rule!(
        "pub-field-removed",
        Major,
        "item-remove",
        for STRUCTS,
        "a public field was removed or made private",
        Check::Changed(|_, o, n| {
            if !same_kind_of_fields(o, n) {
                return vec![];
            }
            let (a, b) = (fields(o), fields(n));
            a.iter()
                .filter(|f| !f.attrs.doc_hidden && !b.iter().any(|g| g.name == f.name))
                .map(|f| format!("lost public field `{}`", f.name))
                .collect()
        })
    ),
    rule!(
        "pub-field-made-hidden",
        Major,
        "item-remove",
        for STRUCTS,
        "a public field was made `#[doc(hidden)]`, which takes it out of the public API",
        Check::Changed(|_, o, n| {
            if !same_kind_of_fields(o, n) {
                return vec![];
            }
            let (a, b) = (fields(o), fields(n));
            a.iter()
                .filter(|f| !f.attrs.doc_hidden && b.iter().any(|g| g.name == f.name && g.attrs.doc_hidden))
                .map(|f| format!("made field `{}` `#[doc(hidden)]`", f.name))
                .collect()
        })
    ),
    rule!(
        "field-type-changed",
        Major,
        "api-compatibility",
        for STRUCTS,
        "the type of a public field changed",
        Check::Changed(|_, o, n| {
            if !same_kind_of_fields(o, n) {
                return vec![];
            }
            let generics = n.decl.generics();
            let (a, b) = (fields(o), fields(n));
            a.iter()
                .filter_map(|f| {
                    let g = b.iter().find(|g| g.name == f.name)?;
                    (f.ty != g.ty && !generalized_identically(&f.ty, &g.ty, generics))
                        .then(|| format!("changed the type of field `{}` from `{}` to `{}`", f.name, f.ty, g.ty))
                })
                .collect()
        })
    ),
    rule!(
        "generic-generalize-identical",
        Minor,
        "generic-generalize-identical",
        for STRUCTS,
        "a field's type became a generic parameter that defaults to the old type",
        Check::Changed(|_, o, n| {
            let generics = n.decl.generics();
            let (a, b) = (fields(o), fields(n));
            a.iter()
                .filter_map(|f| {
                    let g = b.iter().find(|g| g.name == f.name)?;
                    (f.ty != g.ty && generalized_identically(&f.ty, &g.ty, generics))
                        .then(|| format!("generalized field `{}` from `{}` to `{}`", f.name, f.ty, g.ty))
                })
                .collect()
        })
    ),
    rule!(
        "struct-private-field-added-when-public",
        Major,
        "struct-add-private-field-when-public",
        for STRUCTS,
        "a private field was added to a struct whose fields were all public",
        Check::Changed(|_, o, n| match (struct_kind(o), struct_kind(n)) {
            (Some(a), Some(b)) if a.name() == b.name() && a.name() != "unit" => when(
                !a.has_private_fields() && b.has_private_fields() && !o.attrs.non_exhaustive,
                "gained a private field; it can no longer be built with a struct expression",
            ),
            _ => match (&o.decl, &n.decl) {
                (Decl::Union(a), Decl::Union(b)) => when(!a.has_private && b.has_private, "gained a private field"),
                _ => vec![],
            },
        })
    ),
    rule!(
        "struct-hidden-field-added-when-public",
        Major,
        "struct-add-private-field-when-public",
        for STRUCTS,
        "a `#[doc(hidden)]` field was added to a struct that could be built with a struct expression",
        Check::Changed(|_, o, n| match (struct_kind(o), struct_kind(n)) {
            (Some(a), Some(b)) if a.name() == b.name() && constructible(o) && !b.has_private_fields() => {
                let old: Vec<String> = field_names(o);
                let hidden_before = a.public_fields().iter().filter(|f| f.attrs.doc_hidden).count();
                let hidden_now: Vec<&str> = b
                    .public_fields()
                    .into_iter()
                    .filter(|f| f.attrs.doc_hidden && !old.contains(&f.name))
                    .map(|f| f.name.as_str())
                    .collect();
                if hidden_before > 0 {
                    return vec![];
                }
                hidden_now
                    .iter()
                    .map(|f| format!("gained hidden field `{f}`; it can no longer be built with a struct expression"))
                    .collect()
            }
            _ => vec![],
        })
    ),
    rule!(
        "struct-pub-field-added-when-no-private",
        Major,
        "struct-add-public-field-when-no-private",
        for STRUCTS,
        "a public field was added to an exhaustive struct without private fields",
        Check::Changed(|_, o, n| match (struct_kind(o), struct_kind(n)) {
            (Some(a), Some(b))
                if a.name() == b.name()
                    && !a.has_private_fields()
                    && !b.has_private_fields()
                    && !o.attrs.non_exhaustive =>
            {
                added_fields(o, n)
                    .map(|f| format!("gained public field `{f}`; struct expressions must now name it"))
                    .collect()
            }
            _ => vec![],
        })
    ),
    rule!(
        "struct-pub-field-added",
        Minor,
        "item-new",
        for STRUCTS,
        "a public field was added to a struct that has private fields or is `#[non_exhaustive]`",
        Check::Changed(|_, o, n| match (struct_kind(o), struct_kind(n)) {
            (Some(a), Some(b))
                if a.name() == b.name()
                    && (a.has_private_fields() || b.has_private_fields() || o.attrs.non_exhaustive) =>
            {
                added_fields(o, n).map(|f| format!("gained public field `{f}`")).collect()
            }
            _ => match (&o.decl, &n.decl) {
                (Decl::Union(_), Decl::Union(_)) => {
                    added_fields(o, n).map(|f| format!("gained public field `{f}`")).collect()
                }
                _ => vec![],
            },
        })
    ),
    rule!(
        "struct-kind-changed",
        Major,
        "api-compatibility",
        for STRUCTS,
        "a struct changed between plain, tuple and unit form",
        Check::Changed(|_, o, n| match (struct_kind(o), struct_kind(n)) {
            (Some(a), Some(b)) if a.name() != b.name() && !all_private_tuple_plain(a, b) => {
                vec![format!("changed from a {} struct to a {} struct", a.name(), b.name())]
            }
            _ => vec![],
        })
    ),
    rule!(
        "struct-tuple-normal-with-private",
        Minor,
        "struct-tuple-normal-with-private",
        for STRUCTS,
        "a struct whose fields are all private changed between tuple and plain form",
        Check::Changed(|_, o, n| match (struct_kind(o), struct_kind(n)) {
            (Some(a), Some(b)) if a.name() != b.name() && all_private_tuple_plain(a, b) => {
                vec![format!("changed from a {} struct to a {} struct; its fields are all private", a.name(), b.name())]
            }
            _ => vec![],
        })
    ),
    // ---- enums ----------------------------------------------------------------------------
    rule!(
        "enum-variant-added",
        Major,
        "enum-variant-new",
        for VARIANTS,
        "a variant was added to an exhaustive enum",
        Check::Added(|ctx, n| match (&n.decl, ctx.new.parent_of(n)) {
            (Decl::Variant(_), Some(parent)) if !parent.attrs.non_exhaustive => {
                vec!["was added; matches over the enum without a wildcard arm no longer compile".to_string()]
            }
            _ => vec![],
        })
    ),
    rule!(
        "enum-variant-added-non-exhaustive",
        Minor,
        "enum-variant-new",
        for VARIANTS,
        "a variant was added to a `#[non_exhaustive]` enum",
        Check::Added(|ctx, n| match (&n.decl, ctx.new.parent_of(n)) {
            (Decl::Variant(_), Some(parent)) if parent.attrs.non_exhaustive => vec!["was added".to_string()],
            _ => vec![],
        })
    ),
    rule!(
        "enum-variant-removed",
        Major,
        "item-remove",
        for VARIANTS,
        "a variant was removed",
        Check::Removed(|_, _| vec!["was removed".to_string()])
    ),
    rule!(
        "enum-variant-fields-added",
        Major,
        "enum-fields-new",
        for VARIANTS,
        "fields were added to an enum variant",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::Variant(a), Decl::Variant(b)) if a.kind.name() == b.kind.name() && !o.attrs.non_exhaustive => {
                let old: Vec<&str> = a.kind.fields().iter().map(|f| f.name.as_str()).collect();
                b.kind
                    .fields()
                    .iter()
                    .filter(|f| !old.contains(&f.name.as_str()))
                    .map(|f| format!("gained field `{}`", f.name))
                    .collect()
            }
            _ => vec![],
        })
    ),
    rule!(
        "enum-variant-field-removed",
        Major,
        "item-remove",
        for VARIANTS,
        "a field of an enum variant was removed",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::Variant(a), Decl::Variant(b)) if a.kind.name() == b.kind.name() => {
                let new: Vec<&str> = b.kind.fields().iter().map(|f| f.name.as_str()).collect();
                a.kind
                    .fields()
                    .iter()
                    .filter(|f| !new.contains(&f.name.as_str()))
                    .map(|f| format!("lost field `{}`", f.name))
                    .collect()
            }
            _ => vec![],
        })
    ),
    rule!(
        "enum-variant-field-made-hidden",
        Major,
        "item-remove",
        for VARIANTS,
        "a field of an enum variant was made `#[doc(hidden)]`",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::Variant(a), Decl::Variant(b)) if a.kind.name() == b.kind.name() => {
                let (fa, fb) = (a.kind.fields(), b.kind.fields());
                fa.iter()
                    .filter(|f| !f.attrs.doc_hidden && fb.iter().any(|g| g.name == f.name && g.attrs.doc_hidden))
                    .map(|f| format!("made field `{}` `#[doc(hidden)]`", f.name))
                    .collect()
            }
            _ => vec![],
        })
    ),
    rule!(
        "enum-variant-field-type-changed",
        Major,
        "api-compatibility",
        for VARIANTS,
        "the type of a field of an enum variant changed",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::Variant(a), Decl::Variant(b)) if a.kind.name() == b.kind.name() => a
                .kind
                .fields()
                .iter()
                .filter_map(|f| {
                    let g = b.kind.fields().into_iter().find(|g| g.name == f.name)?;
                    (f.ty != g.ty)
                        .then(|| format!("changed the type of field `{}` from `{}` to `{}`", f.name, f.ty, g.ty))
                })
                .collect(),
            _ => vec![],
        })
    ),
    rule!(
        "enum-variant-kind-changed",
        Major,
        "api-compatibility",
        for VARIANTS,
        "an enum variant changed between unit, tuple and struct form",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::Variant(a), Decl::Variant(b)) if a.kind.name() != b.kind.name() => {
                vec![format!("changed from a {} variant to a {} variant", a.kind.name(), b.kind.name())]
            }
            _ => vec![],
        })
    ),
    // ---- traits ---------------------------------------------------------------------------
    rule!(
        "trait-item-added-no-default",
        Major,
        "trait-new-item-no-default",
        for TRAIT_ITEMS,
        "an item without a default was added to a trait users can implement",
        Check::Added(|ctx, n| match (required(n), ctx.new.parent_of(n).and_then(trait_decl)) {
            (Some(true), Some(t)) if !t.sealed =>
                vec!["was added without a default; every implementation must now provide it".to_string()],
            _ => vec![],
        })
    ),
    rule!(
        "sealed-trait-item-added",
        Minor,
        "trait-new-item-no-default",
        for TRAIT_ITEMS,
        "an item without a default was added to a sealed trait (only this crate implements it)",
        Check::Added(|ctx, n| match (required(n), ctx.new.parent_of(n).and_then(trait_decl)) {
            (Some(true), Some(t)) if t.sealed => vec!["was added to a sealed trait".to_string()],
            _ => vec![],
        })
    ),
    rule!(
        "trait-item-added-default",
        Minor,
        "trait-new-default-item",
        for TRAIT_ITEMS,
        "possibly breaking: an item with a default was added to a trait (it may clash with items of other traits)",
        Check::Added(|_, n| when(required(n) == Some(false), "was added with a default"))
    ),
    rule!(
        "trait-item-removed",
        Major,
        "item-remove",
        for TRAIT_ITEMS,
        "an item was removed from a trait",
        Check::Removed(|_, o| when(required(o).is_some(), "was removed from its trait"))
    ),
    rule!(
        "trait-item-signature-changed",
        Major,
        "trait-item-signature",
        for TRAIT_ITEMS,
        "the signature of a trait item changed (implementations and callers must both match it)",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::TraitFunction { function: a, .. }, Decl::TraitFunction { function: b, .. }) => fn_differences(a, b),
            (Decl::TraitType { generics: ga, bounds: ba, .. }, Decl::TraitType { generics: gb, bounds: bb, .. }) => {
                let mut out = Vec::new();
                if ba != bb {
                    out.push(format!(
                        "changed its bounds from `{}` to `{}`",
                        or_none(&ba.join(" + ")),
                        or_none(&bb.join(" + "))
                    ));
                }
                if ga != gb {
                    out.push("changed its generic parameters or where clause".to_string());
                }
                out
            }
            (Decl::TraitConst { ty: a, .. }, Decl::TraitConst { ty: b, .. }) if a != b => {
                vec![format!("changed type from `{a}` to `{b}`")]
            }
            _ => vec![],
        })
    ),
    rule!(
        "trait-item-default-removed",
        Major,
        "trait-new-item-no-default",
        for TRAIT_ITEMS,
        "a trait item lost its default; implementations must now provide it",
        Check::Changed(|_, o, n| when(required(o) == Some(false) && required(n) == Some(true), "lost its default"))
    ),
    rule!(
        "trait-item-default-added",
        Minor,
        "trait-new-default-item",
        for TRAIT_ITEMS,
        "a required trait item gained a default",
        Check::Changed(|_, o, n| when(required(o) == Some(true) && required(n) == Some(false), "gained a default"))
    ),
    rule!(
        "trait-supertrait-added",
        Major,
        "generic-bounds-tighten",
        for TRAITS,
        "a supertrait was added: implementations must now implement it too",
        Check::Changed(|_, o, n| match (trait_decl(o), trait_decl(n)) {
            (Some(a), Some(b)) => b
                .supertraits
                .iter()
                .filter(|s| !a.supertraits.contains(s))
                .map(|s| format!("gained supertrait `{s}`"))
                .collect(),
            _ => vec![],
        })
    ),
    rule!(
        "trait-supertrait-removed",
        Major,
        "api-compatibility",
        for TRAITS,
        "a supertrait was removed: code relying on it through this trait breaks",
        Check::Changed(|_, o, n| match (trait_decl(o), trait_decl(n)) {
            (Some(a), Some(b)) => a
                .supertraits
                .iter()
                .filter(|s| !b.supertraits.contains(s))
                .map(|s| format!("lost supertrait `{s}`"))
                .collect(),
            _ => vec![],
        })
    ),
    rule!(
        "trait-generic-param-added",
        Major,
        "trait-new-parameter-no-default",
        for TRAITS,
        "a type parameter without a default was added to a trait",
        Check::Changed(|_, o, n| match (trait_decl(o), trait_decl(n)) {
            (Some(a), Some(b)) => added_params(&a.generics, &b.generics, false)
                .map(|p| format!("gained type parameter `{p}` without a default"))
                .collect(),
            _ => vec![],
        })
    ),
    rule!(
        "trait-generic-param-added-default",
        Minor,
        "trait-new-parameter-default",
        for TRAITS,
        "a defaulted type parameter was added to a trait",
        Check::Changed(|_, o, n| match (trait_decl(o), trait_decl(n)) {
            (Some(a), Some(b)) => added_params(&a.generics, &b.generics, true)
                .map(|p| format!("gained defaulted type parameter `{p}`"))
                .collect(),
            _ => vec![],
        })
    ),
    rule!(
        "trait-lifetime-params-changed",
        Major,
        "api-compatibility",
        for TRAITS,
        "a trait takes a different number of lifetime parameters: every mention of it must change",
        Check::Changed(|_, o, n| match (trait_decl(o), trait_decl(n)) {
            (Some(a), Some(b)) => {
                let (x, y) = (lifetimes(&a.generics), lifetimes(&b.generics));
                when(x != y, &format!("takes {y} lifetime parameter{} instead of {x}", if y == 1 { "" } else { "s" }))
            }
            _ => vec![],
        })
    ),
    rule!(
        "trait-no-longer-dyn-compatible",
        Major,
        "trait-object-safety",
        for TRAITS,
        "the trait is no longer dyn-compatible (object safe): `dyn Trait` stops compiling",
        Check::Changed(|_, o, n| match (trait_decl(o), trait_decl(n)) {
            (Some(a), Some(b)) => when(a.dyn_compatible && !b.dyn_compatible, "is no longer dyn-compatible"),
            _ => vec![],
        })
    ),
    rule!(
        "trait-unsafe-changed",
        Major,
        "api-compatibility",
        for TRAITS,
        "a trait became `unsafe` or stopped being `unsafe`: every implementation must change",
        Check::Changed(|_, o, n| match (trait_decl(o), trait_decl(n)) {
            (Some(a), Some(b)) if a.is_unsafe != b.is_unsafe => {
                vec![if b.is_unsafe { "became `unsafe`" } else { "is no longer `unsafe`" }.to_string()]
            }
            _ => vec![],
        })
    ),
    rule!(
        "trait-newly-sealed",
        Major,
        "api-compatibility",
        for TRAITS,
        "the trait was sealed: users can no longer implement it",
        Check::Changed(|_, o, n| match (trait_decl(o), trait_decl(n)) {
            (Some(a), Some(b)) =>
                when(!a.sealed && b.sealed, "was sealed; implementations outside the crate no longer compile"),
            _ => vec![],
        })
    ),
    // ---- implementations ------------------------------------------------------------------
    rule!(
        "inherent-item-added",
        Minor,
        "impl-item-new",
        for INHERENT_ITEMS,
        "possibly breaking: an inherent associated item was added (it may shadow a trait method users call)",
        Check::Added(
            |_, _| vec!["was added".to_string()]
        )
    ),
    rule!(
        "trait-impl-removed",
        Major,
        "item-remove",
        for IMPLS,
        "a trait implementation was removed",
        Check::Removed(|_, o| match &o.decl {
            Decl::Impl(i) if !is_auto_trait(&i.trait_) => vec!["was removed".to_string()],
            _ => vec![],
        })
    ),
    rule!(
        "auto-trait-impl-removed",
        Major,
        "item-remove",
        for IMPLS,
        "a type lost an auto trait (`Send`, `Sync`, `Unpin`, `UnwindSafe`, `RefUnwindSafe`)",
        Check::Removed(|_, o| match &o.decl {
            Decl::Impl(i) if is_auto_trait(&i.trait_) =>
                vec![format!("no longer holds: `{}` is not `{}` any more", i.self_ty, i.trait_)],
            _ => vec![],
        })
    ),
    rule!(
        "trait-impl-added",
        Minor,
        "item-new",
        for IMPLS,
        "a trait implementation was added",
        Check::Added(|_, n| when(!matches!(&n.decl, Decl::Impl(i) if i.trait_ == "Copy"), "was added"))
    ),
    rule!(
        "copy-impl-added",
        Major,
        "api-compatibility",
        for IMPLS,
        "a type became `Copy`: closures that are not `move` now capture it by reference (rust-lang/rust#100905)",
        Check::Added(|_, n| match &n.decl {
            Decl::Impl(i) if i.trait_ == "Copy" => {
                vec!["was added; non-`move` closures now capture values of the type by reference".to_string()]
            }
            _ => vec![],
        })
    ),
    rule!(
        "sized-no-longer-implemented",
        Major,
        "api-compatibility",
        for STRUCTS,
        "a struct is no longer `Sized` (its last field became a dynamically sized type)",
        Check::Changed(|_, o, n| match (last_field_type(o), last_field_type(n)) {
            (Some(a), Some(b)) if !unsized_type(a) && unsized_type(b) => {
                vec![format!("is no longer `Sized`: its last field is `{b}` now")]
            }
            _ => vec![],
        })
    ),
    rule!(
        "trait-impl-assoc-type-changed",
        Major,
        "api-compatibility",
        for IMPLS,
        "an associated type of a trait implementation changed (for example `Iterator::Item`)",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::Impl(a), Decl::Impl(b)) => {
                let new: BTreeMap<&str, &str> = b.assoc_types.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                a.assoc_types
                    .iter()
                    .filter_map(|(k, v)| match new.get(k.as_str()) {
                        Some(w) if *w != v => Some(format!("changed `type {k}` from `{v}` to `{w}`")),
                        _ => None,
                    })
                    .collect()
            }
            _ => vec![],
        })
    ),
    // ---- generics -------------------------------------------------------------------------
    rule!(
        "generic-bounds-tightened",
        Major,
        "generic-bounds-tighten",
        for GENERIC,
        "generic bounds were tightened: some uses that compiled no longer do",
        Check::Changed(|ctx, o, n| {
            item_bound_changes(o, n)
                .into_iter()
                .filter(|c| !c.added.is_empty() && !c.undecided(&ctx.new.snapshot.lib))
                .map(|c| tightened(&c))
                .collect()
        })
    ),
    rule!(
        "generic-bounds-replaced",
        Minor,
        "generic-bounds-tighten",
        for GENERIC,
        "a bound was replaced by one of another crate's traits: breaking only where the old bound does not imply \
         the new one, which a supertrait or blanket impl this tool cannot see may make it (`--prove` checks)",
        Check::Changed(|ctx, o, n| {
            item_bound_changes(o, n)
                .into_iter()
                .filter(|c| !c.added.is_empty() && c.undecided(&ctx.new.snapshot.lib))
                .map(|c| {
                    format!(
                        "requires `{}: {}` instead of `{}: {}` (probably not breaking: the old bound may imply the new \
                         one; `--prove` decides)",
                        c.subject,
                        c.added.join(" + "),
                        c.subject,
                        c.removed.join(" + ")
                    )
                })
                .collect()
        })
    ),
    rule!(
        "generic-bounds-loosened",
        Minor,
        "generic-bounds-loosen",
        for GENERIC,
        "generic bounds were loosened",
        Check::Changed(|_, o, n| {
            item_bound_changes(o, n)
                .into_iter()
                .filter(|c| c.added.is_empty() && !c.removed.is_empty())
                .map(|c| loosened(&c))
                .collect()
        })
    ),
    rule!(
        "type-generic-param-added",
        Major,
        "generic-new-default",
        for TYPE_DEFINITIONS,
        "a type parameter without a default was added to a type",
        Check::Changed(|_, o, n| match (type_generics(o), type_generics(n)) {
            (Some(a), Some(b)) => added_params(a, b, false)
                .map(|p| format!("gained {} parameter `{p}` without a default", param_kind(b, &p)))
                .collect(),
            _ => vec![],
        })
    ),
    rule!(
        "type-generic-param-added-default",
        Minor,
        "generic-new-default",
        for TYPE_DEFINITIONS,
        "a defaulted type parameter was added to a type",
        Check::Changed(|_, o, n| match (type_generics(o), type_generics(n)) {
            (Some(a), Some(b)) =>
                added_params(a, b, true).map(|p| format!("gained defaulted type parameter `{p}`")).collect(),
            _ => vec![],
        })
    ),
    rule!(
        "type-lifetime-params-changed",
        Major,
        "api-compatibility",
        for TYPE_DEFINITIONS,
        "a type takes a different number of lifetime parameters: every mention of it with its lifetimes (`Type<'_>`) must change",
        Check::Changed(|_, o, n| match (type_generics(o), type_generics(n)) {
            (Some(a), Some(b)) => {
                let (x, y) = (lifetimes(a), lifetimes(b));
                when(x != y, &format!("takes {y} lifetime parameter{} instead of {x}", if y == 1 { "" } else { "s" }))
            }
            _ => vec![],
        })
    ),
    rule!(
        "generic-params-removed-or-reordered",
        Major,
        "api-compatibility",
        for GENERIC,
        "generic parameters were removed or reordered: explicit arguments (`Type<A, B>`, `f::<T>()`) break",
        Check::Changed(|_, o, n| {
            if matches!(o.decl, Decl::TraitFunction { .. } | Decl::Impl(_)) {
                return vec![];
            }
            match (o.decl.generics(), n.decl.generics()) {
                (Some(a), Some(b)) => params_removed_or_reordered(a, b),
                _ => vec![],
            }
        })
    ),
    // ---- functions ------------------------------------------------------------------------
    rule!(
        "fn-params-changed",
        Major,
        "fn-change-arity",
        for FUNCTIONS,
        "function parameters were added or removed",
        Check::Changed(|_, o, n| match free_or_method(o, n) {
            Some((a, b)) => param_arity_details(a, b),
            None => vec![],
        })
    ),
    rule!(
        "fn-param-type-changed",
        Major,
        "api-compatibility",
        for FUNCTIONS,
        "the type of a function parameter changed",
        Check::Changed(|_, o, n| match free_or_method(o, n) {
            Some((a, b)) => retyped_params(a, b)
                .into_iter()
                .filter(|(p, q)| !generalized_compatibly(&p.ty, &q.ty, &b.generics))
                .map(|(p, q)| format!("changed the type of parameter `{}` from `{}` to `{}`", q.name, p.ty, q.ty))
                .collect(),
            None => vec![],
        })
    ),
    rule!(
        "fn-generalize-compatible",
        Minor,
        "fn-generalize-compatible",
        for FUNCTIONS,
        "a parameter was generalized to a generic type that still accepts the old one",
        Check::Changed(|_, o, n| match free_or_method(o, n) {
            Some((a, b)) => retyped_params(a, b)
                .into_iter()
                .filter(|(p, q)| generalized_compatibly(&p.ty, &q.ty, &b.generics))
                .map(|(p, q)| format!("generalized parameter `{}` from `{}` to `{}`", q.name, p.ty, q.ty))
                .collect(),
            None => vec![],
        })
    ),
    rule!(
        "fn-return-type-changed",
        Major,
        "api-compatibility",
        for FUNCTIONS,
        "the return type of a function changed",
        Check::Changed(|_, o, n| match free_or_method(o, n) {
            Some((a, b)) if a.output != b.output => vec![format!(
                "changed its return type from `{}` to `{}`",
                a.output.as_deref().unwrap_or("()"),
                b.output.as_deref().unwrap_or("()")
            )],
            _ => vec![],
        })
    ),
    rule!(
        "fn-receiver-changed",
        Major,
        "api-compatibility",
        for FUNCTIONS,
        "the receiver (`self`) of a method changed",
        Check::Changed(|_, o, n| match free_or_method(o, n) {
            Some((a, b)) => receiver_details(a, b),
            None => vec![],
        })
    ),
    rule!(
        "fn-generic-param-added",
        Minor,
        "fn-generic-new",
        for FUNCTIONS,
        "possibly breaking: a type parameter was added to a function (explicit `f::<T>()` calls break)",
        Check::Changed(|_, o, n| match free_or_method(o, n) {
            Some((a, b)) => added_params(&a.generics, &b.generics, false)
                .chain(added_params(&a.generics, &b.generics, true))
                .filter(|p| inferable(b, p))
                .map(|p| format!("gained type parameter `{p}`"))
                .collect(),
            None => vec![],
        })
    ),
    rule!(
        "fn-generic-param-not-inferable",
        Major,
        "api-compatibility",
        for FUNCTIONS,
        "a generic parameter that no parameter or return type mentions was added to a function: no existing call can infer it",
        Check::Changed(|_, o, n| match free_or_method(o, n) {
            Some((a, b)) => added_params(&a.generics, &b.generics, false)
                .chain(added_params(&a.generics, &b.generics, true))
                .filter(|p| !inferable(b, p))
                .map(|p| format!("gained {} parameter `{p}`, which calls cannot infer", param_kind(&b.generics, &p)))
                .collect(),
            None => vec![],
        })
    ),
    rule!(
        "fn-const-removed",
        Major,
        "api-compatibility",
        for FUNCTIONS,
        "a `const fn` is no longer `const`",
        Check::Changed(|_, o, n| match free_or_method(o, n) {
            Some((a, b)) => when(a.is_const && !b.is_const, "is no longer `const`; calls in constant contexts break"),
            None => vec![],
        })
    ),
    rule!(
        "fn-const-added",
        Minor,
        "item-new",
        for FUNCTIONS,
        "a function became `const`",
        Check::Changed(|_, o, n| match free_or_method(o, n) {
            Some((a, b)) => when(!a.is_const && b.is_const, "became `const`"),
            None => vec![],
        })
    ),
    rule!(
        "fn-unsafe-added",
        Major,
        "api-compatibility",
        for FUNCTIONS,
        "a safe function became `unsafe`",
        Check::Changed(|_, o, n| match free_or_method(o, n) {
            Some((a, b)) => when(!a.is_unsafe && b.is_unsafe, "became `unsafe`; calls outside `unsafe` blocks break"),
            None => vec![],
        })
    ),
    rule!(
        "fn-unsafe-removed",
        Minor,
        "fn-unsafe-safe",
        for FUNCTIONS,
        "an `unsafe` function became safe",
        Check::Changed(|_, o, n| match free_or_method(o, n) {
            Some((a, b)) => when(a.is_unsafe && !b.is_unsafe, "is no longer `unsafe`"),
            None => vec![],
        })
    ),
    rule!(
        "fn-target-feature-added",
        Major,
        "api-compatibility",
        for TARGET_FEATURE_FNS,
        "a function now requires a target feature (`#[target_feature]`), or more of them: callers without it break",
        Check::Changed(|_, o, n| {
            let added: Vec<&String> =
                n.attrs.target_features.iter().filter(|f| !o.attrs.target_features.contains(f)).collect();
            if added.is_empty() {
                return vec![];
            }
            let list: Vec<String> = added.iter().map(|f| format!("`{f}`")).collect();
            vec![format!("now requires target feature{} {}", if added.len() == 1 { "" } else { "s" }, list.join(", "))]
        })
    ),
    rule!(
        "fn-abi-changed",
        Major,
        "api-compatibility",
        for FUNCTIONS,
        "the ABI of a function changed",
        Check::Changed(|_, o, n| match free_or_method(o, n) {
            Some((a, b)) if a.abi != b.abi =>
                vec![format!("changed its ABI from {} to {}", abi_name(&a.abi), abi_name(&b.abi))],
            _ => vec![],
        })
    ),
    rule!(
        "fn-variadic-changed",
        Major,
        "fn-change-arity",
        for FUNCTIONS,
        "a function became or stopped being C-variadic",
        Check::Changed(|_, o, n| match free_or_method(o, n) {
            Some((a, b)) if a.variadic != b.variadic => vec!["changed whether it takes variadic arguments".to_string()],
            _ => vec![],
        })
    ),
    // ---- aliases, consts, statics, macros -------------------------------------------------
    rule!(
        "type-alias-retargeted",
        Major,
        "api-compatibility",
        for ALIASES,
        "a type alias now names a different type",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::TypeAlias { ty: a, .. }, Decl::TypeAlias { ty: b, .. }) if a != b => {
                vec![format!("now names `{b}` instead of `{a}`")]
            }
            _ => vec![],
        })
    ),
    rule!(
        "const-type-changed",
        Major,
        "api-compatibility",
        for CONSTS,
        "the type of a constant changed",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::Const { ty: a }, Decl::Const { ty: b })
            | (Decl::AssocConst { ty: a, .. }, Decl::AssocConst { ty: b, .. })
                if a != b =>
                vec![format!("changed type from `{a}` to `{b}`")],
            _ => vec![],
        })
    ),
    rule!(
        "static-type-changed",
        Major,
        "api-compatibility",
        for STATICS,
        "the type of a static changed",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::Static { ty: a, .. }, Decl::Static { ty: b, .. }) if a != b =>
                vec![format!("changed type from `{a}` to `{b}`")],
            _ => vec![],
        })
    ),
    rule!(
        "static-mut-changed",
        Major,
        "api-compatibility",
        for STATICS,
        "a static became `mut` or stopped being `mut`",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::Static { mutable: a, .. }, Decl::Static { mutable: b, .. }) if a != b => {
                vec![if *b {
                    "became `static mut`; every access now needs `unsafe`"
                } else {
                    "is no longer `mut`; writes break"
                }
                .to_string()]
            }
            _ => vec![],
        })
    ),
    rule!(
        "static-made-unsafe",
        Major,
        "api-compatibility",
        for STATICS,
        "a static became `unsafe` to use (an item of an `unsafe extern` block not marked `safe`)",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::Static { unsafe_: false, .. }, Decl::Static { unsafe_: true, .. }) => {
                vec!["became unsafe to use; every access now needs `unsafe`".to_string()]
            }
            _ => vec![],
        })
    ),
    rule!(
        "proc-macro-kind-changed",
        Major,
        "item-remove",
        for PROC_MACROS,
        "a procedural macro changed kind (function-like, attribute, derive)",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::ProcMacro { kind: a, .. }, Decl::ProcMacro { kind: b, .. }) if a != b => {
                vec![format!("changed from a {a:?} macro to a {b:?} macro").to_lowercase()]
            }
            _ => vec![],
        })
    ),
    rule!(
        "derive-helper-removed",
        Major,
        "item-remove",
        for PROC_MACROS,
        "a derive macro lost a helper attribute",
        Check::Changed(|_, o, n| match (&o.decl, &n.decl) {
            (Decl::ProcMacro { helpers: a, .. }, Decl::ProcMacro { helpers: b, .. }) => {
                a.iter()
                    .filter(|h| !b.contains(h))
                    .map(|h| format!("no longer accepts helper attribute `#[{h}]`"))
                    .collect()
            }
            _ => vec![],
        })
    ),
    // ---- attributes -----------------------------------------------------------------------
    rule!(
        "non-exhaustive-added",
        Major,
        "attr-adding-non-exhaustive",
        for NON_EXHAUSTIVE,
        "`#[non_exhaustive]` was added to an enum, a variant, or a struct without private fields",
        Check::Changed(|ctx, o, n| {
            if o.attrs.non_exhaustive || !n.attrs.non_exhaustive {
                return vec![];
            }
            let applies = match &o.decl {
                Decl::Struct(s) => !s.kind.has_private_fields(),
                // A `#[doc(hidden)]` variant was the way to say "non-exhaustive" before the
                // attribute existed: matches already needed a wildcard arm.
                Decl::Enum(_) => !ctx.old.has_hidden_variant(&o.path),
                Decl::Variant(_) => true,
                _ => false,
            };
            when(applies, "became `#[non_exhaustive]`")
        })
    ),
    rule!(
        "deprecated-added",
        Minor,
        "new-lints",
        for ANY,
        "an item was deprecated (users get a new warning)",
        Check::Changed(|_, o, n| when(!o.attrs.deprecated && n.attrs.deprecated, "was deprecated"))
    ),
    rule!(
        "must-use-added",
        Minor,
        "new-lints",
        for ANY,
        "`#[must_use]` was added (users may get a new warning)",
        Check::Changed(|_, o, n| when(!o.attrs.must_use && n.attrs.must_use, "became `#[must_use]`"))
    ),
    // ---- Cargo ----------------------------------------------------------------------------
    // ---- exported symbols: what C callers and `dlsym` see, public or not ---------------------
    rule!(
        "export-removed",
        Major,
        "item-remove",
        for CRATE,
        "an exported symbol (`#[no_mangle]`, `#[export_name]`) was removed or renamed",
        Check::Crate(|ctx| {
            let (old, new) = (&ctx.old.snapshot.exports, &ctx.new.snapshot.exports);
            old.iter()
                .filter(|(symbol, _)| !new.contains_key(*symbol))
                .map(|(symbol, item)| {
                    let renamed = new.iter().find(|(_, n)| n.path == item.path).map(|(s, _)| s);
                    let detail = match renamed {
                        Some(now) => format!("is no longer exported; `{}` exports `{now}` instead", item.path),
                        None => format!("is no longer exported (it was `{}`)", item.path),
                    };
                    (format!("symbol `{symbol}`"), detail)
                })
                .collect()
        })
    ),
    rule!(
        "export-abi-changed",
        Major,
        "api-compatibility",
        for CRATE,
        "the ABI of an exported function changed (`\"Rust\"`, `\"C\"`, `\"C-unwind\"`, ...)",
        Check::Crate(|ctx| {
            exported_pairs(ctx)
                .filter_map(|(symbol, a, b)| {
                    let (x, y) = (exported_fn(a)?, exported_fn(b)?);
                    let (p, q) = (abi_name(&x.abi), abi_name(&y.abi));
                    (p != q).then(|| (format!("symbol `{symbol}`"), format!("changed ABI from {p} to {q}")))
                })
                .collect()
        })
    ),
    rule!(
        "export-params-changed",
        Major,
        "fn-change-arity",
        for CRATE,
        "an exported function takes a different number of parameters",
        Check::Crate(|ctx| {
            exported_pairs(ctx)
                .filter_map(|(symbol, a, b)| {
                    let (x, y) = (exported_fn(a)?, exported_fn(b)?);
                    (x.params.len() != y.params.len()).then(|| {
                        (format!("symbol `{symbol}`"), format!("takes {} parameters instead of {}", y.params.len(), x.params.len()))
                    })
                })
                .collect()
        })
    ),
    rule!(
        "export-return-changed",
        Major,
        "api-compatibility",
        for CRATE,
        "an exported function gained or lost its return value",
        Check::Crate(|ctx| {
            exported_pairs(ctx)
                .filter_map(|(symbol, a, b)| {
                    let (x, y) = (exported_fn(a)?, exported_fn(b)?);
                    let detail = match (&x.output, &y.output) {
                        (None, Some(t)) => format!("now returns `{t}`"),
                        (Some(t), None) => format!("no longer returns a value (it returned `{t}`)"),
                        _ => return None,
                    };
                    Some((format!("symbol `{symbol}`"), detail))
                })
                .collect()
        })
    ),
    rule!(
        "export-target-feature-added",
        Major,
        "api-compatibility",
        for CRATE,
        "an exported function now requires a target feature, or more of them",
        Check::Crate(|ctx| {
            exported_pairs(ctx)
                .filter_map(|(symbol, a, b)| {
                    exported_fn(a)?;
                    let added: Vec<String> = b
                        .attrs
                        .target_features
                        .iter()
                        .filter(|f| !a.attrs.target_features.contains(f))
                        .map(|f| format!("`{f}`"))
                        .collect();
                    (!added.is_empty())
                        .then(|| (format!("symbol `{symbol}`"), format!("now requires target features {}", added.join(", "))))
                })
                .collect()
        })
    ),
    rule!(
        "export-static-changed",
        Major,
        "api-compatibility",
        for CRATE,
        "an exported static changed mutability, or became a function (or the reverse)",
        Check::Crate(|ctx| {
            exported_pairs(ctx)
                .filter_map(|(symbol, a, b)| {
                    let detail = match (&a.decl, &b.decl) {
                        (Decl::Static { mutable: x, .. }, Decl::Static { mutable: y, .. }) if x != y => {
                            if *y { "became mutable" } else { "is no longer mutable" }.to_string()
                        }
                        (Decl::Static { .. }, Decl::Function(_)) => "is a function now, not a static".to_string(),
                        (Decl::Function(_), Decl::Static { .. }) => "is a static now, not a function".to_string(),
                        _ => return None,
                    };
                    Some((format!("symbol `{symbol}`"), detail))
                })
                .collect()
        })
    ),
    rule!(
        "cargo-feature-removed",
        Major,
        "cargo-feature-remove",
        for CRATE,
        "a Cargo feature was removed or renamed",
        Check::Crate(|ctx| {
            let (old, new) = (&ctx.old.snapshot.features, &ctx.new.snapshot.features);
            old.iter()
                .filter(|(name, values)| {
                    !new.contains_key(*name) && !is_implicit_dep_feature(name, values) && is_public_feature(name)
                })
                .map(|(name, _)| (format!("feature `{name}`"), "was removed".to_string()))
                .collect()
        })
    ),
    rule!(
        "cargo-optional-dependency-removed",
        Major,
        "cargo-remove-opt-dep",
        for CRATE,
        "the implicit feature of an optional dependency is gone (the dependency was removed, or is only reachable as `dep:` now): users enabling it break",
        Check::Crate(|ctx| {
            let (old, new) = (&ctx.old.snapshot.features, &ctx.new.snapshot.features);
            old.iter()
                .filter(|(name, values)| {
                    !new.contains_key(*name) && is_implicit_dep_feature(name, values) && is_public_feature(name)
                })
                .map(|(name, _)| (format!("feature `{name}`"), "(the implicit feature of an optional dependency) is gone".to_string()))
                .collect()
        })
    ),
    rule!(
        "cargo-feature-no-longer-default",
        Major,
        "cargo-feature-remove-another",
        for CRATE,
        "a feature is no longer enabled by default",
        Check::Crate(|ctx| {
            let (old, new) = (&ctx.old.snapshot.features, &ctx.new.snapshot.features);
            let empty = Vec::new();
            let (a, b) = (old.get("default").unwrap_or(&empty), new.get("default").unwrap_or(&empty));
            a.iter()
                .filter(|v| !b.contains(v) && is_public_feature(v))
                .map(|v| (format!("feature `{v}`"), "is no longer enabled by default".to_string()))
                .collect()
        })
    ),
    rule!(
        "cargo-feature-no-longer-enables",
        Major,
        "cargo-feature-remove-another",
        for CRATE,
        "a feature no longer enables something it enabled",
        Check::Crate(|ctx| {
            let (old, new) = (&ctx.old.snapshot.features, &ctx.new.snapshot.features);
            let mut out = Vec::new();
            for (name, values) in old.iter().filter(|(n, _)| *n != "default" && is_public_feature(n)) {
                if let Some(now) = new.get(name) {
                    // A `dep:` entry names no feature users can enable; what the dependency
                    // brings to the API is compared where that feature is documented.
                    for v in values.iter().filter(|v| !now.contains(v) && !v.starts_with("dep:")) {
                        out.push((format!("feature `{name}`"), format!("no longer enables `{v}`")));
                    }
                }
            }
            out
        })
    ),
    rule!(
        "public-dependency-series-changed",
        Major,
        "api-compatibility",
        for CRATE,
        "a dependency whose types the API exposes moved to an incompatible series: its types are new types to users",
        Check::Crate(|ctx| {
            let (old, new) = (&ctx.old.snapshot.dependencies, &ctx.new.snapshot.dependencies);
            old.iter()
                .filter_map(|(name, a)| {
                    let b = new.get(name)?;
                    (a != b)
                        .then(|| (format!("dependency `{name}`"), format!("is exposed as {name} {b} instead of {a}")))
                })
                .collect()
        })
    ),
    rule!(
        "cargo-feature-added",
        Minor,
        "cargo-feature-add",
        for CRATE,
        "a Cargo feature was added",
        Check::Crate(|ctx| {
            let (old, new) = (&ctx.old.snapshot.features, &ctx.new.snapshot.features);
            new.keys()
                .filter(|k| !old.contains_key(*k) && is_public_feature(k))
                .map(|k| (format!("feature `{k}`"), "was added".to_string()))
                .collect()
        })
    ),
];

// ---- helpers ----------------------------------------------------------------------------------

fn when(cond: bool, detail: &str) -> Vec<String> {
    if cond {
        vec![detail.to_string()]
    } else {
        Vec::new()
    }
}

fn or_none(s: &str) -> &str {
    if s.is_empty() {
        "(none)"
    } else {
        s
    }
}

fn has_repr(a: &Attrs, what: &str) -> bool {
    a.repr.iter().any(|r| r == what)
}

fn is_auto_trait(trait_: &str) -> bool {
    AUTO_TRAITS.contains(&trait_)
}

fn struct_kind(item: &Item) -> Option<&StructKind> {
    match &item.decl {
        Decl::Struct(s) => Some(&s.kind),
        _ => None,
    }
}

fn trait_decl(item: &Item) -> Option<&Trait> {
    match &item.decl {
        Decl::Trait(t) => Some(t),
        _ => None,
    }
}

/// For trait items: `Some(true)` when implementations must provide it.
fn required(item: &Item) -> Option<bool> {
    match &item.decl {
        Decl::TraitFunction { provided, .. } | Decl::TraitConst { provided, .. } => Some(!provided),
        Decl::TraitType { default, .. } => Some(default.is_none()),
        _ => None,
    }
}

/// Public fields of a struct or union.
fn fields(item: &Item) -> Vec<&Field> {
    match &item.decl {
        Decl::Struct(s) => s.kind.public_fields(),
        Decl::Union(u) => u.fields.iter().collect(),
        _ => Vec::new(),
    }
}

fn field_names(item: &Item) -> Vec<String> {
    fields(item).iter().map(|f| f.name.clone()).collect()
}

fn same_kind_of_fields(o: &Item, n: &Item) -> bool {
    match (&o.decl, &n.decl) {
        (Decl::Struct(a), Decl::Struct(b)) => a.kind.name() == b.kind.name(),
        (Decl::Union(_), Decl::Union(_)) => true,
        _ => false,
    }
}

fn added_fields<'a>(o: &Item, n: &'a Item) -> impl Iterator<Item = &'a str> {
    let old = field_names(o);
    fields(n).into_iter().filter(move |f| !f.attrs.doc_hidden && !old.contains(&f.name)).map(|f| f.name.as_str())
}

/// Tuple ↔ plain where neither form has public fields (the chapter's minor case).
fn all_private_tuple_plain(a: &StructKind, b: &StructKind) -> bool {
    let pair = (a.name(), b.name());
    (pair == ("tuple", "plain") || pair == ("plain", "tuple"))
        && a.public_fields().is_empty()
        && b.public_fields().is_empty()
        && a.has_private_fields()
        && b.has_private_fields()
}

/// A field type that became a generic parameter whose default is the old type.
fn generalized_identically(old: &str, new: &str, generics: Option<&Generics>) -> bool {
    generics.is_some_and(|g| {
        g.params
            .iter()
            .any(|p| p.name == new && matches!(&p.kind, GenericParamKind::Type { default: Some(d) } if d == old))
    })
}

/// Generics of a type declaration.
fn type_generics(item: &Item) -> Option<&Generics> {
    match &item.decl {
        Decl::Struct(_) | Decl::Enum(_) | Decl::Union(_) | Decl::TypeAlias { .. } => item.decl.generics(),
        _ => None,
    }
}

/// Type and const parameters in `b` but not in `a`, with (`defaulted`) or without a default.
fn added_params<'a>(a: &'a Generics, b: &'a Generics, defaulted: bool) -> impl Iterator<Item = String> + 'a {
    b.params.iter().filter_map(move |p| {
        let default = match &p.kind {
            GenericParamKind::Lifetime => return None,
            GenericParamKind::Type { default } => default.is_some(),
            GenericParamKind::Const { default, .. } => default.is_some(),
        };
        (default == defaulted && !a.params.iter().any(|q| q.name == p.name)).then(|| p.name.clone())
    })
}

fn params_removed_or_reordered(a: &Generics, b: &Generics) -> Vec<String> {
    let names = |g: &Generics| -> Vec<String> {
        g.params.iter().filter(|p| !matches!(p.kind, GenericParamKind::Lifetime)).map(|p| p.name.clone()).collect()
    };
    let (old, new) = (names(a), names(b));
    let mut out: Vec<String> =
        old.iter().filter(|p| !new.contains(p)).map(|p| format!("lost generic parameter `{p}`")).collect();
    let kept_old: Vec<&String> = old.iter().filter(|p| new.contains(p)).collect();
    let kept_new: Vec<&String> = new.iter().filter(|p| old.contains(p)).collect();
    if kept_old != kept_new {
        out.push(format!("reordered its generic parameters from `<{}>` to `<{}>`", old.join(", "), new.join(", ")));
    }
    out
}

pub(crate) struct BoundChange {
    pub subject: String,
    /// Bounds that now constrain more: added bounds, and removed `?Sized` relaxations.
    pub added: Vec<String>,
    /// Bounds that now constrain less: removed bounds, and added `?Sized` relaxations.
    pub removed: Vec<String>,
}

impl BoundChange {
    /// Whether the change replaces bounds with a trait of another crate (not the standard
    /// library's, not `lib`'s own): whether the old bounds imply the new ones then depends on
    /// supertraits and blanket impls this cannot see (`T: DeserializeOwned` → `T: Deserialize<'de>`).
    pub fn undecided(&self, lib: &str) -> bool {
        let plain = |b: &&String| !b.starts_with('?') && !b.starts_with('\'');
        let foreign = |b: &String| {
            let path = b.trim_start_matches("for<").split(['<', '(', ' ']).next().unwrap_or(b);
            match path.split_once("::") {
                Some((krate, _)) => !["std", "core", "alloc", "crate", lib].contains(&krate),
                None => false,
            }
        };
        self.removed.iter().any(|b| plain(&b)) && self.added.iter().filter(plain).any(foreign)
    }
}

/// Supertraits of the standard library's traits, as written in bounds.
const STD_SUPERTRAITS: &[(&str, &[&str])] = &[
    ("Copy", &["Clone"]),
    ("Eq", &["PartialEq"]),
    ("Ord", &["Eq", "PartialOrd", "PartialEq"]),
    ("PartialOrd", &["PartialEq"]),
    ("DoubleEndedIterator", &["Iterator"]),
    ("ExactSizeIterator", &["Iterator"]),
    ("FusedIterator", &["Iterator"]),
    ("Error", &["Debug", "Display"]),
    ("Fn", &["FnMut", "FnOnce"]),
    ("FnMut", &["FnOnce"]),
];

/// Whether bound `old` implies bound `new` through the standard library's supertraits.
fn implies(old: &str, new: &str) -> bool {
    let last = |b: &str| b.rsplit("::").next().unwrap_or(b).to_string();
    let std_path = |b: &str| !b.contains("::") || ["std::", "core::", "alloc::"].iter().any(|p| b.starts_with(p));
    if old.contains('<') || new.contains('<') || !std_path(old) || !std_path(new) {
        return false;
    }
    STD_SUPERTRAITS.iter().any(|(sub, supers)| *sub == last(old) && supers.contains(&last(new).as_str()))
}

/// [`bound_changes`] between two versions of an item (none for trait methods, whose bounds
/// the trait's own rules judge).
fn item_bound_changes(o: &Item, n: &Item) -> Vec<BoundChange> {
    if matches!(o.decl, Decl::TraitFunction { .. }) {
        return Vec::new();
    }
    match (o.decl.generics(), n.decl.generics()) {
        (Some(a), Some(b)) => bound_changes(a, b),
        _ => Vec::new(),
    }
}

/// Per subject, the bounds `b` adds to and removes from `a`. Subjects that mention a generic
/// parameter only one side has are left out: bounds on a new parameter constrain no existing use
/// (the rules about added and removed parameters speak for those).
pub(crate) fn bound_changes(a: &Generics, b: &Generics) -> Vec<BoundChange> {
    let names = |g: &Generics| -> BTreeSet<String> { g.params.iter().map(|p| p.name.clone()).collect() };
    let (pa, pb) = (names(a), names(b));
    let one_sided: Vec<&String> = pa.symmetric_difference(&pb).collect();
    let mentions = |subject: &str, name: &str| {
        subject.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '\'')).any(|w| w == name)
    };
    let subjects: BTreeSet<&str> = a.predicates.iter().chain(&b.predicates).map(|p| p.subject.as_str()).collect();
    subjects
        .into_iter()
        .filter(|s| !one_sided.iter().any(|n| mentions(s, n)))
        .filter_map(|s| {
            let (old, new) = (a.bounds_of(s), b.bounds_of(s));
            let mut added: Vec<String> = Vec::new();
            let mut removed: Vec<String> = Vec::new();
            // `?Sized` relaxes: adding it loosens, removing it tightens.
            for x in new.iter().filter(|x| !old.contains(x)) {
                if x.starts_with('?') {
                    removed.push(x.clone())
                } else {
                    added.push(x.clone())
                }
            }
            for x in old.iter().filter(|x| !new.contains(x)) {
                if x.starts_with('?') {
                    added.push(x.clone())
                } else {
                    removed.push(x.clone())
                }
            }
            // A bound the old ones imply (`Clone` beside `Copy`) asks nothing new.
            added.retain(|x| !old.iter().any(|o| implies(o, x)));
            (!added.is_empty() || !removed.is_empty()).then(|| BoundChange { subject: s.to_string(), added, removed })
        })
        .collect()
}

fn tightened(c: &BoundChange) -> String {
    let (relax, plain): (Vec<&String>, Vec<&String>) = c.added.iter().partition(|b| b.starts_with('?'));
    let mut parts = Vec::new();
    if !plain.is_empty() {
        parts.push(format!(
            "requires `{}: {}` now",
            c.subject,
            plain.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" + ")
        ));
    }
    if !relax.is_empty() {
        parts.push(format!(
            "no longer allows `{}: {}`",
            c.subject,
            relax.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" + ")
        ));
    }
    parts.join("; ")
}

fn loosened(c: &BoundChange) -> String {
    let (relax, plain): (Vec<&String>, Vec<&String>) = c.removed.iter().partition(|b| b.starts_with('?'));
    let mut parts = Vec::new();
    if !plain.is_empty() {
        parts.push(format!(
            "no longer requires `{}: {}`",
            c.subject,
            plain.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" + ")
        ));
    }
    if !relax.is_empty() {
        parts.push(format!(
            "now allows `{}: {}`",
            c.subject,
            relax.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" + ")
        ));
    }
    parts.join("; ")
}

/// Free functions and inherent methods (trait methods have their own, stricter rule).
fn free_or_method<'a>(o: &'a Item, n: &'a Item) -> Option<(&'a Function, &'a Function)> {
    match (&o.decl, &n.decl) {
        (Decl::Function(a), Decl::Function(b)) => Some((a, b)),
        (Decl::Method { function: a, .. }, Decl::Method { function: b, .. }) => Some((a, b)),
        _ => None,
    }
}

/// `const` or `type`: the kind of the generic parameter `name` of `g`.
fn param_kind(g: &Generics, name: &str) -> &'static str {
    match g.params.iter().find(|q| q.name == name).map(|q| &q.kind) {
        Some(GenericParamKind::Const { .. }) => "const",
        _ => "type",
    }
}

/// Whether a call of `f` can infer its generic parameter `name`: a parameter or the return type
/// mentions it.
fn inferable(f: &Function, name: &str) -> bool {
    let mentions = |text: &str| text.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == name);
    f.params.iter().any(|p| mentions(&p.ty)) || f.output.as_deref().is_some_and(mentions)
}

fn non_receiver(f: &Function) -> Vec<&Param> {
    f.params.iter().filter(|p| !p.is_receiver()).collect()
}

/// Parameters added or removed, found by aligning the two lists by type.
fn param_arity_details(a: &Function, b: &Function) -> Vec<String> {
    let (old, new) = (non_receiver(a), non_receiver(b));
    if old.len() == new.len() {
        return Vec::new();
    }
    let (kept_old, kept_new) = align(&old, &new);
    let mut out: Vec<String> = old
        .iter()
        .enumerate()
        .filter(|(i, _)| !kept_old.contains(i))
        .map(|(_, p)| format!("lost parameter `{}: {}`", p.name, p.ty))
        .collect();
    out.extend(
        new.iter()
            .enumerate()
            .filter(|(i, _)| !kept_new.contains(i))
            .map(|(_, p)| format!("gained parameter `{}: {}`", p.name, p.ty)),
    );
    out
}

/// Longest common subsequence of parameter types: indices kept on each side.
fn align(old: &[&Param], new: &[&Param]) -> (Vec<usize>, Vec<usize>) {
    let (n, m) = (old.len(), new.len());
    let mut table = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i][j] =
                if old[i].ty == new[j].ty { table[i + 1][j + 1] + 1 } else { table[i + 1][j].max(table[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let (mut kept_old, mut kept_new) = (Vec::new(), Vec::new());
    while i < n && j < m {
        if old[i].ty == new[j].ty {
            kept_old.push(i);
            kept_new.push(j);
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    (kept_old, kept_new)
}

/// Same number of parameters, different types: the pairs that differ.
fn retyped_params<'a>(a: &'a Function, b: &'a Function) -> Vec<(&'a Param, &'a Param)> {
    let (old, new) = (non_receiver(a), non_receiver(b));
    if old.len() != new.len() {
        return Vec::new();
    }
    old.into_iter().zip(new).filter(|(p, q)| p.ty != q.ty).collect()
}

/// `x: X` → `x: T` / `x: impl Trait` where the bounds still accept an `X` (`Into<X>`,
/// `AsRef<..>` for references, `Borrow<X>`), the chapter's compatible generalization.
fn generalized_compatibly(old: &str, new: &str, generics: &Generics) -> bool {
    let bounds: Vec<String> = match new.strip_prefix("impl ") {
        Some(list) => crate::api::split_top_level(list, " + ").into_iter().map(str::to_string).collect(),
        None if generics.params.iter().any(|p| p.name == new) => generics.bounds_of(new).to_vec(),
        None => return false,
    };
    let target = old.strip_prefix('&').map(|t| t.trim_start_matches("mut "));
    bounds.iter().any(|b| {
        b == &format!("Into<{old}>")
            || b == &format!("std::borrow::Borrow<{old}>")
            || target.is_some_and(|t| b == &format!("AsRef<{t}>"))
    })
}

fn receiver_details(a: &Function, b: &Function) -> Vec<String> {
    let recv = |f: &Function| f.params.iter().find(|p| p.is_receiver()).map(|p| p.ty.clone());
    match (recv(a), recv(b)) {
        (Some(x), Some(y)) if x != y => {
            vec![format!("changed its receiver from `{}` to `{}`", receiver(&x), receiver(&y))]
        }
        (Some(x), None) => vec![format!("lost its receiver `{}`: it is no longer a method", receiver(&x))],
        (None, Some(y)) => vec![format!("gained receiver `{}`: it became a method", receiver(&y))],
        _ => Vec::new(),
    }
}

fn receiver(ty: &str) -> String {
    match ty {
        "Self" => "self".to_string(),
        "&Self" => "&self".to_string(),
        "&mut Self" => "&mut self".to_string(),
        other => format!("self: {other}"),
    }
}

fn abi_name(abi: &Option<String>) -> String {
    match abi {
        None => "Rust".to_string(),
        Some(a) => format!("\"{a}\""),
    }
}

/// Everything that differs between two trait method signatures, for `trait-item-signature-changed`.
fn fn_differences(a: &Function, b: &Function) -> Vec<String> {
    let mut out = param_arity_details(a, b);
    for (p, q) in retyped_params(a, b) {
        out.push(format!("changed the type of parameter `{}` from `{}` to `{}`", q.name, p.ty, q.ty));
    }
    out.extend(receiver_details(a, b));
    if a.output != b.output {
        out.push(format!(
            "changed its return type from `{}` to `{}`",
            a.output.as_deref().unwrap_or("()"),
            b.output.as_deref().unwrap_or("()")
        ));
    }
    if a.generics != b.generics {
        for c in bound_changes(&a.generics, &b.generics) {
            if !c.added.is_empty() {
                out.push(format!("requires `{}: {}` now", c.subject, c.added.join(" + ")));
            }
            if !c.removed.is_empty() {
                out.push(format!("no longer requires `{}: {}`", c.subject, c.removed.join(" + ")));
            }
        }
        let names = |g: &Generics| g.params.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        if names(&a.generics) != names(&b.generics) {
            out.push(format!(
                "changed its generic parameters from `<{}>` to `<{}>`",
                names(&a.generics).join(", "),
                names(&b.generics).join(", ")
            ));
        }
    }
    if a.is_unsafe != b.is_unsafe {
        out.push(if b.is_unsafe { "became `unsafe`" } else { "is no longer `unsafe`" }.to_string());
    }
    if a.is_async != b.is_async {
        out.push(if b.is_async { "became `async`" } else { "is no longer `async`" }.to_string());
    }
    if a.is_const != b.is_const || a.abi != b.abi || a.variadic != b.variadic {
        out.push("changed its qualifiers (`const`, ABI or variadic)".to_string());
    }
    out
}

/// The implicit feature of an optional dependency: `serde = ["dep:serde"]`.
/// Features named like `unstable*`, `nightly*`, `bench*` or `_private` are not public API, as
/// the ecosystem reads them.
fn is_public_feature(name: &str) -> bool {
    let unstable = ["unstable", "nightly", "bench"].iter().any(|p| name.starts_with(p)) || name.starts_with('_');
    !unstable
}

/// Exported symbols present on both sides: `(symbol, old, new)`.
fn exported_pairs<'a>(ctx: &'a Ctx) -> impl Iterator<Item = (&'a str, &'a Item, &'a Item)> + 'a {
    let new = &ctx.new.snapshot.exports;
    ctx.old.snapshot.exports.iter().filter_map(move |(s, a)| Some((s.as_str(), a, new.get(s)?)))
}

fn exported_fn(item: &Item) -> Option<&Function> {
    match &item.decl {
        Decl::Function(f) => Some(f),
        _ => None,
    }
}

/// Whether a struct or union can be built with a struct expression outside its crate.
fn constructible(item: &Item) -> bool {
    !item.attrs.non_exhaustive
        && match &item.decl {
            Decl::Struct(s) => !s.kind.has_private_fields(),
            _ => false,
        }
}

/// Whether an enum's variants (all of them) make it castable with `as`: unit variants, none
/// `#[non_exhaustive]`.
fn castable(variants: &[&Item]) -> bool {
    variants.iter().all(|v| {
        !v.attrs.non_exhaustive
            && matches!(&v.decl, Decl::Variant(var) if matches!(var.kind, crate::api::VariantKind::Plain))
    })
}

/// The type of a struct's last field, public or not is unknown here: the last public one.
fn last_field_type(item: &Item) -> Option<&str> {
    match &item.decl {
        Decl::Struct(s) => match &s.kind {
            StructKind::Tuple { fields } => fields.last()?.as_ref().map(|f| f.ty.as_str()),
            StructKind::Plain { fields, has_private: false } => fields.last().map(|f| f.ty.as_str()),
            _ => None,
        },
        _ => None,
    }
}

/// Dynamically sized types as written: `str`, slices, trait objects.
fn unsized_type(ty: &str) -> bool {
    ty == "str" || (ty.starts_with('[') && !ty.contains(';')) || ty.starts_with("dyn ")
}

/// A trait's type and const parameters in order: `(name, is_const)`.
fn type_and_const_params(g: &Generics) -> Vec<(String, bool)> {
    g.params
        .iter()
        .filter_map(|p| match &p.kind {
            GenericParamKind::Lifetime => None,
            GenericParamKind::Type { .. } => Some((p.name.clone(), false)),
            GenericParamKind::Const { .. } => Some((p.name.clone(), true)),
        })
        .collect()
}

fn lifetimes(g: &Generics) -> usize {
    g.params.iter().filter(|p| matches!(p.kind, GenericParamKind::Lifetime)).count()
}

fn is_implicit_dep_feature(name: &str, values: &[String]) -> bool {
    values.len() == 1 && values[0] == format!("dep:{name}")
}
