//! The three ways a run begins: a new train (refused over an unfinished one, gated by preflight),
//! a resumed train (refused when complete or rolled back), and a rollback (of a journal, or of
//! the train at HEAD's release tags when no journal is at hand).

use anyhow::bail;

use super::{Event, Journal, Options, Outcome, TrainState};
use crate::train::{Severity, Train};
use crate::workspace::Workspace;

/// What a new train must pass before its APIs are analyzed: no unfinished train, a clean tree.
/// `Some(Refused)` when it does not (the problems reported).
pub fn gate(ws: &Workspace, opts: &Options, emit: &mut dyn FnMut(Event)) -> anyhow::Result<Option<Outcome>> {
    if let Some(last) = Journal::load(ws, None)? {
        if super::unfinished(&last) && !opts.dry_run {
            bail!(
                "train {} is unfinished ({:?}); run `cargo atomic publish --resume` or `cargo atomic rollback` first",
                last.train,
                last.state
            );
        }
    }
    let problems = super::preflight::before_analysis(ws, opts, emit)?;
    Ok(refuse(problems, emit))
}

/// Reports the problems; `Some(Refused)` when one is an error.
fn refuse(problems: Vec<crate::train::Problem>, emit: &mut dyn FnMut(Event)) -> Option<Outcome> {
    let errors = problems.iter().any(|p| p.severity == Severity::Error);
    for p in problems {
        emit(Event::Problem { problem: p });
    }
    if !errors {
        return None;
    }
    emit(Event::Failed {
        package: None,
        version: None,
        error: "preflight refused the train; nothing was uploaded".to_string(),
    });
    Some(Outcome::Refused)
}

/// Verifies `train` and, unless `opts.dry_run`, publishes it (after [`gate`]).
pub fn start(ws: &Workspace, train: &Train, opts: &Options, emit: &mut dyn FnMut(Event)) -> anyhow::Result<Outcome> {
    let super::preflight::Preflight { steps, problems, rate } = super::preflight(ws, train, opts, emit)?;
    if let Some(refused) = refuse(problems, emit) {
        return Ok(refused);
    }
    let journal = super::new_journal(steps, opts.policy);
    let tags = match opts.tag {
        true => {
            let versions: Vec<(String, semver::Version)> = journal
                .steps
                .iter()
                .filter_map(|s| Some((s.package.clone(), semver::Version::parse(&s.version).ok()?)))
                .collect();
            ws.release_tags(versions.iter().map(|(p, v)| (p.as_str(), v))).into_iter().map(|(t, _)| t).collect()
        }
        false => Vec::new(),
    };
    // A dry run starts no train: its plan is named by what it would publish alone (the same
    // plan, the same words), not by the moment it ran.
    let name = match opts.dry_run {
        true => journal.train.split_once('-').map_or(journal.train.clone(), |(_, plan)| plan.to_string()),
        false => journal.train.clone(),
    };
    emit(Event::Plan {
        train: name,
        steps: journal.steps.iter().map(|s| (s.package.clone(), s.version.clone())).collect(),
        groups: train.groups.iter().filter(|g| g.release_version.is_some()).cloned().collect(),
        rate,
        tags,
    });
    if opts.dry_run {
        return Ok(Outcome::DryRun);
    }
    super::publish(ws, journal, opts, emit)
}

/// Continues the last train from its journal. Without a journal, and with none of the
/// workspace's versions in the registry, no train got as far as its first upload (a run killed in
/// preflight): [`Outcome::NotStarted`], for the caller to start one.
pub fn resume(ws: &Workspace, opts: &Options, emit: &mut dyn FnMut(Event)) -> anyhow::Result<Outcome> {
    let Some(journal) = Journal::load(ws, None)? else {
        let found = versions_in_registry(ws)?;
        if found.is_empty() {
            return Ok(Outcome::NotStarted);
        }
        bail!(
            "no train to resume: {} does not exist, yet the registry has {} (published by another run, or its \
             journal was deleted); `cargo atomic check` says what the workspace still needs",
            ws.relative(&Journal::path(ws)),
            listing(&found)
        );
    };
    match journal.state {
        TrainState::Completed => {
            emit(Event::Nothing { reason: format!("train {} is complete; nothing to resume", journal.train) });
            emit(super::run::done(ws, &journal));
            return Ok(Outcome::Published);
        }
        TrainState::RolledBack => bail!(
            "train {} was rolled back; its versions can never be reused: bump the versions and publish a new train",
            journal.train
        ),
        _ => {}
    }
    super::check_resumable(ws, &journal)?;
    super::publish(ws, journal, opts, emit)
}

/// Yanks (or with `undo`, unyanks) the versions of train `id`, or of the last train; without a
/// journal, of the train the release tags at HEAD name. Returns the journal as it ends; `None`
/// when there is no train and none of the workspace's versions is in the registry (a run killed
/// before its first upload): nothing to roll back.
pub fn rollback(
    ws: &Workspace,
    id: Option<&str>,
    undo: bool,
    token: Option<&str>,
    emit: &mut dyn FnMut(Event),
) -> anyhow::Result<Option<Journal>> {
    let mut journal = match Journal::load(ws, id)? {
        Some(j) => j,
        None if id.is_none() => match super::journal_from_tags(ws)? {
            Some(j) => j,
            None => {
                let found = versions_in_registry(ws)?;
                if found.is_empty() {
                    emit(Event::Nothing {
                        reason: "nothing to roll back: no journal, no release tag at HEAD, and none of the \
                                 workspace's versions is in the registry"
                            .to_string(),
                    });
                    return Ok(None);
                }
                bail!(
                    "no train to roll back: no journal and no release tag at HEAD, yet the registry has {}; \
                     yank what should go with `cargo yank`",
                    listing(&found)
                )
            }
        },
        None => bail!("no journal for train `{}`", id.unwrap_or_default()),
    };
    super::yank_all(ws, &mut journal, undo, token, emit)?;
    emit(super::run::done(ws, &journal));
    Ok(Some(journal))
}

/// The versions the manifests of the workspace's publishable members name that their registry
/// holds (live or yanked).
fn versions_in_registry(ws: &Workspace) -> anyhow::Result<Vec<(String, String)>> {
    let mut found = Vec::new();
    for m in ws.members.iter().filter(|m| m.is_publishable()) {
        let version = m.version.to_string();
        match super::registry::published(ws, &m.name, &version, super::registry_of(ws, &m.name).as_deref())? {
            super::registry::Published::Live { .. } | super::registry::Published::Yanked => {
                found.push((m.name.clone(), version))
            }
            super::registry::Published::Absent | super::registry::Published::NewCrate => {}
        }
    }
    Ok(found)
}

fn listing(versions: &[(String, String)]) -> String {
    versions.iter().map(|(n, v)| format!("{n} {v}")).collect::<Vec<_>>().join(", ")
}
