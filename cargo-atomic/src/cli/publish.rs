//! `cargo atomic publish` and `cargo atomic rollback`.

use std::time::Duration;

use clap::Args;

use super::{exit, AnalysisArgs, GlobalArgs, MessageFormat};
use crate::analysis::Scope;
use crate::publish::{Event, Options, Outcome, Policy, TrainState};
use crate::shell::Shell;

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
    /// The longest the train may wait for the registries' rate limits, in all (90m, 2h, 45s):
    /// preflight refuses a train whose known limits need more; a run that would pass it stops
    /// for `--resume`.
    #[arg(long, value_name = "DURATION", default_value = "60m", value_parser = crate::publish::parse_duration)]
    max_wait: Duration,
    /// Accepted for older scripts: the train always waits as the registries' limits require.
    #[arg(long, hide = true)]
    pace: bool,
    /// A command that prints a registry token: Cargo runs it before each upload and each yank,
    /// so a long train never outlives a short-lived token (split at whitespace).
    #[arg(long, value_name = "COMMAND")]
    token_command: Option<String>,
    /// The token comes from trusted publishing: preflight refuses crates new to the registry
    /// (such a token cannot create them) and a train that outlasts the token without
    /// --token-command.
    #[arg(long)]
    trusted_publishing: bool,
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
    /// A command that prints a registry token: Cargo runs it before each yank.
    #[arg(long, value_name = "COMMAND")]
    token_command: Option<String>,
    /// Output format: human progress, or JSON events (one per line).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

/// Prints events as they come: human lines on stderr, or JSON lines on stdout.
fn reporter<'a>(shell: &'a mut Shell, format: MessageFormat) -> impl FnMut(Event) + 'a {
    move |event| {
        // Every step a train reports is a place a kill can land (a test hook; see `kill_point`).
        if std::env::var_os("CARGO_ATOMIC_TEST_KILL").is_some()
            || std::env::var_os("CARGO_ATOMIC_TEST_POINTS").is_some()
        {
            let kind = serde_json::to_value(&event).ok().and_then(|v| v["event"].as_str().map(str::to_string));
            crate::fsutil::kill_point(&kind.unwrap_or_default());
        }
        match format {
            MessageFormat::Json => shell.print(serde_json::to_string(&event).expect("serializable")),
            MessageFormat::Human => crate::report::publish::human(shell, &event),
        }
    }
}

pub fn run(global: &GlobalArgs, args: &PublishArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let opts = Options {
        allow_dirty: args.allow_dirty,
        dry_run: args.dry_run,
        policy: args.on_failure,
        max_wait: args.max_wait,
        token_command: args.token_command.clone(),
        trusted_publishing: args.trusted_publishing,
        index_timeout: Duration::from_secs(args.index_timeout),
        tag: !args.no_tag,
    };
    let ws = super::load_workspace(global, shell)?;
    let mut outcome = Outcome::NotStarted;
    if args.resume {
        outcome = crate::publish::resume(&ws, &opts, &mut reporter(shell, args.message_format))?;
        if outcome == Outcome::NotStarted {
            reporter(shell, args.message_format)(Event::Nothing {
                reason: "no train to resume: no journal, and none of the workspace's versions is in the registry \
                         (no train got to its first upload); starting the train"
                    .to_string(),
            });
        }
    }
    if outcome == Outcome::NotStarted {
        // What needs no analysis first: a dirty tree is refused in a moment, not after rustdoc.
        outcome =
            crate::publish::gate(&ws, &opts, &mut reporter(shell, args.message_format))?.unwrap_or(Outcome::NotStarted);
    }
    if outcome == Outcome::NotStarted {
        let a = super::assess(&ws, &args.analysis, Scope::Train, false, shell)?;
        outcome = crate::publish::start(&ws, &a.train, &opts, &mut reporter(shell, args.message_format))?;
    }
    Ok(match outcome {
        Outcome::Published | Outcome::DryRun => exit::OK,
        Outcome::Refused | Outcome::Failed | Outcome::NotStarted => exit::PROBLEMS,
    })
}

pub fn rollback(global: &GlobalArgs, args: &RollbackArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let ws = super::load_workspace(global, shell)?;
    let mut emit = reporter(shell, args.message_format);
    let journal =
        crate::publish::rollback(&ws, args.train.as_deref(), args.undo, args.token_command.as_deref(), &mut emit)?;
    Ok(match journal {
        Some(j) if j.state == TrainState::RollbackIncomplete => exit::PROBLEMS,
        _ => exit::OK,
    })
}
