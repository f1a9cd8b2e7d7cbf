//! The journal: the record of one train, its steps and their states, rewritten atomically after
//! every step; and rebuilding a train from release tags when no journal is at hand.

use std::path::PathBuf;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::{now, registry_of, Policy};
use crate::git::Repo;
use crate::workspace::Workspace;

/// State of one crate of the train, as the journal records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepState {
    Planned,
    Uploading,
    /// Uploaded and visible in the index.
    Published,
    /// Uploaded, but never seen in the index: live for all we know.
    Unconfirmed,
    Failed,
    Yanked,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Step {
    pub package: String,
    pub version: String,
    /// `None`: crates.io.
    pub registry: Option<String>,
    /// SHA-256 of the `.crate` verified before the first upload.
    pub checksum: String,
    pub state: StepState,
    pub error: Option<String>,
    /// Seconds since the Unix epoch of the last change.
    pub at: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrainState {
    InProgress,
    Completed,
    /// Failed and stopped (`--on-failure stop`, or a refused resume): `--resume` continues.
    Stopped,
    RolledBack,
    /// The rollback could not yank everything: see the steps.
    RollbackIncomplete,
}

/// The record of one train: the plan and each step's outcome, rewritten atomically after every
/// step, in `target/atomic/journal.json` (the last train) and `target/atomic/trains/<id>.json`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Journal {
    pub schema: u32,
    pub train: String,
    pub state: TrainState,
    pub policy: Policy,
    pub started: u64,
    pub steps: Vec<Step>,
    pub health: Option<String>,
    pub tags: Vec<String>,
}

impl Journal {
    pub fn path(ws: &Workspace) -> PathBuf {
        ws.atomic_dir().join("journal.json")
    }

    fn archive_path(ws: &Workspace, id: &str) -> PathBuf {
        ws.atomic_dir().join("trains").join(format!("{id}.json"))
    }

    /// The last train's journal, or the train `id`'s.
    pub fn load(ws: &Workspace, id: Option<&str>) -> anyhow::Result<Option<Journal>> {
        let path = match id {
            Some(id) => Journal::archive_path(ws, id),
            None => Journal::path(ws),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let journal: Journal =
            serde_json::from_str(&text).with_context(|| format!("{} is not a readable journal", path.display()))?;
        Ok(Some(journal))
    }

    pub fn save(&self, ws: &Workspace) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self).expect("serializable") + "\n";
        for path in [Journal::path(ws), Journal::archive_path(ws, &self.train)] {
            crate::fsutil::kill_point("journal-write");
            std::fs::create_dir_all(path.parent().expect("in a directory"))?;
            crate::fsutil::write_atomic(&path, text.as_bytes())?;
        }
        Ok(())
    }

    /// Versions this train put in the registry that are still live, as far as it knows.
    pub fn live(&self) -> Vec<(String, String)> {
        self.steps
            .iter()
            .filter(|s| matches!(s.state, StepState::Published | StepState::Unconfirmed))
            .map(|s| (s.package.clone(), s.version.clone()))
            .collect()
    }

    /// The live versions the registry has not confirmed (it did not answer): counted as live
    /// until it says otherwise.
    pub fn unconfirmed(&self) -> Vec<(String, String)> {
        self.steps
            .iter()
            .filter(|s| s.state == StepState::Unconfirmed)
            .map(|s| (s.package.clone(), s.version.clone()))
            .collect()
    }

    pub(crate) fn set(
        &mut self,
        ws: &Workspace,
        i: usize,
        state: StepState,
        error: Option<String>,
    ) -> anyhow::Result<()> {
        self.steps[i].state = state;
        self.steps[i].error = error;
        self.steps[i].at = now();
        self.save(ws)
    }
}

/// A new journal for `steps`.
pub fn new_journal(steps: Vec<Step>, policy: Policy) -> Journal {
    let seed: String = steps.iter().map(|s| format!("{}@{}:{}", s.package, s.version, s.checksum)).collect();
    let started = now();
    let id = format!("{started}-{}", &crate::fsutil::sha256_hex(seed.as_bytes())[..8]);
    Journal {
        schema: 1,
        train: id,
        state: TrainState::InProgress,
        policy,
        started,
        steps,
        health: None,
        tags: Vec::new(),
    }
}

/// Whether an earlier train is unfinished (a fresh publish must not start over it).
pub fn unfinished(journal: &Journal) -> bool {
    matches!(journal.state, TrainState::InProgress | TrainState::Stopped | TrainState::RollbackIncomplete)
}

/// The train at HEAD from release tags, when no journal is at hand (another machine).
pub fn journal_from_tags(ws: &Workspace) -> anyhow::Result<Option<Journal>> {
    let Some(repo) = Repo::discover(&ws.root) else { return Ok(None) };
    let head = repo.head()?;
    let mut steps = Vec::new();
    for tag in repo.tags()? {
        if repo.resolve(&tag).ok().as_deref() != Some(head.as_str()) {
            continue;
        }
        for m in &ws.members {
            if tag == ws.tag_name(&m.name, &m.version) {
                steps.push(Step {
                    package: m.name.clone(),
                    version: m.version.to_string(),
                    registry: registry_of(ws, &m.name),
                    checksum: String::new(),
                    state: StepState::Published,
                    error: None,
                    at: now(),
                });
            }
        }
    }
    if steps.is_empty() {
        return Ok(None);
    }
    let names: std::collections::BTreeSet<String> = steps.iter().map(|s| s.package.clone()).collect();
    let order = ws.topo_order(&names);
    steps.sort_by_key(|s| order.iter().position(|n| n == &s.package));
    let mut j = new_journal(steps, Policy::Rollback);
    j.train = format!("tags-at-{}", &head[..12.min(head.len())]);
    j.state = TrainState::Completed;
    Ok(Some(j))
}
