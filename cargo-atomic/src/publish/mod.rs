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
pub use start::{gate, resume, rollback, start};

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
    /// The longest the train may wait for the registries' rate limits, in all: preflight refuses
    /// a train whose known limits need more, and a run that would pass it stops for `--resume`.
    pub max_wait: Duration,
    /// A command Cargo runs for a token before each upload and each yank (its standard output
    /// is the token), so that a long train never outlives a short-lived token.
    pub token_command: Option<String>,
    /// The token comes from trusted publishing: it cannot create crates, and it expires.
    pub trusted_publishing: bool,
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
        /// How long the uploads will wait under the registries' known rate limits.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        rate: Vec<RateEstimate>,
        /// The release tags the train will create (with `--tag`): one per crate, or one per
        /// version where the tag format has no `{crate}`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tags: Vec<String>,
    },
    /// The run waits for a registry's rate limit (at the start of a wait, then each minute).
    Waiting {
        /// Seconds left of this wait.
        seconds: u64,
        reason: String,
        /// Seconds this run has waited so far, and the most it may (`--max-wait`).
        waited: u64,
        max_wait: u64,
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

/// What a registry's known rate limits make a train wait.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RateEstimate {
    /// The registry (`crates.io`, or its name in Cargo's configuration).
    pub registry: String,
    pub new_crates: usize,
    pub new_versions: usize,
    /// Seconds of waiting, in all.
    pub seconds: u64,
    /// The limits, in words.
    pub limits: String,
}

impl RateEstimate {
    /// "67 versions: about 37 minutes at crates.io's rate (...)".
    pub fn describe(&self) -> String {
        let mut what = Vec::new();
        if self.new_crates > 0 {
            what.push(plural(self.new_crates, "new crate", "new crates"));
        }
        if self.new_versions > 0 {
            what.push(plural(self.new_versions, "version", "versions"));
        }
        let time = if self.seconds == 0 { "no wait".to_string() } else { format!("about {}", minutes(self.seconds)) };
        format!("{}: {time} at {}'s rate ({})", what.join(" and "), self.registry, self.limits)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A duration in words: "45 seconds", "1 minute", "37 minutes", "2 hours 5 minutes".
pub fn minutes(seconds: u64) -> String {
    if seconds < 60 {
        return plural(seconds as usize, "second", "seconds");
    }
    let m = seconds.div_ceil(60);
    if m < 120 {
        return plural(m as usize, "minute", "minutes");
    }
    match m % 60 {
        0 => plural((m / 60) as usize, "hour", "hours"),
        r => format!("{} {}", plural((m / 60) as usize, "hour", "hours"), plural(r as usize, "minute", "minutes")),
    }
}

/// The waits the registries' known limits impose on uploading `steps` (`new_crates` among them
/// are crates the registry does not have yet), one estimate per registry with limits. The train
/// is assumed to start with each limit's whole burst unused; a registry that counts earlier
/// uploads answers 429, and the run waits as it says.
pub(crate) fn estimate(ws: &Workspace, steps: &[(String, String)], new_crates: &[String]) -> Vec<RateEstimate> {
    let registries: std::collections::BTreeSet<Option<String>> =
        steps.iter().map(|(n, _)| registry_of(ws, n)).collect();
    let mut out = Vec::new();
    for registry in registries {
        let Some(((crate_burst, crate_every), (version_burst, version_every))) = rate_limits(ws, registry.as_deref())
        else {
            continue;
        };
        let on_it: Vec<&(String, String)> = steps.iter().filter(|(n, _)| registry_of(ws, n) == registry).collect();
        let new = on_it.iter().filter(|(n, _)| new_crates.contains(n)).count();
        let versions = on_it.len() - new;
        let seconds = new.saturating_sub(crate_burst) as u64 * crate_every
            + versions.saturating_sub(version_burst) as u64 * version_every;
        let every = |s: u64| if s == 60 { "one a minute".to_string() } else { format!("one per {}", minutes(s)) };
        out.push(RateEstimate {
            registry: registry.clone().unwrap_or_else(|| "crates.io".to_string()),
            new_crates: new,
            new_versions: versions,
            seconds,
            limits: format!(
                "{crate_burst} new crates, then {}; {version_burst} new versions, then {}",
                every(crate_every),
                every(version_every)
            ),
        });
    }
    out
}

/// Parses a duration as `--max-wait` takes it: `90m`, `2h`, `45s`, or seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let n: u64 = number.parse().map_err(|_| format!("`{text}` is not a duration (90m, 2h, 45s)"))?;
    let factor = match unit.trim() {
        "" | "s" | "sec" | "secs" | "seconds" => 1,
        "m" | "min" | "mins" | "minutes" => 60,
        "h" | "hour" | "hours" => 3600,
        other => return Err(format!("unknown unit `{other}` in `{text}` (s, m or h)")),
    };
    Ok(Duration::from_secs(n.saturating_mul(factor)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_max_wait_takes_them() {
        assert_eq!(parse_duration("90m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("45s"), Ok(Duration::from_secs(45)));
        assert_eq!(parse_duration("300"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("10 minutes"), Ok(Duration::from_secs(600)));
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("5d").unwrap_err().contains("unknown unit `d`"));
    }

    #[test]
    fn a_rate_estimate_in_words() {
        let r = RateEstimate {
            registry: "crates.io".to_string(),
            new_crates: 0,
            new_versions: 67,
            seconds: 37 * 60,
            limits: "5 new crates, then one per 10 minutes; 30 new versions, then one a minute".to_string(),
        };
        assert_eq!(
            r.describe(),
            "67 versions: about 37 minutes at crates.io's rate (5 new crates, then one per 10 minutes; 30 new \
             versions, then one a minute)"
        );
        assert_eq!(minutes(59), "59 seconds");
        assert_eq!(minutes(61), "2 minutes");
        assert_eq!(minutes(7200), "2 hours");
        assert_eq!(minutes(7260), "2 hours 1 minute");
    }
}
