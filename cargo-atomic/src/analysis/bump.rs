//! What `cargo atomic bump` writes: the versions the train requires (or `--level`), and the
//! manifest edits that carry them.

use crate::diff::Bump;
use crate::manifest::FileEdit;
use crate::workspace::Workspace;

use super::Assessment;

/// One crate's version change.
#[derive(Clone, Debug)]
pub struct BumpStep {
    pub package: String,
    pub from: semver::Version,
    pub to: semver::Version,
    /// What the train requires of it, if anything.
    pub required: Option<Bump>,
    /// Set when `--level` asked for less than the train requires (the requirement wins).
    pub warning: Option<String>,
}

/// The versions to write and the edits that write them.
#[derive(Clone, Debug)]
pub struct BumpPlan {
    pub steps: Vec<BumpStep>,
    /// New contents of every manifest that changes.
    pub edits: Vec<FileEdit>,
    /// The workspace root, where the write's intent record goes.
    root: std::path::PathBuf,
}

/// The plan for `bump`: at least the required version of every crate in the train, and with
/// `level`, at least that bump of the `chosen` crates (all crates of the train when none are).
pub fn bump_plan(ws: &Workspace, a: &Assessment, level: Option<Bump>, chosen: &[String]) -> anyhow::Result<BumpPlan> {
    let versions = crate::train::versions_to_write(ws, &a.diffs, &a.apis.by_package, level, chosen);
    let mut steps = Vec::new();
    for (name, to) in &versions {
        let required = a.train.get(name).and_then(|c| c.required_bump);
        let from = ws.member(name).map(|m| m.version.clone()).expect("versions are written for members");
        let warning = match (level, required) {
            (Some(level), Some(req)) if (chosen.is_empty() || chosen.contains(name)) && req > level => {
                Some(format!("`{name}` needs a {req} bump; --level {level} is not enough, using {req}"))
            }
            _ => None,
        };
        steps.push(BumpStep { package: name.clone(), from, to: to.clone(), required, warning });
    }
    let edits = if versions.is_empty() { Vec::new() } else { crate::manifest::version_edits(ws, &versions)? };
    Ok(BumpPlan { steps, edits, root: ws.root.clone() })
}

impl BumpPlan {
    /// Writes every edit, all or none.
    pub fn apply(&self) -> anyhow::Result<()> {
        let mut tx = crate::fsutil::Transaction::anchored(&self.root);
        for e in &self.edits {
            tx.add(&e.path, e.after.clone().into_bytes());
        }
        tx.commit()
    }
}
