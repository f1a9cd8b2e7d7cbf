//! The upload loop: dependency order, index confirmation, the failure policy (rollback by yank,
//! or stop for resume), the health check and the tags; yanking a train; checking a resume.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use super::registry::{self, Published};
use super::{rate_limits, Event, Journal, Options, Outcome, Policy, Step, StepState, TrainState};
use crate::git::Repo;
use crate::workspace::Workspace;

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
    // Seconds waited for rate limits, in all.
    let mut waited = 0u64;
    for i in 0..of {
        let step = journal.steps[i].clone();
        if step.state == StepState::Published {
            continue;
        }
        // A step that may have reached the registry before an interruption. Any error from here
        // on goes through the failure policy: versions may be live already.
        let known = match registry::published(ws, &step.package, &step.version, step.registry.as_deref()) {
            Ok(known) => known,
            Err(e) => {
                let error = format!("cannot ask the registry about {} {}: {e:#}", step.package, step.version);
                return fail(ws, &mut journal, None, error, opts, emit);
            }
        };
        let new_crate = known == Published::NewCrate;
        match known {
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
            Published::NewCrate | Published::Absent => {
                // The registry's known limits: a burst, then one upload per interval.
                let limit = limits_for(step.registry.as_deref()).map(|(c, v)| if new_crate { c } else { v });
                let uploaded = if new_crate { &mut uploaded_new } else { &mut uploaded_versions };
                if let Some((burst, every)) = limit {
                    if *uploaded >= burst {
                        let reason =
                            if new_crate { "rate limit for new crates" } else { "rate limit for new versions" };
                        if !wait_for_rate(every, reason, &mut waited, opts, emit) {
                            return stop_for_rate(ws, &mut journal, i, every, waited, opts, emit);
                        }
                    }
                }
                *uploaded += 1;
            }
        }
        if step.checksum.is_empty() {
            // Planned by a Cargo that packages a crate only once the crates it depends on are
            // published: packaged now that they are, and its checksum recorded before the upload,
            // so that a resume knows the version in the registry for this train's.
            match registry::package(ws, std::slice::from_ref(&step.package), false) {
                Ok(files) => {
                    journal.steps[i].checksum = files.into_iter().next().map(|(.., c)| c).unwrap_or_default();
                    journal.save(ws)?;
                }
                Err(e) => {
                    let error = format!("cannot package {} {}: {e:#}", step.package, step.version);
                    return fail_at(ws, &mut journal, i, error, opts, emit);
                }
            }
        }
        journal.set(ws, i, StepState::Uploading, None)?;
        emit(Event::Uploading { package: step.package.clone(), version: step.version.clone(), n: i + 1, of });
        let out = loop {
            let out =
                match registry::publish(ws, &step.package, step.registry.as_deref(), opts.token_command.as_deref()) {
                    Ok(out) => out,
                    Err(e) => {
                        let error = format!("cannot run `cargo publish` for {} {}: {e:#}", step.package, step.version);
                        return fail_at(ws, &mut journal, i, error, opts, emit);
                    }
                };
            let Some(wait) = registry::rate_limited(&out) else { break out };
            // The registry's rate limit: nothing was stored. Wait as it says, within --max-wait
            // (yanking a train for a rate limit would waste its versions).
            let seconds = wait.unwrap_or_else(|| {
                limits_for(step.registry.as_deref()).map(|(c, v)| if new_crate { c.1 } else { v.1 }).unwrap_or(60)
            });
            if wait_for_rate(seconds, "the registry's rate limit (429)", &mut waited, opts, emit) {
                continue;
            }
            return stop_for_rate(ws, &mut journal, i, seconds, waited, opts, emit);
        };
        if registry::token_refused(&out) {
            // The token expired (or cannot do this): nothing was stored, and yanking with the same
            // token would fail too. The train stops for a resume with a fresh token.
            let error = format!(
                "the registry refused the token for {} {}: {}; with a fresh token, `cargo atomic publish --resume` \
                 completes the train (or `cargo atomic rollback` yanks what it published)",
                step.package,
                step.version,
                registry::cargo_error(&out)
            );
            journal.set(ws, i, StepState::Planned, Some(error.clone()))?;
            journal.state = TrainState::Stopped;
            journal.save(ws)?;
            emit(Event::Failed { package: Some(step.package.clone()), version: Some(step.version.clone()), error });
            emit(done(ws, &journal));
            return Ok(Outcome::Failed);
        }
        if !out.status.success() {
            let error = format!("uploading {} {} failed: {}", step.package, step.version, registry::cargo_error(&out));
            if registry::reported_uploaded(&out, &step.package, &step.version) {
                // Cargo uploaded it and then failed waiting for the index: it is live as far as
                // anyone can tell.
                journal.set(ws, i, StepState::Unconfirmed, Some(error.clone()))?;
                return fail(ws, &mut journal, None, format!("{error} (the upload itself went through)"), opts, emit);
            }
            return fail_at(ws, &mut journal, i, error, opts, emit);
        }
        emit(Event::WaitingForIndex { package: step.package.clone(), version: step.version.clone() });
        match visible(ws, &step, opts.index_timeout) {
            Ok(true) => {}
            Ok(false) => {
                journal.set(ws, i, StepState::Unconfirmed, None)?;
                let error = format!(
                    "{} {} was uploaded but did not appear in the index within Cargo's wait and {} s more",
                    step.package,
                    step.version,
                    opts.index_timeout.as_secs()
                );
                return fail(ws, &mut journal, None, error, opts, emit);
            }
            Err(e) => {
                journal.set(ws, i, StepState::Unconfirmed, None)?;
                let error = format!(
                    "{} {} was uploaded, then the registry stopped answering: {e:#}",
                    step.package, step.version
                );
                return fail(ws, &mut journal, None, error, opts, emit);
            }
        }
        journal.set(ws, i, StepState::Published, None)?;
        emit(Event::Published { package: step.package.clone(), version: step.version.clone() });
    }

    // Health check: a user depending on the whole train, from the registry.
    let deps: Vec<(String, String, Option<String>)> =
        journal.steps.iter().map(|s| (s.package.clone(), s.version.clone(), s.registry.clone())).collect();
    let health = match registry::health_check(ws, &deps) {
        Ok(h) => h,
        Err(e) => Err(format!("cannot run it: {e:#}")),
    };
    match health {
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
            let steps: Vec<(String, semver::Version)> = journal
                .steps
                .iter()
                .map(|s| Ok((s.package.clone(), semver::Version::parse(&s.version)?)))
                .collect::<anyhow::Result<_>>()?;
            for (tag, names) in ws.release_tags(steps.iter().map(|(p, v)| (p.as_str(), v))) {
                if existing.contains(&tag) {
                    continue;
                }
                let marks: Vec<String> = names
                    .iter()
                    .filter_map(|n| steps.iter().find(|(p, _)| p == n).map(|(p, v)| format!("{p} {v}")))
                    .collect();
                match repo.create_tag(&tag, &format!("{} (train {})", marks.join(", "), journal.train)) {
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

/// Waits `seconds` for a registry's rate limit, reporting the wait as it goes (at its start, then
/// each minute). `false`, without waiting, when the run would pass `--max-wait`.
fn wait_for_rate(seconds: u64, reason: &str, waited: &mut u64, opts: &Options, emit: &mut dyn FnMut(Event)) -> bool {
    let max_wait = opts.max_wait.as_secs();
    if *waited + seconds > max_wait {
        return false;
    }
    let mut left = seconds;
    while left > 0 {
        emit(Event::Waiting { seconds: left, reason: reason.to_string(), waited: *waited, max_wait });
        let chunk = left.min(60);
        std::thread::sleep(Duration::from_secs(chunk));
        left -= chunk;
        *waited += chunk;
    }
    true
}

/// The run has waited for rate limits as long as `--max-wait` allows: step `i` stays planned and
/// the train stops for `--resume` (nothing is yanked: the versions are good, only early).
fn stop_for_rate(
    ws: &Workspace,
    journal: &mut Journal,
    i: usize,
    needed: u64,
    waited: u64,
    opts: &Options,
    emit: &mut dyn FnMut(Event),
) -> anyhow::Result<Outcome> {
    let step = journal.steps[i].clone();
    let error = format!(
        "{} {} must wait {} more for the registry's rate limit, and the train has waited {} of --max-wait {}; \
         stopped with nothing lost: `cargo atomic publish --resume` goes on (later, or with a longer --max-wait)",
        step.package,
        step.version,
        super::minutes(needed),
        super::minutes(waited),
        super::minutes(opts.max_wait.as_secs())
    );
    journal.set(ws, i, StepState::Planned, Some(error.clone()))?;
    journal.state = TrainState::Stopped;
    journal.save(ws)?;
    emit(Event::Failed { package: Some(step.package), version: Some(step.version), error });
    emit(done(ws, journal));
    Ok(Outcome::Failed)
}

/// Polls the registry until `step` is visible (Cargo has already waited its own minute).
fn visible(ws: &Workspace, step: &Step, timeout: Duration) -> anyhow::Result<bool> {
    let start = Instant::now();
    loop {
        crate::fsutil::kill_point("index-poll");
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

/// The upload of step `i` failed: unless the registry says the version is not there, it may be
/// live (the request can have been stored before the connection broke), and counts as such.
fn fail_at(
    ws: &Workspace,
    journal: &mut Journal,
    i: usize,
    error: String,
    opts: &Options,
    emit: &mut dyn FnMut(Event),
) -> anyhow::Result<Outcome> {
    let s = journal.steps[i].clone();
    match registry::published(ws, &s.package, &s.version, s.registry.as_deref()) {
        Ok(Published::Absent | Published::NewCrate) => fail(ws, journal, Some(i), error, opts, emit),
        Ok(Published::Live { .. }) => {
            journal.set(ws, i, StepState::Unconfirmed, Some(error.clone()))?;
            fail(ws, journal, None, format!("{error} (yet the registry has it)"), opts, emit)
        }
        Ok(Published::Yanked) => {
            journal.set(ws, i, StepState::Yanked, Some(error.clone()))?;
            fail(ws, journal, None, error, opts, emit)
        }
        Err(_) => {
            journal.set(ws, i, StepState::Unconfirmed, Some(error.clone()))?;
            fail(ws, journal, None, format!("{error} (the registry cannot say whether it arrived)"), opts, emit)
        }
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
        Policy::Rollback => yank_all(ws, journal, false, opts.token_command.as_deref(), emit)?,
    }
    emit(done(ws, journal));
    Ok(Outcome::Failed)
}

/// Yanks (or unyanks) every version the journal shows published, dependents first (or, for
/// unyanking, dependencies first).
pub fn yank_all(
    ws: &Workspace,
    journal: &mut Journal,
    undo: bool,
    token: Option<&str>,
    emit: &mut dyn FnMut(Event),
) -> anyhow::Result<()> {
    let indices: Vec<usize> =
        if undo { (0..journal.steps.len()).collect() } else { (0..journal.steps.len()).rev().collect() };
    let mut complete = true;
    for i in indices {
        let s = journal.steps[i].clone();
        let wanted = if undo {
            s.state == StepState::Yanked
        } else {
            match s.state {
                // Uploaded (confirmed or not: an unconfirmed one may be stored yet unindexed).
                StepState::Published | StepState::Unconfirmed => true,
                // An upload that was running or failed: the registry says whether it is there.
                StepState::Uploading | StepState::Failed => {
                    match registry::published(ws, &s.package, &s.version, s.registry.as_deref()) {
                        Ok(Published::Live { .. }) => true,
                        Ok(Published::Yanked) => {
                            journal.set(ws, i, StepState::Yanked, s.error.clone())?;
                            false
                        }
                        Ok(Published::Absent | Published::NewCrate) => {
                            // It never arrived: not live, nothing to yank.
                            if s.state != StepState::Failed {
                                journal.set(ws, i, StepState::Failed, s.error.clone())?;
                            }
                            false
                        }
                        Err(e) => {
                            complete = false;
                            journal.set(ws, i, StepState::Unconfirmed, s.error.clone())?;
                            emit(Event::YankFailed {
                                package: s.package.clone(),
                                version: s.version.clone(),
                                error: format!("cannot ask the registry whether it is live: {e:#}"),
                            });
                            continue;
                        }
                    }
                }
                StepState::Planned | StepState::Yanked => false,
            }
        };
        if !wanted {
            continue;
        }
        match registry::yank(ws, &s.package, &s.version, s.registry.as_deref(), undo, token) {
            Ok(()) => {
                journal.set(ws, i, if undo { StepState::Published } else { StepState::Yanked }, None)?;
                emit(if undo {
                    Event::Unyanked { package: s.package, version: s.version }
                } else {
                    Event::Yanked { package: s.package, version: s.version }
                });
            }
            Err(e) => {
                let e = match e {
                    registry::YankError::Token(message) => anyhow::anyhow!(
                        "the registry refused the token ({message}): it has expired, or cannot {}; with a fresh \
                         token, `cargo atomic rollback{}` again",
                        if undo { "unyank" } else { "yank" },
                        if undo { " --undo" } else { "" }
                    ),
                    registry::YankError::Other(e) => e,
                };
                // An unconfirmed upload the registry positively does not have never arrived.
                let absent = s.state == StepState::Unconfirmed
                    && !undo
                    && matches!(
                        registry::published(ws, &s.package, &s.version, s.registry.as_deref()),
                        Ok(Published::Absent | Published::NewCrate)
                    );
                if absent {
                    journal.set(ws, i, StepState::Failed, Some(format!("never arrived: {e:#}")))?;
                    continue;
                }
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

pub(crate) fn done(ws: &Workspace, journal: &Journal) -> Event {
    let state =
        serde_json::to_value(journal.state).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    Event::Done {
        state,
        live: journal.live(),
        unconfirmed: journal.unconfirmed(),
        journal: ws.relative(&Journal::path(ws)),
    }
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
    // Steps planned without a checksum are packaged when their turn comes; the others must still
    // package as planned (one at a time where this Cargo cannot package the rest before it is
    // published: their dependencies were published when they were packaged).
    let known: Vec<String> = journal
        .steps
        .iter()
        .filter(|s| s.state != StepState::Published && !s.checksum.is_empty())
        .map(|s| s.package.clone())
        .collect();
    if known.is_empty() {
        return Ok(());
    }
    let files = match registry::package(ws, &known, false) {
        Ok(files) => files,
        Err(e) if registry::needs_published_dependencies(&format!("{e:#}"), &remaining) => {
            let mut files = Vec::new();
            for name in &known {
                files.extend(registry::package(ws, std::slice::from_ref(name), false)?);
            }
            files
        }
        Err(e) => return Err(e),
    };
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
