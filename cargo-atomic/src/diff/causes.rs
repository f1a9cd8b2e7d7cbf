//! Root causes: every finding belongs to one, and the consequences of a cause are not reported
//! as causes of their own.
//!
//! - an item removed, renamed, hidden or changed in kind explains every finding on its members,
//!   fields, variants and impls;
//! - the same change on a type and on its impls (a bound, a generic) is one cause, on the type;
//! - impls of one type lost together (its auto traits, say) are one cause;
//! - the findings on one item are one cause (its most significant finding stands for it), and
//!   when a type or trait changed itself, the findings on its members follow that change;
//! - impls of a removed trait (or of a trait in a removed module) follow its removal; an impl
//!   gone only because its type's generics changed (the same trait is implemented for the new
//!   form) follows the type's change;
//! - a feature that no longer enables (or is no longer enabled by default) a removed feature or
//!   optional dependency follows that removal;
//! - the same change at several import paths of an item is one cause, at the shortest path;
//! - an exposed dependency that moved to an incompatible series explains every difference that
//!   vanishes when that dependency's paths are compared without their modules (`dep::a::Tr` →
//!   `dep::b::Tr`), and the re-exports of its items that went;
//! - across the workspace ([`super::explain_siblings`]): a sibling's items re-exported by a crate,
//!   and paths into a sibling that it moved, follow the sibling's own changes (one cause per
//!   sibling, reported in full under the sibling).
//!
//! Folding never changes the required bump: a consequence still counts.

use serde::Serialize;

use super::{Bump, Finding};
use crate::api::ItemKind;

/// What kind of root cause a [`Cause`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CauseKind {
    /// An item removed, renamed, hidden or changed in kind; its members and impls follow it.
    Removal,
    /// A change of an item's signature, type or attributes (with the same change on its impls).
    Change,
    /// An exposed dependency moved to an incompatible series.
    Dependency,
    /// Impls of one type lost or changed together.
    Impls,
    /// An addition or another change that needs no major bump.
    Addition,
}

/// One root cause: the finding that stands for it and how many findings it explains.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Cause {
    /// The id findings refer to (`cause`); causes are numbered most significant first.
    pub id: usize,
    pub kind: CauseKind,
    /// The largest bump among the cause and its consequences.
    pub bump: Bump,
    /// Index into `findings` of the finding that stands for the cause.
    pub finding: usize,
    /// How many other findings are its consequences.
    pub consequences: usize,
    /// The workspace crate whose own moves or removals explain this cause (the paths into it that
    /// changed), when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sibling: Option<String>,
}

/// Rules whose finding takes the whole item (and what hangs under it) with it.
const REMOVALS: &[&str] = &["item-removed", "item-renamed", "item-made-hidden", "item-kind-changed"];
const SERIES: &str = "public-dependency-series-changed";

/// Assigns every finding its cause (`Finding::cause`) and returns the causes, most significant
/// first: by bump, then removals before changes before impls, then by consequences, then path.
pub fn fold(findings: &mut [Finding]) -> Vec<Cause> {
    fold_with(findings, &[])
}

/// [`fold`], with groups known from outside the crate: each `(sibling, findings)` is one cause
/// (the differences that are only paths into a workspace crate whose own diff moved or removed
/// them), taken before every other fold.
pub fn fold_with(findings: &mut [Finding], siblings: &[(String, Vec<usize>)]) -> Vec<Cause> {
    let n = findings.len();
    let mut parent: Vec<usize> = (0..n).collect();
    let mut sibling_of: std::collections::HashMap<usize, String> = std::collections::HashMap::new();
    for (sibling, group) in siblings {
        // The most significant finding stands for the group: by bump, then removals before
        // changes before impls.
        let rank = |i: usize| (std::cmp::Reverse(findings[i].bump), kind(&findings[i]), i);
        let Some(&first) = group.iter().filter(|&&i| parent[i] == i).min_by_key(|&&i| rank(i)) else { continue };
        sibling_of.insert(first, sibling.clone());
        for &i in group {
            if i != first && parent[i] == i {
                parent[i] = first;
            }
        }
    }

    // Removals, outermost first: what lies under a removed path is its consequence.
    let mut removals: Vec<usize> = (0..n).filter(|&i| REMOVALS.contains(&findings[i].rule)).collect();
    removals.sort_by_key(|&i| (findings[i].path.matches("::").count(), i));
    for &r in &removals {
        if parent[r] != r {
            continue;
        }
        let path = findings[r].path.clone();
        let under = format!("{path}::");
        for i in 0..n {
            let f = &findings[i];
            if i != r && parent[i] == i && (f.path == path || f.path.starts_with(&under)) {
                parent[i] = r;
            }
        }
    }

    // An exposed dependency's new series: differences that are only its paths.
    for s in (0..n).filter(|&i| findings[i].rule == SERIES) {
        let Some(dep) = findings[s].subject.strip_prefix("dependency `").and_then(|d| d.strip_suffix('`')) else {
            continue;
        };
        let lib = dep.replace('-', "_");
        for i in 0..n {
            let f = &findings[i];
            if i == s || parent[i] != i || f.kind == ItemKind::Crate {
                continue;
            }
            let only_paths = match (&f.old, &f.new) {
                (Some(o), Some(n)) => without_modules(o, &lib) == without_modules(n, &lib),
                // A re-export of one of its items, gone with the move.
                (Some(o), None) => f.kind == ItemKind::ReExport && o.contains(&format!("= {lib}::")),
                _ => false,
            };
            if only_paths {
                parent[i] = s;
            }
        }
    }

    // The same change on a type and on its impls: one cause, on the type; impls of one type
    // changed by one rule (its auto traits lost, say): one cause, on the first.
    for i in (0..n).filter(|&i| findings[i].kind == ItemKind::TraitImpl) {
        if parent[i] != i {
            continue;
        }
        let (f, free) = (&findings[i], |j: usize| parent[j] == j && j != i);
        let same = |g: &Finding| g.path == f.path && g.rule == f.rule;
        let on_type = (0..n).find(|&j| {
            let g = &findings[j];
            free(j) && same(g) && g.kind != ItemKind::TraitImpl && g.detail == f.detail
        });
        let first_impl = (0..i).find(|&j| free(j) && same(&findings[j]) && findings[j].kind == ItemKind::TraitImpl);
        if let Some(j) = on_type.or(first_impl) {
            parent[i] = j;
        }
    }

    // One item, one cause: the other findings on an item (a signature changed in several ways,
    // supertraits lost) follow its most significant one. Impls keep their own causes.
    let mut by_item: std::collections::HashMap<(&str, ItemKind), usize> = std::collections::HashMap::new();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(findings[i].bump), i));
    for &i in &order {
        let f = &findings[i];
        if parent[i] != i || matches!(f.kind, ItemKind::TraitImpl | ItemKind::Crate) {
            continue;
        }
        match by_item.get(&(f.path.as_str(), f.kind)) {
            Some(&j) => parent[i] = j,
            None => {
                by_item.insert((f.path.as_str(), f.kind), i);
            }
        }
    }

    // Members follow their item: when a type or trait changed itself, the findings on its
    // members are part of that change (a reworked type: its generics, then its methods).
    let item_cause: std::collections::HashMap<&str, usize> = (0..n)
        .filter(|&i| {
            parent[i] == i
                && matches!(findings[i].kind, ItemKind::Struct | ItemKind::Enum | ItemKind::Union | ItemKind::Trait)
        })
        .map(|i| (findings[i].path.as_str(), i))
        .collect();
    for i in 0..n {
        let f = &findings[i];
        if parent[i] != i || matches!(f.kind, ItemKind::TraitImpl | ItemKind::Crate) {
            continue;
        }
        if let Some(&j) = f.path.rsplit_once("::").and_then(|(up, _)| item_cause.get(up)) {
            parent[i] = j;
        }
    }
    // Impls of a removed trait follow its removal; an impl that is gone only because its type's
    // generics changed (the same trait is implemented for the new form) follows the type's change.
    let impl_trait = |f: &Finding| match &f.key {
        crate::api::ItemKey::Impl { trait_, .. } => Some(crate::api::strip_generic_args(trait_).to_string()),
        _ => None,
    };
    // Indexed once: removals by path, added impls by type path and trait (in finding order).
    let mut removal_at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut added_impls: std::collections::HashMap<(&str, String), Vec<usize>> = std::collections::HashMap::new();
    for (k, f) in findings.iter().enumerate() {
        if REMOVALS.contains(&f.rule) {
            removal_at.entry(f.path.as_str()).or_insert(k);
        } else if f.rule == "trait-impl-added" {
            if let Some(tr) = impl_trait(f) {
                added_impls.entry((f.path.as_str(), tr)).or_default().push(k);
            }
        }
    }
    for i in 0..n {
        if parent[i] != i || findings[i].kind != ItemKind::TraitImpl {
            continue;
        }
        let Some(tr) = impl_trait(&findings[i]) else { continue };
        // The trait, or a module it was in (`mod k::distributions` took `k::distributions::Tr`).
        let ancestors = std::iter::successors(Some(tr.as_str()), |p| p.rsplit_once("::").map(|(up, _)| up));
        if let Some(&r) = ancestors.filter_map(|p| removal_at.get(p)).next() {
            parent[i] = r;
            continue;
        }
        let Some(&ty) = item_cause.get(findings[i].path.as_str()) else { continue };
        if findings[i].rule != "trait-impl-removed" {
            continue;
        }
        let candidates = added_impls.get(&(findings[i].path.as_str(), tr)).map(Vec::as_slice).unwrap_or(&[]);
        if let Some(&k) = candidates.iter().find(|&&k| parent[k] == k) {
            parent[i] = ty;
            parent[k] = ty;
        }
    }

    // Cargo features: what a removed feature or optional dependency was enabled by, or enabled
    // by default, goes with its removal.
    let feature =
        |subject: &str| subject.strip_prefix("feature `").and_then(|s| s.strip_suffix('`')).map(str::to_string);
    let removed: std::collections::HashMap<String, usize> = (0..n)
        .filter(|&i| {
            matches!(findings[i].rule, "cargo-feature-removed" | "cargo-optional-dependency-removed") && parent[i] == i
        })
        .filter_map(|i| Some((feature(&findings[i].subject)?, i)))
        .collect();
    for i in 0..n {
        let f = &findings[i];
        if parent[i] != i {
            continue;
        }
        let target = match f.rule {
            "cargo-feature-no-longer-enables" => f
                .detail
                .strip_prefix("no longer enables `")
                .and_then(|d| d.strip_suffix('`'))
                .map(|d| d.trim_start_matches("dep:").split(['/', '?']).next().unwrap_or(d).to_string()),
            "cargo-feature-no-longer-default" => feature(&f.subject),
            _ => None,
        };
        if let Some(&r) = target.and_then(|t| removed.get(&t)) {
            if r != i {
                parent[i] = r;
            }
        }
    }

    // The same change seen at another import path of the item (`rand::Rng::fill` and
    // `rand::prelude::Rng::fill`): one cause, at the shortest path.
    // (rule, kind, detail, old and new with the own path a placeholder, name)
    type Change<'a> = (&'a str, ItemKind, &'a str, Option<String>, Option<String>, &'a str);
    let mut seen: std::collections::HashMap<Change, usize> = std::collections::HashMap::new();
    let mut order: Vec<usize> = (0..n).filter(|&i| parent[i] == i).collect();
    order.sort_by_key(|&i| (findings[i].path.len(), i));
    for i in order {
        let f = &findings[i];
        if matches!(f.kind, ItemKind::Crate) {
            continue;
        }
        let own = |t: &Option<String>| t.as_ref().map(|t| super::replace_path(t, &f.path, "$"));
        let name = f.path.rsplit("::").next().unwrap_or(&f.path);
        let key = (f.rule, f.kind, f.detail.as_str(), own(&f.old), own(&f.new), name);
        match seen.get(&key) {
            Some(&j) => parent[i] = j,
            None => {
                seen.insert(key, i);
            }
        }
    }

    let root = |mut i: usize| {
        while parent[i] != i {
            i = parent[i];
        }
        i
    };
    let roots: Vec<usize> = (0..n).map(root).collect();
    let mut causes: Vec<Cause> = (0..n)
        .filter(|&i| roots[i] == i)
        .map(|i| {
            let members = (0..n).filter(|&j| roots[j] == i);
            Cause {
                id: 0,
                kind: if sibling_of.contains_key(&i) { CauseKind::Dependency } else { kind(&findings[i]) },
                sibling: sibling_of.get(&i).cloned(),
                bump: members.clone().map(|j| findings[j].bump).max().unwrap_or(findings[i].bump),
                finding: i,
                consequences: members.count() - 1,
            }
        })
        .collect();
    causes.sort_by(|a, b| {
        b.bump
            .cmp(&a.bump)
            .then(a.kind.cmp(&b.kind))
            .then(b.consequences.cmp(&a.consequences))
            .then_with(|| findings[a.finding].path.cmp(&findings[b.finding].path))
            .then(a.finding.cmp(&b.finding))
    });
    for (id, c) in causes.iter_mut().enumerate() {
        c.id = id;
    }
    let id_of: std::collections::HashMap<usize, usize> = causes.iter().map(|c| (c.finding, c.id)).collect();
    for (i, f) in findings.iter_mut().enumerate() {
        f.cause = id_of[&roots[i]];
    }
    causes
}

fn kind(f: &Finding) -> CauseKind {
    if f.bump < Bump::Major {
        CauseKind::Addition
    } else if REMOVALS.contains(&f.rule) {
        CauseKind::Removal
    } else if f.rule == SERIES {
        CauseKind::Dependency
    } else if f.kind == ItemKind::TraitImpl {
        CauseKind::Impls
    } else {
        CauseKind::Change
    }
}

/// `text` with every path into crate `lib` cut to the crate and the last segment:
/// `dep::a::Tr<u8>` → `dep::Tr<u8>`, so a move inside `dep` compares equal.
pub(super) fn without_modules(text: &str, lib: &str) -> String {
    let prefix = format!("{lib}::");
    crate::api::text::rewrite_paths(text, &prefix, |p| format!("{prefix}{}", p.rsplit("::").next().unwrap_or(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_into_a_crate_lose_their_modules() {
        assert_eq!(
            without_modules("fn f(x: dep::a::Tr) -> dep::b::c::S<dep::T>", "dep"),
            "fn f(x: dep::Tr) -> dep::S<dep::T>"
        );
        assert_eq!(without_modules("mydep::a::X", "dep"), "mydep::a::X");
    }
}
