//! `cargo atomic bump` output: the versions written (a version group as one line), the versions
//! passed over, the files, and the release notes written with them; or JSON.

use crate::analysis::BumpPlan;
use crate::shell::Shell;
use crate::workspace::Workspace;

/// What a bump run did (or, with `dry_run`, would do).
pub fn human(
    shell: &mut Shell,
    ws: &Workspace,
    plan: &BumpPlan,
    notes: Option<&crate::changelog::Plan>,
    dry_run: bool,
) {
    for g in &plan.groups {
        let required = g.required.as_ref().map(|(b, by)| format!(" ({b}, for `{by}`)")).unwrap_or_default();
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
    let no_notes = notes.is_none_or(|n| n.edits.is_empty());
    if plan.edits.is_empty() && no_notes {
        if let Some(n) = notes {
            super::changelog::human(shell, n, dry_run);
        }
        shell.status("Finished", "every version is what the train needs; nothing to write");
        return;
    }
    let verb = if dry_run { "Would edit" } else { "Editing" };
    for edit in &plan.edits {
        let shown = ws.relative(&edit.path);
        let lines = edit.changed_lines();
        // The lockfile's entries follow the manifests: one line says it.
        if edit.path.file_name().is_some_and(|n| n == "Cargo.lock") {
            let entries = lines.iter().filter(|(_, old, _)| old.trim_start().starts_with("version = ")).count();
            shell.status(verb, format!("{shown}: the versions of {entries} workspace crates"));
            continue;
        }
        for (line, old, new) in lines {
            shell.status(verb, format!("{shown}:{line}: `{}` → `{}`", old.trim(), new.trim()));
        }
    }
    if let Some(n) = notes {
        super::changelog::human(shell, n, dry_run);
    }
    let files = plan.edits.len() + notes.map(|n| n.edits.len()).unwrap_or(0);
    if dry_run {
        shell.status("Finished", format!("dry run: {files} files would change; nothing written"));
        return;
    }
    let lock = plan.edits.iter().any(|e| e.path.file_name().is_some_and(|n| n == "Cargo.lock"));
    let manifests = plan.edits.len() - usize::from(lock);
    let and_lock = if lock { " and Cargo.lock" } else { "" };
    let and_changelogs = match notes.map(|n| n.edits.len()).unwrap_or(0) {
        0 => String::new(),
        n => format!(", {n} changelog{}", if n == 1 { "" } else { "s" }),
    };
    shell.status(
        "Finished",
        format!("{manifests} manifests{and_lock}{and_changelogs} updated; run `cargo atomic check`"),
    );
}

/// The document `cargo atomic bump --message-format json` prints: each crate's version change
/// (with the versions passed over because the registry holds them), the version groups, the
/// files written (or that would be).
pub fn json(ws: &crate::workspace::Workspace, plan: &crate::analysis::BumpPlan, written: bool) -> String {
    let steps: Vec<serde_json::Value> = plan
        .steps
        .iter()
        .map(|s| {
            serde_json::json!({
                "package": s.package,
                "from": s.from.to_string(),
                "to": s.to.to_string(),
                "required": s.required.map(|b| b.to_string()),
                "group": s.group,
                "taken": s.taken.iter().map(|(v, yanked)| serde_json::json!({"version": v.to_string(), "yanked": yanked})).collect::<Vec<_>>(),
                "warning": s.warning,
            })
        })
        .collect();
    let groups: Vec<serde_json::Value> = plan
        .groups
        .iter()
        .map(|g| {
            serde_json::json!({
                "name": g.name,
                "members": g.members,
                "from": g.from.to_string(),
                "to": g.to.to_string(),
                "required": g.required.as_ref().map(|(b, _)| b.to_string()),
                "required_by": g.required.as_ref().map(|(_, by)| by),
            })
        })
        .collect();
    let files: Vec<String> = plan.edits.iter().map(|e| ws.relative(&e.path)).collect();
    let unasked: Vec<serde_json::Value> =
        plan.unasked.iter().map(|(r, why)| serde_json::json!({"registry": r, "why": why})).collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "schema": super::JSON_SCHEMA,
        "steps": steps,
        "groups": groups,
        "files": files,
        "written": written && !plan.steps.is_empty(),
        "registries_not_asked": unasked,
    }))
    .expect("serializable")
}
