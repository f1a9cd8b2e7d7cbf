//! Where rustdoc's JSON comes from, besides running rustdoc: the seam through which a run
//! records what it documented, or replays what was recorded, as plain data.
//!
//! [`build_apis`](super::build_apis) runs rustdoc when no source is given. A recording source (a
//! shard of a sharded run) says which members this run documents and keeps their JSON, or the
//! API the cache held, and the run normalizes nothing. A replaying source (the merge of a sharded
//! run, or a test reading recorded toolchains' JSON) provides every member's JSON or API, and no
//! rustdoc runs. Everything after is the same code on the same bytes, which is why replaying what
//! was recorded gives what running gives. How a source stores its JSON is its own business
//! (`crate::partition` keeps it in partial files); nothing here knows.

use std::path::Path;

use crate::api::CrateApi;

/// What a replaying source provides for a member in place of rustdoc.
pub enum Provided<'a> {
    Json(&'a [u8]),
    Api(Box<CrateApi>),
}

/// A source of rustdoc JSON other than running rustdoc (see the module docs).
pub trait JsonSource: Send + Sync + std::fmt::Debug {
    /// Whether the run records (documents its share, keeps it, normalizes nothing) rather than
    /// replays.
    fn recording(&self) -> bool;
    /// Whether this run runs rustdoc for `package` (a recording source's share; none when
    /// replaying).
    fn documents(&self, package: &str) -> bool;
    /// How the documented workspace at `root` is named in what is recorded, the same on every
    /// machine.
    fn role(&self, root: &Path) -> String;
    /// What a replaying source holds for `package` of the workspace named `workspace`.
    fn provided(&self, workspace: &str, package: &str) -> anyhow::Result<Provided<'_>>;
    /// A recording source keeps `package`'s rustdoc JSON.
    fn keep_json(&self, workspace: &str, package: &str, json: Vec<u8>) -> anyhow::Result<()>;
    /// A recording source keeps the API the cache held for `package`.
    fn keep_api(&self, workspace: &str, package: &str, api: &CrateApi);
}
