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
    /// Write each crate's release notes into its `CHANGELOG.md` too, in the same all-or-none write.
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
    let mut plan = crate::analysis::bump_plan(&ws, &a, args.level, &analysis.selection.package)?;
    let mut notes = Vec::new();
    if args.changelog {
        let date = args.date.clone().unwrap_or_else(crate::changelog::today);
        let versions: Vec<(String, semver::Version)> =
            plan.steps.iter().map(|s| (s.package.clone(), s.to.clone())).collect();
        notes = crate::changelog::notes(&a.diffs, &a.train, &super::changelog::release_versions(&a, &versions));
        let (edits, present) = super::changelog::edits(&ws, &notes, &date)?;
        for p in &present {
            shell.status("Skipping", p);
        }
        plan.edits.extend(edits);
    }
    if args.check.message_format == super::check::CheckFormat::Json {
        if !args.dry_run && !plan.steps.is_empty() {
            plan.apply()?;
        }
        shell.print(crate::report::bump_json(&ws, &plan, !args.dry_run));
        return Ok(exit::OK);
    }
    for g in &plan.groups {
        let required = g.required.as_ref().map(|(b, by)| format!(" ({b} required by `{by}`)")).unwrap_or_default();
        shell.status(
            "Bumping",
            format!("version group `{}` {} → {}{required}: {}", g.name, g.from, g.to, g.members.join(", ")),
        );
    }
    for s in &plan.steps {
        if s.group.is_none() {
            let required = s.required.map(|b| format!(" ({b} required)")).unwrap_or_default();
            shell.status("Bumping", format!("{} {} → {}{required}", s.package, s.from, s.to));
        }
        if let Some(w) = &s.warning {
            shell.warn(w);
        }
    }
    for s in plan.steps.iter().filter(|s| !s.taken.is_empty()) {
        let held: Vec<String> =
            s.taken.iter().map(|(v, yanked)| format!("{v}{}", if *yanked { " (yanked)" } else { "" })).collect();
        shell.note(format!(
            "`{}` goes to {}: the registry already holds {} (a version number is never reused)",
            s.package,
            s.to,
            held.join(", ")
        ));
    }
    for (registry, why) in &plan.unasked {
        shell.warn(format!(
            "the registry `{registry}` could not be asked which versions it holds ({why}); `cargo atomic publish` \
             asks again before the first upload"
        ));
    }
    if plan.steps.is_empty() && plan.edits.is_empty() {
        shell.status("Finished", "every version already satisfies the train; nothing to write");
        return Ok(exit::OK);
    }
    let verb = if args.dry_run { "Would edit" } else { "Editing" };
    let changelogs: Vec<&crate::manifest::FileEdit> =
        plan.edits.iter().filter(|e| e.path.file_name().is_some_and(|n| n == "CHANGELOG.md")).collect();
    for e in &changelogs {
        let n = notes.iter().find(|n| ws.member(&n.package).is_some_and(|m| m.dir.join("CHANGELOG.md") == e.path));
        shell.status(
            verb,
            format!("{}: {}", ws.relative(&e.path), n.map(super::changelog::summary).unwrap_or_default()),
        );
    }
    for edit in plan.edits.iter().filter(|e| e.path.file_name().is_none_or(|n| n != "CHANGELOG.md")) {
        let shown = ws.relative(&edit.path);
        for (line, old, new) in edit.changed_lines() {
            shell.status(verb, format!("{shown}:{line}: `{}` → `{}`", old.trim(), new.trim()));
        }
    }
    if args.dry_run {
        shell.status("Finished", format!("dry run: {} files would change; nothing written", plan.edits.len()));
        return Ok(exit::OK);
    }
    plan.apply()?;
    let lock = plan.edits.iter().any(|e| e.path.file_name().is_some_and(|n| n == "Cargo.lock"));
    let manifests = plan.edits.len() - usize::from(lock) - changelogs.len();
    let and_lock = if lock { " and Cargo.lock" } else { "" };
    let and_changelogs = match changelogs.len() {
        0 => String::new(),
        n => format!(", {n} changelog{}", if n == 1 { "" } else { "s" }),
    };
    shell.status(
        "Finished",
        format!("{manifests} manifests{and_lock}{and_changelogs} updated; run `cargo atomic check`"),
    );
    Ok(exit::OK)
}
