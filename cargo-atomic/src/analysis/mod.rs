//! The analysis stage: everything `check`, `bump`, `publish` and `diff` establish before they act,
//! as one library call.
//!
//! [`assess`] runs the pipeline for a workspace: which crates are covered, their current APIs
//! (rustdoc), the freshness of their committed snapshots, their baselines, the diff of each, the
//! source locations of the findings, and the release train. The result is plain data
//! ([`Assessment`]) that the CLI renders.
//!
//! **Architecture invariant:** this module decides; it prints nothing. Progress reaches the caller
//! as [`Progress`] events.

mod bump;
mod freshness;
mod locate;

use std::collections::BTreeMap;

pub use crate::api::snapshot::{Freshness, SnapshotState};
pub use bump::{bump_plan, BumpPlan, BumpStep};
pub use freshness::{freshness, write_snapshots, Written};

use crate::baseline::Spec;
use crate::diff::{BaselineInfo, Changes, CrateDiff};
use crate::manifest::Manifests;
use crate::rustdoc::{Apis, DocOptions};
use crate::train::ProblemKind;
use crate::train::Train;
use crate::workspace::{DepKind, Member, Selection, Workspace};

/// Which crates an analysis covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Exactly the selected crates (`diff`).
    Selected,
    /// The selected crates and every publishable member that depends on them (normal or build
    /// dependencies, as the train counts them), so that the train is complete (`check`, `bump`,
    /// `publish`).
    Train,
}

/// What to analyze and how.
#[derive(Clone, Debug)]
pub struct Options {
    pub selection: Selection,
    pub scope: Scope,
    pub doc: DocOptions,
    pub baseline: Spec,
    /// Check every major finding with a witness program (`--prove`; compiles both sides).
    pub prove: bool,
}

/// What the analysis reports while it runs.
pub enum Progress<'a> {
    /// About to run rustdoc on these packages (the others are unchanged since they were last
    /// documented), with this toolchain (`rustc 1.85.0`).
    Documenting { packages: Vec<String>, toolchain: String },
    /// The current APIs are built.
    Documented(&'a Apis),
    /// A selected member has no library target, so no API (only with [`Scope::Selected`]).
    NoLibrary(&'a str),
    /// About to compile the witness programs of major findings.
    Proving,
}

/// Everything the analysis established.
pub struct Assessment {
    /// The covered members that have a library, in workspace order.
    pub packages: Vec<String>,
    pub apis: Apis,
    pub snapshots: Vec<SnapshotState>,
    pub diffs: Vec<CrateDiff>,
    pub train: Train,
}

/// The members an analysis covers (see [`Scope`]).
pub fn covered<'a>(ws: &'a Workspace, selection: &Selection, scope: Scope) -> anyhow::Result<Vec<&'a Member>> {
    match scope {
        Scope::Selected => ws.select(selection),
        Scope::Train => {
            let selected = ws.select(selection)?;
            let names: Vec<String> = selected.iter().map(|m| m.name.clone()).collect();
            let closure = ws.with_dependents(&names);
            Ok(ws.members.iter().filter(|m| closure.contains(&m.name)).collect())
        }
    }
}

/// The current APIs of the library members among `members`.
pub fn document(
    ws: &Workspace,
    members: &[&Member],
    doc: &DocOptions,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Apis> {
    let apis = crate::rustdoc::build_apis(ws, members, doc, &mut |names| {
        if !names.is_empty() {
            progress(Progress::Documenting { packages: names, toolchain: crate::rustdoc::toolchain_name(&ws.root) });
        }
    })?;
    progress(Progress::Documented(&apis));
    Ok(apis)
}

/// The library members among `members`; with `report`, the others are announced.
pub fn libraries<'a>(members: &[&'a Member], report: Option<&mut dyn FnMut(Progress)>) -> Vec<&'a Member> {
    let mut report = report;
    members
        .iter()
        .filter(|m| {
            if m.lib.is_none() {
                if let Some(r) = report.as_mut() {
                    r(Progress::NoLibrary(&m.name));
                }
            }
            m.lib.is_some()
        })
        .copied()
        .collect()
}

impl Options {
    /// What decides a run's documentation and comparison, as text: the shards of one sharded run
    /// and its merge must agree on it (see [`crate::partition`]).
    pub fn key(&self) -> String {
        format!(
            "scope {:?}; selection {:?}; features {:?}; target {:?}; baseline {:?}",
            self.scope, self.selection, self.doc.features, self.doc.target, self.baseline
        )
    }
}

/// A shard's part of the analysis (`opts.doc.source` recording): rustdoc for its members, on
/// the current workspace and on every baseline documented from source. What it documented is in
/// the shards' store; the verdict is the merge's.
pub fn collect(ws: &Workspace, opts: &Options, progress: &mut dyn FnMut(Progress)) -> anyhow::Result<()> {
    let members = covered(ws, &opts.selection, opts.scope)?;
    let libs = libraries(&members, None);
    std::thread::scope(|scope| {
        let baselines = scope.spawn(|| crate::baseline::resolve(ws, &libs, &opts.baseline, &opts.doc));
        let apis = document(ws, &libs, &opts.doc, progress);
        let baselines = baselines.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        apis.and(baselines).map(|_| ())
    })
}

/// Runs the whole analysis.
pub fn assess(ws: &Workspace, opts: &Options, progress: &mut dyn FnMut(Progress)) -> anyhow::Result<Assessment> {
    let members = covered(ws, &opts.selection, opts.scope)?;
    let libs = match opts.scope {
        Scope::Selected => libraries(&members, Some(progress)),
        Scope::Train => libraries(&members, None),
    };
    // The baseline is documented while the workspace is: two Cargo runs at once keep the cores
    // busy where one alone waits on a chain of crates.
    let (apis, baselines) = std::thread::scope(|scope| {
        let baselines = scope.spawn(|| crate::baseline::resolve(ws, &libs, &opts.baseline, &opts.doc));
        let apis = document(ws, &libs, &opts.doc, progress);
        let baselines = baselines.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (apis, baselines)
    });
    let apis = apis?;
    let snapshots = match opts.scope {
        Scope::Selected => Vec::new(),
        Scope::Train => {
            let states = freshness(ws, &libs, &apis);
            if let Some(e) = states.iter().find_map(SnapshotState::corrupt) {
                return Err(e);
            }
            states
        }
    };
    let baselines = baselines?;
    let mut diffs = diff_all(ws, &libs, &apis, &baselines);
    // One dependency order for every crate's siblings: a crate's dependency closure is closed
    // under dependencies, so the order filtered to it is the order of it.
    let order = ws.topo_order(&ws.members.iter().map(|m| m.name.clone()).collect());
    let sides = apis
        .by_package
        .iter()
        .map(|(p, a)| {
            let old = baselines.get(p).and_then(Option::as_ref).map(|b| &b.snapshot);
            let closure = ws.with_deps(std::slice::from_ref(p), &[DepKind::Normal, DepKind::Build]);
            let deps = order.iter().filter(|n| *n != p && closure.contains(*n)).cloned().collect();
            (p.clone(), crate::diff::Sides { lib: &a.snapshot.lib, old, new: &a.snapshot, deps })
        })
        .collect();
    crate::diff::explain_siblings(&mut diffs, &sides);
    if opts.prove {
        progress(Progress::Proving);
        crate::prove::prove(ws, &apis, &baselines, &mut diffs)?;
        diffs.iter_mut().for_each(|d| d.changes.recount());
    }
    // The maintainers' word: rule levels and accepted findings.
    let applied = crate::accept::apply(ws, &mut diffs)?;
    if opts.scope == Scope::Train {
        diffs.extend(binaries(ws, &members)?);
    }
    let stale: Vec<&SnapshotState> = snapshots.iter().filter(|s| s.freshness != Freshness::Fresh).collect();
    let mut train = crate::train::plan(ws, &diffs, &apis.by_package, &stale, &Manifests { ws });
    train.notes.extend(applied.notes);
    for (kind, list) in
        [(ProblemKind::AcceptanceStale, applied.stale), (ProblemKind::AcceptanceUnmatched, applied.unmatched)]
    {
        for (package, file, message) in list {
            train.problems.push(crate::train::Problem {
                kind,
                severity: crate::train::Severity::Warning,
                package,
                message,
                file: Some(file),
                line: None,
                notes: Vec::new(),
                help: match kind {
                    ProblemKind::AcceptanceStale => {
                        "remove the entry: the release it was written for is out".to_string()
                    }
                    _ => "remove the entry, or correct its rule and path (`cargo atomic diff` lists the findings)"
                        .to_string(),
                },
            });
        }
    }
    if opts.scope == Scope::Train {
        let (taken, unasked) = taken_versions(ws, &train.order);
        train.registry_says(taken, unasked, &Manifests { ws });
        let needed = crate::train::needed_versions(ws, &diffs, &apis.by_package);
        train.over_bumps(&needed, &|names, v| next_free(ws, names, v).0, &Manifests { ws });
        train.releases_ahead(&diffs);
        for c in &mut train.crates {
            if let Some(m) = ws.member(&c.package) {
                c.unchecked_features = m.unchecked_features(&m.feature_selection(&opts.doc.features));
            }
        }
        if matches!(opts.baseline, Spec::LastRelease) {
            if let Some(tags) = crate::baseline::release_tags(ws)? {
                match release_tags_problem(ws, &tags, &diffs) {
                    Some(p) if tags.shallow => train.problems.push(p),
                    // A complete history without tags: the registry had the last word on each
                    // crate, which is said, not warned about.
                    Some(p) => train.notes.push(format!("{}; {}", p.message, p.notes.join("; "))),
                    None => {}
                }
            }
        }
    }
    Ok(Assessment { packages: libs.iter().map(|m| m.name.clone()).collect(), apis, snapshots, diffs, train })
}

/// A repository that cannot show its releases — a shallow clone (most CI checkouts), or no
/// release tag at all while a crate has no baseline — is said, with each crate's baseline and
/// where it came from: an unbumped break must not pass because the baseline was missing. A
/// warning; a shallow clone in CI (`CI` set) is an error.
fn release_tags_problem(
    ws: &Workspace,
    tags: &crate::baseline::ReleaseTags,
    diffs: &[CrateDiff],
) -> Option<crate::train::Problem> {
    let publishable: Vec<&CrateDiff> =
        diffs.iter().filter(|d| ws.member(&d.package).is_some_and(|m| m.is_publishable())).collect();
    let without = publishable.iter().filter(|d| d.baseline.is_none()).count();
    let message = if tags.shallow {
        "the repository is a shallow clone: release tags may be missing, and with them the baselines".to_string()
    } else if tags.tagged.is_empty() && without > 0 {
        let formats: Vec<String> = tags.formats.iter().map(|f| format!("`{f}`")).collect();
        format!(
            "no release tag in the repository ({}): {without} crate{} without a baseline count{} as new",
            formats.join(", "),
            if without == 1 { "" } else { "s" },
            if without == 1 { "s" } else { "" }
        )
    } else {
        return None;
    };
    // A shallow checkout in CI is the usual cause of a silent pass: an error there. A complete
    // history without tags (a project that never tagged, or not yet released) stays a warning.
    let ci = tags.shallow && std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
    let notes = publishable
        .iter()
        .map(|d| match &d.baseline {
            Some(b) => format!("{}: baseline {}", d.package, b.origin),
            None => format!("{}: no baseline (a new crate, or its release was not found)", d.package),
        })
        .collect();
    Some(crate::train::Problem {
        kind: crate::train::ProblemKind::NoReleaseTags,
        severity: if ci { crate::train::Severity::Error } else { crate::train::Severity::Warning },
        package: String::new(),
        message,
        file: None,
        line: None,
        notes,
        help: "fetch the tags (`git fetch --tags --unshallow`; in GitHub Actions `fetch-depth: 0`, which the cargo-atomic \
               action does itself)"
            .to_string(),
    })
}

/// The registry's word on each version the train would release (its index): the taken ones,
/// and the registries that could not be asked (each said once).
pub fn taken_versions(
    ws: &Workspace,
    steps: &[crate::train::TrainStep],
) -> (Vec<crate::train::Taken>, Vec<(String, String)>) {
    let members: Vec<&Member> =
        steps.iter().filter_map(|s| ws.member(&s.package)).filter(|m| m.is_publishable()).collect();
    let listings = crate::index::for_members(ws, &members);
    let mut taken = Vec::new();
    let mut unasked: Vec<(String, String)> = Vec::new();
    for step in steps {
        let Some(m) = members.iter().find(|m| m.name == step.package) else { continue };
        match &listings[&m.name] {
            Ok(listing) => {
                if let Some(e) = listing.get(&step.to) {
                    taken.push(crate::train::Taken {
                        package: step.package.clone(),
                        version: step.to.clone(),
                        yanked: e.yanked,
                    });
                }
            }
            Err(e) => {
                let shown = registry_of(m).unwrap_or_else(|| "crates-io".to_string());
                if !unasked.iter().any(|(r, _)| *r == shown) {
                    unasked.push((shown, crate::cargo::last_line(e)));
                }
            }
        }
    }
    (taken, unasked)
}

/// The lowest version at or above `version` that none of `names` has in its registry (a
/// version number is never taken twice, yanked or not), and the versions passed over by crate.
/// A registry that cannot be asked passes over nothing (`publish` asks again).
pub fn next_free(
    ws: &Workspace,
    names: &[String],
    version: semver::Version,
) -> (semver::Version, BTreeMap<String, Vec<(semver::Version, bool)>>) {
    let members: Vec<&Member> = names.iter().filter_map(|n| ws.member(n)).filter(|m| m.is_publishable()).collect();
    let listings = crate::index::for_members(ws, &members);
    let mut passed: BTreeMap<String, Vec<(semver::Version, bool)>> = BTreeMap::new();
    let mut candidate = version;
    // A bound: a registry holding a hundred versions past this one is not a rollback's leftovers.
    for _ in 0..100 {
        let held = members.iter().find_map(|m| {
            let entry = listings[&m.name].as_ref().ok()?.get(&candidate)?;
            Some((m.name.clone(), entry.yanked))
        });
        let Some((name, yanked)) = held else { break };
        passed.entry(name).or_default().push((candidate.clone(), yanked));
        candidate = semver::Version::new(candidate.major, candidate.minor, candidate.patch + 1);
    }
    (candidate, passed)
}

/// The registry a member publishes to (`None`: crates.io).
pub fn registry_of(m: &Member) -> Option<String> {
    match &m.publish {
        crate::workspace::Publish::Registries(list) => list.first().cloned(),
        _ => None,
    }
}

/// Publishable members without a library that were released (a release tag): they have no API
/// to compare, but they are released, so a breaking dependency pulls them into the train like
/// any dependent. (Without a release tag their release is unknown; they are left out.)
fn binaries(ws: &Workspace, members: &[&Member]) -> anyhow::Result<Vec<CrateDiff>> {
    let mut out = Vec::new();
    for m in members.iter().filter(|m| m.lib.is_none() && m.is_publishable()) {
        let Some((tag, version)) = crate::baseline::last_release(ws, m)? else { continue };
        let origin =
            crate::baseline::Origin::new(crate::baseline::OriginKind::Tag, tag, crate::baseline::Source::Snapshot);
        out.push(CrateDiff {
            package: m.name.clone(),
            version: m.version.clone(),
            baseline: Some(BaselineInfo { origin, version: Some(version) }),
            changes: Changes::default(),
        });
    }
    Ok(out)
}

/// Compares each crate's current API with its baseline (crates in parallel) and attaches source
/// locations: in the current tree, or in the baseline's for removals.
fn diff_all(
    ws: &Workspace,
    libs: &[&Member],
    apis: &Apis,
    baselines: &BTreeMap<String, Option<crate::baseline::Baseline>>,
) -> Vec<CrateDiff> {
    use rayon::prelude::*;
    libs.par_iter()
        .filter(|m| apis.by_package.contains_key(&m.name))
        .map(|m| {
            let api = &apis.by_package[&m.name];
            let baseline = baselines.get(&m.name).and_then(Option::as_ref);
            let mut changes = match baseline {
                Some(b) => crate::diff::compare(&b.snapshot, &api.snapshot),
                None => Changes::default(),
            };
            locate::attach(ws, m, api, baseline, &mut changes.findings);
            CrateDiff {
                package: m.name.clone(),
                version: m.version.clone(),
                baseline: baseline.map(|b| BaselineInfo { origin: b.origin.clone(), version: b.version.clone() }),
                changes,
            }
        })
        .collect()
}
