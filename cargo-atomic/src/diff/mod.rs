//! Changes between a baseline API and the current one, classified by the Cargo SemVer rules.
//!
//! The rules are data ([`rules::RULES`]): an id, the bump it requires, a summary, the anchor of
//! the Cargo book section, and a check. This module pairs baseline and current items by
//! [`Item::key`] and runs every rule's check on each pair; it reports a change at the highest
//! level only (a removed enum's variants are not listed again).
//!
//! It works on snapshots alone: no rustdoc, no git, no registry.

pub mod rules;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::api::canonical::{canonical, Names};
use crate::api::{Decl, Item, Location, Snapshot};
pub use rules::{Rule, RULES};

/// The version bump a change requires, in the SemVer sense (mapped to 0.x versions by the train).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize, clap::ValueEnum)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Current,
    Baseline,
}

/// One difference between baseline and current API.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub bump: Bump,
    /// The item's path (for trait impls, the path of the type or trait they are anchored at).
    pub path: String,
    /// The item's kind (`function`, `struct`, `trait impl`, ...).
    pub kind: &'static str,
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
    #[serde(skip)]
    pub key: String,
}

/// Both APIs, indexed, for rules that look at an item's surroundings (its parent enum, trait).
pub struct Ctx<'a> {
    pub old: Indexed<'a>,
    pub new: Indexed<'a>,
}

pub struct Indexed<'a> {
    pub snapshot: &'a Snapshot,
    by_path: HashMap<&'a str, Vec<&'a Item>>,
}

impl<'a> Indexed<'a> {
    fn new(snapshot: &'a Snapshot) -> Self {
        let mut by_path: HashMap<&str, Vec<&Item>> = HashMap::new();
        for item in &snapshot.items {
            if !matches!(item.decl, Decl::Impl(_)) {
                by_path.entry(item.path.as_str()).or_default().push(item);
            }
        }
        Indexed { snapshot, by_path }
    }

    /// The items declared at `path` (trait impls excluded).
    pub fn at(&self, path: &str) -> &[&'a Item] {
        self.by_path.get(path).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether the enum at `path` has a `#[doc(hidden)]` variant.
    pub fn has_hidden_variant(&self, path: &str) -> bool {
        let prefix = format!("{path}::");
        self.snapshot.items.iter().any(|i| {
            matches!(i.decl, Decl::Variant(_))
                && i.attrs.doc_hidden
                && i.path.strip_prefix(&prefix).is_some_and(|rest| !rest.contains("::"))
        })
    }

    /// The type or trait an associated item, variant or impl belongs to.
    pub fn parent_of(&self, item: &Item) -> Option<&'a Item> {
        let parent = match item.decl {
            Decl::Impl(_) => item.path.as_str(),
            _ => item.parent_path()?,
        };
        self.at(parent)
            .iter()
            .find(|i| matches!(i.decl, Decl::Struct(_) | Decl::Enum(_) | Decl::Union(_) | Decl::Trait(_)))
            .copied()
    }
}

/// What a rule's check looks at.
pub enum Check {
    /// An item of the baseline that the current API no longer has.
    Removed(fn(&Ctx, &Item) -> Option<String>),
    /// An item of the current API that the baseline did not have.
    Added(fn(&Ctx, &Item) -> Option<String>),
    /// An item present in both whose declaration differs; one finding per returned detail.
    Changed(fn(&Ctx, &Item, &Item) -> Vec<String>),
    /// Crate-level data (Cargo features): `(subject, detail)` pairs.
    Crate(fn(&Ctx) -> Vec<(String, String)>),
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

/// The items of a snapshot in canonical form, by key.
fn versioned<'a>(side: &Indexed, snapshot: &'a Snapshot) -> BTreeMap<String, Vec<Versioned<'a>>> {
    let mut by_key: BTreeMap<String, Vec<Versioned>> = BTreeMap::new();
    for item in &snapshot.items {
        let (canonical, names) = canonical(item, &outer_params(side, item));
        by_key.entry(canonical.key()).or_default().push(Versioned { original: item, canonical, names });
    }
    by_key
}

/// Compares two APIs of one crate. Findings are sorted most severe first, then by path.
///
/// Items are compared in canonical form ([`canonical`]): renaming a generic parameter or writing
/// out an elided lifetime is not a change.
pub fn compare(old: &Snapshot, new: &Snapshot) -> Vec<Finding> {
    let ctx = Ctx { old: Indexed::new(old), new: Indexed::new(new) };
    let mut old_by_key = versioned(&ctx.old, old);
    let mut new_by_key = versioned(&ctx.new, new);
    let keys: BTreeSet<String> = old_by_key.keys().chain(new_by_key.keys()).cloned().collect();
    let mut findings = Vec::new();
    for key in &keys {
        let mut olds: Vec<Versioned> = old_by_key.remove(key).unwrap_or_default();
        let mut news: Vec<Versioned> = new_by_key.remove(key).unwrap_or_default();
        // Identical items pair first; the rest pair in order.
        olds.retain(|o| match news.iter().position(|n| n.canonical == o.canonical) {
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
                apply(key, Some(o), None, &mut findings, |check| match check {
                    Check::Removed(f) => f(&ctx, &o.canonical).into_iter().collect(),
                    _ => Vec::new(),
                });
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
                let mut found = finding(rule, format!("crate:{subject}"), new.lib.clone(), "crate", detail, None, None);
                found.subject = subject;
                found.location_side = Side::Current;
                findings.push(found);
            }
        }
    }
    findings.sort_by(|a, b| b.bump.cmp(&a.bump).then_with(|| a.path.cmp(&b.path)).then_with(|| a.rule.cmp(b.rule)));
    findings
}

fn visible(item: &Item) -> bool {
    !item.attrs.doc_hidden
}

/// An item whose parent (module, type or trait) exists on `here` but not on `there` (not as the
/// same kind of item): the parent's own change says it all.
fn parent_gone(here: &Indexed, there: &Indexed, item: &Item) -> bool {
    let parent = match item.decl {
        Decl::Impl(_) => Some(item.path.as_str()),
        _ => item.parent_path(),
    };
    parent.is_some_and(|p| {
        here.at(p).iter().any(|a| !there.at(p).iter().any(|b| a.decl.kind_name() == b.decl.kind_name()))
    })
}

fn changed(ctx: &Ctx, key: &str, o: &Versioned, n: &Versioned, findings: &mut Vec<Finding>) {
    match (visible(o.original), visible(n.original)) {
        (false, false) => {}
        (false, true) => added(ctx, key, n, findings),
        _ => apply(key, Some(o), Some(n), findings, |check| match check {
            Check::Changed(f) => f(ctx, &o.canonical, &n.canonical),
            _ => Vec::new(),
        }),
    }
}

fn added(ctx: &Ctx, key: &str, n: &Versioned, findings: &mut Vec<Finding>) {
    apply(key, None, Some(n), findings, |check| match check {
        Check::Added(f) => f(ctx, &n.canonical).into_iter().collect(),
        _ => Vec::new(),
    });
}

fn apply(
    key: &str,
    old: Option<&Versioned>,
    new: Option<&Versioned>,
    findings: &mut Vec<Finding>,
    run: impl Fn(&Check) -> Vec<String>,
) {
    let shown = new.or(old).expect("one side is present");
    for rule in RULES {
        for detail in run(&rule.check) {
            findings.push(finding(
                rule,
                key.to_string(),
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
    key: String,
    path: String,
    kind: &'static str,
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
        key,
    }
}

fn subject(kind: &str, path: &str, decl: Option<&str>) -> String {
    let short = match kind {
        "function" | "method" | "trait method" => "fn",
        "trait impl" => {
            let head = decl.unwrap_or(path);
            let head = head.split(" where ").next().unwrap_or(head);
            return head.split(" { ").next().unwrap_or(head).to_string();
        }
        "associated const" | "trait associated const" => "const",
        "trait associated type" => "type",
        "type alias" => "type",
        "proc macro" | "macro" => "macro",
        "re-export" => "use",
        "module" => "mod",
        "crate" => return path.to_string(),
        other => other,
    };
    format!("{short} {path}")
}

impl Finding {
    /// `` `fn core::execute_operation` gained parameter `timeout: std::time::Duration` ``
    pub fn message(&self) -> String {
        format!("`{}` {}", self.subject, self.detail)
    }
}

/// The largest bump among findings, if any.
pub fn required_bump(findings: &[Finding]) -> Option<Bump> {
    findings.iter().map(|f| f.bump).max()
}

/// One crate's changes against its baseline.
#[derive(Clone, Debug, Serialize)]
pub struct CrateDiff {
    pub package: String,
    /// The version in the manifest now.
    pub version: semver::Version,
    pub baseline: Option<BaselineInfo>,
    /// The largest bump the findings require; `None` without findings.
    pub required_bump: Option<Bump>,
    pub findings: Vec<Finding>,
    /// What to keep in mind reading the findings (the two APIs documented with different features).
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BaselineInfo {
    #[serde(flatten)]
    pub origin: crate::baseline::Origin,
    pub version: Option<semver::Version>,
}

/// Compares each crate's current API with its baseline (crates in parallel) and attaches
/// source locations: in the current tree, or in the baseline for removals.
pub fn diff_crates(
    current: &BTreeMap<String, crate::api::CrateApi>,
    versions: &BTreeMap<String, semver::Version>,
    baselines: &BTreeMap<String, Option<crate::baseline::Baseline>>,
    manifests: &BTreeMap<String, std::path::PathBuf>,
    root: &std::path::Path,
) -> Vec<CrateDiff> {
    use rayon::prelude::*;
    let names: Vec<&String> = versions.keys().filter(|n| current.contains_key(*n)).collect();
    names
        .par_iter()
        .map(|name| {
            let api = &current[*name];
            let baseline = baselines.get(*name).and_then(Option::as_ref);
            let mut findings = match baseline {
                Some(b) => compare(&b.snapshot, &api.snapshot),
                None => Vec::new(),
            };
            for f in &mut findings {
                f.location = match (f.location_side, f.kind) {
                    (_, "crate") => manifests.get(*name).and_then(|m| feature_location(m, &f.subject, root)),
                    (Side::Current, _) => api.locations.get(&f.key).cloned(),
                    (Side::Baseline, _) => baseline.and_then(|b| b.locate(&f.key, &f.path)),
                };
            }
            let mut notes = Vec::new();
            if let Some(b) = baseline {
                let (then, now) = (&b.snapshot.checked_features, &api.snapshot.checked_features);
                if then != now {
                    notes.push(format!(
                        "the baseline was documented with features `{}`, the current API with `{}`: some findings may come from that",
                        then.render(),
                        now.render()
                    ));
                }
            }
            CrateDiff {
                package: (*name).clone(),
                version: versions[*name].clone(),
                baseline: baseline.map(|b| BaselineInfo { origin: b.origin.clone(), version: b.version.clone() }),
                required_bump: required_bump(&findings),
                findings,
                notes,
            }
        })
        .collect()
}

/// The line of a feature in a manifest (or of its `[features]` table).
fn feature_location(manifest: &std::path::Path, subject: &str, root: &std::path::Path) -> Option<Location> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let name = subject.trim_start_matches("feature `").trim_end_matches('`');
    let lines: Vec<&str> = text.lines().collect();
    let line = lines
        .iter()
        .position(|l| l.trim_start().starts_with(name) && l.contains('='))
        .or_else(|| lines.iter().position(|l| l.trim() == "[features]"))?;
    let file = manifest.strip_prefix(root).unwrap_or(manifest).to_string_lossy().replace('\\', "/");
    Some(Location { file, line: line + 1 })
}
