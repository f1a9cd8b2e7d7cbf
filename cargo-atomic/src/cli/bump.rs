//! `cargo atomic bump`: write the versions the train requires into every affected manifest.

use clap::Args;

use super::check::CheckArgs;
use super::{exit, GlobalArgs};
use crate::analysis::Scope;
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
    /// Write the release notes into the changelogs too, in the same all-or-none write.
    #[arg(long)]
    changelog: bool,
    /// The release date for `--changelog` (YYYY-MM-DD; default: today, UTC).
    #[arg(long, requires = "changelog", value_parser = crate::changelog::parse_date)]
    date: Option<String>,
}

pub fn run(global: &GlobalArgs, args: &BumpArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let ws = super::load_workspace(global, shell)?;
    let analysis = &args.check.analysis;
    let a = super::assess(&ws, analysis, Scope::Train, false, shell)?;
    let plan = crate::analysis::bump_plan(&ws, &a, args.level, &analysis.selection.package)?;
    let notes = match args.changelog {
        true => {
            let date = args.date.clone().unwrap_or_else(crate::changelog::today);
            let versions: Vec<(String, semver::Version)> =
                plan.steps.iter().map(|s| (s.package.clone(), s.to.clone())).collect();
            let notes = crate::changelog::notes(&a.diffs, &a.train, &super::changelog::release_versions(&a, &versions));
            Some(crate::changelog::plan(&ws, &notes, &date)?)
        }
        false => None,
    };
    let nothing = plan.edits.is_empty() && notes.as_ref().is_none_or(|n| n.edits.is_empty());
    let write = !args.dry_run && !nothing;
    if write {
        plan.apply(notes.as_ref().map(|n| n.edits.as_slice()).unwrap_or_default())?;
    }
    if args.check.message_format == super::check::CheckFormat::Json {
        shell.print(crate::report::bump::json(&ws, &plan, write));
    } else {
        crate::report::bump::human(shell, &ws, &plan, notes.as_ref(), args.dry_run);
    }
    Ok(exit::OK)
}
