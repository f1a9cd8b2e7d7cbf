//! `cargo atomic snapshot`: write (or `--check`) the committed API snapshots.

use clap::Args;

use super::{exit, BuildArgs, GlobalArgs, SelectionArgs};
use crate::api::snapshot;
use crate::shell::Shell;

#[derive(Args, Debug)]
pub struct SnapshotArgs {
    /// Write nothing; exit 1 naming each crate whose committed snapshot is out of date.
    #[arg(long)]
    check: bool,
    #[command(flatten)]
    selection: SelectionArgs,
    #[command(flatten)]
    build: BuildArgs,
}

pub fn run(global: &GlobalArgs, args: &SnapshotArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let ws = super::load_workspace(global)?;
    let selected = ws.select(&args.selection.selection())?;
    let libs = super::with_libraries(&selected, shell);
    if libs.is_empty() {
        shell.warn("no selected package has a library target; nothing to snapshot");
        return Ok(exit::OK);
    }
    let opts = args.build.doc_options(shell);
    shell.status("Documenting", super::names(&libs));
    let apis = crate::rustdoc::build_apis(&ws, &libs, &opts)?;
    super::report_timings(shell, &apis);

    let mut stale = Vec::new();
    // All snapshots are written together, or none is.
    let mut writes = crate::fsutil::Transaction::default();
    let mut written = Vec::new();
    for member in &libs {
        let api = &apis[&member.name];
        let path = member.snapshot_path();
        let shown = ws.relative(&path);
        let text = snapshot::render(&api.snapshot);
        let existing = std::fs::read_to_string(&path).ok();
        let items = api.snapshot.items.len();
        if existing.as_deref() == Some(text.as_str()) {
            shell.status("Fresh", format!("{shown} ({items} items)"));
        } else if args.check {
            if let Some(old) = &existing {
                // A file that no longer parses is an error, not merely stale.
                snapshot::parse(old, &shown)?;
            }
            stale.push((member.name.clone(), shown, existing.is_none()));
        } else {
            snapshot::verify(&text, &api.snapshot)?;
            writes.add(&path, text.into_bytes());
            let verb = if existing.is_some() { "Updated" } else { "Created" };
            written.push((verb, format!("{shown} ({items} items)")));
        }
        let unchecked = member.unchecked_features(&api.snapshot.checked_features);
        if !unchecked.is_empty() {
            shell.note(unchecked_note(&member.name, &unchecked));
        }
    }
    writes.commit()?;
    for (verb, what) in written {
        shell.status(verb, what);
    }
    if stale.is_empty() {
        return Ok(exit::OK);
    }
    for (name, path, missing) in &stale {
        let what = if *missing { "is missing" } else { "is out of date" };
        shell.error(format!("the API snapshot of `{name}` {what}: {path}"));
    }
    shell.note("run `cargo atomic snapshot` to write the snapshots, then commit them");
    Ok(exit::PROBLEMS)
}

pub(super) fn unchecked_note(name: &str, unchecked: &[String]) -> String {
    let list: Vec<String> = unchecked.iter().map(|f| format!("`{f}`")).collect();
    let toml: Vec<String> = unchecked.iter().map(|f| format!("{f:?}")).collect();
    format!(
        "{name}: optional features {} are not checked; include them with `features = [{}]` or \
         `all-features = true` under `[package.metadata.atomic]`",
        list.join(", "),
        toml.join(", ")
    )
}
