//! Publishing a release train as one unit.
//!
//! A registry accepts one crate version per upload, so nothing makes a train atomic by itself.
//! This stage makes it behave as one: everything is verified before the first upload
//! ([`preflight`]); uploads go in dependency order, each confirmed in the index before its
//! dependents; a [`Journal`] records every step; on failure every version this train published
//! is yanked (or the run stops for `--resume`); a health check builds the train from the registry;
//! tags mark the release.
//!
//! Events are reported through a callback; this module prints nothing and never handles tokens.
//!
//! Files: `start.rs` (a new train, a resume, a rollback: the refusals), `preflight.rs` (checks
//! before the first upload), `run.rs` (the upload loop and failure policy), `journal.rs` (the
//! record), `registry.rs` (the Cargo commands and registry questions).

mod journal;
mod preflight;
pub mod registry;
mod run;
mod start;

pub use journal::{journal_from_tags, new_journal, unfinished, Journal, Step, StepState, TrainState};
pub use preflight::preflight;
pub use run::{check_resumable, publish, yank_all};
pub use start::{resume, rollback, start};

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::train::Problem;
use crate::workspace::{Publish, Workspace};

/// What to do when an upload, the index wait or the health check fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// Yank every version this train published, dependents first.
    Rollback,
    /// Leave them and the journal for `cargo atomic publish --resume`.
    Stop,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub allow_dirty: bool,
    pub dry_run: bool,
    pub policy: Policy,
    /// Wait between uploads when the registry's rate limits require it (else refuse).
    pub pace: bool,
    /// How long to wait for a version to appear in the index after Cargo's own wait.
    pub index_timeout: Duration,
    pub tag: bool,
}

/// What publishing reports as it goes: `cargo atomic publish` and `rollback` with
/// `--message-format json` print one event per line.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// A preflight check ran.
    Checked {
        what: String,
    },
    Problem {
        problem: Problem,
    },
    Plan {
        train: String,
        steps: Vec<(String, String)>,
        /// The version groups the train moves, each at one version.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        groups: Vec<crate::train::GroupTrain>,
    },
    Waiting {
        seconds: u64,
        reason: String,
    },
    Uploading {
        package: String,
        version: String,
        n: usize,
        of: usize,
    },
    WaitingForIndex {
        package: String,
        version: String,
    },
    Published {
        package: String,
        version: String,
    },
    AlreadyPublished {
        package: String,
        version: String,
    },
    Failed {
        package: Option<String>,
        version: Option<String>,
        error: String,
    },
    Yanked {
        package: String,
        version: String,
    },
    Unyanked {
        package: String,
        version: String,
    },
    YankFailed {
        package: String,
        version: String,
        error: String,
    },
    Health {
        ok: bool,
        detail: Option<String>,
    },
    Tagged {
        tag: String,
    },
    /// The train is published, but a release tag could not be created.
    TagFailed {
        tag: String,
        error: String,
    },
    /// Nothing to do, and why (a complete train resumed, nothing to roll back).
    Nothing {
        reason: String,
    },
    /// The end: which versions are live, and the journal.
    Done {
        state: String,
        live: Vec<(String, String)>,
        /// The versions of `live` the registry has not confirmed (it did not answer): counted
        /// as live until it says otherwise.
        unconfirmed: Vec<(String, String)>,
        journal: String,
    },
}

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Published,
    /// Preflight refused; nothing was uploaded.
    Refused,
    DryRun,
    /// An upload, the index wait or the health check failed; the policy was applied.
    Failed,
    /// `--resume` found no train: nothing of one reached the registry.
    NotStarted,
}

pub(crate) fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

pub(crate) fn registry_of(ws: &Workspace, package: &str) -> Option<String> {
    match ws.member(package).map(|m| &m.publish) {
        Some(Publish::Registries(list)) => list.first().cloned(),
        _ => None,
    }
}

/// Rate limits of a registry: `(burst, seconds per upload after it)` for new crates and for new
/// versions. crates.io's are the defaults for crates.io; other registries have none unless
/// configured.
pub(crate) fn rate_limits(ws: &Workspace, registry: Option<&str>) -> Option<((usize, u64), (usize, u64))> {
    let name = registry.unwrap_or("crates-io");
    if let Some(r) = ws.config.rate_limits.get(name) {
        return Some(((r.new_crates.0, r.new_crates.1), (r.new_versions.0, r.new_versions.1)));
    }
    (registry.is_none() || name == "crates-io").then_some(((5, 600), (30, 60)))
}
