//! JSON Schemas of the JSON outputs, generated from the types that print them. The committed
//! copies (`schemas/` at the repository root) are checked against these by the test suite.

/// `(file name, schema)` for every JSON output: `diff`, `check`, `changelog`, and the `publish`/`rollback`
/// event stream (one event per line).
pub fn all() -> Vec<(&'static str, String)> {
    let render = |s: schemars::Schema| serde_json::to_string_pretty(&s).expect("serializable") + "\n";
    vec![
        ("diff.schema.json", render(super::diff::schema())),
        ("check.schema.json", render(super::check::schema())),
        ("changelog.schema.json", render(crate::changelog::schema())),
        ("publish-event.schema.json", render(schemars::schema_for!(crate::publish::Event))),
    ]
}
