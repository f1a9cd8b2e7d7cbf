//! Everything that can be known before the first upload: the train consistent, the metadata the
//! registry requires, versions not yet taken, a clean tree, rate limits, every crate packaged and
//! built against the others.

use super::registry::{self, Published};
use super::{estimate, minutes, now, registry_of, Event, Options, RateEstimate, Step, StepState};
use crate::git::Repo;
use crate::train::{Problem, ProblemKind, Severity, Train};
use crate::workspace::{Publish, Workspace};

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

/// How long a trusted-publishing token lasts (crates.io: 30 minutes).
const TRUSTED_TOKEN_LIFETIME: u64 = 30 * 60;

/// What preflight found: the steps (with checksums), the problems, and the waits the registries'
/// rate limits will impose. The train must have no error for the steps to be published.
pub struct Preflight {
    pub steps: Vec<Step>,
    pub problems: Vec<Problem>,
    pub rate: Vec<RateEstimate>,
}

/// The checks a publish makes before anything else, which need no analysis of the APIs: a
/// clean git tree. The problems found (none: the tree is clean, or `--allow-dirty`).
pub fn before_analysis(ws: &Workspace, opts: &Options, emit: &mut dyn FnMut(Event)) -> anyhow::Result<Vec<Problem>> {
    if opts.allow_dirty {
        return Ok(Vec::new());
    }
    let mut problems = Vec::new();
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
    if problems.is_empty() {
        emit(Event::Checked { what: "clean git tree".to_string() });
    }
    Ok(problems)
}

/// Adds what a check found; `false` when it found an error, and the train stops there.
fn passed(found: Vec<Problem>, what: &str, problems: &mut Vec<Problem>, emit: &mut dyn FnMut(Event)) -> bool {
    let failed = found.iter().any(|p| p.severity == Severity::Error);
    problems.extend(found);
    if !failed {
        emit(Event::Checked { what: what.to_string() });
    }
    !failed
}

/// Everything else that can be known before the first upload, cheapest first; the first check
/// that finds an error stops there (a check is said `Checked` only when it passed).
pub fn preflight(
    ws: &Workspace,
    train: &Train,
    opts: &Options,
    emit: &mut dyn FnMut(Event),
) -> anyhow::Result<Preflight> {
    let mut problems: Vec<Problem> = Vec::new();
    let steps: Vec<(String, String)> = train.order.iter().map(|s| (s.package.clone(), s.to.to_string())).collect();
    let refused = |problems: Vec<Problem>| Ok(Preflight { steps: Vec::new(), problems, rate: Vec::new() });

    // Taken versions are asked again below, just before the uploads: the check's answer could be
    // stale.
    let mut found: Vec<Problem> =
        train.problems.iter().filter(|p| p.kind != ProblemKind::VersionExists).cloned().collect();
    if steps.is_empty() {
        found.push(problem(
            ProblemKind::NothingToPublish,
            Severity::Error,
            "",
            "no crate of the workspace needs a release".to_string(),
            "bump a version (`cargo atomic bump --level patch -p CRATE`) to release a crate",
        ));
    }
    if !passed(found, "release train (cargo atomic check)", &mut problems, emit) {
        return refused(problems);
    }

    let mut found = Vec::new();
    for (name, _) in &steps {
        let m = ws.member(name).expect("train crates are members");
        if m.publish == Publish::Nowhere {
            found.push(problem(
                ProblemKind::NotPublishable,
                Severity::Error,
                name,
                format!("`{name}` has `publish = false`"),
                "remove it from the train or allow publishing",
            ));
        }
        if m.description.is_none() {
            found.push(problem(
                ProblemKind::MissingMetadata,
                Severity::Error,
                name,
                format!("`{name}` has no `description`; registries require one"),
                "add `description = \"...\"` to its [package]",
            ));
        }
        if m.license.is_none() && m.license_file.is_none() {
            found.push(problem(
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
                found.push(problem(
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
            found.push(problem(
                ProblemKind::MissingRepository,
                Severity::Warning,
                name,
                format!("`{name}` has no `repository`"),
                "add `repository = \"...\"` so users find the source",
            ));
        }
    }
    if !passed(found, "package metadata", &mut problems, emit) {
        return refused(problems);
    }

    // Versions already taken (yanked ones too: a version number is never reused).
    let mut new_crates = Vec::new();
    let mut found = Vec::new();
    for (name, version) in &steps {
        let registry = registry_of(ws, name);
        match registry::published(ws, name, version, registry.as_deref())? {
            Published::Live { .. } => found.push(problem(
                ProblemKind::VersionExists,
                Severity::Error,
                name,
                format!("{name} {version} is already published"),
                "bump the version (`cargo atomic bump --level patch`)",
            )),
            Published::Yanked => found.push(problem(
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
    if !passed(found, "versions not yet in the registry", &mut problems, emit) {
        return refused(problems);
    }

    // Rate limits: the waits they impose, within --max-wait.
    let mut found = Vec::new();
    let rate = estimate(ws, &steps, &new_crates);
    let total: u64 = rate.iter().map(|r| r.seconds).sum();
    if total > opts.max_wait.as_secs() {
        let mut p = problem(
            ProblemKind::RateLimit,
            Severity::Error,
            "",
            format!(
                "the registry's rate limits make the train wait about {}, more than --max-wait ({})",
                minutes(total),
                minutes(opts.max_wait.as_secs())
            ),
            &format!("pass --max-wait {}m (or more), or release fewer crates in this train", total.div_ceil(60) + 5),
        );
        p.notes = rate.iter().map(RateEstimate::describe).collect();
        found.push(p);
    }

    // A trusted-publishing token cannot create a crate, and it expires.
    if opts.trusted_publishing {
        for name in &new_crates {
            found.push(problem(
                ProblemKind::NewCrateTrustedPublishing,
                Severity::Error,
                name,
                format!(
                    "`{name}` is not in {} yet, and a trusted-publishing token cannot create a crate",
                    registry_of(ws, name).as_deref().unwrap_or("crates.io")
                ),
                &format!(
                    "publish this train once with a token that can create crates (a registry API token, without \
                     --trusted-publishing), then add this repository as `{name}`'s trusted publisher in the \
                     registry's settings for the trains after it"
                ),
            ));
        }
        let uploads_take = total + steps.len() as u64 * 30;
        if opts.token_command.is_none() && uploads_take > TRUSTED_TOKEN_LIFETIME {
            found.push(problem(
                ProblemKind::TokenExpiresMidTrain,
                Severity::Error,
                "",
                format!(
                    "the train takes about {} at the registry's rate; a trusted-publishing token lasts {}",
                    minutes(uploads_take),
                    minutes(TRUSTED_TOKEN_LIFETIME)
                ),
                "pass --token-command with a command that prints a fresh token (the Action's \
                 `trusted-publishing: true` does), so that Cargo asks for one before each upload",
            ));
        }
    }
    if !passed(found, "rate limits", &mut problems, emit) {
        return Ok(Preflight { steps: Vec::new(), problems, rate });
    }

    // Package and build every crate against the others, before anything is uploaded.
    let names: Vec<String> = steps.iter().map(|(n, _)| n.clone()).collect();
    let mut planned = Vec::new();
    if !names.is_empty() {
        let step = |name: &String, version: &String, checksum: String| Step {
            package: name.clone(),
            version: version.clone(),
            registry: registry_of(ws, name),
            checksum,
            state: StepState::Planned,
            error: None,
            at: now(),
        };
        let failed = |e: anyhow::Error| {
            problem(
                ProblemKind::PackageFailed,
                Severity::Error,
                "",
                format!("{e:#}"),
                "fix the build of the packaged crates (`cargo package` shows the same)",
            )
        };
        match registry::package(ws, &names, true) {
            Ok(files) => {
                for (name, version) in &steps {
                    let checksum = files.iter().find(|(n, ..)| n == name).map(|(.., c)| c.clone()).unwrap_or_default();
                    planned.push(step(name, version, checksum));
                }
                passed(Vec::new(), "every crate packaged and built against the others", &mut problems, emit);
            }
            // An older Cargo packages a crate only once the crates it depends on are published:
            // the train is built against itself from the workspace now, and each crate packaged
            // when its turn comes (its checksum recorded before it is uploaded).
            Err(e) if registry::needs_published_dependencies(&format!("{e:#}"), &names) => {
                match registry::check_builds(ws, &names) {
                    Ok(()) => {
                        planned.extend(steps.iter().map(|(name, version)| step(name, version, String::new())));
                        let what = "every crate built against the others (this Cargo packages a crate only once the \
                                    crates it depends on are published: each is packaged just before its upload)";
                        passed(Vec::new(), what, &mut problems, emit);
                    }
                    Err(e) => problems.push(failed(e)),
                }
            }
            Err(e) => problems.push(failed(e)),
        }
        if problems.iter().any(|p| p.severity == Severity::Error) {
            return Ok(Preflight { steps: Vec::new(), problems, rate });
        }
        // Members that are not published (apps, examples, test harnesses) must still build with
        // the train: nothing else would notice before a user does.
        match registry::check_workspace(ws) {
            Ok(None) => emit(Event::Checked { what: "the whole workspace builds with the train".to_string() }),
            Ok(Some(tests)) => {
                emit(Event::Checked {
                    what: "the whole workspace builds with the train (its tests aside)".to_string(),
                });
                problems.push(problem(
                    ProblemKind::WorkspaceDoesNotBuild,
                    Severity::Warning,
                    "",
                    format!(
                        "the workspace's tests do not build with the train (`cargo check --workspace --lib --bins \
                         --examples --tests --locked`; its libraries, binaries and examples do):\n{tests}"
                    ),
                    "if the tests need features or a toolchain of their own, build them so; otherwise fix what the \
                     train breaks in them",
                ))
            }
            Err(e) => problems.push(problem(
                ProblemKind::WorkspaceDoesNotBuild,
                Severity::Error,
                "",
                format!("the workspace does not build with the train (`cargo check --workspace --lib --bins --examples --locked`):\n{e:#}"),
                "fix the members the train breaks (published or not), and commit the lockfile `cargo atomic bump` wrote",
            )),
        }
    }
    Ok(Preflight { steps: planned, problems, rate })
}
