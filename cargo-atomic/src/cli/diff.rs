//! `cargo atomic diff`: changes between each crate's baseline and its current API.

use std::path::PathBuf;

use clap::Args;

use super::{exit, AnalysisArgs, GlobalArgs};
use crate::analysis::Scope;
use crate::baseline::Spec;
use crate::diff::Bump;
use crate::shell::Shell;

/// Which baseline to compare with (default: the last release).
#[derive(Args, Debug, Clone, Default)]
pub struct BaselineArgs {
    /// Compare with the committed snapshots (or the tree) at this git revision.
    #[arg(long, value_name = "REV", group = "baseline")]
    pub baseline_rev: Option<String>,
    /// Compare with another checkout of the workspace, or an old copy of a package.
    #[arg(long, value_name = "DIR", group = "baseline")]
    pub baseline_path: Option<PathBuf>,
    /// Compare with this version from the crate's registry.
    #[arg(long, value_name = "VERSION", group = "baseline")]
    pub baseline_version: Option<semver::Version>,
}

impl BaselineArgs {
    pub fn spec(&self) -> Spec {
        if let Some(rev) = &self.baseline_rev {
            Spec::Rev(rev.clone())
        } else if let Some(path) = &self.baseline_path {
            Spec::Path(path.clone())
        } else if let Some(v) = &self.baseline_version {
            Spec::Version(v.clone())
        } else {
            Spec::LastRelease
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DiffFormat {
    #[default]
    Human,
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    #[command(flatten)]
    analysis: AnalysisArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    message_format: DiffFormat,
    /// Exit with 1 when a change at or above this level is found.
    #[arg(long, value_enum, value_name = "LEVEL")]
    deny: Option<Bump>,
    /// Check each major finding with a witness program: code that compiles against the baseline
    /// and should fail against the current API (runs `cargo check` on both sides).
    #[arg(long)]
    prove: bool,
    #[command(flatten)]
    shards: super::ShardArgs,
}

pub fn run(global: &GlobalArgs, args: &DiffArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let ws = super::load_workspace(global, shell)?;
    let Some(a) = super::assess_sharded(&ws, &args.analysis, &args.shards, "diff", Scope::Selected, args.prove, shell)?
    else {
        return Ok(exit::OK);
    };
    match args.message_format {
        DiffFormat::Json => shell.print(crate::report::diff::json(&a.diffs)),
        DiffFormat::Sarif => shell.print(crate::report::sarif::diff(&a.diffs)),
        DiffFormat::Human => crate::report::diff::human(shell, &a.diffs),
    }
    let denied = args.deny.is_some_and(|t| a.diffs.iter().any(|d| d.changes.required_bump.is_some_and(|b| b >= t)));
    Ok(if denied { exit::PROBLEMS } else { exit::OK })
}
