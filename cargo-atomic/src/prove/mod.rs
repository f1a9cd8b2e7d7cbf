//! Witness programs (`--prove`): each major finding of a rule that has a generator gets a small
//! program written from the baseline's declaration ([`witness`]), compiled once against the
//! baseline and once against the current source. Compiles before and fails after: **proven**;
//! compiles after too: **unproven** (the finding is probably wrong); fails before: **weak** (the
//! generator's mistake); no generator: **none**.
//!
//! All witnesses of one crate go into one scratch crate (each in its own module, mapped back by
//! the line of the compiler's primary span); the scratch crates of one side form one scratch
//! workspace under `<atomic dir>/prove/`, checked by one `cargo check --keep-going` with the
//! workspace's lock file and configuration, both sides at once. A witness that seems to compile
//! in a crate where others failed is checked again without them (an error can hide another).

pub mod witness;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;

use crate::api::{FeatureSelection, Snapshot};
use crate::baseline::{Baseline, PackageSource};
use crate::diff::{Bump, CrateDiff, Indexed, Proof, Verdict};
use crate::rustdoc::Apis;
use crate::workspace::Workspace;
pub use witness::{Witness, PROVABLE};

/// How a crate is depended on from a witness crate, on one side.
#[derive(Clone, Debug)]
struct Dep {
    package: String,
    source: PackageSource,
    features: FeatureSelection,
    all_features: Vec<String>,
}

/// One witness to check: crate, finding index, program.
struct Job {
    package: String,
    finding: usize,
    witness: Witness,
}

/// What one side's compiler said of each job: `None` compiles, `Some(error)` fails; jobs missing
/// from the map could not be checked (the reason in `broken`).
#[derive(Default)]
struct SideResult {
    outcome: HashMap<usize, Option<String>>,
    broken: HashMap<String, String>,
}

/// Gives every major finding of `diffs` a [`Proof`]; a crate whose witnesses could not be checked
/// gets a note saying why.
pub fn prove(
    ws: &Workspace,
    apis: &Apis,
    baselines: &BTreeMap<String, Option<Baseline>>,
    diffs: &mut [CrateDiff],
) -> anyhow::Result<()> {
    // The witnesses first, so that only the baselines they name are located (a revision's tree
    // is exported only when a witness needs it).
    let mut written: Vec<(usize, usize, Witness)> = Vec::new();
    let mut needed: BTreeSet<String> = BTreeSet::new();
    for (di, d) in diffs.iter_mut().enumerate() {
        let Some(Some(b)) = baselines.get(&d.package) else { continue };
        let Some(api) = apis.by_package.get(&d.package) else { continue };
        let (old, new) = (Indexed::new(&b.snapshot), Indexed::new(&api.snapshot));
        let (old_items, new_items) = (crate::diff::items_by_key(&old), crate::diff::items_by_key(&new));
        let decided = |f: &crate::diff::Finding| f.bump == Bump::Major || f.rule == "generic-bounds-replaced";
        for (i, f) in d.changes.findings.iter_mut().enumerate().filter(|(_, f)| decided(f)) {
            let (o, n) = (old_items.get(&f.key).copied(), new_items.get(&f.key).copied());
            match witness::witness(f, o, n, &old) {
                Some(w) => {
                    needed.insert(b.snapshot.lib.clone());
                    needed.extend(w.crates.iter().cloned());
                    written.push((di, i, w));
                }
                None => f.proof = Some(Proof { verdict: Verdict::None, witness: None, error: None }),
            }
        }
    }
    // Both sides' dependency of every crate a witness names: the diffed crates and their
    // workspace siblings (by lib name).
    let mut current: HashMap<String, Dep> = HashMap::new();
    let mut baseline: HashMap<String, Dep> = HashMap::new();
    for m in ws.members.iter().filter(|m| m.lib.is_some()) {
        let Some(api) = apis.by_package.get(&m.name) else { continue };
        let lib = api.snapshot.lib.clone();
        current.insert(lib.clone(), dep(&m.name, PackageSource::Dir(m.dir.clone()), &api.snapshot));
        if let Some(Some(b)) = baselines.get(&m.name).filter(|_| needed.contains(&lib)) {
            if let Some(source) = b.package_source(ws)? {
                baseline.insert(b.snapshot.lib.clone(), dep(&m.name, source, &b.snapshot));
            }
        }
    }
    let mut jobs = Vec::new();
    for (di, i, w) in written {
        let d = &mut diffs[di];
        let own = &baselines[&d.package].as_ref().expect("witnesses come from diffs with a baseline").snapshot.lib;
        let unknown: Vec<&String> =
            w.crates.iter().filter(|c| !(current.contains_key(*c) && baseline.contains_key(*c))).collect();
        let error = if !baseline.contains_key(own) {
            Some("the baseline has no source to compile against (a snapshot only)".to_string())
        } else {
            unknown.first().map(|c| format!("the witness names `{c}`, which is not a workspace crate with a baseline"))
        };
        if error.is_some() {
            d.changes.findings[i].proof = Some(Proof { verdict: Verdict::None, witness: Some(w.code), error });
            continue;
        }
        jobs.push(Job { package: d.package.clone(), finding: i, witness: w });
    }
    if jobs.is_empty() {
        return Ok(());
    }
    let root = ws.atomic_dir().join("prove");
    let (before, after) = std::thread::scope(|s| {
        let before = s.spawn(|| check_side(ws, &root.join("baseline"), &jobs, &baseline));
        let after = check_side(ws, &root.join("current"), &jobs, &current);
        (before.join().expect("the baseline side's thread does not panic"), after)
    });
    let (before, after) = (before?, after?);
    for (side, result) in [("baseline", &before), ("current source", &after)] {
        for (package, why) in &result.broken {
            if let Some(d) = diffs.iter_mut().find(|d| d.package == *package) {
                d.changes.notes.push(format!("its witness programs could not be checked against the {side}: {why}"));
            }
        }
    }
    for (j, job) in jobs.into_iter().enumerate() {
        let d = diffs.iter_mut().find(|d| d.package == job.package).expect("jobs come from diffs");
        let f = &mut d.changes.findings[job.finding];
        let (verdict, error) = match (before.outcome.get(&j), after.outcome.get(&j)) {
            (Some(Some(e)), _) => (Verdict::Weak, Some(e.clone())),
            (Some(None), Some(Some(e))) => (Verdict::Proven, Some(e.clone())),
            (Some(None), Some(None)) => (Verdict::Unproven, None),
            (None, _) | (_, None) => (Verdict::None, Some("the witness crate could not be built".to_string())),
        };
        // A replaced bound the old one does not imply (the witness fails only against the
        // current source) is a break.
        if verdict == Verdict::Proven && f.rule == "generic-bounds-replaced" {
            f.bump = Bump::Major;
        }
        f.proof = Some(Proof { verdict, witness: Some(job.witness.code), error });
    }
    Ok(())
}

fn dep(package: &str, source: PackageSource, snapshot: &Snapshot) -> Dep {
    Dep {
        package: package.to_string(),
        source,
        features: snapshot.checked_features.clone(),
        all_features: snapshot.features.keys().filter(|f| *f != "default").cloned().collect(),
    }
}

/// Checks `jobs` against one side, confirming a witness that compiled next to failing ones in a
/// run without them (at most a few rounds).
fn check_side(ws: &Workspace, dir: &Path, jobs: &[Job], deps: &HashMap<String, Dep>) -> anyhow::Result<SideResult> {
    let mut result = SideResult::default();
    let mut pending: Vec<usize> = (0..jobs.len()).collect();
    for _round in 0..4 {
        let run = run_side(ws, dir, jobs, &pending, deps)?;
        result.broken.extend(run.broken);
        let mut again = Vec::new();
        let failed: BTreeSet<&str> =
            run.outcome.iter().filter(|(_, o)| o.is_some()).map(|(j, _)| jobs[*j].package.as_str()).collect();
        for j in pending {
            match run.outcome.get(&j) {
                Some(Some(e)) => {
                    result.outcome.insert(j, Some(e.clone()));
                }
                Some(None) if failed.contains(jobs[j].package.as_str()) => again.push(j),
                Some(None) => {
                    result.outcome.insert(j, None);
                }
                None => {}
            }
        }
        if again.is_empty() {
            return Ok(result);
        }
        pending = again;
    }
    // Still next to failures after the last round: left unchecked rather than guessed.
    Ok(result)
}

/// One `cargo check` of the scratch workspace holding `pending` jobs.
fn run_side(
    ws: &Workspace,
    dir: &Path,
    jobs: &[Job],
    pending: &[usize],
    deps: &HashMap<String, Dep>,
) -> anyhow::Result<SideResult> {
    let mut by_crate: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &j in pending {
        by_crate.entry(jobs[j].package.as_str()).or_default().push(j);
    }
    let _ = std::fs::remove_dir_all(dir.join("crates"));
    std::fs::create_dir_all(dir)?;
    let dir = &dir.canonicalize()?;
    // Each crate's witness lines: (first line, last line, job).
    let mut lines: HashMap<PathBuf, Vec<(usize, usize, usize)>> = HashMap::new();
    let mut members = Vec::new();
    for (package, list) in &by_crate {
        let name = format!("w-{package}");
        let crate_dir = dir.join("crates").join(&name);
        std::fs::create_dir_all(&crate_dir)?;
        let mut manifest = format!(
            "# Written by cargo-atomic (witness programs).\n[package]\nname = \"atomic-witness-{package}\"\n\
             version = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[lib]\npath = \"lib.rs\"\n\n[dependencies]\n"
        );
        let mut named = BTreeSet::new();
        let mut src = String::from("#![allow(warnings, unused_unsafe, dead_code, unused_imports)]\n");
        let mut ranges = Vec::new();
        for &j in list {
            named.extend(jobs[j].witness.crates.iter().cloned());
            let start = src.lines().count() + 1;
            src.push_str(&format!("mod w{j} {{\n{}}}\n", jobs[j].witness.code));
            ranges.push((start, src.lines().count(), j));
        }
        for lib in &named {
            let d = &deps[lib];
            manifest.push_str(&format!("{} = {}\n", toml_key(lib), dependency(d)));
        }
        crate::fsutil::write_atomic(&crate_dir.join("Cargo.toml"), manifest.as_bytes())?;
        crate::fsutil::write_atomic(&crate_dir.join("lib.rs"), src.as_bytes())?;
        lines.insert(crate_dir.join("Cargo.toml"), ranges);
        members.push(format!("\"crates/{name}\""));
    }
    let root_manifest = format!(
        "# Written by cargo-atomic (witness programs).\n[workspace]\nmembers = [{}]\nresolver = \"2\"\n",
        members.join(", ")
    );
    crate::fsutil::write_atomic(&dir.join("Cargo.toml"), root_manifest.as_bytes())?;
    let lock = ws.root.join("Cargo.lock");
    if lock.is_file() && !dir.join("Cargo.lock").is_file() {
        std::fs::copy(&lock, dir.join("Cargo.lock")).context("cannot copy the workspace's Cargo.lock")?;
    }
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["check", "--workspace", "--keep-going", "--message-format", "json", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .current_dir(&ws.root)
        .output()
        .context("cannot run `cargo check` for the witness programs")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut result = SideResult::default();
    let mut built = BTreeSet::new();
    let mut errors: HashMap<usize, String> = HashMap::new();
    for line in stdout.lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let manifest = msg["manifest_path"].as_str().map(PathBuf::from);
        let Some(ranges) = manifest.as_ref().and_then(|m| lines.get(m)) else { continue };
        match msg["reason"].as_str() {
            Some("compiler-artifact") => {
                built.insert(manifest.clone().expect("checked above"));
            }
            Some("compiler-message") if msg["message"]["level"] == "error" => {
                let text = msg["message"]["message"].as_str().unwrap_or_default().to_string();
                // The first span in the witness file, primary spans first.
                let spans = msg["message"]["spans"].as_array().cloned().unwrap_or_default();
                let own = |s: &&serde_json::Value| {
                    s["file_name"].as_str().is_some_and(|f| f.ends_with("lib.rs") && !f.starts_with('/'))
                };
                let line_of = spans
                    .iter()
                    .filter(own)
                    .find(|s| s["is_primary"] == true)
                    .or_else(|| spans.iter().find(own))
                    .and_then(|s| s["line_start"].as_u64());
                if let Some(&(_, _, j)) =
                    line_of.and_then(|l| ranges.iter().find(|(a, b, _)| (*a..=*b).contains(&(l as usize))))
                {
                    errors.entry(j).or_insert(text);
                }
            }
            _ => {}
        }
    }
    let stderr = crate::cargo::messages(&String::from_utf8_lossy(&output.stderr));
    for (package, list) in &by_crate {
        let manifest = dir.join("crates").join(format!("w-{package}")).join("Cargo.toml");
        let any_error = list.iter().any(|j| errors.contains_key(j));
        if !built.contains(&manifest) && !any_error {
            let why = stderr.lines().find(|l| l.starts_with("error")).unwrap_or("cargo failed");
            result.broken.insert(package.to_string(), why.to_string());
            continue;
        }
        for &j in list {
            result.outcome.insert(j, errors.get(&j).cloned());
        }
    }
    Ok(result)
}

/// The inline table of a witness crate's dependency.
fn dependency(d: &Dep) -> String {
    let source = match &d.source {
        PackageSource::Dir(dir) => format!("path = {:?}", dir.to_string_lossy()),
        PackageSource::Registry { registry, version } if registry == "crates-io" => format!("version = \"={version}\""),
        PackageSource::Registry { registry, version } => format!("version = \"={version}\", registry = {registry:?}"),
    };
    let quote = |l: &[String]| l.iter().map(|f| format!("{f:?}")).collect::<Vec<_>>().join(", ");
    let features = match &d.features {
        FeatureSelection::Default(extra) => format!("features = [{}]", quote(extra)),
        FeatureSelection::NoDefault(list) => format!("default-features = false, features = [{}]", quote(list)),
        FeatureSelection::All => format!("features = [{}]", quote(&d.all_features)),
    };
    format!("{{ package = {:?}, {source}, {features} }}", d.package)
}

/// A TOML key: bare when it can be.
fn toml_key(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        name.to_string()
    } else {
        format!("{name:?}")
    }
}
