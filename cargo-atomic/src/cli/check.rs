//! `cargo atomic check`: the CI gate. Snapshots up to date, changes classified, bumps propagated
//! through the workspace, declared versions against required ones, the release train shown.

use clap::Args;

use super::{exit, AnalysisArgs, GlobalArgs};
use crate::analysis::Scope;
use crate::shell::Shell;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CheckFormat {
    #[default]
    Human,
    Json,
    /// GitHub Actions workflow commands (`::error file=...,line=...::...`).
    Github,
    /// A Markdown summary for a pull request comment or a job summary.
    Markdown,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub message_format: CheckFormat,
}

pub fn run(global: &GlobalArgs, args: &CheckArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let ws = super::load_workspace(global)?;
    let a = super::assess(&ws, &args.analysis, Scope::Train, shell)?;
    let report = crate::report::check::Report { train: &a.train, diffs: &a.diffs };
    match args.message_format {
        CheckFormat::Human => report.human(shell),
        CheckFormat::Json => shell.print(report.json()),
        CheckFormat::Github => shell.print(report.github()),
        CheckFormat::Markdown => shell.print(report.markdown()),
    }
    Ok(if a.train.consistent() { exit::OK } else { exit::PROBLEMS })
}
