//! Renderers: every stage's data as human text (Cargo-like, colored on terminals) or JSON.
//!
//! Renderers format; they never decide. The JSON schemas are documented in the README and
//! versioned by their `schema` field.

pub mod check;
pub mod diff;
pub mod publish;
pub mod sarif;
pub mod schema;

/// Version of the JSON documents printed with `--message-format json`.
pub const JSON_SCHEMA: u32 = 2;

/// The note for a crate whose optional features its API was not documented with.
pub fn unchecked_note(name: &str, unchecked: &[String]) -> String {
    let list: Vec<String> = unchecked.iter().map(|f| format!("`{f}`")).collect();
    let toml: Vec<String> = unchecked.iter().map(|f| format!("{f:?}")).collect();
    format!(
        "{name}: optional features {} are not checked; include them with `features = [{}]` or \
         `all-features = true` under `[package.metadata.atomic]`",
        list.join(", "),
        toml.join(", ")
    )
}

/// The document `cargo atomic bump --message-format json` prints: each crate's version change
/// (with the versions passed over because the registry holds them), the version groups, the
/// files written (or that would be).
pub fn bump_json(ws: &crate::workspace::Workspace, plan: &crate::analysis::BumpPlan, written: bool) -> String {
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
        "schema": JSON_SCHEMA,
        "steps": steps,
        "groups": groups,
        "files": files,
        "written": written && !plan.steps.is_empty(),
        "registries_not_asked": unasked,
    }))
    .expect("serializable")
}
