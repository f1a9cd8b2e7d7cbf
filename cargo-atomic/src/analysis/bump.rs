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
    /// The version group it moves with.
    pub group: Option<String>,
}

/// A version group's change: every member moves to one version.
#[derive(Clone, Debug)]
pub struct GroupStep {
    pub name: String,
    pub members: Vec<String>,
    pub from: semver::Version,
    pub to: semver::Version,
    /// The largest bump a member requires, and the member.
    pub required: Option<(Bump, String)>,
}

/// The versions to write and the edits that write them.
#[derive(Clone, Debug)]
pub struct BumpPlan {
    pub steps: Vec<BumpStep>,
    /// The version groups among the steps.
    pub groups: Vec<GroupStep>,
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
        let group = ws.group_of(name).map(|g| g.name.clone());
        steps.push(BumpStep { package: name.clone(), from, to: to.clone(), required, warning, group });
    }
    let mut groups = Vec::new();
    for g in &ws.groups {
        let moving: Vec<&BumpStep> = steps.iter().filter(|s| s.group.as_deref() == Some(&g.name)).collect();
        let (Some(from), Some(to)) =
            (moving.iter().map(|s| s.from.clone()).max(), moving.iter().map(|s| s.to.clone()).max())
        else {
            continue;
        };
        // The member whose own needs (not the group's) move it furthest.
        let required = moving
            .iter()
            .filter_map(|s| {
                let own = a.train.get(&s.package)?.causes.iter().filter(|c| c.kind != crate::train::CauseKind::Group);
                Some((own.map(|c| c.bump).max()?, s.package.clone()))
            })
            .max_by(|x, y| x.0.cmp(&y.0).then_with(|| y.1.cmp(&x.1)));
        groups.push(GroupStep { name: g.name.clone(), members: g.members.clone(), from, to, required });
    }
    let mut edits = if versions.is_empty() { Vec::new() } else { crate::manifest::version_edits(ws, &versions)? };
    // The lockfile follows, in the same all-or-none write: `cargo build --locked` works after.
    if !versions.is_empty() {
        edits.extend(crate::manifest::lockfile_edit(ws, &versions)?);
    }
    Ok(BumpPlan { steps, groups, edits, root: ws.root.clone() })
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
