//! `cargo atomic changelog`: release notes from the API itself, written into each crate's
//! changelog (the repository's layout: see `changelog::plan`), all or none, or printed as Markdown or JSON.

use std::collections::BTreeMap;

use clap::Args;

use super::{exit, AnalysisArgs, GlobalArgs};
use crate::analysis::{Assessment, Scope};
use crate::shell::Shell;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ChangelogFormat {
    /// Write the release notes into the changelogs the repository keeps, saying what was written.
    #[default]
    Human,
    /// Print the notes as Markdown (a release pull request's body, a GitHub release); write nothing.
    Markdown,
    /// Print the notes as JSON; write nothing.
    Json,
}

#[derive(Args, Debug)]
pub struct ChangelogArgs {
    #[command(flatten)]
    analysis: AnalysisArgs,
    #[arg(long, value_enum, default_value_t = ChangelogFormat::Human)]
    message_format: ChangelogFormat,
    /// The release date (YYYY-MM-DD; default: today, UTC).
    #[arg(long, value_parser = crate::changelog::parse_date)]
    date: Option<String>,
    /// Show what would be written; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Check each major finding with a witness program first: a finding whose witness compiles
    /// against the new API too is noted as probably not breaking.
    #[arg(long)]
    prove: bool,
}

/// The release version of every crate of the train: what the train plans, or `versions` where
/// given (what `bump` writes).
pub(crate) fn release_versions(
    a: &Assessment,
    versions: &[(String, semver::Version)],
) -> BTreeMap<String, semver::Version> {
    let mut out: BTreeMap<String, semver::Version> =
        a.train.order.iter().map(|s| (s.package.clone(), s.to.clone())).collect();
    out.extend(versions.iter().cloned());
    out
}

pub fn run(global: &GlobalArgs, args: &ChangelogArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let ws = super::load_workspace(global, shell)?;
    let a = super::assess(&ws, &args.analysis, Scope::Train, args.prove, shell)?;
    let date = args.date.clone().unwrap_or_else(crate::changelog::today);
    let notes = crate::changelog::notes(&a.diffs, &a.train, &release_versions(&a, &[]));
    match args.message_format {
        ChangelogFormat::Markdown => {
            shell.print(crate::changelog::markdown(&notes, &date).trim_end());
            return Ok(exit::OK);
        }
        ChangelogFormat::Json => {
            let doc = crate::changelog::Document { schema: crate::report::JSON_SCHEMA, date: &date, crates: &notes };
            shell.print(serde_json::to_string_pretty(&doc).expect("serializable"));
            return Ok(exit::OK);
        }
        ChangelogFormat::Human => {}
    }
    if notes.is_empty() {
        shell.status("Finished", "no crate needs a release; nothing to write");
        return Ok(exit::OK);
    }
    let plan = crate::changelog::plan(&ws, &notes, &date)?;
    if !args.dry_run {
        let mut tx = crate::fsutil::Transaction::anchored(&ws.root);
        for e in &plan.edits {
            tx.add(&e.path, e.after.clone().into_bytes());
        }
        tx.commit()?;
    }
    crate::report::changelog::human(shell, &plan, args.dry_run);
    Ok(exit::OK)
}
