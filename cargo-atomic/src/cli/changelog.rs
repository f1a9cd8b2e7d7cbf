//! `cargo atomic changelog`: release notes from the API itself, written into each crate's
//! `CHANGELOG.md` (all or none), or printed as Markdown or JSON.

use std::collections::BTreeMap;

use clap::Args;

use super::{exit, AnalysisArgs, GlobalArgs};
use crate::analysis::{Assessment, Scope};
use crate::changelog::CrateNotes;
use crate::manifest::FileEdit;
use crate::shell::Shell;
use crate::workspace::Workspace;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ChangelogFormat {
    /// Write each crate's `CHANGELOG.md`, saying what was written.
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

/// The edits writing `notes` into each crate's `CHANGELOG.md`, and the crates whose file already
/// has their release.
pub(crate) fn edits(ws: &Workspace, notes: &[CrateNotes], date: &str) -> anyhow::Result<(Vec<FileEdit>, Vec<String>)> {
    let mut edits = Vec::new();
    let mut present = Vec::new();
    for n in notes {
        let Some(m) = ws.member(&n.package) else { continue };
        let path = m.dir.join("CHANGELOG.md");
        let before = match std::fs::read_to_string(&path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot read {}", path.display()))),
        };
        match crate::changelog::edit(before.as_deref(), n, date) {
            Some(after) => edits.push(FileEdit { path, before: before.unwrap_or_default(), after }),
            None => present.push(format!("{} already has {}", ws.relative(&path), n.version)),
        }
    }
    Ok((edits, present))
}

/// `core 2.0.0 (breaking changes: 1, added: 2)`.
pub(crate) fn summary(n: &CrateNotes) -> String {
    let parts: Vec<String> =
        n.sections.iter().map(|s| format!("{}: {}", s.title.to_lowercase(), s.entries.len())).collect();
    format!("{} {} ({})", n.package, n.version, parts.join(", "))
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
    let (edits, present) = edits(&ws, &notes, &date)?;
    for p in &present {
        shell.status("Skipping", p);
    }
    if !args.dry_run {
        let mut tx = crate::fsutil::Transaction::anchored(&ws.root);
        for e in &edits {
            tx.add(&e.path, e.after.clone().into_bytes());
        }
        tx.commit()?;
    }
    for e in &edits {
        let n = notes.iter().find(|n| ws.member(&n.package).is_some_and(|m| m.dir.join("CHANGELOG.md") == e.path));
        let verb = match (args.dry_run, e.before.is_empty()) {
            (true, true) => "Would create",
            (true, false) => "Would update",
            (false, true) => "Created",
            (false, false) => "Updated",
        };
        shell.status(verb, format!("{}: {}", ws.relative(&e.path), n.map(summary).unwrap_or_default()));
    }
    Ok(exit::OK)
}
