//! `cargo atomic check`: the CI gate. Snapshots up to date, changes classified, bumps propagated
//! through the workspace, declared versions against required ones, the release train shown.

use anyhow::Context;
use clap::Args;

use super::{exit, AnalysisArgs, GlobalArgs};
use crate::analysis::Scope;
use crate::shell::Shell;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CheckFormat {
    #[default]
    Human,
    Json,
    /// GitHub Actions workflow commands (`::error file=...,line=...::...`); with
    /// `GITHUB_STEP_SUMMARY` set, the Markdown summary is also appended to that file.
    Github,
    /// A Markdown summary for a pull request comment or a job summary.
    Markdown,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub message_format: CheckFormat,
    /// Check each major finding with a witness program (see `diff --prove`; in a sharded run,
    /// the merge compiles them).
    #[arg(long)]
    pub prove: bool,
    /// `--deny warnings`: every warning fails the check as an error would.
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    #[command(flatten)]
    pub shards: super::ShardArgs,
}

/// What `--deny` makes an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Deny {
    Warnings,
}

pub fn run(global: &GlobalArgs, args: &CheckArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let ws = super::load_workspace(global, shell)?;
    let Some(mut a) =
        super::assess_sharded(&ws, &args.analysis, &args.shards, "check", Scope::Train, args.prove, shell)?
    else {
        return Ok(exit::OK);
    };
    if args.deny == Some(Deny::Warnings) {
        for p in &mut a.train.problems {
            p.severity = crate::train::Severity::Error;
        }
    }
    let report = crate::report::check::Report { train: &a.train, diffs: &a.diffs, configured: ws.configured };
    match args.message_format {
        CheckFormat::Human => report.human(shell),
        CheckFormat::Json => shell.print(report.json()),
        CheckFormat::Github => {
            shell.print(report.github());
            if let Some(summary) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|s| !s.is_empty()) {
                append(std::path::Path::new(&summary), &format!("{}\n", report.markdown()))?;
            }
        }
        CheckFormat::Markdown => shell.print(report.markdown()),
        CheckFormat::Sarif => shell.print(crate::report::sarif::check(&a.train, &a.diffs)),
    }
    Ok(if a.train.consistent() { exit::OK } else { exit::PROBLEMS })
}

/// Appends to a file the CI owns (`$GITHUB_STEP_SUMMARY`), as its protocol asks.
fn append(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open the step summary {}", path.display()))?;
    file.write_all(text.as_bytes()).with_context(|| format!("cannot write the step summary {}", path.display()))
}
