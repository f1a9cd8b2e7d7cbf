//! `cargo atomic snapshot`: write (or `--check`) the committed API snapshots.

use clap::Args;

use super::{exit, BuildArgs, GlobalArgs, SelectionArgs};
use crate::analysis::{Freshness, Scope};
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
    #[command(flatten)]
    shards: super::ShardArgs,
}

pub fn run(global: &GlobalArgs, args: &SnapshotArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let ws = super::load_workspace(global, shell)?;
    let selected = crate::analysis::covered(&ws, &args.selection.selection(), Scope::Selected)?;
    let libs = crate::analysis::libraries(&selected, Some(&mut super::progress(shell)));
    if libs.is_empty() {
        shell.warn("no selected package has a library target; nothing to snapshot");
        return Ok(exit::OK);
    }
    let mut doc = args.build.doc_options(shell);
    let key =
        format!("selection {:?}; features {:?}; target {:?}", args.selection.selection(), doc.features, doc.target);
    // `--check` and writing document alike: one set of shards serves either merge.
    let collect = |doc: &crate::rustdoc::DocOptions, shell: &mut Shell| {
        crate::analysis::document(&ws, &libs, doc, &mut super::progress(shell)).map(|_| ())
    };
    if let Some(code) = super::shard(&ws, &args.shards, "snapshot", key, &mut doc, shell, collect)? {
        return Ok(code);
    }
    let apis = crate::analysis::document(&ws, &libs, &doc, &mut super::progress(shell))?;
    let states = crate::analysis::freshness(&ws, &libs, &apis);
    for (s, m) in states.iter().zip(&libs) {
        if s.freshness == Freshness::Fresh {
            shell.status("Fresh", format!("{} ({} items)", s.file, s.items));
        }
        if let Some(e) = s.corrupt().filter(|_| args.check) {
            return Err(e);
        }
        let unchecked = m.unchecked_features(&apis[&m.name].snapshot.checked_features);
        if !unchecked.is_empty() {
            shell.note(crate::report::unchecked_note(&m.name, &unchecked));
        }
    }
    if !args.check {
        for w in crate::analysis::write_snapshots(&ws, &states, &apis)? {
            shell.status(if w.created { "Created" } else { "Updated" }, format!("{} ({} items)", w.file, w.items));
        }
        return Ok(exit::OK);
    }
    let stale: Vec<_> = states.iter().filter(|s| s.freshness != Freshness::Fresh).collect();
    if stale.is_empty() {
        return Ok(exit::OK);
    }
    for s in stale {
        let what = if s.freshness == Freshness::Missing { "is missing" } else { "is out of date" };
        shell.error(format!("the API snapshot of `{}` {what}: {}", s.package, s.file));
    }
    shell.note("run `cargo atomic snapshot` to write the snapshots, then commit them");
    Ok(exit::PROBLEMS)
}
