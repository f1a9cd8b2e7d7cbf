//! `cargo atomic bump`: write the versions the train requires into every affected manifest.

use clap::Args;

use super::check::{assess, CheckArgs};
use super::{exit, GlobalArgs};
use crate::diff::Bump;
use crate::shell::Shell;

#[derive(Args, Debug)]
pub struct BumpArgs {
    #[command(flatten)]
    check: CheckArgs,
    /// Bump the selected crates (`-p`; all crates in the train without it) by at least this
    /// much; never below what the train requires.
    #[arg(long, value_enum)]
    level: Option<Bump>,
    /// Show the edits without writing them.
    #[arg(long)]
    dry_run: bool,
}

pub fn run(global: &GlobalArgs, args: &BumpArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let c = &args.check;
    let a = assess(global, &c.analysis, shell)?;
    let chosen: Vec<String> = c.analysis.selection.package.clone();
    let level = args.level;
    let versions = crate::train::versions_to_write(&a.ws, &a.diffs, &a.apis.by_package, level, &chosen);
    for (name, v) in &versions {
        let c = a.train.get(name);
        let from = a.ws.member(name).map(|m| m.version.to_string()).unwrap_or_default();
        let required = c.and_then(|c| c.required_bump).map(|b| format!(" ({b} required)")).unwrap_or_default();
        shell.status("Bumping", format!("{name} {from} → {v}{required}"));
        if let (Some(level), Some(req)) = (level, c.and_then(|c| c.required_bump)) {
            if (chosen.is_empty() || chosen.contains(name)) && req > level {
                shell.warn(format!("`{name}` needs a {req} bump; --level {level} is not enough, using {req}"));
            }
        }
    }
    if versions.is_empty() {
        shell.status("Finished", "every version already satisfies the train; nothing to write");
        return Ok(exit::OK);
    }
    let edits = crate::manifest::version_edits(&a.ws, &versions)?;
    for edit in &edits {
        let shown = a.ws.relative(&edit.path);
        for (line, old, new) in edit.changed_lines() {
            let verb = if args.dry_run { "Would edit" } else { "Editing" };
            shell.status(verb, format!("{shown}:{line}: `{}` → `{}`", old.trim(), new.trim()));
        }
    }
    if args.dry_run {
        shell.status("Finished", format!("dry run: {} files would change; nothing written", edits.len()));
        return Ok(exit::OK);
    }
    let mut tx = crate::fsutil::Transaction::default();
    for e in &edits {
        tx.add(&e.path, e.after.clone().into_bytes());
    }
    tx.commit()?;
    shell.status("Finished", format!("{} manifests updated; run `cargo atomic check`", edits.len()));
    Ok(exit::OK)
}
