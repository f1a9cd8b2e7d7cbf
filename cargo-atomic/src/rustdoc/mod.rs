//! Running rustdoc for workspace members and turning its JSON into [`CrateApi`]s.
//!
//! One `cargo doc` invocation documents every member that needs it (Cargo parallelizes), in a
//! directory of its own under the target dir so the user's builds and HTML docs stay fresh.
//! `RUSTC_BOOTSTRAP` is set for that child process only, and only for the members' crate names.
//! The JSON's `format_version` is checked before parsing; everything that differs between
//! formats is in [`formats`] (each older format upgraded, one step per format, into the newest
//! `rustdoc-types`), and [`normalize`] reads that one model.
//!
//! This module must not decide what is compatible with what: it produces models, nothing more.

pub mod cache;
pub mod formats;
mod normalize;
pub mod source;
mod std_paths;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use rayon::prelude::*;

use crate::api::{CrateApi, FeatureSelection};
use crate::workspace::{DepKind, FeatureFlags, Member, Workspace};

/// Everything an adapter needs besides the JSON.
pub struct NormalizeInput<'a> {
    pub package: &'a str,
    pub lib: &'a str,
    pub features: &'a BTreeMap<String, Vec<String>>,
    pub checked: FeatureSelection,
    /// Already normalized workspace crates, by lib name: re-exports of their items are joined
    /// by definition path, and their items are named by their public paths.
    pub siblings: &'a HashMap<String, CrateApi>,
    /// Workspace root: source locations are made relative to it.
    pub root: &'a Path,
}

/// The toolchain rustdoc runs with in the workspace at `root` (`rustc 1.85.0`): the one the user
/// chose, by `cargo +toolchain`, `RUSTUP_TOOLCHAIN`, a `rust-toolchain.toml` or the default.
pub fn toolchain_name(root: &Path) -> String {
    let verbose = cache::toolchain(root);
    match verbose.lines().find_map(|l| l.strip_prefix("release: ")) {
        Some(release) => format!("rustc {}", release.trim()),
        None => "rustc of unknown version".to_string(),
    }
}

/// Normalizes one crate's rustdoc JSON, of any supported format (see [`formats`]).
pub fn normalize(json: &[u8], origin: &Path, input: &NormalizeInput) -> anyhow::Result<CrateApi> {
    let krate = formats::read(json).with_context(|| format!("cannot read {}", origin.display()))?;
    Ok(normalize::normalize(&krate, input))
}

/// How rustdoc is run.
#[derive(Clone, Debug, Default)]
pub struct DocOptions {
    pub target: Option<String>,
    pub features: FeatureFlags,
    /// Pass Cargo's output through (`-v`).
    pub verbose: bool,
    /// `--color` value for Cargo.
    pub color: Option<String>,
    /// Document everything, reusing no stored API (`--no-cache`).
    pub no_cache: bool,
    /// Where rustdoc's JSON comes from besides rustdoc: a source that records a share of the
    /// members (a shard) or replays recorded JSON (a merge), see [`source`].
    pub source: Option<std::sync::Arc<dyn source::JsonSource>>,
}

/// The APIs built by [`build_apis`], by package name, and what building them cost.
pub struct Apis {
    pub by_package: BTreeMap<String, CrateApi>,
    /// Time spent in `cargo doc`.
    pub rustdoc: std::time::Duration,
    /// Time spent reading and normalizing the JSON.
    pub normalize: std::time::Duration,
    /// How many of the APIs came from the cache (see [`cache`]).
    pub reused: usize,
}

impl std::ops::Index<&String> for Apis {
    type Output = CrateApi;
    fn index(&self, package: &String) -> &CrateApi {
        &self.by_package[package]
    }
}

/// The APIs of `selected` members (and of the members they depend on, which re-exports and
/// type paths need). `documenting` hears which selected members rustdoc runs for (the others'
/// APIs come from the cache), before it runs.
pub fn build_apis(
    ws: &Workspace,
    selected: &[&Member],
    opts: &DocOptions,
    documenting: &mut dyn FnMut(Vec<String>),
) -> anyhow::Result<Apis> {
    let names: Vec<String> = selected.iter().filter(|m| m.lib.is_some()).map(|m| m.name.clone()).collect();
    let needed: BTreeSet<String> =
        ws.with_normal_deps(&names).into_iter().filter(|n| ws.member(n).is_some_and(|m| m.lib.is_some())).collect();
    let selections: HashMap<String, FeatureSelection> = needed
        .iter()
        .map(|n| {
            (n.clone(), ws.member(n).expect("member names come from the workspace").feature_selection(&opts.features))
        })
        .collect();
    // Another run on this workspace must not rewrite the JSON or the cache between Cargo's lock
    // and our reads.
    let _lock = crate::fsutil::DirLock::acquire(&ws.atomic_dir())?;
    let had_lockfile = ws.root.join("Cargo.lock").is_file();
    let mut fingerprints = cache::fingerprints(ws, &needed, &selections, opts.target.as_deref());
    let mut by_lib: HashMap<String, CrateApi> = HashMap::new();
    let mut by_package: BTreeMap<String, CrateApi> = BTreeMap::new();
    let source = opts.source.as_deref();
    let role = source.map(|s| s.role(&ws.root)).unwrap_or_default();
    // Replaying: the recorded JSON in place of rustdoc's, the recorded APIs in place of the cache's.
    let mut provided: HashMap<String, &[u8]> = HashMap::new();
    if let Some(source) = source.filter(|s| !s.recording()) {
        for name in &needed {
            match source.provided(&role, name)? {
                source::Provided::Api(api) => {
                    by_lib.insert(api.snapshot.lib.clone(), (*api).clone());
                    by_package.insert(name.clone(), *api);
                }
                source::Provided::Json(json) => {
                    provided.insert(name.clone(), json);
                }
            }
        }
    } else if cache::enabled(opts.no_cache) {
        for name in &needed {
            let Some(fingerprint) = fingerprints.get(name).cloned().flatten() else { continue };
            if let Some(api) = cache::load(ws, name, &fingerprint) {
                by_lib.insert(api.snapshot.lib.clone(), api.clone());
                by_package.insert(name.clone(), api);
            }
        }
    }
    let all_jobs: Vec<DocJob> = needed
        .iter()
        .map(|n| {
            let member = ws.member(n).expect("member names come from the workspace");
            DocJob { member, selection: selections[n].clone() }
        })
        .collect();
    let stale: BTreeSet<&str> = needed.iter().filter(|n| !by_package.contains_key(*n)).map(String::as_str).collect();
    // What rustdoc runs for: the stale members; a recording source's share only; none replaying.
    let runs = |n: &str| stale.contains(n) && source.is_none_or(|s| s.documents(n));
    let to_run: BTreeSet<&str> = stale.iter().copied().filter(|n| runs(n)).collect();
    documenting(names.iter().filter(|n| to_run.contains(n.as_str())).cloned().collect());
    let reused = by_package.len();
    let started = std::time::Instant::now();
    let json_paths = if to_run.is_empty() {
        HashMap::new()
    } else if let Some(source) = source {
        // A recording run's calls hold its own share only: the others are other runs' to document.
        let own: Vec<DocJob> = all_jobs
            .iter()
            .filter(|j| source.documents(&j.member.name))
            .map(|j| DocJob { member: j.member, selection: j.selection.clone() })
            .collect();
        document(ws, &own, &to_run, opts)?
    } else {
        document(ws, &all_jobs, &to_run, opts)?
    };
    let rustdoc = started.elapsed();
    if let Some(source) = source.filter(|s| s.recording()) {
        // A recording run stops here: its share's JSON (or stored API) is kept, and the replay
        // normalizes them with everyone else's.
        for name in needed.iter().filter(|n| source.documents(n)) {
            match (by_package.get(name), json_paths.get(name)) {
                (Some(api), _) => source.keep_api(&role, name, api),
                (None, Some(path)) => {
                    let json = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
                    source.keep_json(&role, name, json)?;
                }
                (None, None) => bail!("rustdoc ran for {name} but wrote no JSON"),
            }
        }
        return Ok(Apis { by_package: BTreeMap::new(), rustdoc, normalize: Default::default(), reused });
    }
    let jobs: Vec<&DocJob> = all_jobs.iter().filter(|j| stale.contains(j.member.name.as_str())).collect();
    let started = std::time::Instant::now();
    let first_script_run = needed
        .iter()
        .any(|n| fingerprints.get(n).is_some_and(Option::is_none) && ws.member(n).is_some_and(|m| m.build_script));
    if !had_lockfile || first_script_run {
        // Cargo wrote the lockfile it documented with, or a build script ran for the first time
        // and declared what it reads: what is documented now can be stored. (A member with a
        // path dependency outside the workspace has no fingerprint after the run either.)
        let after = cache::fingerprints(ws, &needed, &selections, opts.target.as_deref());
        for (name, fingerprint) in after {
            let entry = fingerprints.entry(name).or_insert(None);
            if entry.is_none() {
                *entry = fingerprint;
            }
        }
    }

    // Normalize level by level: a crate after the members it depends on, crates of one level in
    // parallel.
    let mut level: BTreeMap<String, usize> = BTreeMap::new();
    for name in ws.topo_order(&needed) {
        let deps = ws.member_deps(&name, &[DepKind::Normal]);
        let l = deps.iter().filter_map(|d| level.get(d)).map(|l| l + 1).max().unwrap_or(0);
        level.insert(name, l);
    }
    let max_level = level.values().copied().max().unwrap_or(0);
    for l in 0..=max_level {
        let batch: Vec<&DocJob> = jobs.iter().copied().filter(|j| level.get(&j.member.name) == Some(&l)).collect();
        let results: Vec<anyhow::Result<(String, String, CrateApi)>> = batch
            .par_iter()
            .map(|job| {
                let (m, lib) = (job.member, job.lib());
                let read;
                let (json, path): (&[u8], PathBuf) = match provided.get(&m.name) {
                    Some(json) => (json, PathBuf::from(format!("the partial of `{}`", m.name))),
                    None => {
                        let path = json_paths[&m.name].clone();
                        read = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
                        (&read, path)
                    }
                };
                let path = &path;
                let input = NormalizeInput {
                    package: &m.name,
                    lib,
                    features: &m.features,
                    checked: job.selection.clone(),
                    siblings: &by_lib,
                    root: &ws.root,
                };
                let mut api = normalize(json, path, &input)?;
                // Dependencies outside the workspace; workspace crates are the train's business.
                let external = m.deps.iter().filter(|d| d.member.is_none() && d.kind == DepKind::Normal);
                api.snapshot.expose_dependencies(
                    external.map(|d| (d.rename.clone().unwrap_or_else(|| d.name.clone()).replace('-', "_"), &d.req)),
                );
                Ok((m.name.clone(), lib.to_string(), api))
            })
            .collect();
        for r in results {
            let (package, lib, api) = r?;
            if let Some(fingerprint) = fingerprints.get(&package).cloned().flatten() {
                cache::store(ws, &package, &fingerprint, &api);
            }
            by_lib.insert(lib, api.clone());
            by_package.insert(package, api);
        }
    }
    Ok(Apis { by_package, rustdoc, normalize: started.elapsed(), reused })
}

/// One member to document, with its features.
pub struct DocJob<'a> {
    pub member: &'a Member,
    pub selection: FeatureSelection,
}

impl DocJob<'_> {
    /// The member's library crate name.
    pub fn lib(&self) -> &str {
        &self.member.lib.as_ref().expect("only members with a library are documented").name
    }
}

/// Runs rustdoc for the `stale` members of `jobs`; returns each one's JSON file.
///
/// Members are documented together in one `cargo doc` call, except where that would change their
/// features: `--all-features` / `--no-default-features` apply to a whole call, and Cargo unifies
/// the features a member is documented with and those its dependents ask for. Such members get
/// a call of their own.
///
/// The calls are formed from all `jobs`, the cached ones too, and a call holding a stale member
/// runs whole: Cargo unifies the features of the dependencies of the packages it is given, so a
/// call for fewer packages would build the dependencies anew in another configuration. The
/// cached members' rustdoc runs are fresh to Cargo and cost next to nothing.
pub fn document(
    ws: &Workspace,
    jobs: &[DocJob],
    stale: &BTreeSet<&str>,
    opts: &DocOptions,
) -> anyhow::Result<HashMap<String, PathBuf>> {
    let target_dir = ws.atomic_dir();
    let is_stale = |j: &&DocJob| stale.contains(j.member.name.as_str());
    // Greedy grouping: each job joins the first call of its feature mode where documenting it
    // with the others cannot change its features. Usually that is a single call.
    let mut calls: Vec<(DocMode, Vec<&DocJob>)> = Vec::new();
    for job in jobs {
        let mode = DocMode::of(&job.selection);
        let fits = |group: &Vec<&DocJob>| {
            let mut with: Vec<&DocJob> = group.clone();
            with.push(job);
            !perturbs(ws, &with)
        };
        match calls.iter_mut().find(|(m, group)| *m == mode && fits(group)) {
            Some((_, group)) => group.push(job),
            None => calls.push((mode, vec![job])),
        }
    }
    // A member other members depend on is compiled (bodies included) when the whole workspace
    // is documented; documented alone, only rustdoc would read it, which does not type-check
    // bodies. Such members are checked too, so `-p` and `--workspace` agree on a crate whose
    // bodies do not compile.
    calls.retain(|(_, group)| group.iter().any(is_stale));
    let in_calls: BTreeSet<&str> = calls.iter().flat_map(|(_, g)| g.iter().map(|j| j.member.name.as_str())).collect();
    let compiled_by_calls: BTreeSet<String> =
        in_calls.iter().flat_map(|n| ws.member_deps(n, &[DepKind::Normal, DepKind::Build])).collect();
    // Members some other library member depends on, once for all calls.
    let depended_on: BTreeSet<String> = ws
        .members
        .iter()
        .filter(|m| m.lib.is_some())
        .flat_map(|m| ws.member_deps(&m.name, &[DepKind::Normal, DepKind::Build]))
        .collect();
    let mut out = HashMap::new();
    for (mode, group) in calls {
        let mut features = Vec::new();
        for job in &group {
            if let FeatureSelection::Default(list) | FeatureSelection::NoDefault(list) = &job.selection {
                features.extend(list.iter().map(|f| format!("{}/{f}", job.member.name)));
            }
        }
        let call = CargoDoc {
            manifest: ws.root.join("Cargo.toml"),
            cwd: ws.root.clone(),
            target_dir: target_dir.clone(),
            packages: group.iter().map(|j| j.member.id.clone()).collect(),
            names: group.iter().map(|j| j.member.name.clone()).collect(),
            features,
            mode,
            bootstrap: ws.lib_names(),
            libs: group.iter().map(|j| j.lib().to_string()).collect(),
        };
        call.run(opts)?;
        let unchecked: Vec<&DocJob> = group
            .iter()
            .copied()
            .filter(is_stale)
            .filter(|j| !compiled_by_calls.contains(&j.member.name) && depended_on.contains(&j.member.name))
            .collect();
        if !unchecked.is_empty() {
            let names: BTreeSet<&str> = unchecked.iter().map(|j| j.member.name.as_str()).collect();
            CargoDoc {
                packages: unchecked.iter().map(|j| j.member.id.clone()).collect(),
                names: unchecked.iter().map(|j| j.member.name.clone()).collect(),
                features: call
                    .features
                    .iter()
                    .filter(|f| f.split('/').next().is_some_and(|p| names.contains(p)))
                    .cloned()
                    .collect(),
                ..call.clone()
            }
            .check(opts)?;
        }
        for job in group.into_iter().filter(is_stale) {
            let path = call.json_path(job.lib(), opts.target.as_deref());
            if !path.is_file() {
                bail!("rustdoc ran for {} but wrote no {}", job.member.name, path.display());
            }
            out.insert(job.member.name.clone(), path);
        }
    }
    Ok(out)
}

/// How a `cargo doc` call treats features for all its packages; per-package features come on
/// top as `pkg/feature` entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocMode {
    DefaultFeatures,
    /// `--no-default-features`.
    NoDefaultFeatures,
    /// `--all-features`.
    AllFeatures,
}

impl DocMode {
    pub fn of(selection: &FeatureSelection) -> DocMode {
        match selection {
            FeatureSelection::Default(_) => DocMode::DefaultFeatures,
            FeatureSelection::NoDefault(_) => DocMode::NoDefaultFeatures,
            FeatureSelection::All => DocMode::AllFeatures,
        }
    }
}

/// One `cargo doc` call producing JSON.
#[derive(Clone)]
pub struct CargoDoc {
    pub manifest: PathBuf,
    /// Where Cargo runs: the workspace root, whose `.cargo/config.toml` applies (also to the
    /// scratch projects baselines are documented in).
    pub cwd: PathBuf,
    pub target_dir: PathBuf,
    /// Package specs for `-p` (package IDs, or `name@version`).
    pub packages: Vec<String>,
    /// The packages' names, for messages.
    pub names: Vec<String>,
    /// `pkg/feature` entries for `--features`.
    pub features: Vec<String>,
    pub mode: DocMode,
    /// Crate names `RUSTC_BOOTSTRAP` enables unstable options for.
    pub bootstrap: Vec<String>,
    /// The library crate names of `packages`, whose JSON files [`CargoDoc::run`] writes.
    pub libs: Vec<String>,
}

impl CargoDoc {
    /// The directory the JSON files land in.
    pub fn doc_dir(&self, target: Option<&str>) -> PathBuf {
        match target {
            Some(t) => self.target_dir.join(t).join("doc"),
            None => self.target_dir.join("doc"),
        }
    }

    /// The JSON file of library `lib`.
    pub fn json_path(&self, lib: &str, target: Option<&str>) -> PathBuf {
        self.doc_dir(target).join(format!("{lib}.json"))
    }

    /// Documents the packages.
    ///
    /// Cargo judges a rustdoc run fresh by its HTML output, `doc/<lib>/index.html`, which JSON
    /// output never writes: every call would document every package it names again. So each
    /// JSON file gets that file beside it, dated as the JSON, and a stamp of the call it came
    /// from. Cargo's own fingerprint (sources, dependencies, flags, features) then decides as
    /// for HTML; the stamp covers what Cargo does not track for rustdoc — a `RUSTDOC` wrapper,
    /// say — and anything else of the environment the API cache keys on: a package whose stamp
    /// is not this call's loses its mark first, so rustdoc runs for it.
    pub fn run(&self, opts: &DocOptions) -> anyhow::Result<()> {
        let target = opts.target.as_deref();
        let stamp = self.stamp(target);
        for lib in &self.libs {
            let (json, mark) = (self.json_path(lib, target), self.mark_path(lib, target));
            let stamped = std::fs::read_to_string(json.with_extension("json.atomic-stamp")).ok();
            if !json.is_file() || stamped.as_deref() != Some(stamp.as_str()) {
                let _ = std::fs::remove_file(&mark);
            }
        }
        self.cargo(&["doc", "--no-deps"], &format!("rustdoc failed for {}", self.names.join(", ")), opts)?;
        for lib in &self.libs {
            let (json, mark) = (self.json_path(lib, target), self.mark_path(lib, target));
            // Without a mark, Cargo documents the package again next time: slower, never wrong.
            let _ = crate::fsutil::replace_cache_file(&json.with_extension("json.atomic-stamp"), stamp.as_bytes())
                .map_err(anyhow::Error::from)
                .and_then(|()| mark_fresh(&json, &mark));
        }
        Ok(())
    }

    fn mark_path(&self, lib: &str, target: Option<&str>) -> PathBuf {
        self.doc_dir(target).join(lib).join("index.html")
    }

    /// What this call's rustdoc runs depend on that Cargo does not track: the environment the
    /// API cache keys on, and the project.
    fn stamp(&self, target: Option<&str>) -> String {
        let parts = [format!("manifest {}", self.manifest.display()), cache::environment(&self.cwd, target)];
        crate::fsutil::sha256_hex(parts.join("\n").as_bytes())
    }

    /// Compiles the packages' libraries as their dependents would (`cargo check`), with the same
    /// features and environment as [`CargoDoc::run`].
    pub fn check(&self, opts: &DocOptions) -> anyhow::Result<()> {
        let failed = format!("{} did not compile (members depending on it need it built)", self.names.join(", "));
        self.cargo(&["check"], &failed, opts)
    }

    fn cargo(&self, subcommand: &[&str], failed: &str, opts: &DocOptions) -> anyhow::Result<()> {
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.current_dir(&self.cwd)
            .args(subcommand)
            .args(["--lib", "--manifest-path"])
            .arg(&self.manifest)
            .arg("--target-dir")
            .arg(&self.target_dir)
            .env("RUSTC_BOOTSTRAP", self.bootstrap.join(","))
            // Build scripts using atomic-build may run before the first snapshot exists.
            .env("CARGO_ATOMIC_DOCUMENTING", "1")
            // Private items too: exported symbols (`#[no_mangle]`) are ABI whether public or not.
            // Lints capped: a crate denying `rustdoc::broken_intra_doc_links` must not fail on the
            // docs of private items it never documents itself.
            .env(
                "RUSTDOCFLAGS",
                "-Z unstable-options --output-format json --document-hidden-items --document-private-items                  --cap-lints warn",
            )
            .env_remove("CARGO_ENCODED_RUSTDOCFLAGS");
        if let Some(color) = &opts.color {
            cmd.args(["--color", color]);
        }
        if let Some(t) = &opts.target {
            cmd.args(["--target", t]);
        }
        match self.mode {
            DocMode::NoDefaultFeatures => {
                cmd.arg("--no-default-features");
            }
            DocMode::AllFeatures => {
                cmd.arg("--all-features");
            }
            DocMode::DefaultFeatures => {}
        }
        for p in &self.packages {
            cmd.args(["-p", p]);
        }
        if !self.features.is_empty() {
            cmd.args(["--features", &self.features.join(",")]);
        }
        let output = cmd.output().context("cannot run `cargo doc`; is Cargo installed?")?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        if opts.verbose {
            eprint!("{stderr}");
        }
        if !output.status.success() {
            bail!("{failed}; the compiler said:\n{}", crate::cargo::messages(&stderr));
        }
        Ok(())
    }
}

/// Writes the HTML index Cargo looks for beside `json`, dated as `json` (so it is no newer than
/// the run that wrote the JSON, and newer than the dependencies that run read).
fn mark_fresh(json: &Path, mark: &Path) -> anyhow::Result<()> {
    let modified = std::fs::metadata(json).and_then(|m| m.modified())?;
    if let Some(dir) = mark.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = std::fs::File::create(mark)?;
    file.set_modified(modified)?;
    Ok(())
}

/// Whether documenting `call` together could enable a feature some job of it was not asked to be
/// documented with: another member of the call requesting it, directly or through the members
/// whose features they turn on (`rand` → `rand_core/std` → `getrandom/std`). Under resolver 1,
/// the dev-dependencies of the call's own packages ask too (a test-only `features = [..]` on a
/// sibling would otherwise document that sibling with features its users never get).
fn perturbs(ws: &Workspace, call: &[&DocJob]) -> bool {
    let default_on = |s: &FeatureSelection| matches!(s, FeatureSelection::Default(_) | FeatureSelection::All);
    let roots: BTreeSet<&str> = call.iter().map(|j| j.member.name.as_str()).collect();
    let counts = |from: &str, dep: &crate::workspace::Dependency| {
        dep.kind != DepKind::Dev || (ws.resolver == 1 && roots.contains(from))
    };
    // The features each member gets in the call: the jobs' own, then what they ask of their
    // member dependencies, until nothing changes (features only grow, so dev-dependency cycles
    // end too). (features, `default` requested)
    let mut on: HashMap<String, (BTreeSet<String>, bool)> = HashMap::new();
    let mut todo = Vec::new();
    for other in call {
        on.insert(
            other.member.name.clone(),
            (other.member.enabled_features(&other.selection), default_on(&other.selection)),
        );
        todo.push(other.member.name.clone());
    }
    while let Some(name) = todo.pop() {
        let (Some(m), Some((enabled, _))) = (ws.member(&name), on.get(&name).cloned()) else { continue };
        for dep in m.deps.iter().filter(|d| counts(&name, d)) {
            let Some(target) = dep.member.as_deref().and_then(|t| ws.member(t)) else { continue };
            let alias = dep.rename.as_deref().unwrap_or(&dep.name);
            let values: Vec<&String> = enabled.iter().flat_map(|f| m.features.get(f).into_iter().flatten()).collect();
            let active = !dep.optional
                || enabled.contains(alias)
                || values.iter().any(|v| **v == format!("dep:{alias}") || v.starts_with(&format!("{alias}/")));
            if !active {
                continue;
            }
            let mut requested = dep.features.clone();
            for v in &values {
                let f = v.strip_prefix(&format!("{alias}/")).or_else(|| v.strip_prefix(&format!("{alias}?/")));
                requested.extend(f.map(str::to_string));
            }
            let selection = if dep.default_features {
                FeatureSelection::Default(requested)
            } else {
                FeatureSelection::NoDefault(requested)
            };
            let entry = on.entry(target.name.clone()).or_insert_with(|| (BTreeSet::new(), false));
            let before = entry.clone();
            entry.0.extend(target.enabled_features(&selection));
            entry.1 |= dep.default_features;
            if *entry != before {
                todo.push(target.name.clone());
            }
        }
    }
    call.iter().any(|job| {
        let member = job.member;
        let Some((got, default)) = on.get(&member.name) else { return false };
        let own = member.enabled_features(&job.selection);
        (*default && !default_on(&job.selection) && member.features.contains_key("default"))
            || got.iter().any(|f| !own.contains(f))
    })
}
