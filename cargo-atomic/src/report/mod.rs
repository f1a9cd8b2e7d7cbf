//! Renderers: every stage's data as human text (Cargo-like, colored on terminals) or JSON.
//!
//! Renderers format; they never decide. The JSON schemas are documented in the README and
//! versioned by their `schema` field.

pub mod bump;
pub mod changelog;
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
