//! Publishing a release train as one unit.
//!
//! A registry accepts one crate version per upload, so nothing makes a train atomic by itself.
//! This stage makes it behave as one: everything is verified before the first upload
//! ([`preflight`]); uploads go in dependency order, each confirmed in the index before its
//! dependents; a [`Journal`] records every step; on failure every version this train published
//! is yanked (or the run stops for `--resume`); a health check builds the train from the registry;
//! tags mark the release.
//!
//! Events are reported through a callback; this module prints nothing and never handles tokens.

pub mod registry;
mod runs;

pub use runs::{resume, rollback, start};

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use crate::git::Repo;
use crate::train::{Problem, ProblemKind, Severity, Train};
use crate::workspace::{Publish, Workspace};
use registry::Published;

/// What to do when an upload, the index wait or the health check fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Yank every version this train published, dependents first.
    Rollback,
    /// Leave them and the journal for `cargo atomic publish --resume`.
    Stop,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub allow_dirty: bool,
    pub dry_run: bool,
    pub policy: Policy,
    /// Wait between uploads when the registry's rate limits require it (else refuse).
    pub pace: bool,
    /// How long to wait for a version to appear in the index after Cargo's own wait.
    pub index_timeout: Duration,
    pub tag: bool,
}

/// State of one crate of the train, as the journal records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepState {
    Planned,
    Uploading,
    /// Uploaded and visible in the index.
    Published,
    /// Uploaded, but never seen in the index: live for all we know.
    Unconfirmed,
    Failed,
    Yanked,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Step {
    pub package: String,
    pub version: String,
    /// `None`: crates.io.
    pub registry: Option<String>,
    /// SHA-256 of the `.crate` verified before the first upload.
    pub checksum: String,
    pub state: StepState,
    pub error: Option<String>,
    /// Seconds since the Unix epoch of the last change.
    pub at: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrainState {
    InProgress,
    Completed,
    /// Failed and stopped (`--on-failure stop`, or a refused resume): `--resume` continues.
    Stopped,
    RolledBack,
    /// The rollback could not yank everything: see the steps.
    RollbackIncomplete,
}

/// The record of one train: the plan and each step's outcome, rewritten atomically after every
/// step, in `target/atomic/journal.json` (the last train) and `target/atomic/trains/<id>.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Journal {
    pub schema: u32,
    pub train: String,
    pub state: TrainState,
    pub policy: Policy,
    pub started: u64,
    pub steps: Vec<Step>,
    pub health: Option<String>,
    pub tags: Vec<String>,
}

impl Journal {
    pub fn path(ws: &Workspace) -> PathBuf {
        ws.target_dir.join("atomic").join("journal.json")
    }

    fn archive_path(ws: &Workspace, id: &str) -> PathBuf {
        ws.target_dir.join("atomic").join("trains").join(format!("{id}.json"))
    }

    /// The last train's journal, or the train `id`'s.
    pub fn load(ws: &Workspace, id: Option<&str>) -> anyhow::Result<Option<Journal>> {
        let path = match id {
            Some(id) => Journal::archive_path(ws, id),
            None => Journal::path(ws),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let journal: Journal =
            serde_json::from_str(&text).with_context(|| format!("{} is not a readable journal", path.display()))?;
        Ok(Some(journal))
    }

    pub fn save(&self, ws: &Workspace) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self).expect("serializable") + "\n";
        for path in [Journal::path(ws), Journal::archive_path(ws, &self.train)] {
            std::fs::create_dir_all(path.parent().expect("in a directory"))?;
            crate::fsutil::write_atomic(&path, text.as_bytes())?;
        }
        Ok(())
    }

    /// Versions this train put in the registry that are still live, as far as it knows.
    pub fn live(&self) -> Vec<(String, String)> {
        self.steps
            .iter()
            .filter(|s| matches!(s.state, StepState::Published | StepState::Unconfirmed))
            .map(|s| (s.package.clone(), s.version.clone()))
            .collect()
    }

    fn set(&mut self, ws: &Workspace, i: usize, state: StepState, error: Option<String>) -> anyhow::Result<()> {
        self.steps[i].state = state;
        self.steps[i].error = error;
        self.steps[i].at = now();
        self.save(ws)
    }
}

/// What publishing reports as it goes.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// A preflight check ran.
    Checked {
        what: String,
    },
    Problem {
        problem: Problem,
    },
    Plan {
        train: String,
        steps: Vec<(String, String)>,
    },
    Waiting {
        seconds: u64,
        reason: String,
    },
    Uploading {
        package: String,
        version: String,
        n: usize,
        of: usize,
    },
    WaitingForIndex {
        package: String,
        version: String,
    },
    Published {
        package: String,
        version: String,
    },
    AlreadyPublished {
        package: String,
        version: String,
    },
    Failed {
        package: Option<String>,
        version: Option<String>,
        error: String,
    },
    Yanked {
        package: String,
        version: String,
    },
    Unyanked {
        package: String,
        version: String,
    },
    YankFailed {
        package: String,
        version: String,
        error: String,
    },
    Health {
        ok: bool,
        detail: Option<String>,
    },
    Tagged {
        tag: String,
    },
    /// The train is published, but a release tag could not be created.
    TagFailed {
        tag: String,
        error: String,
    },
    /// The end: which versions are live, and the journal.
    Done {
        state: String,
        live: Vec<(String, String)>,
        journal: String,
    },
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Published,
    /// Preflight refused; nothing was uploaded.
    Refused,
    DryRun,
    /// An upload, the index wait or the health check failed; the policy was applied.
    Failed,
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn registry_of(ws: &Workspace, package: &str) -> Option<String> {
    match ws.member(package).map(|m| &m.publish) {
        Some(Publish::Registries(list)) => list.first().cloned(),
        _ => None,
    }
}

fn problem(kind: ProblemKind, severity: Severity, package: &str, message: String, help: &str) -> Problem {
    Problem {
        kind,
        severity,
        package: package.to_string(),
        message,
        file: None,
        line: None,
        notes: Vec::new(),
        help: help.to_string(),
    }
}

/// Rate limits of a registry: `(burst, seconds per upload after it)` for new crates and for new
/// versions. crates.io's are the defaults for crates.io; other registries have none unless
/// configured.
fn rate_limits(ws: &Workspace, registry: Option<&str>) -> Option<((usize, u64), (usize, u64))> {
    let name = registry.unwrap_or("crates-io");
    if let Some(r) = ws.config.rate_limits.get(name) {
        return Some(((r.new_crates.0, r.new_crates.1), (r.new_versions.0, r.new_versions.1)));
    }
    (registry.is_none() || name == "crates-io").then_some(((5, 600), (30, 60)))
}

/// Everything that can be known before the first upload. Returns the steps (with checksums) and
/// the problems; the train must have no error for the steps to be published.
pub fn preflight(
    ws: &Workspace,
    train: &Train,
    opts: &Options,
    emit: &mut dyn FnMut(Event),
) -> anyhow::Result<(Vec<Step>, Vec<Problem>)> {
    let mut problems: Vec<Problem> = train.problems.clone();
    emit(Event::Checked { what: "release train (cargo atomic check)".to_string() });
    let steps: Vec<(String, String)> = train.order.iter().map(|s| (s.package.clone(), s.to.to_string())).collect();
    if steps.is_empty() {
        problems.push(problem(
            ProblemKind::NothingToPublish,
            Severity::Error,
            "",
            "no crate of the workspace needs a release".to_string(),
            "bump a version (`cargo atomic bump --level patch -p CRATE`) to release a crate",
        ));
    }
    for (name, _) in &steps {
        let m = ws.member(name).expect("train crates are members");
        if m.publish == Publish::Nowhere {
            problems.push(problem(
                ProblemKind::NotPublishable,
                Severity::Error,
                name,
                format!("`{name}` has `publish = false`"),
                "remove it from the train or allow publishing",
            ));
        }
        if m.description.is_none() {
            problems.push(problem(
                ProblemKind::MissingMetadata,
                Severity::Error,
                name,
                format!("`{name}` has no `description`; registries require one"),
                "add `description = \"...\"` to its [package]",
            ));
        }
        if m.license.is_none() && m.license_file.is_none() {
            problems.push(problem(
                ProblemKind::MissingMetadata,
                Severity::Error,
                name,
                format!("`{name}` has no `license` or `license-file`; registries require one"),
                "add `license = \"...\"` to its [package]",
            ));
        }
        // A path dependency on a crate of another registry is published as a crates.io dependency
        // unless it names the registry.
        for dep in m.deps.iter().filter(|d| d.kind != crate::workspace::DepKind::Dev) {
            let Some(target) = &dep.member else { continue };
            let target_registry = registry_of(ws, target);
            if target_registry.is_some() && dep.registry.is_none() {
                problems.push(problem(
                    ProblemKind::DependencyRegistry,
                    Severity::Error,
                    name,
                    format!(
                        "`{name}` depends on `{target}` without `registry = {:?}`; the published `{name}` would look for `{target}` on crates.io",
                        target_registry.unwrap_or_default()
                    ),
                    "add the registry to the dependency",
                ));
            }
        }
        if m.repository.is_none() {
            problems.push(problem(
                ProblemKind::MissingRepository,
                Severity::Warning,
                name,
                format!("`{name}` has no `repository`"),
                "add `repository = \"...\"` so users find the source",
            ));
        }
    }
    emit(Event::Checked { what: "package metadata".to_string() });

    // Versions already taken (yanked ones too: a version number is never reused).
    let mut new_crates = Vec::new();
    for (name, version) in &steps {
        let registry = registry_of(ws, name);
        match registry::published(ws, name, version, registry.as_deref())? {
            Published::Live { .. } => problems.push(problem(
                ProblemKind::VersionExists,
                Severity::Error,
                name,
                format!("{name} {version} is already published"),
                "bump the version (`cargo atomic bump --level patch`)",
            )),
            Published::Yanked => problems.push(problem(
                ProblemKind::VersionExists,
                Severity::Error,
                name,
                format!("{name} {version} was published and yanked; a version number is never reused"),
                "bump the version (`cargo atomic bump --level patch`)",
            )),
            Published::NewCrate => new_crates.push(name.clone()),
            Published::Absent => {}
        }
    }
    emit(Event::Checked { what: "versions not yet in the registry".to_string() });

    if !opts.allow_dirty {
        if let Some(repo) = Repo::discover(&ws.root) {
            let dirty = repo.dirty_files()?;
            if !dirty.is_empty() {
                problems.push(problem(
                    ProblemKind::DirtyTree,
                    Severity::Error,
                    "",
                    format!("the git tree has uncommitted changes: {}", dirty.join(", ")),
                    "commit them, or pass --allow-dirty",
                ));
            }
        }
        emit(Event::Checked { what: "clean git tree".to_string() });
    }

    // Rate limits.
    for registry in steps.iter().map(|(n, _)| registry_of(ws, n)).collect::<std::collections::BTreeSet<_>>() {
        let Some(((crate_burst, crate_every), (version_burst, version_every))) = rate_limits(ws, registry.as_deref())
        else {
            continue;
        };
        let on_it: Vec<&(String, String)> = steps.iter().filter(|(n, _)| registry_of(ws, n) == registry).collect();
        let new = on_it.iter().filter(|(n, _)| new_crates.contains(n)).count();
        let versions = on_it.len() - new;
        let wait = new.saturating_sub(crate_burst) as u64 * crate_every
            + versions.saturating_sub(version_burst) as u64 * version_every;
        if wait > 0 && !opts.pace {
            problems.push(problem(
                ProblemKind::RateLimit,
                Severity::Error,
                "",
                format!(
                    "the train has {new} new crates and {versions} new versions for {}; its limits ({crate_burst} new crates, then one per {crate_every} s; {version_burst} new versions, then one per {version_every} s) need about {} minutes of waiting",
                    registry.as_deref().unwrap_or("crates.io"),
                    wait.div_ceil(60)
                ),
                "pass --pace to wait between uploads",
            ));
        }
    }

    // Package and build every crate against the others, before anything is uploaded.
    let names: Vec<String> = steps.iter().map(|(n, _)| n.clone()).collect();
    let mut planned = Vec::new();
    if !names.is_empty() {
        match registry::package(ws, &names, true) {
            Ok(files) => {
                for (name, version) in &steps {
                    let checksum = files.iter().find(|(n, ..)| n == name).map(|(.., c)| c.clone()).unwrap_or_default();
                    planned.push(Step {
                        package: name.clone(),
                        version: version.clone(),
                        registry: registry_of(ws, name),
                        checksum,
                        state: StepState::Planned,
                        error: None,
                        at: now(),
                    });
                }
                emit(Event::Checked { what: "every crate packaged and built against the others".to_string() });
            }
            Err(e) => problems.push(problem(
                ProblemKind::PackageFailed,
                Severity::Error,
                "",
                format!("{e:#}"),
                "fix the build of the packaged crates (`cargo package` shows the same)",
            )),
        }
    }
    Ok((planned, problems))
}

/// Publishes a train planned by [`preflight`] (or resumes one from its journal).
pub fn publish(
    ws: &Workspace,
    mut journal: Journal,
    opts: &Options,
    emit: &mut dyn FnMut(Event),
) -> anyhow::Result<Outcome> {
    journal.state = TrainState::InProgress;
    journal.save(ws)?;
    let of = journal.steps.len();
    let limits_for = |registry: Option<&str>| rate_limits(ws, registry);
    let mut uploaded_new = 0usize;
    let mut uploaded_versions = 0usize;
    for i in 0..of {
        let step = journal.steps[i].clone();
        if step.state == StepState::Published {
            continue;
        }
        // A step that may have reached the registry before an interruption.
        match registry::published(ws, &step.package, &step.version, step.registry.as_deref())? {
            Published::Live { checksum } if checksum == step.checksum || checksum.is_empty() => {
                emit(Event::AlreadyPublished { package: step.package.clone(), version: step.version.clone() });
                journal.set(ws, i, StepState::Published, None)?;
                continue;
            }
            Published::Live { checksum } => {
                let error = format!(
                    "{} {} is already in the registry with checksum {checksum}, not the planned {}; refusing to continue",
                    step.package, step.version, step.checksum
                );
                journal.set(ws, i, StepState::Failed, Some(error.clone()))?;
                journal.state = TrainState::Stopped;
                journal.save(ws)?;
                emit(Event::Failed { package: Some(step.package.clone()), version: Some(step.version.clone()), error });
                emit(done(ws, &journal));
                return Ok(Outcome::Failed);
            }
            Published::Yanked => {
                let error = format!("{} {} is in the registry, yanked", step.package, step.version);
                return fail(ws, &mut journal, Some(i), error, opts, emit);
            }
            Published::NewCrate => {
                if let Some(((burst, every), _)) = limits_for(step.registry.as_deref()) {
                    if opts.pace && uploaded_new >= burst {
                        emit(Event::Waiting { seconds: every, reason: "rate limit for new crates".to_string() });
                        std::thread::sleep(Duration::from_secs(every));
                    }
                }
                uploaded_new += 1;
            }
            Published::Absent => {
                if let Some((_, (burst, every))) = limits_for(step.registry.as_deref()) {
                    if opts.pace && uploaded_versions >= burst {
                        emit(Event::Waiting { seconds: every, reason: "rate limit for new versions".to_string() });
                        std::thread::sleep(Duration::from_secs(every));
                    }
                }
                uploaded_versions += 1;
            }
        }
        journal.set(ws, i, StepState::Uploading, None)?;
        emit(Event::Uploading { package: step.package.clone(), version: step.version.clone(), n: i + 1, of });
        let out = registry::publish(ws, &step.package, step.registry.as_deref())?;
        if !out.status.success() {
            let error = format!("uploading {} {} failed: {}", step.package, step.version, registry::cargo_error(&out));
            return fail(ws, &mut journal, Some(i), error, opts, emit);
        }
        emit(Event::WaitingForIndex { package: step.package.clone(), version: step.version.clone() });
        if !visible(ws, &step, opts.index_timeout)? {
            journal.set(ws, i, StepState::Unconfirmed, None)?;
            let error = format!(
                "{} {} was uploaded but did not appear in the index within Cargo's wait and {} s more",
                step.package,
                step.version,
                opts.index_timeout.as_secs()
            );
            return fail(ws, &mut journal, None, error, opts, emit);
        }
        journal.set(ws, i, StepState::Published, None)?;
        emit(Event::Published { package: step.package.clone(), version: step.version.clone() });
    }

    // Health check: a user depending on the whole train, from the registry.
    let deps: Vec<(String, String, Option<String>)> =
        journal.steps.iter().map(|s| (s.package.clone(), s.version.clone(), s.registry.clone())).collect();
    match registry::health_check(ws, &deps)? {
        Ok(()) => {
            journal.health = Some("passed".to_string());
            journal.save(ws)?;
            emit(Event::Health { ok: true, detail: None });
        }
        Err(error) => {
            journal.health = Some(format!("failed: {error}"));
            emit(Event::Health { ok: false, detail: Some(error.clone()) });
            return fail(ws, &mut journal, None, format!("the health check failed: {error}"), opts, emit);
        }
    }

    if opts.tag {
        if let Some(repo) = Repo::discover(&ws.root) {
            let existing = repo.tags().unwrap_or_default();
            for s in &journal.steps.clone() {
                let version = semver::Version::parse(&s.version)?;
                let tag = ws.tag_name(&s.package, &version);
                if existing.contains(&tag) {
                    continue;
                }
                match repo.create_tag(&tag, &format!("{} {} (train {})", s.package, s.version, journal.train)) {
                    Ok(()) => {
                        journal.tags.push(tag.clone());
                        emit(Event::Tagged { tag });
                    }
                    Err(e) => emit(Event::TagFailed { tag, error: format!("{e:#}") }),
                }
            }
        }
    }
    journal.state = TrainState::Completed;
    journal.save(ws)?;
    emit(done(ws, &journal));
    Ok(Outcome::Published)
}

/// Polls the registry until `step` is visible (Cargo has already waited its own minute).
fn visible(ws: &Workspace, step: &Step, timeout: Duration) -> anyhow::Result<bool> {
    let start = Instant::now();
    loop {
        if let Published::Live { .. } = registry::published(ws, &step.package, &step.version, step.registry.as_deref())?
        {
            return Ok(true);
        }
        if start.elapsed() >= timeout {
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Applies the failure policy and reports which versions are live.
fn fail(
    ws: &Workspace,
    journal: &mut Journal,
    step: Option<usize>,
    error: String,
    opts: &Options,
    emit: &mut dyn FnMut(Event),
) -> anyhow::Result<Outcome> {
    if let Some(i) = step {
        journal.set(ws, i, StepState::Failed, Some(error.clone()))?;
    }
    emit(Event::Failed {
        package: step.map(|i| journal.steps[i].package.clone()),
        version: step.map(|i| journal.steps[i].version.clone()),
        error,
    });
    match opts.policy {
        Policy::Stop => {
            journal.state = TrainState::Stopped;
            journal.save(ws)?;
        }
        Policy::Rollback => yank_all(ws, journal, false, emit)?,
    }
    emit(done(ws, journal));
    Ok(Outcome::Failed)
}

/// Yanks (or unyanks) every version the journal shows published, dependents first (or, for
/// unyanking, dependencies first).
pub fn yank_all(ws: &Workspace, journal: &mut Journal, undo: bool, emit: &mut dyn FnMut(Event)) -> anyhow::Result<()> {
    let indices: Vec<usize> =
        if undo { (0..journal.steps.len()).collect() } else { (0..journal.steps.len()).rev().collect() };
    let mut complete = true;
    for i in indices {
        let s = journal.steps[i].clone();
        let wanted = if undo {
            s.state == StepState::Yanked
        } else {
            matches!(s.state, StepState::Published | StepState::Unconfirmed)
        };
        if !wanted {
            continue;
        }
        match registry::yank(ws, &s.package, &s.version, s.registry.as_deref(), undo) {
            Ok(()) => {
                journal.set(ws, i, if undo { StepState::Published } else { StepState::Yanked }, None)?;
                emit(if undo {
                    Event::Unyanked { package: s.package, version: s.version }
                } else {
                    Event::Yanked { package: s.package, version: s.version }
                });
            }
            Err(e) => {
                complete = false;
                journal.steps[i].error = Some(format!("{e:#}"));
                journal.save(ws)?;
                emit(Event::YankFailed { package: s.package, version: s.version, error: format!("{e:#}") });
            }
        }
    }
    journal.state = match (undo, complete) {
        (true, _) => TrainState::Completed,
        (false, true) => TrainState::RolledBack,
        (false, false) => TrainState::RollbackIncomplete,
    };
    journal.save(ws)
}

fn done(ws: &Workspace, journal: &Journal) -> Event {
    let state =
        serde_json::to_value(journal.state).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    Event::Done { state, live: journal.live(), journal: ws.relative(&Journal::path(ws)) }
}

/// A new journal for `steps`.
pub fn new_journal(steps: Vec<Step>, policy: Policy) -> Journal {
    let seed: String = steps.iter().map(|s| format!("{}@{}:{}", s.package, s.version, s.checksum)).collect();
    let started = now();
    let id = format!("{started}-{}", &crate::fsutil::sha256_hex(seed.as_bytes())[..8]);
    Journal {
        schema: 1,
        train: id,
        state: TrainState::InProgress,
        policy,
        started,
        steps,
        health: None,
        tags: Vec::new(),
    }
}

/// Whether an earlier train is unfinished (a fresh publish must not start over it).
pub fn unfinished(journal: &Journal) -> bool {
    matches!(journal.state, TrainState::InProgress | TrainState::Stopped | TrainState::RollbackIncomplete)
}

/// Re-packages the remaining steps and checks they are what was planned.
pub fn check_resumable(ws: &Workspace, journal: &Journal) -> anyhow::Result<()> {
    let remaining: Vec<String> =
        journal.steps.iter().filter(|s| s.state != StepState::Published).map(|s| s.package.clone()).collect();
    if remaining.is_empty() {
        return Ok(());
    }
    for s in journal.steps.iter().filter(|s| s.state != StepState::Published) {
        let m = ws.member(&s.package).with_context(|| format!("`{}` is no longer a workspace member", s.package))?;
        if m.version.to_string() != s.version {
            bail!(
                "`{}` is now {} in its manifest, but the train planned {}; the tree changed since",
                s.package,
                m.version,
                s.version
            );
        }
    }
    let files = registry::package(ws, &remaining, false)?;
    for (name, _, checksum) in files {
        let s = journal.steps.iter().find(|s| s.package == name).expect("packaged from the journal");
        if checksum != s.checksum {
            bail!(
                "{} {} packages differently than when the train was planned; the working tree changed since",
                s.package,
                s.version
            );
        }
    }
    Ok(())
}

/// The train at HEAD from release tags, when no journal is at hand (another machine).
pub fn journal_from_tags(ws: &Workspace) -> anyhow::Result<Option<Journal>> {
    let Some(repo) = Repo::discover(&ws.root) else { return Ok(None) };
    let head = repo.head()?;
    let mut steps = Vec::new();
    for tag in repo.tags()? {
        if repo.resolve(&tag).ok().as_deref() != Some(head.as_str()) {
            continue;
        }
        for m in &ws.members {
            if tag == ws.tag_name(&m.name, &m.version) {
                steps.push(Step {
                    package: m.name.clone(),
                    version: m.version.to_string(),
                    registry: registry_of(ws, &m.name),
                    checksum: String::new(),
                    state: StepState::Published,
                    error: None,
                    at: now(),
                });
            }
        }
    }
    if steps.is_empty() {
        return Ok(None);
    }
    let names: std::collections::BTreeSet<String> = steps.iter().map(|s| s.package.clone()).collect();
    let order = ws.topo_order(&names);
    steps.sort_by_key(|s| order.iter().position(|n| n == &s.package));
    let mut j = new_journal(steps, Policy::Rollback);
    j.train = format!("tags-at-{}", &head[..12.min(head.len())]);
    j.state = TrainState::Completed;
    Ok(Some(j))
}
