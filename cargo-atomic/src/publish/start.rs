//! The three ways a run begins: a new train (refused over an unfinished one, gated by preflight),
//! a resumed train (refused when complete or rolled back), and a rollback (of a journal, or of
//! the train at HEAD's release tags when no journal is at hand).

use anyhow::bail;

use super::{Event, Journal, Options, Outcome, TrainState};
use crate::train::{Severity, Train};
use crate::workspace::Workspace;

/// Verifies `train` and, unless `opts.dry_run`, publishes it.
pub fn start(ws: &Workspace, train: &Train, opts: &Options, emit: &mut dyn FnMut(Event)) -> anyhow::Result<Outcome> {
    if let Some(last) = Journal::load(ws, None)? {
        if super::unfinished(&last) && !opts.dry_run {
            bail!(
                "train {} is unfinished ({:?}); run `cargo atomic publish --resume` or `cargo atomic rollback` first",
                last.train,
                last.state
            );
        }
    }
    let (steps, problems) = super::preflight(ws, train, opts, emit)?;
    let errors = problems.iter().any(|p| p.severity == Severity::Error);
    for p in problems {
        emit(Event::Problem { problem: p });
    }
    if errors {
        emit(Event::Failed {
            package: None,
            version: None,
            error: "preflight refused the train; nothing was uploaded".to_string(),
        });
        return Ok(Outcome::Refused);
    }
    let journal = super::new_journal(steps, opts.policy);
    emit(Event::Plan {
        train: journal.train.clone(),
        steps: journal.steps.iter().map(|s| (s.package.clone(), s.version.clone())).collect(),
        groups: train.groups.iter().filter(|g| g.release_version.is_some()).cloned().collect(),
    });
    if opts.dry_run {
        return Ok(Outcome::DryRun);
    }
    super::publish(ws, journal, opts, emit)
}

/// Continues the last train from its journal.
pub fn resume(ws: &Workspace, opts: &Options, emit: &mut dyn FnMut(Event)) -> anyhow::Result<Outcome> {
    let Some(journal) = Journal::load(ws, None)? else {
        bail!("no train to resume: {} does not exist", ws.relative(&Journal::path(ws)));
    };
    match journal.state {
        TrainState::Completed => bail!("train {} is complete; nothing to resume", journal.train),
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
/// journal, of the train the release tags at HEAD name. Returns the journal as it ends.
pub fn rollback(ws: &Workspace, id: Option<&str>, undo: bool, emit: &mut dyn FnMut(Event)) -> anyhow::Result<Journal> {
    let mut journal = match Journal::load(ws, id)? {
        Some(j) => j,
        None if id.is_none() => match super::journal_from_tags(ws)? {
            Some(j) => j,
            None => bail!("no train to roll back: no journal, and no release tag at HEAD"),
        },
        None => bail!("no journal for train `{}`", id.unwrap_or_default()),
    };
    super::yank_all(ws, &mut journal, undo, emit)?;
    emit(super::run::done(ws, &journal));
    Ok(journal)
}
