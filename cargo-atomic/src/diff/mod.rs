//! Changes between a baseline API and the current one, classified by the Cargo SemVer rules.
//!
//! The rules are data ([`rules::RULES`]): an id, the bump it requires, a summary, the anchor of
//! the Cargo book section, and a check. This module pairs baseline and current items by
//! [`Item::key`] and runs every rule's check on each pair; it reports a change at the highest
//! level only (a removed enum's variants are not listed again).
//!
//! **Architecture invariant:** [`compare`] is a pure function of two snapshots. Nothing in `diff/`
//! runs a process, reads a file or knows where a snapshot came from; source locations are attached
//! afterwards by the analysis stage.

mod causes;
mod equivalent;
mod instantiate;
mod rule;
pub mod rules;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::api::canonical::{canonical, Names};
use crate::api::{Decl, Item, ItemKey, ItemKind, Location, Snapshot};
pub use causes::{Cause, CauseKind};
pub use rule::{Check, Ctx, Indexed, Repr, ReprChange, Rule};
pub use rules::RULES;

/// The version bump a change requires, in the SemVer sense (mapped to 0.x versions by the train).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn name(self) -> &'static str {
        match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

impl std::fmt::Display for Bump {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Where the Cargo book's SemVer chapter lives online; the same page ships with the toolchain
/// (`rustup doc --path` → `cargo/reference/semver.html`).
pub const CHAPTER_URL: &str = "https://doc.rust-lang.org/cargo/reference/semver.html";

/// Which tree a location refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Current,
    Baseline,
}

/// One difference between baseline and current API.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Finding {
    pub rule: &'static str,
    pub bump: Bump,
    /// The item's path (for trait impls, the path of the type or trait they are anchored at).
    pub path: String,
    /// The item's kind (`function`, `struct`, `trait impl`, ...).
    pub kind: ItemKind,
    /// The item as a short phrase: `fn core::execute_operation`, `impl Send for core::Client`.
    pub subject: String,
    /// What happened to it: `gained parameter \`timeout: std::time::Duration\``.
    pub detail: String,
    pub summary: &'static str,
    pub reference: String,
    /// Declarations before and after (absent for additions and removals respectively).
    pub old: Option<String>,
    pub new: Option<String>,
    /// Source location: in the current tree, or in the baseline for removals.
    pub location: Option<Location>,
    pub location_side: Side,
    /// The id of the root cause this finding belongs to (see `causes`); a finding that stands for
    /// its cause has that cause's id too.
    pub cause: usize,
    /// The item's other import paths where the same change shows (a re-export of it: `k::Rng`
    /// and `k::prelude::Rng`); `path` is the shortest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_at: Vec<String>,
    /// The witness program and its verdict, with `--prove` (major findings only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proof: Option<Proof>,
    /// The maintainers' word on it — an accepted finding, or its rule's level set in the
    /// configuration — and what it counts as instead of `bump` (the rule's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Accepted>,
    #[serde(skip)]
    pub key: ItemKey,
}

/// What a finding counts as, by the maintainers' word.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    serde::Deserialize,
    clap::ValueEnum,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Not at all (not shown either, but counted in a line).
    Allow,
    Patch,
    Minor,
    Major,
}

impl Level {
    pub fn bump(self) -> Option<Bump> {
        match self {
            Level::Allow => None,
            Level::Patch => Some(Bump::Patch),
            Level::Minor => Some(Bump::Minor),
            Level::Major => Some(Bump::Major),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The maintainers' word on a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Accepted {
    /// What it counts as.
    pub level: Level,
    /// Why, in the maintainers' words.
    pub reason: String,
    /// Where it is written: `core/atomic-accepted.toml`, or the manifest table setting the
    /// rule's level (`Cargo.toml [workspace.metadata.atomic.rules]`).
    pub source: String,
    /// `finding`: this finding (or the root cause it belongs to) was accepted; `rule`: every
    /// finding of its rule counts at this level.
    pub by: AcceptedBy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AcceptedBy {
    Finding,
    Rule,
}

/// What compiling a finding's witness program said.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The witness compiles against the baseline and fails against the current API.
    Proven,
    /// The witness compiles against both: the finding is probably wrong.
    Unproven,
    /// The witness does not compile against the baseline: a generator's mistake, proves nothing.
    Weak,
    /// No witness for this rule, or none could be written for this item.
    None,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Proven => "proven",
            Verdict::Unproven => "unproven",
            Verdict::Weak => "weak",
            Verdict::None => "none",
        }
    }
}

/// A finding's witness: the program and what the compiler said about it on each side.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Proof {
    pub verdict: Verdict,
    /// The witness's source (absent for `none`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<String>,
    /// The compiler's first error: against the current API for `proven`, against the baseline for
    /// `weak`; or why no witness was checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// An item with its canonical form (what is compared) and the renaming that form applied.
struct Versioned<'a> {
    original: &'a Item,
    canonical: Item,
    names: Names,
}

/// Generic parameters an item uses without declaring them: its enum's or trait's.
fn outer_params(side: &Indexed, item: &Item) -> Vec<String> {
    match item.decl {
        Decl::Variant(_) | Decl::TraitFunction { .. } | Decl::TraitType { .. } | Decl::TraitConst { .. } => side
            .parent_of(item)
            .and_then(|p| p.decl.generics())
            .map(|g| g.params.iter().map(|p| p.name.clone()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The items of a snapshot by the key findings carry (the key of their canonical form).
pub fn items_by_key<'a>(side: &Indexed<'a>) -> std::collections::HashMap<ItemKey, &'a Item> {
    let mut out = std::collections::HashMap::new();
    for item in &side.snapshot.items {
        out.entry(canonical(item, &outer_params(side, item)).0.key()).or_insert(item);
    }
    out
}

/// The items of a snapshot in canonical form, by key; types named by one of their `aliases` are
/// named by its representative, and projections on the side's concrete impls by the type they name.
fn versioned<'a>(
    side: &Indexed,
    snapshot: &'a Snapshot,
    aliases: &HashMap<String, String>,
    foreign: &ForeignAliases,
) -> BTreeMap<ItemKey, Vec<Versioned<'a>>> {
    let mut by_key: BTreeMap<ItemKey, Vec<Versioned>> = BTreeMap::new();
    let projections = equivalent::projections(snapshot);
    for item in &snapshot.items {
        let (mut canonical, names) = canonical(item, &outer_params(side, item));
        if !projections.is_empty() {
            crate::api::canonical::map_text(&mut canonical, &|text| {
                equivalent::resolve_projections(text, &projections)
            });
        }
        if !aliases.is_empty() {
            crate::api::canonical::map_text(&mut canonical, &|text| {
                crate::api::text::rewrite_paths(text, &snapshot.lib, |p| {
                    aliases.get(p).cloned().unwrap_or_else(|| p.to_string())
                })
            });
        }
        for (root, names) in foreign {
            crate::api::canonical::map_text(&mut canonical, &|text| {
                crate::api::text::rewrite_paths(text, root, |p| names.get(p).cloned().unwrap_or_else(|| p.to_string()))
            });
        }
        by_key.entry(canonical.key()).or_default().push(Versioned { original: item, canonical, names });
    }
    by_key
}

/// One side's types importable at several paths: the paths of one name whose item, with
/// everything under it, reads the same at each of them (re-exports), keyed by name and shape.
fn reexport_groups(s: &Snapshot) -> HashMap<(String, Vec<String>), BTreeSet<String>> {
    let is_type = |d: &Decl| matches!(d, Decl::Struct(_) | Decl::Enum(_) | Decl::Union(_) | Decl::Trait(_));
    let mut by_name: HashMap<&str, Vec<&str>> = HashMap::new();
    for i in s.items.iter().filter(|i| is_type(&i.decl)) {
        by_name.entry(i.name()).or_default().push(&i.path);
    }
    let candidates: HashSet<&str> = by_name.values().filter(|paths| paths.len() > 1).flatten().copied().collect();
    if candidates.is_empty() {
        return HashMap::new();
    }
    // Each candidate's shape: its lines and those under it, every path of its name (its own,
    // and the canonical one its members' signatures use) a placeholder.
    let mut shapes: HashMap<&str, Vec<String>> = HashMap::new();
    for item in &s.items {
        let mut path = item.path.as_str();
        loop {
            if candidates.contains(path) {
                let name = path.rsplit("::").next().unwrap_or(path);
                let line = by_name[name].iter().fold(item.render(), |line, p| replace_path(&line, p, "$"));
                shapes.entry(path).or_default().push(line);
            }
            match path.rsplit_once("::") {
                Some((parent, _)) => path = parent,
                None => break,
            }
        }
    }
    let mut out: HashMap<(String, Vec<String>), BTreeSet<String>> = HashMap::new();
    for (path, mut lines) in shapes {
        lines.sort();
        let name = path.rsplit("::").next().unwrap_or(path).to_string();
        out.entry((name, lines)).or_default().insert(path.to_string());
    }
    out.retain(|_, paths| paths.len() > 1);
    out
}

/// Paths that name one type on both sides, each mapped to one representative: a type importable
/// at several paths whose canonical path (the one declarations use) moved between them —
/// `weighted::WeightedError` in one release, `WeightedError` in the next, both paths in both —
/// is the same type. On each side, the paths of one name whose item, with everything under it,
/// reads the same at each of them are one item (re-exports); groups of the two sides that share a
/// path are one type, even when it changed. The representative is the shortest shared path.
fn type_aliases(old: &Snapshot, new: &Snapshot) -> HashMap<String, String> {
    let (before, after) = (reexport_groups(old), reexport_groups(new));
    let group_of: HashMap<&str, &BTreeSet<String>> =
        after.values().flat_map(|g| g.iter().map(move |p| (p.as_str(), g))).collect();
    let mut aliases = HashMap::new();
    for then in before.values() {
        let mut linked: Vec<&BTreeSet<String>> = Vec::new();
        for now in then.iter().filter_map(|p| group_of.get(p.as_str())) {
            if !linked.iter().any(|g| std::ptr::eq(*g, *now)) {
                linked.push(now);
            }
        }
        for now in linked {
            let Some(rep) = then.intersection(now).min_by_key(|p| (p.len(), (*p).clone())) else { continue };
            for p in then.union(now).filter(|p| *p != rep) {
                aliases.entry(p.clone()).or_insert_with(|| rep.clone());
            }
        }
    }
    aliases
}

/// Per crate root, paths into it mapped to one name for both sides.
type ForeignAliases = Vec<(String, HashMap<String, String>)>;

/// One item of another crate, two names: a workspace sibling's items are named by their public
/// path (its API is documented with the crate's), a registry dependency's by their definition
/// path (rustdoc knows no other). When a crate the API mentions is a sibling on one side and a
/// registry dependency on the other (listed in one side's exposed `dependencies` only), a path
/// into it on one side and a path into it on the other that end in the same name are the same
/// item — where that name is one path on each side; the sibling's public path names it.
fn foreign_aliases(old: &Snapshot, new: &Snapshot) -> ForeignAliases {
    const STD: [&str; 4] = ["std", "core", "alloc", "proc_macro"];
    let paths = |s: &Snapshot, root: &str| -> BTreeMap<String, BTreeSet<String>> {
        let found = std::cell::RefCell::new(BTreeMap::<String, BTreeSet<String>>::new());
        for item in &s.items {
            crate::api::text::rewrite_paths(&item.render(), root, |p| {
                let name = p.rsplit("::").next().unwrap_or(p).to_string();
                found.borrow_mut().entry(name).or_default().insert(p.to_string());
                p.to_string()
            });
        }
        found.into_inner()
    };
    let mentioned = |s: &Snapshot| -> BTreeSet<String> {
        s.items.iter().flat_map(|i| crate::api::mentioned_crates(&i.render())).collect()
    };
    let (then, now) = (mentioned(old), mentioned(new));
    let mut out = Vec::new();
    for root in then.intersection(&now) {
        if STD.contains(&root.as_str()) || *root == old.lib || *root == new.lib {
            continue;
        }
        let (was_registry, is_registry) = (old.dependencies.contains_key(root), new.dependencies.contains_key(root));
        if was_registry == is_registry {
            continue;
        }
        let (before, after) = (paths(old, root), paths(new, root));
        let mut names = HashMap::new();
        for (name, olds) in &before {
            let Some(news) = after.get(name) else { continue };
            if olds.len() != 1 || news.len() != 1 || olds == news {
                continue;
            }
            let (o, n) = (olds.first().unwrap(), news.first().unwrap());
            let public = if was_registry { n } else { o };
            names.insert(o.clone(), public.clone());
            names.insert(n.clone(), public.clone());
        }
        if !names.is_empty() {
            out.push((root.clone(), names));
        }
    }
    out
}

/// Compares two APIs of one crate: the findings (most severe first, then by path), the bump they
/// require, and notes on reading them. Does no I/O.
pub fn compare(old: &Snapshot, new: &Snapshot) -> Changes {
    let mut findings = findings(old, new);
    let causes = causes::fold(&mut findings);
    let mut notes = Vec::new();
    let (then, now) = (&old.checked_features, &new.checked_features);
    if then != now {
        notes.push(format!(
            "the baseline was documented with features `{}`, the current API with `{}`: some findings may come from that",
            then.render(),
            now.render()
        ));
    }
    Changes { required_bump: required_bump(&findings), findings, causes, notes, warnings: Vec::new() }
}

/// The findings between two APIs of one crate, sorted most severe first, then by path.
///
/// Items are compared in canonical form ([`canonical`]): renaming a generic parameter or writing
/// out an elided lifetime is not a change.
pub fn findings(old: &Snapshot, new: &Snapshot) -> Vec<Finding> {
    // The new side at the old side's instantiations, where generic impls cover concrete ones.
    let instantiated = instantiate::covering(old, new);
    let new = instantiated.as_ref().unwrap_or(new);
    let ctx = Ctx { old: Indexed::new(old), new: Indexed::new(new) };
    let aliases = type_aliases(old, new);
    let foreign = foreign_aliases(old, new);
    let mut old_by_key = versioned(&ctx.old, old, &aliases, &foreign);
    let mut new_by_key = versioned(&ctx.new, new, &aliases, &foreign);
    let keys: BTreeSet<ItemKey> = old_by_key.keys().chain(new_by_key.keys()).cloned().collect();
    let mut findings = Vec::new();
    for key in &keys {
        let mut olds: Vec<Versioned> = old_by_key.remove(key).unwrap_or_default();
        let mut news: Vec<Versioned> = new_by_key.remove(key).unwrap_or_default();
        // Identical items pair first; the rest pair in order.
        olds.retain(|o| match news.iter().position(|n| n.canonical == o.canonical && same_param_order(o, n)) {
            Some(i) => {
                news.remove(i);
                false
            }
            None => true,
        });
        let paired = olds.len().min(news.len());
        for (o, n) in olds.iter().zip(&news) {
            changed(&ctx, key, o, n, &mut findings);
        }
        for o in &olds[paired..] {
            if visible(o.original) && !parent_gone(&ctx.old, &ctx.new, o.original) {
                apply(&ctx, key, Some(o), None, &mut findings);
            }
        }
        for n in &news[paired..] {
            if visible(n.original) && !parent_gone(&ctx.new, &ctx.old, n.original) {
                added(&ctx, key, n, &mut findings);
            }
        }
    }
    for rule in RULES {
        if let Check::Crate(f) = &rule.check {
            for (subject, detail) in f(&ctx) {
                let mut found = finding(
                    rule,
                    ItemKey::Crate(subject.clone()),
                    new.lib.clone(),
                    ItemKind::Crate,
                    detail,
                    None,
                    None,
                );
                found.subject = subject;
                found.location_side = Side::Current;
                findings.push(found);
            }
        }
    }
    equivalent::prelude_trait_methods(&ctx, &mut findings);
    renames(&ctx, &mut findings);
    merge_import_paths(old, new, &mut findings);
    findings.sort_by(|a, b| b.bump.cmp(&a.bump).then_with(|| a.path.cmp(&b.path)).then_with(|| a.rule.cmp(b.rule)));
    findings
}

/// A removal and an addition of the same kind and shape in the same module are one rename: the
/// removal becomes `item-renamed` and the addition goes. The rename is only a label on the
/// removal: the finding stays on the old path, major, and says the old path was removed (the two
/// may be unrelated items that happen to look alike). Shape: the item's declaration and its
/// members' and impls', with its own path written as a placeholder. Modules are left alone (every
/// empty module has one shape), and only one-to-one pairs count.
fn renames(ctx: &Ctx, findings: &mut Vec<Finding>) {
    let parent = |p: &str| p.rsplit_once("::").map(|(a, _)| a.to_string());
    let shape = |side: &Indexed, path: &str| -> Vec<String> {
        let mut lines: Vec<String> = side
            .snapshot
            .items
            .iter()
            .filter(|i| i.path == path || i.path.starts_with(&format!("{path}::")))
            .map(|i| replace_path(&i.render(), path, "$"))
            .collect();
        lines.sort();
        lines
    };
    let candidates = |rule: &str| -> Vec<usize> {
        (0..findings.len()).filter(|&i| findings[i].rule == rule && findings[i].kind != ItemKind::Module).collect()
    };
    let (removed, added) = (candidates("item-removed"), candidates("item-added"));
    let mut pairs = Vec::new();
    for &r in &removed {
        let (fr, old_shape) = (&findings[r], shape(&ctx.old, &findings[r].path));
        let matching: Vec<usize> = added
            .iter()
            .copied()
            .filter(|&a| {
                let fa = &findings[a];
                fa.kind == fr.kind && parent(&fa.path) == parent(&fr.path) && shape(&ctx.new, &fa.path) == old_shape
            })
            .collect();
        if let [a] = matching[..] {
            pairs.push((r, a));
        }
    }
    // An addition claimed by two removals pairs with neither.
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    for (_, a) in &pairs {
        *taken.entry(*a).or_default() += 1;
    }
    let rule = rule_by_id("item-renamed");
    let mut drop = BTreeSet::new();
    for (r, a) in pairs.into_iter().filter(|(_, a)| taken[a] == 1) {
        let new_name = findings[a].path.rsplit("::").next().unwrap_or_default().to_string();
        let renamed = Finding {
            rule: rule.id,
            bump: rule.bump,
            detail: format!("was removed (apparently renamed to `{new_name}`: same kind and shape)"),
            summary: rule.summary,
            reference: format!("{CHAPTER_URL}#{}", rule.anchor),
            new: findings[a].new.clone(),
            ..findings[r].clone()
        };
        findings[r] = renamed;
        drop.insert(a);
    }
    let mut i = 0;
    findings.retain(|_| {
        i += 1;
        !drop.contains(&(i - 1))
    });
}

/// One item at several import paths (re-exported: `k::Rng`, `k::prelude::Rng`) that went the
/// same way at each is one finding, at the shortest path, listing the others (`also_at`): the
/// same rule, kind and detail, the same declarations with the item's own path written as a
/// placeholder, and the paths known to name one item on the side the finding reads (a type whose
/// item and everything under it read the same at both, or members of such a type). Two items
/// that only look alike (two `new()` in two modules) stay two findings. Impls are keyed once.
fn merge_import_paths(old: &Snapshot, new: &Snapshot, findings: &mut Vec<Finding>) {
    // Per side: the group of re-exports a path is in.
    let identities = |s: &Snapshot| -> HashMap<String, usize> {
        reexport_groups(s)
            .into_values()
            .enumerate()
            .flat_map(|(g, paths)| paths.into_iter().map(move |p| (p, g)))
            .collect()
    };
    let (then, now) = (identities(old), identities(new));
    // A path, or its nearest ancestor's, in a group → that group and the rest of the path.
    let identity = |f: &Finding| -> String {
        let groups = if f.new.is_some() { &now } else { &then };
        let mut path = f.path.as_str();
        let mut rest = String::new();
        loop {
            if let Some(g) = groups.get(path) {
                return format!("#{g}{rest}");
            }
            match path.rsplit_once("::") {
                Some((parent, last)) => {
                    rest = format!("::{last}{rest}");
                    path = parent;
                }
                None => return f.path.clone(),
            }
        }
    };
    type Change = (&'static str, ItemKind, String, Option<String>, Option<String>, String);
    let key = |f: &Finding| -> Change {
        let own = |t: &Option<String>| t.as_ref().map(|t| replace_path(t, &f.path, "$"));
        (f.rule, f.kind, f.detail.clone(), own(&f.old), own(&f.new), identity(f))
    };
    let mut order: Vec<usize> =
        (0..findings.len()).filter(|&i| !matches!(findings[i].kind, ItemKind::TraitImpl | ItemKind::Crate)).collect();
    order.sort_by(|&a, &b| {
        findings[a].path.len().cmp(&findings[b].path.len()).then(findings[a].path.cmp(&findings[b].path))
    });
    let mut first: HashMap<Change, usize> = HashMap::new();
    let mut into: BTreeMap<usize, usize> = BTreeMap::new();
    for i in order {
        match first.entry(key(&findings[i])) {
            std::collections::hash_map::Entry::Occupied(e) => {
                into.insert(i, *e.get());
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(i);
            }
        }
    }
    if into.is_empty() {
        return;
    }
    for (&i, &j) in &into {
        let path = findings[i].path.clone();
        findings[j].also_at.push(path);
    }
    for f in findings.iter_mut() {
        f.also_at.sort();
    }
    let mut i = 0;
    findings.retain(|_| {
        i += 1;
        !into.contains_key(&(i - 1))
    });
}

/// A rule of the table the diff applies itself (renames, un-hiding).
fn rule_by_id(id: &str) -> &'static Rule {
    RULES.iter().find(|r| r.id == id).expect("a rule of the table")
}

/// `text` with the path `path` (and paths under it) written as `with`.
fn replace_path(text: &str, path: &str, with: &str) -> String {
    crate::api::text::rewrite_paths(text, path, |p| match p.strip_prefix(path) {
        Some(rest) if rest.is_empty() || rest.starts_with("::") => format!("{with}{rest}"),
        _ => p.to_string(),
    })
}

/// Canonical forms number a trait's generic parameters by position, so reordering them looks like
/// no change; the parameters as written decide (renaming them stays no change).
fn same_param_order(a: &Versioned, b: &Versioned) -> bool {
    match (&a.original.decl, &b.original.decl) {
        (Decl::Trait(x), Decl::Trait(y)) => {
            let names = |g: &crate::api::Generics| g.params.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
            let (p, q) = (names(&x.generics), names(&y.generics));
            let (mut ps, mut qs) = (p.clone(), q.clone());
            ps.sort();
            qs.sort();
            p == q || ps != qs
        }
        _ => true,
    }
}

/// Public API, as the ecosystem reads it: not `#[doc(hidden)]`, or deprecated (a deprecated item
/// stays API when hidden: hiding is how deprecations leave the docs).
fn visible(item: &Item) -> bool {
    !item.attrs.doc_hidden || item.attrs.deprecated
}

/// An item whose parent (module, type or trait) exists on `here` but not on `there` (not as the
/// same kind of item), or is hidden on `there`: the parent's own change says it all (a hidden
/// type's members and impls are not listed, so their absence is no removal).
fn parent_gone(here: &Indexed, there: &Indexed, item: &Item) -> bool {
    let parent = match item.decl {
        Decl::Impl(_) => Some(item.path.as_str()),
        _ => item.parent_path(),
    };
    // rustdoc synthesizes no auto-trait impls for a hidden type, deprecated or not.
    let unlisted = |b: &Item| if matches!(item.decl, Decl::Impl(_)) { b.attrs.doc_hidden } else { !visible(b) };
    parent.is_some_and(|p| {
        here.at(p).iter().any(|a| {
            let same_kind = |b: &&&Item| a.decl.kind_name() == b.decl.kind_name();
            !there.at(p).iter().any(|b| same_kind(&b)) || there.at(p).iter().filter(same_kind).any(|b| unlisted(b))
        })
    })
}

fn changed(ctx: &Ctx, key: &ItemKey, o: &Versioned, n: &Versioned, findings: &mut Vec<Finding>) {
    match (visible(o.original), visible(n.original)) {
        (false, false) => {}
        // Un-hiding is an addition, whatever else changed: code could not rely on the item before.
        (false, true) => {
            let rule = rule_by_id("item-unhidden");
            for detail in rule.details(ctx, Some(&o.canonical), Some(&n.canonical)) {
                findings.push(finding(
                    rule,
                    key.clone(),
                    n.original.path.clone(),
                    n.original.decl.kind_name(),
                    detail,
                    Some(o.original.render()),
                    Some(n.original.render()),
                ));
            }
        }
        _ => apply(ctx, key, Some(o), Some(n), findings),
    }
}

fn added(ctx: &Ctx, key: &ItemKey, n: &Versioned, findings: &mut Vec<Finding>) {
    apply(ctx, key, None, Some(n), findings);
}

fn apply(ctx: &Ctx, key: &ItemKey, old: Option<&Versioned>, new: Option<&Versioned>, findings: &mut Vec<Finding>) {
    let shown = new.or(old).expect("one side is present");
    for rule in RULES {
        for detail in rule.details(ctx, old.map(|o| &o.canonical), new.map(|n| &n.canonical)) {
            findings.push(finding(
                rule,
                key.clone(),
                shown.original.path.clone(),
                shown.original.decl.kind_name(),
                shown.names.restore(&detail),
                old.map(|o| o.original.render()),
                new.map(|n| n.original.render()),
            ));
        }
    }
}

fn finding(
    rule: &'static Rule,
    key: ItemKey,
    path: String,
    kind: ItemKind,
    detail: String,
    old: Option<String>,
    new: Option<String>,
) -> Finding {
    let subject = subject(kind, &path, old.as_deref().or(new.as_deref()));
    Finding {
        rule: rule.id,
        bump: rule.bump,
        path,
        kind,
        subject,
        detail,
        summary: rule.summary,
        reference: format!("{CHAPTER_URL}#{}", rule.anchor),
        location_side: if new.is_some() { Side::Current } else { Side::Baseline },
        old,
        new,
        location: None,
        cause: 0,
        also_at: Vec::new(),
        proof: None,
        accepted: None,
        key,
    }
}

fn subject(kind: ItemKind, path: &str, decl: Option<&str>) -> String {
    match kind {
        ItemKind::TraitImpl => {
            let head = decl.unwrap_or(path);
            let head = head.split(" where ").next().unwrap_or(head);
            head.split(" { ").next().unwrap_or(head).to_string()
        }
        ItemKind::Crate => path.to_string(),
        _ => format!("{} {path}", kind.keyword()),
    }
}

impl Finding {
    /// `` `fn core::execute_operation` gained parameter `timeout: std::time::Duration` ``
    pub fn message(&self) -> String {
        // A crate-level subject names its item itself (feature `std`, symbol `f`): code spans
        // do not nest.
        if self.subject.contains('`') {
            return format!("{} {}", self.subject, self.detail);
        }
        format!("`{}` {}", self.subject, self.detail)
    }

    /// Its witness compiled against both sides (`unproven`): probably not breaking. Such a
    /// finding is reported, but it never raises a required bump.
    pub fn probably_not_breaking(&self) -> bool {
        self.proof.as_ref().is_some_and(|p| p.verdict == Verdict::Unproven)
    }

    /// The bump it counts toward the crate's required bump: its rule's, or the level the
    /// maintainers gave it; none when its witness compiled on both sides or its rule is allowed.
    pub fn counted(&self) -> Option<Bump> {
        if self.probably_not_breaking() {
            return None;
        }
        match &self.accepted {
            Some(a) => a.level.bump(),
            None => Some(self.bump),
        }
    }

    /// Whether it counts toward the crate's required bump.
    pub fn counts(&self) -> bool {
        self.counted().is_some()
    }

    /// Its rule is set to `allow`: not shown (only counted in a line).
    pub fn allowed(&self) -> bool {
        self.accepted.as_ref().is_some_and(|a| a.level == Level::Allow && a.by == AcceptedBy::Rule)
    }
}

impl Changes {
    /// After `--prove` or the maintainers' word: each cause's bump and the required bump over
    /// what the findings count as (a finding whose witness compiled on both sides, or whose rule
    /// is allowed, counts for nothing), so that `--deny` and the train go by those.
    pub fn recount(&mut self) {
        for cause in &mut self.causes {
            let of = self.findings.iter().filter(|f| f.cause == cause.id);
            let counted = of.clone().filter_map(Finding::counted).max();
            cause.bump = counted.or_else(|| of.map(|f| f.bump).max()).unwrap_or(cause.bump);
        }
        self.required_bump = self.findings.iter().filter_map(Finding::counted).max();
    }

    /// The causes that count (one of their findings does), most significant first.
    pub fn counting_causes(&self) -> impl Iterator<Item = &Cause> + '_ {
        self.causes.iter().filter(|c| self.findings.iter().any(|f| f.cause == c.id && f.counts()))
    }
}

/// Both sides of a sibling crate's API, as [`explain_siblings`] reads them.
pub struct Sides<'a> {
    /// Library crate name (`rand_core`).
    pub lib: &'a str,
    pub old: Option<&'a Snapshot>,
    pub new: &'a Snapshot,
    /// The workspace members it depends on, directly or not (normal and build dependencies),
    /// dependencies first: the only siblings whose items it can re-export or name, the deepest
    /// first (an item a sibling re-exports from its own dependency is that one's).
    pub deps: Vec<String>,
}

/// Across the workspace, findings of one crate that are a sibling's own changes become one cause
/// per sibling (kind `dependency`, `sibling` set), and the crate's causes are folded again:
///
/// - a difference that is only paths into the sibling (`b::x::T` → `b::y::T`), where the
///   sibling's own diff moved or removed an old path it names;
/// - an item of the sibling re-exported by the crate (`pub use rand_core;`, `pub use
///   rand::distr::Uniform;`), or an impl of the sibling's that comes with it, that changed in the
///   sibling: it reads the same (paths aside) as the sibling's item on each side, and where it
///   went or came, it went from or came to the sibling too. Where the crate alone stopped or
///   started re-exporting an item the sibling still has, the finding stays the crate's own.
///
/// `sides`: by package, for the crates of the run with a baseline.
pub fn explain_siblings(diffs: &mut [CrateDiff], sides: &BTreeMap<String, Sides>) {
    const GONE: &[&str] = &["item-removed", "item-renamed", "item-kind-changed"];
    let changed: BTreeSet<String> =
        diffs.iter().filter(|d| !d.changes.findings.is_empty()).map(|d| d.package.clone()).collect();
    let moved: BTreeMap<String, BTreeSet<String>> = diffs
        .iter()
        .map(|d| {
            let paths = d.changes.findings.iter().filter(|f| GONE.contains(&f.rule)).map(|f| f.path.clone());
            (d.package.clone(), paths.collect::<BTreeSet<String>>())
        })
        .collect();
    // Each changed sibling's items on both sides: as written, and paths aside.
    let index = |s: &Snapshot| -> Forms {
        let exact: HashSet<String> = s.items.iter().map(Item::render).collect();
        let placeless = exact.iter().map(|r| placeless(r)).collect();
        Forms { exact, placeless }
    };
    let items: BTreeMap<&str, (Forms, Forms)> = sides
        .iter()
        .filter(|(p, _)| changed.contains(p.as_str()))
        .filter_map(|(p, s)| Some((p.as_str(), (index(s.old?), index(s.new)))))
        .collect();
    for d in diffs.iter_mut() {
        let Some(own) = sides.get(&d.package) else { continue };
        let findings = &d.changes.findings;
        // Each finding's declarations, paths aside, once for all siblings.
        let bare: Vec<(Option<String>, Option<String>)> =
            findings.iter().map(|f| (f.old.as_deref().map(placeless), f.new.as_deref().map(placeless))).collect();
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        let mut taken: HashSet<usize> = HashSet::new();
        for dep in &own.deps {
            let (Some(sibling), Some(paths)) = (sides.get(dep), moved.get(dep)) else { continue };
            let lib = sibling.lib;
            let prefix = format!("{lib}::");
            let both = items.get(dep.as_str());
            let mut group: BTreeSet<usize> = findings
                .iter()
                .enumerate()
                .filter(|(i, f)| {
                    if taken.contains(i) || f.kind == ItemKind::Crate {
                        return false;
                    }
                    let path_move = match (&f.old, &f.new) {
                        (Some(o), Some(n)) => {
                            o != n
                                && causes::without_modules(o, lib) == causes::without_modules(n, lib)
                                && paths.iter().any(|p| names_path(o, p))
                                && o.contains(&prefix)
                        }
                        _ => false,
                    };
                    let theirs = both.is_some_and(|(old, new)| match (&f.old, &bare[*i]) {
                        (Some(_), (Some(o), Some(n))) => old.placeless.contains(o) && new.placeless.contains(n),
                        (Some(o), (Some(bare), None)) => old.went(new, o, bare),
                        (None, (None, Some(bare))) => new.went(old, f.new.as_deref().unwrap_or_default(), bare),
                        _ => false,
                    });
                    path_move || theirs
                })
                .map(|(i, _)| i)
                .collect();
            // A removal and an addition that differ only by paths into the sibling it moved
            // (`impl dep::a::Tr for S` → `impl dep::b::Tr for S`, an impl by its trait and type
            // only): a move of the sibling's too.
            let free = |i: usize, group: &BTreeSet<usize>| {
                !taken.contains(&i) && !group.contains(&i) && findings[i].kind != ItemKind::Crate
            };
            let pair_key = |f: &Finding, decl: &str| match &f.key {
                ItemKey::Impl { trait_, self_ty } => (
                    f.kind,
                    format!(
                        "impl {} for {}",
                        causes::without_modules(trait_, lib),
                        causes::without_modules(self_ty, lib)
                    ),
                ),
                _ => (f.kind, causes::without_modules(decl, lib)),
            };
            let mut added: HashMap<(ItemKind, String), Vec<usize>> = HashMap::new();
            for (i, f) in findings.iter().enumerate() {
                if let (None, Some(n)) = (&f.old, &f.new) {
                    if free(i, &group) && n.contains(&prefix) {
                        added.entry(pair_key(f, n)).or_default().push(i);
                    }
                }
            }
            let mut pairs = Vec::new();
            for (i, f) in findings.iter().enumerate() {
                let (Some(o), None) = (&f.old, &f.new) else { continue };
                if !free(i, &group) || !o.contains(&prefix) || !paths.iter().any(|p| names_path(o, p)) {
                    continue;
                }
                if let Some(j) = added.get_mut(&pair_key(f, o)).and_then(Vec::pop) {
                    pairs.extend([i, j]);
                }
            }
            group.extend(pairs);
            if !group.is_empty() {
                taken.extend(group.iter().copied());
                groups.push((lib.to_string(), group.into_iter().collect()));
            }
        }
        if !groups.is_empty() {
            d.changes.causes = causes::fold_with(&mut d.changes.findings, &groups);
        }
    }
}

/// A crate's items on one side: their declarations as written, and [`placeless`].
struct Forms {
    exact: HashSet<String>,
    placeless: HashSet<String>,
}

impl Forms {
    /// Whether the item declared `decl` (`bare`: [`placeless`]), on this side, is gone on the
    /// `other` side: as written
    /// (an impl, which re-exports carry unchanged), or paths aside (an item re-exported at
    /// another path).
    fn went(&self, other: &Forms, decl: &str, bare: &str) -> bool {
        (self.exact.contains(decl) && !other.exact.contains(decl))
            || (self.placeless.contains(bare) && !other.placeless.contains(bare))
    }
}

/// A declaration with every path cut to its last segment (`pub fn rand_distr::Uniform<X>::new()
/// -> rand::distr::Uniform<X>` → `pub fn Uniform<X>::new() -> Uniform<X>`): how an item reads
/// wherever it is re-exported.
fn placeless(text: &str) -> String {
    crate::api::text::map_paths(text, |p| p.rsplit("::").next().unwrap_or(p))
}

/// Whether `text` names `path` or something under it (`b::x` in `b::x::T`, not in `ab::x` or
/// `b::xy`).
fn names_path(text: &str, path: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(path).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(|c| ident(c) || c == ':')
            && !text[i + path.len()..].chars().next().is_some_and(ident)
    })
}

/// The largest bump among findings, if any.
pub fn required_bump(findings: &[Finding]) -> Option<Bump> {
    findings.iter().map(|f| f.bump).max()
}

/// What [`compare`] finds between two snapshots of one crate.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
pub struct Changes {
    /// The largest bump the findings require; `None` without findings.
    pub required_bump: Option<Bump>,
    /// Every finding, most severe first, then by path; each names its root cause.
    pub findings: Vec<Finding>,
    /// The root causes, most significant first: each finding belongs to one.
    pub causes: Vec<Cause>,
    /// What to keep in mind reading the findings (the two APIs documented with different features).
    pub notes: Vec<String>,
    /// The maintainers' word that no longer holds: an acceptance written for an earlier release,
    /// or one that matches no finding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// One crate's changes against its baseline, with what identifies both sides.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct CrateDiff {
    pub package: String,
    /// The version in the manifest now.
    pub version: semver::Version,
    /// `None`: a new crate, which has no changes.
    pub baseline: Option<BaselineInfo>,
    #[serde(flatten)]
    pub changes: Changes,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct BaselineInfo {
    #[serde(flatten)]
    pub origin: crate::baseline::Origin,
    pub version: Option<semver::Version>,
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::api::snapshot::from_lines as snap;

    fn rules(old: &str, new: &str) -> Vec<&'static str> {
        compare(&snap(old), &snap(new)).findings.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn a_type_whose_canonical_path_moved_between_two_paths_it_has_on_both_sides_is_the_same_type() {
        let side = |canonical: &str| {
            format!(
                "pub mod k\npub mod k::w\npub struct k::Error;\npub struct k::w::Error;\nimpl Clone for k::Error\n\
                 impl Clone for k::w::Error\npub fn k::new() -> Result<u8, {canonical}>"
            )
        };
        assert_eq!(rules(&side("k::w::Error"), &side("k::Error")), Vec::<&str>::new());
        // A type only one side has at both paths is another type: the change stays.
        let moved =
            side("k::Error").replace("pub struct k::w::Error;\n", "").replace("impl Clone for k::w::Error\n", "");
        assert_eq!(rules(&side("k::w::Error"), &moved), ["fn-return-type-changed", "item-removed"]);
        // The type changed, and is still one type at both paths: only its own change is found.
        let grown = |canonical: &str| {
            side(canonical)
                .replace("impl Clone for k::Error\n", "impl Clone for k::Error\nimpl Copy for k::Error\n")
                .replace("impl Clone for k::w::Error\n", "impl Clone for k::w::Error\nimpl Copy for k::w::Error\n")
        };
        assert_eq!(rules(&side("k::w::Error"), &grown("k::Error")), ["copy-impl-added", "copy-impl-added"]);
        // Two types of one name that differ are not aliases.
        let different = side("k::Error").replace("pub struct k::w::Error;", "pub struct k::w::Error { pub code: u8 }");
        let base = side("k::w::Error").replace("pub struct k::w::Error;", "pub struct k::w::Error { pub code: u8 }");
        assert_eq!(rules(&base, &different), ["fn-return-type-changed"]);
    }

    #[test]
    fn an_item_of_a_crate_that_moved_from_sibling_to_registry_dependency_keeps_its_name() {
        // A sibling's trait is named by its public path; once the crate is a registry dependency,
        // by its definition path.
        let sibling =
            "pub mod k\npub struct k::S;\nimpl tokio::io::AsyncRead for k::S\nimpl tokio::io::AsyncWrite for k::S\n\
                       pub fn k::f(r: &dyn tokio::io::AsyncRead)";
        let registry = "dependency tokio 1\npub mod k\npub struct k::S;\n\
                        impl tokio::io::async_read::AsyncRead for k::S\nimpl tokio::io::async_write::AsyncWrite for k::S\n\
                        pub fn k::f(r: &dyn tokio::io::async_read::AsyncRead)";
        assert_eq!(rules(sibling, registry), Vec::<&str>::new());
        assert_eq!(rules(registry, sibling), Vec::<&str>::new());
        // The same spelling difference between two registry releases is a real move.
        let registry_then = registry.replace("async_read::", "");
        assert_eq!(
            rules(&registry_then, registry),
            ["trait-impl-removed", "fn-param-type-changed", "trait-impl-added"]
        );
        // A name two items of the crate share on one side is left as written.
        // A name that is two paths on one side is left as written: only `AsyncWrite` is paired.
        let two = sibling
            .replace("impl tokio::io::AsyncWrite", "impl tokio::net::AsyncRead for k::S\nimpl tokio::io::AsyncWrite");
        let registry_two = registry
            .replace("impl tokio::io::async_write", "impl tokio::net::AsyncRead for k::S\nimpl tokio::io::async_write");
        assert_eq!(rules(&two, &registry_two), ["trait-impl-removed", "fn-param-type-changed", "trait-impl-added"]);
    }

    const BASE: &str = "
        pub mod k
        pub fn k::run(a: u8) -> u8
        pub struct k::S { pub x: u8 }
        impl Send for k::S
        impl Sync for k::S
        pub enum k::E
        pub k::E::A
        pub k::E::B
    ";

    #[test]
    fn the_same_api_has_no_finding() {
        let c = compare(&snap(BASE), &snap(BASE));
        assert!(c.findings.is_empty(), "{:?}", c.findings);
        assert_eq!(c.required_bump, None);
        assert!(c.notes.is_empty());
    }

    #[test]
    fn a_removed_function_is_major_and_located_on_the_baseline_side() {
        let c = compare(&snap(BASE), &snap(&BASE.replace("pub fn k::run(a: u8) -> u8", "")));
        assert_eq!(c.findings.len(), 1);
        let f = &c.findings[0];
        assert_eq!(
            (f.rule, f.bump, f.kind, f.location_side),
            ("item-removed", Bump::Major, ItemKind::Function, Side::Baseline)
        );
        assert_eq!(f.message(), "`fn k::run` was removed or is no longer importable at this path");
        assert_eq!(c.required_bump, Some(Bump::Major));
    }

    #[test]
    fn an_added_function_is_minor() {
        let new = format!("{BASE}\npub fn k::more()");
        let c = compare(&snap(BASE), &snap(&new));
        assert_eq!(rules(BASE, &new), ["item-added"]);
        assert_eq!(c.required_bump, Some(Bump::Minor));
        assert_eq!(c.findings[0].location_side, Side::Current);
    }

    #[test]
    fn a_parameter_type_change_is_a_finding_with_both_declarations() {
        let new = BASE.replace("run(a: u8)", "run(a: u16)");
        let c = compare(&snap(BASE), &snap(&new));
        assert_eq!(c.findings.len(), 1, "{:?}", c.findings);
        let f = &c.findings[0];
        assert_eq!(f.bump, Bump::Major);
        assert_eq!(f.old.as_deref(), Some("pub fn k::run(a: u8) -> u8"));
        assert_eq!(f.new.as_deref(), Some("pub fn k::run(a: u16) -> u8"));
    }

    #[test]
    fn renaming_a_parameter_is_no_change() {
        assert!(rules(BASE, &BASE.replace("run(a: u8)", "run(b: u8)")).is_empty());
    }

    #[test]
    fn renaming_a_generic_parameter_is_no_change() {
        let old = "pub mod k\npub fn k::id<T>(x: T) -> T";
        let new = "pub mod k\npub fn k::id<U>(x: U) -> U";
        assert!(rules(old, new).is_empty());
    }

    #[test]
    fn a_variant_added_to_an_exhaustive_enum_is_major() {
        let new = format!("{BASE}\npub k::E::C");
        assert_eq!(rules(BASE, &new), ["enum-variant-added"]);
    }

    #[test]
    fn a_variant_added_to_a_non_exhaustive_enum_is_minor() {
        let old = BASE.replace("pub enum k::E", "#[non_exhaustive] pub enum k::E");
        let new = format!("{old}\npub k::E::C");
        assert_eq!(rules(&old, &new), ["enum-variant-added-non-exhaustive"]);
    }

    #[test]
    fn a_removed_enum_is_one_finding_not_one_per_variant() {
        let new = BASE.replace("pub enum k::E", "").replace("pub k::E::A", "").replace("pub k::E::B", "");
        assert_eq!(rules(BASE, &new), ["item-removed"]);
    }

    #[test]
    fn a_lost_auto_trait_is_major() {
        let new = BASE.replace("impl Sync for k::S", "");
        assert_eq!(rules(BASE, &new), ["auto-trait-impl-removed"]);
    }

    #[test]
    fn a_removed_public_field_is_major() {
        let new = BASE.replace("pub struct k::S { pub x: u8 }", "pub struct k::S { .. }");
        assert!(rules(BASE, &new).contains(&"pub-field-removed"), "{:?}", rules(BASE, &new));
    }

    #[test]
    fn hidden_items_are_not_reported_as_added() {
        let new = format!("{BASE}\n#[doc(hidden)] pub fn k::internal()");
        assert!(rules(BASE, &new).is_empty());
    }

    #[test]
    fn a_removed_feature_is_major_and_keyed_at_the_crate() {
        let old = format!("feature default = []\nfeature fast = []\n{BASE}");
        let new = format!("feature default = []\n{BASE}");
        let c = compare(&snap(&old), &snap(&new));
        assert_eq!(c.findings.iter().map(|f| f.rule).collect::<Vec<_>>(), ["cargo-feature-removed"]);
        assert_eq!(c.findings[0].key, ItemKey::Crate("feature `fast`".to_string()));
        assert_eq!(c.findings[0].kind, ItemKind::Crate);
    }

    #[test]
    fn findings_are_sorted_most_severe_first() {
        let new = format!("{}\npub fn k::more()", BASE.replace("pub fn k::run(a: u8) -> u8", ""));
        let bumps: Vec<Bump> = compare(&snap(BASE), &snap(&new)).findings.iter().map(|f| f.bump).collect();
        assert_eq!(bumps, [Bump::Major, Bump::Minor]);
    }

    #[test]
    fn different_feature_selections_are_noted() {
        let old = snap(BASE);
        let mut new = snap(BASE);
        new.checked_features = crate::api::FeatureSelection::All;
        let c = compare(&old, &new);
        assert_eq!(c.notes.len(), 1);
        assert!(c.notes[0].contains("`default`") && c.notes[0].contains("`all`"), "{}", c.notes[0]);
    }

    #[test]
    fn the_repr_family_reads_one_table() {
        let s = |attrs: &str| format!("pub mod k\n{attrs}pub struct k::P {{ pub x: u8 }}");
        assert_eq!(rules(&s("#[repr(C)] "), &s("")), ["repr-c-removed"]);
        assert_eq!(rules(&s(""), &s("#[repr(C)] ")), ["repr-c-added"]);
        assert_eq!(rules(&s("#[repr(packed(2))] "), &s("#[repr(packed(4))] ")), ["repr-packed-changed"]);
        let f = &compare(&snap(&s("#[repr(align(8))] ")), &snap(&s(""))).findings[0];
        assert_eq!((f.rule, f.detail.as_str()), ("repr-align-removed", "lost `#[repr(align(8))]`"));
    }

    /// (rule, path, consequences) of each cause, most significant first.
    fn causes(old: &str, new: &str) -> Vec<(&'static str, String, usize)> {
        let c = compare(&snap(old), &snap(new));
        c.causes
            .iter()
            .map(|k| (c.findings[k.finding].rule, c.findings[k.finding].path.clone(), k.consequences))
            .collect()
    }

    #[test]
    fn a_removed_type_explains_its_impls_and_members() {
        // The type is gone from this path, its impls stay listed at the definition elsewhere.
        let old = "pub mod k\npub struct k::S { pub x: u8 }\npub fn k::S::get(&self) -> u8\nimpl Send for k::S\nimpl Sync for k::S\nimpl Clone for k::S\npub fn k::f()";
        let new = "pub mod k\npub fn k::f()";
        let c = compare(&snap(old), &snap(new));
        assert_eq!(c.causes.len(), 1, "{:#?}", c.findings);
        assert_eq!(c.findings[c.causes[0].finding].rule, "item-removed");
        assert!(c.findings.iter().all(|f| f.cause == c.causes[0].id));
        assert_eq!(c.required_bump, Some(Bump::Major), "folding keeps the bump");
    }

    #[test]
    fn auto_traits_lost_together_are_one_cause_after_a_removal() {
        let old = "pub mod k\npub struct k::S;\nimpl Send for k::S\nimpl Sync for k::S\nimpl Unpin for k::S\npub fn k::gone()";
        let new = "pub mod k\npub struct k::S;\nimpl Unpin for k::S";
        let got = causes(old, new);
        assert_eq!(
            got,
            [("item-removed", "k::gone".to_string(), 0), ("auto-trait-impl-removed", "k::S".to_string(), 1)]
        );
    }

    #[test]
    fn the_same_bound_on_a_type_and_its_impls_is_one_cause_on_the_type() {
        let old = "pub mod k\npub struct k::W<T>(pub T) where T: k::A;\nimpl<T> Clone for k::W<T> where T: k::A + Clone\nimpl<T> std::fmt::Debug for k::W<T> where T: k::A + std::fmt::Debug\npub trait k::A // dyn-compatible\npub trait k::B // dyn-compatible";
        let new = old.replace("T: k::A", "T: k::B");
        let got = causes(old, &new);
        let c = compare(&snap(old), &snap(&new));
        let messages: Vec<String> = c.findings.iter().map(|f| format!("{} {}", f.rule, f.message())).collect();
        assert_eq!(got.len(), 1, "{messages:#?}");
        assert_eq!(got[0].1, "k::W");
        assert!(got[0].2 >= 2, "the impls follow the type: {got:?}");
    }

    #[test]
    fn paths_moved_inside_an_exposed_dependency_are_its_new_series() {
        let old = "dependency dep 0.8\npub mod k\npub fn k::f(x: dep::a::Tr) -> u8\npub fn k::g(x: &dep::a::Tr)\npub use k::Tr = dep::a::Tr\npub fn k::own(x: u8)";
        let new = "dependency dep 0.9\npub mod k\npub fn k::f(x: dep::b::Tr) -> u8\npub fn k::g(x: &dep::b::Tr)\npub fn k::own(x: u16)";
        let got = causes(old, new);
        let series = got.iter().find(|c| c.0 == "public-dependency-series-changed").expect("the series change");
        assert_eq!(series.2, 3, "two signatures and the re-export: {got:?}");
        assert!(got.iter().any(|c| c.1 == "k::own"), "a change of its own stays a cause: {got:?}");
    }

    #[test]
    fn the_findings_on_one_item_and_its_members_are_one_cause() {
        // One signature changed three ways: one cause.
        let old = "pub mod k\npub fn k::f<T>(a: T, b: u8) -> u8 where T: Clone";
        let new = "pub mod k\npub fn k::f<T>(a: T) -> u16 where T: Copy";
        let got = causes(old, new);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].2 >= 2, "{got:?}");
        // A trait that changed itself takes its members' changes with it.
        let old = "pub mod k\npub trait k::W: Copy // dyn-compatible\npub const k::W::MAX: u8 // required\npub fn k::W::sum(&self) // required";
        let new = "pub mod k\npub trait k::W // dyn-compatible";
        assert_eq!(causes(old, new), [("trait-supertrait-removed", "k::W".to_string(), 2)]);
        // Members of an item that did not change itself stay causes of their own.
        let old = "pub mod k\npub struct k::S;\npub fn k::S::a(&self)\npub fn k::S::b(&self)";
        let new = "pub mod k\npub struct k::S;";
        assert_eq!(causes(old, new).len(), 2);
    }

    #[test]
    fn the_same_change_at_two_import_paths_is_one_cause_at_the_shorter() {
        let side = |ty: &str| {
            format!(
                "pub mod k\npub mod k::prelude\npub trait k::Rng // dyn-compatible\npub trait k::prelude::Rng // dyn-compatible\n\
                 pub fn k::Rng::fill(&self, x: {ty}) // required\npub fn k::prelude::Rng::fill(&self, x: {ty}) // required"
            )
        };
        assert_eq!(
            causes(&side("u8"), &side("u16")),
            [("trait-item-signature-changed", "k::Rng::fill".to_string(), 0)]
        );
        // One finding, listing the other path.
        let c = compare(&snap(&side("u8")), &snap(&side("u16")));
        assert_eq!(c.findings.len(), 1);
        assert_eq!(c.findings[0].also_at, ["k::prelude::Rng::fill"]);
        // An item added at two paths is one addition at both.
        let c = compare(&snap("pub mod k\npub mod k::prelude"), &snap(&side("u8")));
        let added: Vec<(&str, &[String])> =
            c.findings.iter().map(|f| (f.path.as_str(), f.also_at.as_slice())).collect();
        assert_eq!(added, [("k::Rng", &["k::prelude::Rng".to_string()][..])]);
        // Two items that only look alike are two findings: two `new()`, two enums that differ.
        let c = compare(
            &snap("pub mod k\npub mod k::a\npub mod k::b\npub enum k::a::E\n#[non_exhaustive] pub enum k::b::E"),
            &snap(
                "pub mod k\npub mod k::a\npub mod k::b\npub fn k::a::new() -> u8\npub fn k::b::new() -> u8\n\
                 pub enum k::a::E\npub k::a::E::V\n#[non_exhaustive] pub enum k::b::E\npub k::b::E::V",
            ),
        );
        let paths: Vec<(&str, usize)> = c.findings.iter().map(|f| (f.path.as_str(), f.also_at.len())).collect();
        assert_eq!(paths, [("k::a::E::V", 0), ("k::a::new", 0), ("k::b::E::V", 0), ("k::b::new", 0)]);
    }

    /// `a` re-exports `b`'s `E` and `T` (and `T`'s impls come along); `b` removed `E` and `T`'s
    /// `Clone`, and `a` itself removed `own` and stopped re-exporting `K`, which `b` still has.
    /// `a` reports `b`'s changes as one cause, and its own as its own.
    #[test]
    fn a_siblings_items_reexported_by_a_crate_are_one_cause_of_the_sibling() {
        let b_old = snap("pub mod b\npub struct b::E { .. }\npub struct b::T;\npub struct b::K;\nimpl Clone for b::T");
        let b_new = snap("pub mod b\npub struct b::T;\npub struct b::K;");
        let a_old = snap(
            "pub mod a\npub struct a::E { .. }\npub struct a::T;\npub struct a::K;\nimpl Clone for b::T\npub fn a::own()",
        );
        let a_new = snap("pub mod a\npub struct a::T;");
        let run = |deps: &[&str]| {
            let mut diffs: Vec<CrateDiff> = [("a", &a_old, &a_new), ("b", &b_old, &b_new)]
                .iter()
                .map(|(p, o, n)| CrateDiff {
                    package: p.to_string(),
                    version: semver::Version::new(1, 0, 0),
                    baseline: None,
                    changes: compare(o, n),
                })
                .collect();
            let sides: BTreeMap<String, Sides> = [
                (
                    "a",
                    Sides {
                        lib: "a",
                        old: Some(&a_old),
                        new: &a_new,
                        deps: deps.iter().map(|d| d.to_string()).collect(),
                    },
                ),
                ("b", Sides { lib: "b", old: Some(&b_old), new: &b_new, deps: Vec::new() }),
            ]
            .into_iter()
            .map(|(p, s)| (p.to_string(), s))
            .collect();
            explain_siblings(&mut diffs, &sides);
            let a = diffs.remove(0).changes;
            let mut causes: Vec<(String, Option<String>, usize)> = a
                .causes
                .iter()
                .map(|c| (a.findings[c.finding].path.clone(), c.sibling.clone(), c.consequences))
                .collect();
            causes.sort();
            (causes, a.required_bump)
        };
        let (causes, bump) = run(&["b"]);
        assert_eq!(
            causes,
            [
                ("a::E".to_string(), Some("b".to_string()), 1),
                ("a::K".to_string(), None, 0),
                ("a::own".to_string(), None, 0),
            ]
        );
        assert_eq!(bump, Some(Bump::Major));
        // A crate that does not depend on `b` cannot re-export its items: nothing is `b`'s.
        let (causes, _) = run(&[]);
        assert!(causes.iter().all(|(_, sibling, _)| sibling.is_none()), "{causes:?}");
        assert_eq!(causes.len(), 4, "{causes:?}");
    }

    #[test]
    fn placeless_cuts_every_path_to_its_last_segment() {
        assert_eq!(
            placeless("pub fn rand_distr::Uniform<X>::new(x: rand::distr::A<u8>) -> Result<a::B, c::D> where X: k::Tr"),
            "pub fn Uniform<X>::new(x: A<u8>) -> Result<B, D> where X: Tr"
        );
        assert_eq!(placeless("impl Clone for a::b::T"), "impl Clone for T");
    }

    #[test]
    fn a_trait_reworked_at_two_import_paths_is_one_cause() {
        let old = "pub mod k\npub mod k::prelude\npub trait k::Sl // not dyn-compatible\npub trait k::prelude::Sl // not dyn-compatible\n\
                   pub trait k::Ix // not dyn-compatible\npub trait k::prelude::Ix // not dyn-compatible\n\
                   pub fn k::Sl::pick(&self) // required\npub fn k::prelude::Sl::pick(&self) // required";
        let new = "pub mod k\npub mod k::prelude\npub trait k::Sl: k::prelude::Ix // not dyn-compatible\n\
                   pub trait k::prelude::Sl: k::prelude::Ix // not dyn-compatible\n\
                   pub trait k::Ix // not dyn-compatible\npub trait k::prelude::Ix // not dyn-compatible";
        assert_eq!(causes(old, new), [("trait-supertrait-added", "k::Sl".to_string(), 1)]);
    }

    #[test]
    fn impls_follow_a_removed_trait_and_a_type_whose_generics_changed() {
        let old = "pub mod k\npub trait k::Bytes // dyn-compatible\nimpl k::Bytes for [std::num::Wrapping<u8>]\npub fn k::f()";
        let new = "pub mod k\npub fn k::f()";
        assert_eq!(causes(old, new), [("item-removed", "k::Bytes".to_string(), 1)]);
        // `AhoCorasick<S>` lost `S`: its `Clone` impl is re-keyed, not removed.
        let old = "pub mod k\npub struct k::A<S> { .. }\nimpl<S> Clone for k::A<S>";
        let new = "pub mod k\npub struct k::A { .. }\nimpl Clone for k::A";
        let got = causes(old, new);
        assert_eq!(got, [("generic-params-removed-or-reordered", "k::A".to_string(), 2)]);
    }

    #[test]
    fn feature_edges_follow_the_removed_feature_or_optional_dependency() {
        let text = |features: &str| format!("{features}pub mod k");
        let old = text("feature default = [\"std\"]\nfeature std = []\nfeature full = [\"std\"]\n");
        let new = text("feature default = []\nfeature full = []\n");
        let got = causes(&old, &new);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].0, got[0].2), ("cargo-feature-removed", 2), "{got:?}");
    }

    #[test]
    fn a_rename_in_one_module_is_one_finding() {
        let old =
            "pub mod k\npub struct k::Old { pub x: u8 }\npub fn k::Old::get(&self) -> k::Old\nimpl Send for k::Old";
        let new = old.replace("Old", "New");
        let c = compare(&snap(old), &snap(&new));
        assert_eq!(c.findings.len(), 1, "{:#?}", c.findings);
        assert_eq!(
            c.findings[0].message(),
            "`struct k::Old` was removed (apparently renamed to `New`: same kind and shape)"
        );
        assert_eq!((c.findings[0].path.as_str(), c.required_bump), ("k::Old", Some(Bump::Major)));
        // Another shape is a removal and an addition.
        let other = new.replace("pub x: u8", "pub x: u16");
        assert_eq!(rules(old, &other), ["item-removed", "item-added"]);
    }

    #[test]
    fn a_removal_paired_with_an_unrelated_addition_still_reports_the_old_path_gone() {
        // `alpha` and `omega` have nothing to do with each other but their shape.
        let old = "pub mod m\npub fn m::alpha(x: u8) -> u8\npub fn m::keep()";
        let new = "pub mod m\npub fn m::keep()\npub fn m::omega(x: u8) -> u8";
        let c = compare(&snap(old), &snap(new));
        assert_eq!(c.findings.len(), 1, "{:#?}", c.findings);
        let f = &c.findings[0];
        assert_eq!((f.rule, f.bump, f.path.as_str()), ("item-renamed", Bump::Major, "m::alpha"));
        assert!(f.message().starts_with("`fn m::alpha` was removed"), "{}", f.message());
        assert_eq!(f.old.as_deref(), Some("pub fn m::alpha(x: u8) -> u8"));
        assert_eq!(c.required_bump, Some(Bump::Major));
        // Two removals of one shape and one addition: no pairing, both removals stand.
        let old2 = "pub mod m\npub fn m::alpha(x: u8) -> u8\npub fn m::beta(x: u8) -> u8";
        assert_eq!(
            rules(old2, "pub mod m\npub fn m::omega(x: u8) -> u8"),
            ["item-removed", "item-removed", "item-added"]
        );
    }

    #[test]
    fn every_rule_says_what_it_applies_to() {
        for rule in RULES {
            assert!(!rule.applies.is_empty(), "{} applies to nothing", rule.id);
            let crate_level = matches!(rule.check, Check::Crate(_));
            assert_eq!(rule.applies_to(ItemKind::Crate), crate_level, "{}", rule.id);
        }
        let ids: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), RULES.len(), "rule ids are unique");
    }
}
