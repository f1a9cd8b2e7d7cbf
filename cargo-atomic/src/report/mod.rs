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
