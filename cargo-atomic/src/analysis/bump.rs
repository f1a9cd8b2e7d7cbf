//! What `cargo atomic bump` writes: the versions the train requires (or `--level`), and the
//! manifest edits that carry them.

use std::collections::BTreeMap;

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
    /// Versions passed over because the registry holds them (`(version, yanked)`).
    pub taken: Vec<(semver::Version, bool)>,
}

/// A version group's change: every member moves to one version.
#[derive(Clone, Debug)]
pub struct GroupStep {
    pub name: String,
    pub members: Vec<String>,
    pub from: semver::Version,
    pub to: semver::Version,
    /// The largest bump a member requires, and the crate the root cause is in.
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
    /// Registries that could not be asked which versions they hold (name, why).
    pub unasked: Vec<(String, String)>,
    /// The workspace root, where the write's intent record goes.
    root: std::path::PathBuf,
}

/// The plan for `bump`: at least the required version of every crate in the train, and with
/// `level`, at least that bump of the `chosen` crates (all crates of the train when none are).
pub fn bump_plan(ws: &Workspace, a: &Assessment, level: Option<Bump>, chosen: &[String]) -> anyhow::Result<BumpPlan> {
    let needed = crate::train::needed_versions(ws, &a.diffs, &a.apis.by_package);
    let mut versions = crate::train::versions_to_write(ws, &a.diffs, &a.apis.by_package, level, chosen);
    // The registry never takes a version twice, yanked or not (a rolled-back train's versions
    // stay taken): every crate of the train moves past the versions its registry holds, a version
    // group as one.
    let mut intended: BTreeMap<String, semver::Version> = a
        .train
        .order
        .iter()
        .map(|s| (s.package.clone(), versions.get(&s.package).cloned().unwrap_or_else(|| s.to.clone())))
        .collect();
    intended.extend(versions.clone());
    let (passed, unasked) = past_taken(ws, &mut intended);
    // Moved past the taken versions onto what the manifest declares already: nothing to write.
    for (name, v) in intended {
        if ws.member(&name).is_some_and(|m| m.version != v) {
            versions.insert(name, v);
        } else {
            versions.remove(&name);
        }
    }
    let mut steps = Vec::new();
    for (name, to) in &versions {
        let required = needed.get(name).map(|n| n.bump);
        let from = ws.member(name).map(|m| m.version.clone()).expect("versions are written for members");
        let warning = match (level, required) {
            (Some(level), Some(req)) if (chosen.is_empty() || chosen.contains(name)) && req > level => {
                Some(format!("`{name}` needs a {req} bump; --level {level} is not enough, using {req}"))
            }
            _ => None,
        };
        let group = ws.group_of(name).map(|g| g.name.clone());
        let taken = passed.get(name).cloned().unwrap_or_default();
        steps.push(BumpStep { package: name.clone(), from, to: to.clone(), required, warning, group, taken });
    }
    let mut groups = Vec::new();
    for g in &ws.groups {
        let moving: Vec<&BumpStep> = steps.iter().filter(|s| s.group.as_deref() == Some(&g.name)).collect();
        let (Some(from), Some(to)) =
            (moving.iter().map(|s| s.from.clone()).max(), moving.iter().map(|s| s.to.clone()).max())
        else {
            continue;
        };
        // The largest bump a member needs, and the crate the root cause of it is in.
        let required = moving
            .iter()
            .filter_map(|s| needed.get(&s.package).map(|n| (n, &s.package)))
            .max_by(|a, b| a.0.bump.cmp(&b.0.bump).then_with(|| b.1.cmp(a.1)))
            .map(|(n, name)| (n.bump, n.root.as_ref().map(|r| r.package.clone()).unwrap_or_else(|| name.clone())));
        groups.push(GroupStep { name: g.name.clone(), members: g.members.clone(), from, to, required });
    }
    let mut edits = if versions.is_empty() { Vec::new() } else { crate::manifest::version_edits(ws, &versions)? };
    // The lockfile follows, in the same all-or-none write: `cargo build --locked` works after.
    if !versions.is_empty() {
        edits.extend(crate::manifest::lockfile_edit(ws, &versions)?);
    }
    Ok(BumpPlan { steps, groups, edits, unasked, root: ws.root.clone() })
}

/// Moves each version of `versions` past the versions its registry already holds (the next
/// patch, until a free one); the members of a version group together. Returns the versions passed
/// over by crate, and the registries that could not be asked (whose crates keep their version).
#[allow(clippy::type_complexity)]
fn past_taken(
    ws: &Workspace,
    versions: &mut BTreeMap<String, semver::Version>,
) -> (BTreeMap<String, Vec<(semver::Version, bool)>>, Vec<(String, String)>) {
    let mut passed: BTreeMap<String, Vec<(semver::Version, bool)>> = BTreeMap::new();
    // Units that move as one: a group's members among the versions, or a crate alone.
    let mut units: Vec<Vec<String>> = Vec::new();
    for name in versions.keys() {
        if units.iter().any(|u| u.contains(name)) {
            continue;
        }
        match ws.group_of(name) {
            Some(g) => units.push(g.members.iter().filter(|m| versions.contains_key(*m)).cloned().collect()),
            None => units.push(vec![name.clone()]),
        }
    }
    for unit in units {
        let candidate = unit.iter().filter_map(|m| versions.get(m)).max().cloned().expect("units are non-empty");
        let (free, over) = super::next_free(ws, &unit, candidate);
        for (name, list) in over {
            passed.entry(name).or_default().extend(list);
        }
        for name in &unit {
            versions.insert(name.clone(), free.clone());
        }
    }
    let steps: Vec<crate::train::TrainStep> = versions
        .iter()
        .map(|(p, v)| crate::train::TrainStep { package: p.clone(), from: None, to: v.clone() })
        .collect();
    let (_, unasked) = super::taken_versions(ws, &steps);
    (passed, unasked)
}

impl BumpPlan {
    /// Writes every edit, and `more` (the release notes written with the versions), all or none.
    pub fn apply(&self, more: &[FileEdit]) -> anyhow::Result<()> {
        let mut tx = crate::fsutil::Transaction::anchored(&self.root);
        for e in self.edits.iter().chain(more) {
            tx.add(&e.path, e.after.clone().into_bytes());
        }
        tx.commit()
    }
}
