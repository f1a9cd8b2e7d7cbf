//! `cargo atomic publish` and `cargo atomic rollback`.

use std::time::Duration;

use clap::Args;

use super::check::assess;
use super::{exit, AnalysisArgs, GlobalArgs, MessageFormat};
use crate::publish::{self, Event, Journal, Options, Outcome, Policy, TrainState};
use crate::shell::Shell;
use crate::workspace::Workspace;

#[derive(Args, Debug)]
pub struct PublishArgs {
    #[command(flatten)]
    analysis: AnalysisArgs,
    /// Run every check and print the plan; upload nothing.
    #[arg(long)]
    dry_run: bool,
    /// Continue the last train from its journal.
    #[arg(long, conflicts_with = "dry_run")]
    resume: bool,
    /// On a failed upload, index wait or health check: yank what this train published, or stop
    /// and keep the journal for `--resume`.
    #[arg(long, value_enum, default_value_t = Policy::Rollback)]
    on_failure: Policy,
    /// Publish with uncommitted changes in the git tree.
    #[arg(long)]
    allow_dirty: bool,
    /// Wait between uploads as the registry's rate limits require, instead of refusing.
    #[arg(long)]
    pace: bool,
    /// Seconds to keep waiting for a version to appear in the index after Cargo's own wait.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    index_timeout: u64,
    /// Do not create release tags after success.
    #[arg(long)]
    no_tag: bool,
    /// Output format: human progress, or JSON events (one per line).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

#[derive(Args, Debug)]
pub struct RollbackArgs {
    /// The train to yank (its id, from the journal); the last train by default.
    #[arg(long, value_name = "ID")]
    train: Option<String>,
    /// Unyank the train's versions instead.
    #[arg(long)]
    undo: bool,
    /// Output format: human progress, or JSON events (one per line).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

/// Prints events as they come: human lines on stderr, or JSON lines on stdout.
fn reporter<'a>(shell: &'a mut Shell, format: MessageFormat) -> impl FnMut(Event) + 'a {
    move |event| match format {
        MessageFormat::Json => shell.print(serde_json::to_string(&event).expect("serializable")),
        MessageFormat::Human => crate::report::publish::human(shell, &event),
    }
}

pub fn run(global: &GlobalArgs, args: &PublishArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let opts = Options {
        allow_dirty: args.allow_dirty,
        dry_run: args.dry_run,
        policy: args.on_failure,
        pace: args.pace,
        index_timeout: Duration::from_secs(args.index_timeout),
        tag: !args.no_tag,
    };
    if args.resume {
        let ws = super::load_workspace(global)?;
        return resume(&ws, &opts, shell, args.message_format);
    }
    let a = assess(global, &args.analysis, shell)?;
    if let Some(last) = Journal::load(&a.ws, None)? {
        if publish::unfinished(&last) && !opts.dry_run {
            anyhow::bail!(
                "train {} is unfinished ({:?}); run `cargo atomic publish --resume` or `cargo atomic rollback` first",
                last.train,
                last.state
            );
        }
    }
    let mut emit = reporter(shell, args.message_format);
    let (steps, problems) = publish::preflight(&a.ws, &a.train, &opts, &mut emit)?;
    let errors = problems.iter().any(|p| p.severity == crate::train::Severity::Error);
    for p in problems {
        emit(Event::Problem { problem: p });
    }
    if errors {
        emit(Event::Failed {
            package: None,
            version: None,
            error: "preflight refused the train; nothing was uploaded".to_string(),
        });
        return Ok(exit::PROBLEMS);
    }
    let journal = publish::new_journal(steps, opts.policy);
    emit(Event::Plan {
        train: journal.train.clone(),
        steps: journal.steps.iter().map(|s| (s.package.clone(), s.version.clone())).collect(),
    });
    if opts.dry_run {
        return Ok(exit::OK);
    }
    Ok(outcome_code(publish::publish(&a.ws, journal, &opts, &mut emit)?))
}

fn resume(ws: &Workspace, opts: &Options, shell: &mut Shell, format: MessageFormat) -> anyhow::Result<i32> {
    let Some(journal) = Journal::load(ws, None)? else {
        anyhow::bail!("no train to resume: {} does not exist", ws.relative(&Journal::path(ws)));
    };
    match journal.state {
        TrainState::Completed => anyhow::bail!("train {} is complete; nothing to resume", journal.train),
        TrainState::RolledBack => anyhow::bail!(
            "train {} was rolled back; its versions can never be reused: bump the versions and publish a new train",
            journal.train
        ),
        _ => {}
    }
    publish::check_resumable(ws, &journal)?;
    let mut emit = reporter(shell, format);
    Ok(outcome_code(publish::publish(ws, journal, opts, &mut emit)?))
}

fn outcome_code(outcome: Outcome) -> i32 {
    match outcome {
        Outcome::Published | Outcome::DryRun => exit::OK,
        Outcome::Refused | Outcome::Failed => exit::PROBLEMS,
    }
}

pub fn rollback(global: &GlobalArgs, args: &RollbackArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let ws = super::load_workspace(global)?;
    let journal = match Journal::load(&ws, args.train.as_deref())? {
        Some(j) => j,
        None if args.train.is_none() => match publish::journal_from_tags(&ws)? {
            Some(j) => j,
            None => anyhow::bail!("no train to roll back: no journal, and no release tag at HEAD"),
        },
        None => anyhow::bail!("no journal for train `{}`", args.train.as_deref().unwrap_or_default()),
    };
    let mut journal = journal;
    let mut emit = reporter(shell, args.message_format);
    publish::yank_all(&ws, &mut journal, args.undo, &mut emit)?;
    let live = journal.live();
    let state =
        serde_json::to_value(journal.state).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    emit(Event::Done { state, live, journal: ws.relative(&Journal::path(&ws)) });
    Ok(if journal.state == TrainState::RollbackIncomplete { exit::PROBLEMS } else { exit::OK })
}
