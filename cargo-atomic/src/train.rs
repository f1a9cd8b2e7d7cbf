//! The release train: which crates must be released together, at which versions, in what order,
//! and what stands in the way. The rules: a crate's required bump is the largest of its own
//! changes' and what its dependencies impose; a dependency that breaks pulls every dependent
//! (normal or build dependency) into the train, with a major bump where the dependent exposes it
//! and a patch bump otherwise; a minor or patch release pulls in only dependents whose
//! requirement no longer admits it. Versions follow Cargo's 0.x rules.
//!
//! Inputs are plain data from earlier stages — the workspace graph, each crate's diff against its
//! baseline, the current APIs (for exposure), stale snapshots — and the output is a [`Train`]:
//! per crate the declared and required versions with the causes, the publish order, problems.
//! Nothing here runs tools or writes files.

use std::collections::{BTreeMap, BTreeSet};

use semver::Version;
use serde::Serialize;

use crate::api::snapshot::{Freshness, SnapshotState};
use crate::api::{mentioned_crates, CrateApi};
use crate::diff::{Bump, CrateDiff};
use crate::workspace::{DepKind, Workspace};

/// What a cause is. Orders by significance: a crate's own changes explain it better than a
/// dependency that pulls it in, at the same bump.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CauseKind {
    /// Its version group moves (another member needs the new version).
    Group,
    /// A dependency in the train.
    Dependency,
    /// Its own API changes.
    Changes,
}

/// Why a crate needs what it needs.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Cause {
    pub kind: CauseKind,
    pub bump: Bump,
    /// For `dependency`: the dependency, the manifest that declares it, and the first public item
    /// that exposes it (when it does). For `group`: the member whose needs move the group.
    pub dependency: Option<String>,
    pub manifest: Option<String>,
    pub exposes: Option<String>,
    /// The full sentence: "`gateway` must be released with `core`: ...".
    pub message: String,
    /// The change at the root of it: the crate it is in and what changed there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<Root>,
}

/// The root cause of a crate's place in the train: a change in some crate's API (or a version
/// declared there), wherever the train carried it from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Root {
    pub package: String,
    /// What changed, as the diff says it (`fn core::run` gained parameter `timeout: u64`).
    pub change: String,
}

impl Root {
    /// `` `core`: `fn core::run` gained … `` — for a reason given in another crate's words.
    pub fn told(&self) -> String {
        format!("`{}`: {}", self.package, self.change)
    }
}

impl CrateTrain {
    /// The cause that explains the crate's place best: the largest bump, its own changes before
    /// what a dependency or its group impose.
    pub fn top_cause(&self) -> Option<&Cause> {
        self.causes.iter().max_by_key(|c| (c.bump, c.kind))
    }

    /// The root of the crate's top cause.
    pub fn root(&self) -> Option<&Root> {
        self.top_cause().and_then(|c| c.root.as_ref())
    }
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct CrateTrain {
    pub package: String,
    pub baseline_version: Option<Version>,
    pub declared_version: Version,
    /// Declared version against the baseline (`None`: unchanged, or a new crate).
    pub declared_bump: Option<Bump>,
    /// What the rules require (`None`: nothing).
    pub required_bump: Option<Bump>,
    /// The lowest version that satisfies the requirement.
    pub required_version: Option<Version>,
    /// The version this release will have: the declared one if it satisfies the requirement.
    pub release_version: Option<Version>,
    pub in_train: bool,
    pub new_crate: bool,
    pub causes: Vec<Cause>,
    /// Number of API changes against the baseline.
    pub changes: usize,
    /// The version group it moves with, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Where its baseline came from (`tag core-v1.0.0`, `registry crates-io 1.0.0, documented`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// Optional features its API was not documented with (so not checked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unchecked_features: Vec<String>,
    /// Its committed API snapshot, when it is not up to date: `missing` or `stale`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
}

/// A version group in the train: one version for its members.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct GroupTrain {
    pub name: String,
    pub kind: crate::workspace::GroupKind,
    /// Every member of the group.
    pub members: Vec<String>,
    /// The version its members declare (the highest, should they differ).
    pub declared_version: Version,
    /// The version the group is released at, when it is in the train.
    pub release_version: Option<Version>,
    /// The member whose needs decide the group's version, and why.
    pub moved_by: Option<String>,
    pub reason: Option<String>,
    /// The change at the root of those needs, and the crate it is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<Root>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct TrainStep {
    pub package: String,
    pub from: Option<Version>,
    pub to: Version,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Every kind of problem `check` and `publish` report, listed once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    // The train (`check`).
    StaleSnapshot,
    BumpTooSmall,
    BumpTooLarge,
    LeftOutOfTrain,
    RequirementNotAdmitting,
    UnneededBump,
    VersionGroupSplit,
    UnpublishedDependent,
    DevDependencyCycle,
    NoReleaseTags,
    AcceptanceStale,
    AcceptanceUnmatched,
    ReleasesAhead,
    // What the registry needs (`publish` preflight).
    NothingToPublish,
    NotPublishable,
    MissingMetadata,
    DependencyRegistry,
    MissingRepository,
    VersionExists,
    DirtyTree,
    RateLimit,
    NewCrateTrustedPublishing,
    TokenExpiresMidTrain,
    PackageFailed,
    WorkspaceDoesNotBuild,
}

impl ProblemKind {
    /// Every kind, in the order above.
    pub const ALL: &'static [ProblemKind] = &[
        ProblemKind::StaleSnapshot,
        ProblemKind::BumpTooSmall,
        ProblemKind::BumpTooLarge,
        ProblemKind::LeftOutOfTrain,
        ProblemKind::RequirementNotAdmitting,
        ProblemKind::UnneededBump,
        ProblemKind::VersionGroupSplit,
        ProblemKind::UnpublishedDependent,
        ProblemKind::DevDependencyCycle,
        ProblemKind::NoReleaseTags,
        ProblemKind::AcceptanceStale,
        ProblemKind::AcceptanceUnmatched,
        ProblemKind::ReleasesAhead,
        ProblemKind::NothingToPublish,
        ProblemKind::NotPublishable,
        ProblemKind::MissingMetadata,
        ProblemKind::DependencyRegistry,
        ProblemKind::MissingRepository,
        ProblemKind::VersionExists,
        ProblemKind::DirtyTree,
        ProblemKind::RateLimit,
        ProblemKind::NewCrateTrustedPublishing,
        ProblemKind::TokenExpiresMidTrain,
        ProblemKind::PackageFailed,
        ProblemKind::WorkspaceDoesNotBuild,
    ];

    /// What the problem is, in one line.
    pub fn summary(self) -> &'static str {
        match self {
            ProblemKind::StaleSnapshot => "a committed API snapshot is missing or out of date",
            ProblemKind::BumpTooSmall => "a declared version is below what the crate's changes or dependencies require",
            ProblemKind::BumpTooLarge => "a declared version is above what the crate's changes and dependencies need",
            ProblemKind::LeftOutOfTrain => "a dependent must be released with a breaking dependency but is not bumped",
            ProblemKind::RequirementNotAdmitting => "a requirement on a member does not admit the member's new version",
            ProblemKind::UnneededBump => "a version is bumped though nothing requires it",
            ProblemKind::VersionGroupSplit => "the members of a version group declare different versions",
            ProblemKind::UnpublishedDependent => {
                "a member that is not published depends on a crate whose release breaks: it must still build"
            }
            ProblemKind::DevDependencyCycle => {
                "a crate dev-depends, with a version, on a crate that depends on it: neither can be published first"
            }
            ProblemKind::NoReleaseTags => {
                "the repository has no release tags (or is a shallow clone): the baselines may not be the last releases"
            }
            ProblemKind::AcceptanceStale => {
                "an accepted finding was written for an earlier release: it no longer applies, and is ignored"
            }
            ProblemKind::AcceptanceUnmatched => {
                "an accepted finding matches no finding (the change went away, or the path is wrong)"
            }
            ProblemKind::ReleasesAhead => {
                "the train releases a crate above a release of its series that this checkout's history does not contain"
            }
            ProblemKind::NothingToPublish => "no crate of the workspace needs a release",
            ProblemKind::NotPublishable => "a crate of the train has `publish = false`",
            ProblemKind::MissingMetadata => "a crate lacks metadata the registry requires",
            ProblemKind::DependencyRegistry => "a dependency is not available from the registry the crate publishes to",
            ProblemKind::MissingRepository => "a crate has no `repository` URL",
            ProblemKind::VersionExists => "a version of the train is already in the registry",
            ProblemKind::DirtyTree => "the git tree has uncommitted changes",
            ProblemKind::RateLimit => "the registry's rate limits would make the train wait longer than --max-wait",
            ProblemKind::NewCrateTrustedPublishing => {
                "a crate of the train is new to the registry, and a trusted-publishing token cannot create crates"
            }
            ProblemKind::TokenExpiresMidTrain => {
                "the train takes longer than its short-lived token lasts, and no token command renews it"
            }
            ProblemKind::PackageFailed => "a crate of the train does not package or build against the others",
            ProblemKind::WorkspaceDoesNotBuild => {
                "the workspace (unpublished members and every target included) does not build with the train"
            }
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::StaleSnapshot => "stale-snapshot",
            ProblemKind::BumpTooSmall => "bump-too-small",
            ProblemKind::BumpTooLarge => "bump-too-large",
            ProblemKind::LeftOutOfTrain => "left-out-of-train",
            ProblemKind::RequirementNotAdmitting => "requirement-not-admitting",
            ProblemKind::UnneededBump => "unneeded-bump",
            ProblemKind::VersionGroupSplit => "version-group-split",
            ProblemKind::UnpublishedDependent => "unpublished-dependent",
            ProblemKind::DevDependencyCycle => "dev-dependency-cycle",
            ProblemKind::NoReleaseTags => "no-release-tags",
            ProblemKind::AcceptanceStale => "acceptance-stale",
            ProblemKind::AcceptanceUnmatched => "acceptance-unmatched",
            ProblemKind::ReleasesAhead => "releases-ahead",
            ProblemKind::NothingToPublish => "nothing-to-publish",
            ProblemKind::NotPublishable => "not-publishable",
            ProblemKind::MissingMetadata => "missing-metadata",
            ProblemKind::DependencyRegistry => "dependency-registry",
            ProblemKind::MissingRepository => "missing-repository",
            ProblemKind::VersionExists => "version-exists",
            ProblemKind::DirtyTree => "dirty-tree",
            ProblemKind::RateLimit => "rate-limit",
            ProblemKind::NewCrateTrustedPublishing => "new-crate-trusted-publishing",
            ProblemKind::TokenExpiresMidTrain => "token-expires-mid-train",
            ProblemKind::PackageFailed => "package-failed",
            ProblemKind::WorkspaceDoesNotBuild => "workspace-does-not-build",
        }
    }
}

impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Problem {
    pub kind: ProblemKind,
    pub severity: Severity,
    pub package: String,
    pub message: String,
    /// Where to look: a manifest or snapshot file relative to the workspace root, and a line.
    pub file: Option<String>,
    pub line: Option<usize>,
    /// Further reasons and details.
    pub notes: Vec<String>,
    /// What to run.
    pub help: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Train {
    pub crates: Vec<CrateTrain>,
    /// The crates to release, dependencies first.
    pub order: Vec<TrainStep>,
    /// The version groups of the crates analyzed.
    pub groups: Vec<GroupTrain>,
    /// Versions of the train the registry already holds (see [`Train::registry_says`]).
    pub taken: Vec<Taken>,
    /// What a reader should know of how the train was checked (a registry that could not be
    /// asked).
    pub notes: Vec<String>,
    pub problems: Vec<Problem>,
}

/// A version of the train the registry already holds, live or yanked: it can never be
/// published again.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Taken {
    pub package: String,
    pub version: Version,
    pub yanked: bool,
}

impl Train {
    /// What the registry said of the train's versions: each taken one is an error (a registry
    /// never takes a version number twice, yanked or not); a registry that could not be asked
    /// (`unasked`: registry and why) is said once.
    pub fn registry_says(&mut self, taken: Vec<Taken>, unasked: Vec<(String, String)>, locate: &dyn Locate) {
        for t in &taken {
            let at = locate.version_line(&t.package);
            let how = if t.yanked { "was published and yanked" } else { "is already published" };
            self.problems.push(Problem {
                kind: ProblemKind::VersionExists,
                severity: Severity::Error,
                package: t.package.clone(),
                message: format!("`{}` {} {how}: a registry never takes a version number twice", t.package, t.version),
                file: at.as_ref().map(|(f, _)| f.clone()),
                line: at.map(|(_, l)| l),
                notes: Vec::new(),
                help: "run `cargo atomic bump`: it moves every crate of the train past the versions the registry holds"
                    .to_string(),
            });
        }
        for (registry, why) in unasked {
            self.notes.push(format!(
                "the registry `{registry}` could not be asked whether the train's versions are free ({why}); \
                 `cargo atomic publish` asks again before the first upload"
            ));
        }
        self.taken = taken;
    }

    pub fn consistent(&self) -> bool {
        !self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    pub fn get(&self, package: &str) -> Option<&CrateTrain> {
        self.crates.iter().find(|c| c.package == package)
    }
}

/// Crate `b` exposes crate `a` when `b`'s public API mentions an item of `a`: the first item line
/// that shows it (or the path of a re-export).
pub fn exposure(api: &CrateApi, dependency_lib: &str) -> Option<String> {
    if let Some(path) = api.reexports.get(dependency_lib) {
        return Some(format!("pub use {path}"));
    }
    api.snapshot.items.iter().map(|i| i.render()).find(|line| mentioned_crates(line).contains(dependency_lib))
}

/// The version `bump` leads to from `from`, under Cargo's rules for 0.x versions: in `0.y.z` the
/// `y` is the major; in `0.0.z` every change is breaking.
pub fn bumped(from: &Version, bump: Bump) -> Version {
    let (major, minor, patch) = (from.major, from.minor, from.patch);
    let v = match (major, minor, bump) {
        (0, 0, _) => Version::new(0, 0, patch + 1),
        (0, _, Bump::Major) => Version::new(0, minor + 1, 0),
        (0, _, _) => Version::new(0, minor, patch + 1),
        (_, _, Bump::Major) => Version::new(major + 1, 0, 0),
        (_, _, Bump::Minor) => Version::new(major, minor + 1, 0),
        (_, _, Bump::Patch) => Version::new(major, minor, patch + 1),
    };
    // A pre-release baseline (1.0.0-rc.1) is released as its final version.
    if !from.pre.is_empty() && bump != Bump::Major {
        return Version::new(major, minor, patch);
    }
    v
}

/// Whether `to` is incompatible with `from` as Cargo sees it (different leftmost non-zero part).
pub fn breaking(from: &Version, to: &Version) -> bool {
    match (from.major, from.minor) {
        (0, 0) => from != to,
        (0, _) => to.major != 0 || to.minor != from.minor,
        _ => to.major != from.major,
    }
}

/// The bump the declared version makes over the baseline, in SemVer terms.
pub fn declared_bump(from: &Version, to: &Version) -> Option<Bump> {
    if to.cmp_precedence(from).is_le() {
        return None;
    }
    Some(if breaking(from, to) {
        Bump::Major
    } else if from.major == 0 || to.minor == from.minor {
        Bump::Patch
    } else {
        Bump::Minor
    })
}

/// Where dependency lines and versions live in manifests, for problem locations.
pub trait Locate {
    /// `(file, line)` of a member's version declaration.
    fn version_line(&self, package: &str) -> Option<(String, usize)>;
    /// `(file, line)` where `package` declares its requirement on `dependency`, and the requirement
    /// as written.
    fn requirement_line(&self, package: &str, dependency: &str) -> Option<(String, usize)>;
    /// `(file, line)` of the workspace's `[workspace.package] version`.
    fn workspace_version_line(&self) -> Option<(String, usize)> {
        None
    }
}

/// Builds the train for `diffs` (the crates analyzed), with `apis` for exposure and `stale` the
/// crates whose committed snapshot is not fresh. In three phases: each crate's causes (in
/// dependency order, since a dependency's release decides its dependents'), its entry (versions),
/// then the problems.
pub fn plan(
    ws: &Workspace,
    diffs: &[CrateDiff],
    apis: &BTreeMap<String, CrateApi>,
    stale: &[&SnapshotState],
    locate: &dyn Locate,
) -> Train {
    let analyzed: BTreeSet<String> = diffs.iter().map(|d| d.package.clone()).collect();
    let order = ws.topo_order(&analyzed);
    // A version group moves as one: its members are planned again with the group's version as
    // their floor, until no floor moves (a member moved by its group can pull dependents, and
    // through them other groups).
    let mut floors: BTreeMap<String, Floor> = BTreeMap::new();
    let mut crates: BTreeMap<String, CrateTrain>;
    let mut rounds = 0;
    loop {
        crates = BTreeMap::new();
        for name in &order {
            let d = diffs.iter().find(|d| &d.package == name).expect("ordered from the diffs");
            let mut causes = causes(ws, d, &crates, apis, locate);
            let floor = floors.get(name);
            if let Some(f) = floor {
                causes.extend(group_cause(name, d, f));
            }
            crates.insert(name.clone(), entry(ws, d, causes, floor));
        }
        let next = group_floors(ws, &crates);
        rounds += 1;
        if next == floors || rounds > ws.groups.len() + ws.members.len() {
            break;
        }
        floors = next;
    }
    let groups = group_trains(ws, &crates);
    let problems = problems(ws, &order, &crates, &groups, stale, locate);
    for s in stale {
        if let Some(c) = crates.get_mut(&s.package) {
            c.snapshot = Some(if s.freshness == Freshness::Missing { "missing" } else { "stale" }.to_string());
        }
    }
    let order_steps: Vec<TrainStep> = order
        .iter()
        .filter_map(|n| {
            let c = &crates[n];
            c.release_version.clone().map(|to| TrainStep { package: n.clone(), from: c.baseline_version.clone(), to })
        })
        .collect();
    Train {
        crates: order.iter().map(|n| crates[n].clone()).collect(),
        order: order_steps,
        groups,
        taken: Vec::new(),
        notes: Vec::new(),
        problems,
    }
}

/// The version a member's group moves to, the member whose needs decide it, and the root cause
/// of those needs.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Floor {
    version: Version,
    group: String,
    by: String,
    root: Option<Root>,
}

/// For every member of a group with a member in the train: the highest version a member of the
/// group needs on its own (its changes, its dependencies, its declared version — not the group),
/// and that member: among equals, one whose own changes need it (the root cause itself, not a
/// crate it pulls in), then the first by name, so that the floor is the same every round.
fn group_floors(ws: &Workspace, crates: &BTreeMap<String, CrateTrain>) -> BTreeMap<String, Floor> {
    let own = |c: &CrateTrain| -> Option<(Version, bool, Option<Root>)> {
        let top = c.causes.iter().filter(|x| x.kind != CauseKind::Group).max_by_key(|x| (x.bump, x.kind));
        let required = top.and_then(|x| c.baseline_version.as_ref().map(|from| bumped(from, x.bump)));
        let declared = (c.declared_bump.is_some() || c.new_crate).then(|| c.declared_version.clone());
        let version = required.clone().into_iter().chain(declared.clone()).max()?;
        // Its own change, not a sibling's it re-exports.
        let by_changes = top
            .is_some_and(|x| x.kind == CauseKind::Changes && x.root.as_ref().is_none_or(|r| r.package == c.package))
            && required.as_ref() == Some(&version);
        let root = match top {
            Some(x) if required.as_ref() == Some(&version) => x.root.clone(),
            _ => declared_root(c),
        };
        Some((version, by_changes, root))
    };
    let mut floors = BTreeMap::new();
    for g in &ws.groups {
        let top = g
            .members
            .iter()
            .filter_map(|m| crates.get(m))
            .filter(|c| c.in_train)
            .filter_map(|c| own(c).map(|o| (o, c.package.clone())))
            .max_by(|a, b| a.0 .0.cmp(&b.0 .0).then(a.0 .1.cmp(&b.0 .1)).then_with(|| b.1.cmp(&a.1)));
        let Some(((version, _, root), by)) = top else { continue };
        for m in g.members.iter().filter(|m| crates.contains_key(*m)) {
            floors.insert(
                m.clone(),
                Floor { version: version.clone(), group: g.name.clone(), by: by.clone(), root: root.clone() },
            );
        }
    }
    floors
}

/// The cause of a member moved by its group (none for the member that decides the version).
fn group_cause(name: &str, d: &CrateDiff, floor: &Floor) -> Option<Cause> {
    if floor.by == name {
        return None;
    }
    let baseline = d.baseline.as_ref().and_then(|b| b.version.clone());
    let bump = match &baseline {
        Some(from) => declared_bump(from, &floor.version)?,
        None => Bump::Patch,
    };
    let why = match &floor.root {
        Some(root) => format!(", for {}", root.told()),
        None => format!(", which `{}` needs", floor.by),
    };
    Some(Cause {
        kind: CauseKind::Group,
        bump,
        dependency: Some(floor.by.clone()),
        manifest: None,
        exposes: None,
        message: format!("`{name}` moves with its version group `{}` to {}{why}", floor.group, floor.version),
        root: floor.root.clone(),
    })
}

/// The version groups of the analyzed crates, as the train has them.
fn group_trains(ws: &Workspace, crates: &BTreeMap<String, CrateTrain>) -> Vec<GroupTrain> {
    let mut out = Vec::new();
    for g in &ws.groups {
        let members: Vec<&CrateTrain> = g.members.iter().filter_map(|m| crates.get(m)).collect();
        let Some(declared) = members.iter().map(|c| c.declared_version.clone()).max() else { continue };
        let release = members.iter().filter(|c| c.in_train).filter_map(|c| c.release_version.clone()).max();
        // The member that decides the group's version is the one its group does not move.
        let in_train: Vec<&&CrateTrain> =
            members.iter().filter(|c| c.in_train && c.release_version == release).collect();
        let mover = in_train
            .iter()
            .find(|c| !c.causes.is_empty() && c.causes.iter().all(|x| x.kind != CauseKind::Group))
            .or_else(|| {
                in_train
                    .iter()
                    .filter(|c| c.causes.iter().any(|x| x.kind != CauseKind::Group))
                    .max_by_key(|c| c.required_bump)
            });
        let top =
            mover.and_then(|c| c.causes.iter().filter(|x| x.kind != CauseKind::Group).max_by_key(|x| (x.bump, x.kind)));
        // A group at a version above what its mover's changes need is there by declaration.
        let needs = |c: &CrateTrain| top.and_then(|x| c.baseline_version.as_ref().map(|from| bumped(from, x.bump)));
        let root = match mover {
            Some(c) if needs(c).is_some_and(|v| Some(&v) == release.as_ref()) => top.and_then(|x| x.root.clone()),
            Some(c) => declared_root(c).or_else(|| top.and_then(|x| x.root.clone())),
            None => None,
        };
        out.push(GroupTrain {
            name: g.name.clone(),
            kind: g.kind,
            members: g.members.clone(),
            declared_version: declared,
            release_version: release,
            moved_by: mover.map(|c| c.package.clone()),
            reason: top.map(|x| x.message.clone()),
            root,
        });
    }
    out
}

/// Why crate `d` needs a release: its own changes, and what the dependencies already planned in
/// `upstream` impose (rules 2 and 3 of the train).
fn causes(
    ws: &Workspace,
    d: &CrateDiff,
    upstream: &BTreeMap<String, CrateTrain>,
    apis: &BTreeMap<String, CrateApi>,
    locate: &dyn Locate,
) -> Vec<Cause> {
    let name = &d.package;
    let member = ws.member(name).expect("diffs are of members");
    let mut causes = Vec::new();
    // The most significant root cause names the crate's change (a removal before an auto trait).
    let counting: Vec<&crate::diff::Cause> = d.changes.counting_causes().collect();
    let top = counting.first().map(|c| &d.changes.findings[c.finding]);
    if let (Some(bump), Some(top)) = (d.changes.required_bump, top) {
        let more = counting.len() - 1;
        let more = if more > 0 {
            format!(" (and {more} more cause{})", if more == 1 { "" } else { "s" })
        } else {
            String::new()
        };
        let change = format!("{}{}", top.message(), accepted_words(top));
        // A sibling's change re-exported here has its root there: the sibling's own words, where
        // the train planned it already (it is a dependency).
        let root = match sibling_package(ws, counting[0].sibling.as_deref()) {
            Some(sibling) => {
                upstream.get(&sibling).and_then(|u| u.root().cloned()).unwrap_or(Root { package: sibling, change })
            }
            None => Root { package: name.clone(), change },
        };
        causes.push(Cause {
            kind: CauseKind::Changes,
            bump,
            dependency: None,
            manifest: None,
            exposes: None,
            message: format!("{}{more}{}", top.message(), accepted_words(top)),
            root: Some(root),
        });
    }
    for dep in member.deps.iter().filter(|dep| dep.kind != DepKind::Dev) {
        let Some(dep_name) = &dep.member else { continue };
        let Some(up) = upstream.get(dep_name) else { continue };
        if !up.in_train {
            continue;
        }
        let manifest = locate
            .requirement_line(name, dep_name)
            .map(|(f, _)| f)
            .unwrap_or_else(|| ws.relative(&member.manifest_path));
        let new_version = up.release_version.clone().unwrap_or_else(|| up.declared_version.clone());
        let breaks = up.baseline_version.as_ref().is_some_and(|from| breaking(from, &new_version));
        if breaks {
            let exposes = match (apis.get(name), ws.member(dep_name).and_then(|m| m.lib.as_ref())) {
                (Some(api), Some(lib)) => exposure(api, &lib.name),
                _ => None,
            };
            let (bump, how) = match &exposes {
                Some(item) => (Bump::Major, format!(" and exposes it in `{item}`")),
                None => (Bump::Patch, String::new()),
            };
            let reason = upstream_reason(up);
            causes.push(Cause {
                kind: CauseKind::Dependency,
                bump,
                dependency: Some(dep_name.clone()),
                manifest: Some(manifest.clone()),
                exposes: exposes.clone(),
                message: format!(
                    "`{name}` must be released with `{dep_name}`: `{name}` depends on `{dep_name}` ({manifest}){how}, \
                     and `{dep_name}` breaks: {reason}"
                ),
                root: breaking_root(up),
            });
        } else if !dep.req.matches(&new_version) {
            causes.push(Cause {
                kind: CauseKind::Dependency,
                bump: Bump::Patch,
                dependency: Some(dep_name.clone()),
                manifest: Some(manifest.clone()),
                exposes: None,
                message: format!(
                    "`{name}` must be released with `{dep_name}`: its requirement `{dep_name} = \"{}\"` ({manifest}) \
                     does not admit {dep_name} {new_version}",
                    dep.req
                ),
                root: up.root().cloned().or_else(|| declared_root(up)),
            });
        }
    }
    causes
}

/// The package of the member whose library is `lib`.
fn sibling_package(ws: &Workspace, lib: Option<&str>) -> Option<String> {
    let lib = lib?;
    ws.members.iter().find(|m| m.lib.as_ref().is_some_and(|l| l.name == lib) || m.name == lib).map(|m| m.name.clone())
}

/// ` (accepted as minor: soundness fix)` for a finding the maintainers accepted at another level.
fn accepted_words(f: &crate::diff::Finding) -> String {
    match &f.accepted {
        Some(a) if a.level.bump() != Some(f.bump) => format!(" (accepted as {}: {})", a.level, a.reason),
        _ => String::new(),
    }
}

/// A crate's entry: the required bump and version from its causes, the declared ones, and
/// whether it is in the train.
fn entry(ws: &Workspace, d: &CrateDiff, causes: Vec<Cause>, floor: Option<&Floor>) -> CrateTrain {
    let member = ws.member(&d.package).expect("diffs are of members");
    let baseline_version = d.baseline.as_ref().and_then(|b| b.version.clone());
    let new_crate = d.baseline.is_none();
    let required_bump = causes.iter().map(|c| c.bump).max();
    let mut required_version = required_bump.and_then(|b| baseline_version.as_ref().map(|from| bumped(from, b)));
    // A group's version is one for all its members, whatever each one's baseline.
    if let Some(f) = floor.filter(|f| f.by != d.package) {
        if required_version.as_ref().is_none_or(|v| *v < f.version) {
            required_version = Some(f.version.clone());
        }
    }
    let declared = baseline_version.as_ref().and_then(|from| declared_bump(from, &member.version));
    let satisfied = required_version.as_ref().is_none_or(|req| member.version.cmp_precedence(req).is_ge());
    let in_train = required_bump.is_some()
        || declared.is_some()
        || (new_crate && member.is_publishable())
        || floor.is_some_and(|f| f.by != d.package);
    let release_version = match (in_train, satisfied) {
        (false, _) => None,
        (true, true) => Some(member.version.clone()),
        (true, false) => required_version.clone(),
    };
    CrateTrain {
        package: d.package.clone(),
        baseline_version,
        declared_version: member.version.clone(),
        declared_bump: declared,
        required_bump,
        required_version,
        release_version,
        in_train,
        new_crate,
        causes,
        changes: d.changes.findings.len(),
        group: ws.group_of(&d.package).map(|g| g.name.clone()),
        baseline: d.baseline.as_ref().map(|b| crate::baseline::described(ws, &d.package, &b.origin)),
        unchecked_features: Vec::new(),
        snapshot: None,
    }
}

/// Several crates bumped though nothing requires it are one warning, where the first was: most
/// often they are crates released together at one version, which a version group says.
fn merge_unneeded_bumps(mut problems: Vec<Problem>) -> Vec<Problem> {
    let unneeded: Vec<usize> =
        problems.iter().enumerate().filter(|(_, p)| p.kind == ProblemKind::UnneededBump).map(|(i, _)| i).collect();
    if unneeded.len() < 2 {
        return problems;
    }
    let lines: Vec<String> = unneeded
        .iter()
        .map(|&i| {
            let p = &problems[i];
            let at = p.file.as_ref().map(|f| format!(" ({f}{})", p.line.map(|l| format!(":{l}")).unwrap_or_default()));
            format!("{}{}", p.message.trim_end_matches(" though nothing requires it"), at.unwrap_or_default())
        })
        .collect();
    let merged = Problem {
        kind: ProblemKind::UnneededBump,
        severity: Severity::Warning,
        package: String::new(),
        message: format!("{} crates are bumped though nothing requires it", unneeded.len()),
        file: None,
        line: None,
        notes: lines
            .into_iter()
            .chain(std::iter::once(
                "crates released together at one version can say so: a version group (`version-groups` in \
                 `[workspace.metadata.atomic]`, which `cargo atomic init` detects from the releases) makes each bump required"
                    .to_string(),
            ))
            .collect(),
        help: "keep the bumps to release them anyway, or restore the released versions".to_string(),
    };
    let first = unneeded[0];
    let mut out = Vec::with_capacity(problems.len() - unneeded.len() + 1);
    for (i, p) in problems.drain(..).enumerate() {
        if i == first {
            out.push(merged.clone());
        } else if !unneeded.contains(&i) {
            out.push(p);
        }
    }
    out
}

/// What stands in the way: stale snapshots, bumps too small, dependents left out, requirements
/// that do not admit the new versions, and bumps nothing requires. A version group is one
/// version: its bump is one problem, named for the group, not one per member.
fn problems(
    ws: &Workspace,
    order: &[String],
    crates: &BTreeMap<String, CrateTrain>,
    groups: &[GroupTrain],
    stale: &[&SnapshotState],
    locate: &dyn Locate,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    // A repository adopting the tool has no snapshot yet: one diagnostic for all the crates, not
    // one each with the same help (JSON's `crates` still give each crate its snapshot state).
    let missing: Vec<&&SnapshotState> = stale.iter().filter(|s| s.freshness == Freshness::Missing).collect();
    if missing.len() > 1 {
        let names: Vec<String> = missing.iter().map(|s| format!("`{}`", s.package)).collect();
        problems.push(Problem {
            kind: ProblemKind::StaleSnapshot,
            severity: Severity::Error,
            package: String::new(),
            message: format!("{} crates have no committed API snapshot: {}", missing.len(), names.join(", ")),
            file: None,
            line: None,
            notes: vec![format!(
                "a snapshot is each crate's public API, committed as `{}` beside its manifest, so that pull requests show API changes",
                crate::api::snapshot::FILE_NAME
            )],
            help: "run `cargo atomic init` (snapshots, release tag pattern, version groups, a CI workflow) or \
                   `cargo atomic snapshot`, and commit the result"
                .to_string(),
        });
    }
    for s in stale.iter().filter(|s| missing.len() <= 1 || s.freshness != Freshness::Missing) {
        let (package, path) = (&s.package, &s.file);
        problems.push(Problem {
            kind: ProblemKind::StaleSnapshot,
            severity: Severity::Error,
            package: package.clone(),
            message: if s.freshness == Freshness::Missing {
                format!("`{package}` has no committed API snapshot ({path})")
            } else {
                format!("the committed API snapshot of `{package}` is out of date ({path})")
            },
            file: Some(path.clone()),
            line: None,
            notes: Vec::new(),
            help: "run `cargo atomic snapshot` and commit the result".to_string(),
        });
    }
    for name in order {
        let c = &crates[name];
        let version_at = locate.version_line(name);
        let (file, line) = match &version_at {
            Some((f, l)) => (Some(f.clone()), Some(*l)),
            None => (None, None),
        };
        let mut causes: Vec<&Cause> = c.causes.iter().collect();
        causes.sort_by_key(|x| std::cmp::Reverse((x.bump, x.kind)));
        let grouped = c.group.is_some();
        if let (Some(required), Some(version), false) = (c.required_bump, &c.required_version, grouped) {
            if c.declared_version.cmp_precedence(version).is_lt() {
                let from = c.baseline_version.as_ref().map(|v| v.to_string()).unwrap_or_default();
                let left_out = c.declared_bump.is_none() && causes.iter().all(|x| x.kind == CauseKind::Dependency);
                let (kind, message, mut notes) = if left_out {
                    (
                        ProblemKind::LeftOutOfTrain,
                        causes[0].message.clone(),
                        vec![format!("its version is still {from}; the train needs {version} ({required})")],
                    )
                } else {
                    (
                        ProblemKind::BumpTooSmall,
                        format!(
                            "`{name}` needs a {required} bump ({from} → {version}) but declares {}",
                            c.declared_version
                        ),
                        vec![format!("because {}", causes[0].message)],
                    )
                };
                let top = causes[0].root.as_ref();
                notes.extend(
                    other_roots(causes[1..].iter().copied(), top).into_iter().map(|r| format!("also: {}", r.told())),
                );
                problems.push(Problem {
                    kind,
                    severity: Severity::Error,
                    package: name.clone(),
                    message,
                    file: file.clone(),
                    line,
                    notes,
                    help: "run `cargo atomic bump`".to_string(),
                });
            }
        }
        if c.required_bump.is_none() && c.declared_bump.is_some() && !grouped {
            problems.push(Problem {
                kind: ProblemKind::UnneededBump,
                severity: Severity::Warning,
                package: name.clone(),
                message: format!(
                    "`{name}` is bumped ({} → {}) though nothing requires it",
                    c.baseline_version.as_ref().map(|v| v.to_string()).unwrap_or_default(),
                    c.declared_version
                ),
                file: file.clone(),
                line,
                notes: Vec::new(),
                help: "keep the bump to release it anyway, or restore the released version".to_string(),
            });
        }
        // Requirements of this crate on members released in the train.
        let member = ws.member(name).expect("a member");
        for dep in &member.deps {
            let Some(dep_name) = &dep.member else { continue };
            let Some(upstream) = crates.get(dep_name) else { continue };
            let Some(new_version) = &upstream.release_version else { continue };
            if upstream.in_train && !dep.req.matches(new_version) && dep.req != semver::VersionReq::STAR {
                let at = locate.requirement_line(name, dep_name);
                problems.push(Problem {
                    kind: ProblemKind::RequirementNotAdmitting,
                    severity: Severity::Error,
                    package: name.clone(),
                    message: format!(
                        "`{name}` requires `{dep_name} = \"{}\"`, which does not admit {dep_name} {new_version}",
                        dep.req
                    ),
                    file: at.as_ref().map(|(f, _)| f.clone()),
                    line: at.map(|(_, l)| l),
                    notes: Vec::new(),
                    help: "run `cargo atomic bump`".to_string(),
                });
            }
        }
    }
    for g in groups {
        problems.extend(group_problems(g, crates, locate));
    }
    problems.extend(unpublished_dependents(ws, crates, locate));
    problems.extend(dev_dependency_cycles(ws, crates, locate));
    merge_unneeded_bumps(problems)
}

/// Members that are not published (apps, examples, test harnesses) but depend on a crate whose
/// release breaks: nothing publishes them, and nothing but a build says they still compile.
fn unpublished_dependents(ws: &Workspace, crates: &BTreeMap<String, CrateTrain>, locate: &dyn Locate) -> Vec<Problem> {
    let breaking = |name: &str| -> Option<&CrateTrain> {
        let c = crates.get(name).filter(|c| c.in_train)?;
        let (from, to) = (c.baseline_version.as_ref()?, c.release_version.as_ref()?);
        breaking(from, to).then_some(c)
    };
    let mut out = Vec::new();
    for m in ws.members.iter().filter(|m| !m.is_publishable()) {
        let mut on: Vec<&CrateTrain> = Vec::new();
        for d in &m.deps {
            if let Some(c) = d.member.as_deref().and_then(breaking) {
                if !on.iter().any(|x| x.package == c.package) {
                    on.push(c);
                }
            }
        }
        if on.is_empty() {
            continue;
        }
        let listed: Vec<String> = on
            .iter()
            .map(|c| {
                format!(
                    "`{}` ({} → {})",
                    c.package,
                    c.baseline_version.as_ref().expect("breaking"),
                    c.release_version.as_ref().expect("breaking")
                )
            })
            .collect();
        let at = locate.requirement_line(&m.name, &on[0].package);
        out.push(Problem {
            kind: ProblemKind::UnpublishedDependent,
            severity: Severity::Warning,
            package: m.name.clone(),
            message: format!(
                "`{}` is not published but depends on {}, whose release breaks: it must still build with the train",
                m.name,
                listed.join(", ")
            ),
            file: at.as_ref().map(|(f, _)| f.clone()),
            line: at.map(|(_, l)| l),
            notes: on
                .iter()
                .filter_map(|c| c.causes.iter().max_by_key(|x| (x.bump, x.kind)).map(|x| format!("`{}`: {}", c.package, x.message)))
                .collect(),
            help: format!(
                "build it against the train (`cargo check -p {} --lib --bins --tests --examples`); `cargo atomic publish` builds the whole \
                 workspace before the first upload",
                m.name
            ),
        });
    }
    out
}

/// A crate of the train that dev-depends, with a version, on a member that depends on it
/// (normal or build): Cargo keeps a versioned dev-dependency in the published package, so each
/// would need the other published first.
fn dev_dependency_cycles(ws: &Workspace, crates: &BTreeMap<String, CrateTrain>, locate: &dyn Locate) -> Vec<Problem> {
    let mut out = Vec::new();
    for c in crates.values().filter(|c| c.in_train) {
        let Some(m) = ws.member(&c.package).filter(|m| m.is_publishable()) else { continue };
        for d in m.deps.iter().filter(|d| d.kind == DepKind::Dev && d.req != semver::VersionReq::STAR) {
            let Some(other) = d.member.as_deref().filter(|o| *o != m.name) else { continue };
            let closure = ws.with_deps(&[other.to_string()], &[DepKind::Normal, DepKind::Build]);
            if !closure.contains(&m.name) {
                continue;
            }
            // A requirement the other's last release meets resolves from the registry as it is
            // (`serde = "1"` while serde 1.0.228 is out): nothing waits for the other upload.
            let released = crates.get(other).and_then(|o| o.baseline_version.as_ref());
            if released.is_some_and(|v| d.req.matches(v)) {
                continue;
            }
            let at = locate.requirement_line(&m.name, other);
            let key = d.rename.clone().unwrap_or_else(|| d.name.clone());
            out.push(Problem {
                kind: ProblemKind::DevDependencyCycle,
                severity: Severity::Error,
                package: m.name.clone(),
                message: format!(
                    "`{}` dev-depends on `{other}` with a version (`{key} = \"{}\"`), and `{other}` depends on `{}`: \
                     neither can be published before the other",
                    m.name, d.req, m.name
                ),
                file: at.as_ref().map(|(f, _)| f.clone()),
                line: at.map(|(_, l)| l),
                notes: vec!["Cargo keeps a dev-dependency that names a version in the published package, where it must resolve from the registry".to_string()],
                help: format!(
                    "make the dev-dependency path-only (`{key} = {{ path = \"...\" }}`, no `version`): Cargo leaves it out of \
                     the published package"
                ),
            });
        }
    }
    out
}

/// A version group's problems: members that declare different versions (a configured group), a
/// version below what a member needs, a bump nothing needs.
fn group_problems(g: &GroupTrain, crates: &BTreeMap<String, CrateTrain>, locate: &dyn Locate) -> Vec<Problem> {
    let mut out = Vec::new();
    let members: Vec<&CrateTrain> = g.members.iter().filter_map(|m| crates.get(m)).collect();
    let listed = g.members.join(", ");
    let name = &g.name;
    // Where the group's version is written: the workspace's, or its first member's.
    let at = |member: &str| match g.kind {
        crate::workspace::GroupKind::Inherited => locate.workspace_version_line(),
        crate::workspace::GroupKind::Configured => locate.version_line(member),
    };
    let first = members.first().map(|c| c.package.clone()).unwrap_or_default();
    let problem = |kind, severity, package: &str, message: String, notes: Vec<String>, help: &str| {
        let at = at(package);
        Problem {
            kind,
            severity,
            package: package.to_string(),
            message,
            file: at.as_ref().map(|(f, _)| f.clone()),
            line: at.map(|(_, l)| l),
            notes,
            help: help.to_string(),
        }
    };
    let versions: BTreeSet<&Version> = members.iter().map(|c| &c.declared_version).collect();
    if versions.len() > 1 {
        let each: Vec<String> = members.iter().map(|c| format!("{} {}", c.package, c.declared_version)).collect();
        let below = members
            .iter()
            .find(|c| c.declared_version.cmp_precedence(&g.declared_version).is_lt())
            .map(|c| c.package.as_str());
        out.push(problem(
            ProblemKind::VersionGroupSplit,
            Severity::Error,
            below.unwrap_or(&first),
            format!("the version group `{name}` ({listed}) declares more than one version: {}", each.join(", ")),
            vec![format!("its members are released together, at one version ({})", g.declared_version)],
            "give every member the group's version (`cargo atomic bump` writes it)",
        ));
    }
    let Some(release) = &g.release_version else { return out };
    let mover = g.moved_by.as_deref().and_then(|m| crates.get(m));
    let behind: Vec<&&CrateTrain> =
        members.iter().filter(|c| c.declared_version.cmp_precedence(release).is_lt()).collect();
    if let (Some(mover), false) = (mover, behind.is_empty()) {
        let from = mover.baseline_version.as_ref().map(|v| v.to_string()).unwrap_or_default();
        let bump = mover.required_bump.map(|b| b.to_string()).unwrap_or_default();
        let because = match &g.root {
            Some(root) => root.told(),
            None => format!("`{}`: {}", mover.package, g.reason.clone().unwrap_or_default()),
        };
        let mut notes = vec![format!("because {because}")];
        let others = members.iter().flat_map(|c| c.causes.iter().filter(|x| x.kind != CauseKind::Group));
        notes.extend(other_roots(others, g.root.as_ref()).into_iter().map(|r| format!("also: {}", r.told())));
        notes.push(format!(
            "moving with it: {}",
            g.members.iter().filter(|m| **m != mover.package).cloned().collect::<Vec<_>>().join(", ")
        ));
        // Named for the member that moves it, when it is behind too.
        let named = behind.iter().find(|c| c.package == mover.package).unwrap_or(&behind[0]);
        out.push(problem(
            ProblemKind::BumpTooSmall,
            Severity::Error,
            &named.package,
            format!(
                "the version group `{name}` ({listed}) needs a {bump} bump ({from} → {release}) but declares {}",
                named.declared_version
            ),
            notes,
            "run `cargo atomic bump`",
        ));
    }
    if mover.is_none() && members.iter().any(|c| c.declared_bump.is_some()) {
        let c = members.iter().find(|c| c.declared_bump.is_some()).expect("checked");
        out.push(problem(
            ProblemKind::UnneededBump,
            Severity::Warning,
            &c.package,
            format!(
                "the version group `{name}` ({listed}) is bumped ({} → {}) though nothing requires it",
                c.baseline_version.as_ref().map(|v| v.to_string()).unwrap_or_default(),
                c.declared_version
            ),
            Vec::new(),
            "keep the bump to release the group anyway, or restore the released version",
        ));
    }
    out
}

/// No locations (for hypothetical plans).
struct Nowhere;

impl Locate for Nowhere {
    fn version_line(&self, _: &str) -> Option<(String, usize)> {
        None
    }
    fn requirement_line(&self, _: &str, _: &str) -> Option<(String, usize)> {
        None
    }
}

/// Sets `package`'s version in a hypothetical workspace, and every requirement on it that would
/// not admit it to `^version` (as `bump` writes them).
fn set_version(ws: &mut Workspace, package: &str, version: &Version) {
    let req = semver::VersionReq::parse(&format!("^{version}")).expect("a version is a requirement");
    for m in &mut ws.members {
        if m.name == package {
            m.version = version.clone();
        }
        for d in &mut m.deps {
            if d.member.as_deref() == Some(package) && !d.req.matches(version) {
                d.req = req.clone();
            }
        }
    }
}

/// Raises versions in `hypothetical` until every crate of its train has at least its required
/// version (a bump can pull dependents into the train, so to a fixed point).
fn settle(hypothetical: &mut Workspace, diffs: &[CrateDiff], apis: &BTreeMap<String, CrateApi>) -> Train {
    for _ in 0..=hypothetical.members.len() + 1 {
        let train = plan(hypothetical, diffs, apis, &[], &Nowhere);
        let raise: Vec<(String, Version)> = train
            .crates
            .iter()
            .filter_map(|c| {
                let required = c.required_version.as_ref()?;
                let mut v = required.clone();
                if v.build.is_empty() {
                    v.build = c.declared_version.build.clone();
                }
                c.declared_version.cmp_precedence(required).is_lt().then(|| (c.package.clone(), v))
            })
            .collect();
        if raise.is_empty() {
            return train;
        }
        for (name, v) in raise {
            set_version(hypothetical, &name, &v);
        }
    }
    plan(hypothetical, diffs, apis, &[], &Nowhere)
}

/// What the changes need and nothing more: every crate planned from its baseline, the declared
/// versions set aside, raised to what it requires until nothing moves. Crates nothing requires
/// are not in it (a release no API asks for is the maintainers' to make, at the version they
/// declare).
pub fn needed_versions(
    ws: &Workspace,
    diffs: &[CrateDiff],
    apis: &BTreeMap<String, CrateApi>,
) -> BTreeMap<String, Needed> {
    let mut hypothetical = ws.clone();
    for d in diffs {
        if let Some(from) = d.baseline.as_ref().and_then(|b| b.version.clone()) {
            set_version(&mut hypothetical, &d.package, &from);
        }
    }
    let train = settle(&mut hypothetical, diffs, apis);
    train
        .crates
        .iter()
        .filter_map(|c| {
            let needed =
                Needed { version: c.release_version.clone()?, bump: c.required_bump?, root: c.root().cloned() };
            Some((c.package.clone(), needed))
        })
        .collect()
}

/// The versions `cargo atomic bump` writes: what the train needs ([`needed_versions`]: an
/// unpublished version above it comes down to it), a crate nothing requires keeping its
/// declared version, and with `level`, at least that bump over the baseline for the `chosen`
/// crates (all crates of the train when none are chosen). Raised to a fixed point, since a bump
/// can pull dependents into the train.
pub fn versions_to_write(
    ws: &Workspace,
    diffs: &[CrateDiff],
    apis: &BTreeMap<String, CrateApi>,
    level: Option<Bump>,
    chosen: &[String],
) -> BTreeMap<String, Version> {
    let needed = needed_versions(ws, diffs, apis);
    let declared = plan(ws, diffs, apis, &[], &Nowhere);
    let mut hypothetical = ws.clone();
    for c in &declared.crates {
        let mut target =
            needed.get(&c.package).map(|n| n.version.clone()).unwrap_or_else(|| c.declared_version.clone());
        let wanted = if chosen.is_empty() { c.in_train } else { chosen.contains(&c.package) };
        if let (Some(level), Some(from), true) = (level, &c.baseline_version, wanted) {
            let v = bumped(from, level);
            if v.cmp_precedence(&target).is_gt() {
                target = v;
            }
        }
        // Build metadata the maintainers write (`+spec-1.1.0`) stays with the new version.
        if target.build.is_empty() {
            target.build = c.declared_version.build.clone();
        }
        if target != c.declared_version {
            set_version(&mut hypothetical, &c.package, &target);
        }
    }
    settle(&mut hypothetical, diffs, apis);
    hypothetical
        .members
        .iter()
        .filter_map(|m| {
            let original = &ws.member(&m.name)?.version;
            (m.version != *original).then(|| (m.name.clone(), m.version.clone()))
        })
        .collect()
}

/// What the train needs of a crate: the version, the bump it makes over the baseline, and the
/// root cause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Needed {
    pub version: Version,
    pub bump: Bump,
    pub root: Option<Root>,
}

impl Train {
    /// Releases newer than the checkout's own, in their series, that its history does not contain
    /// (a maintenance branch, a clone older than the last release): said once for all the crates
    /// they concern, with what it means for this train — a warning where the train releases above
    /// them in their series, since their users will be moved to it.
    pub fn releases_ahead(&mut self, diffs: &[CrateDiff]) {
        let mut ahead: Vec<(String, Version, String, crate::baseline::Ahead)> = Vec::new();
        let mut above: Vec<(String, Version)> = Vec::new();
        let mut major = false;
        for d in diffs {
            let Some(b) = &d.baseline else { continue };
            let (Some(newer), Some(from)) = (&b.origin.newer, &b.version) else { continue };
            let kind = if b.origin.kind == crate::baseline::OriginKind::Tag { "tag" } else { "registry" };
            ahead.push((d.package.clone(), from.clone(), format!("{kind} {}", b.origin.reference), newer.clone()));
            let release = self.get(&d.package).and_then(|c| c.release_version.clone());
            if let Some(r) = release {
                if !breaking(&newer.version, &r) && r.cmp_precedence(&newer.version) == std::cmp::Ordering::Greater {
                    above.push((d.package.clone(), r));
                } else if breaking(from, &r) {
                    major = true;
                }
            }
        }
        if ahead.is_empty() {
            return;
        }
        let message = format!(
            "releases newer than this checkout's are out: {}; this history does not contain them (a maintenance \
             branch, or a clone older than the last release), so the baselines stay at the checkout's release",
            crate::baseline::ahead_in_words(&ahead)
        );
        if above.is_empty() {
            let meaning = if major {
                "the train starts a new series, which their users are not moved to"
            } else {
                "a release from here above them must keep what they added (`cargo atomic diff --baseline-version \
                 <version>` shows what this checkout lacks)"
            };
            self.notes.push(format!("{message}: {meaning}"));
            return;
        }
        self.problems.push(Problem {
            kind: ProblemKind::ReleasesAhead,
            severity: Severity::Warning,
            package: String::new(),
            message: format!(
                "the train releases {} above releases this checkout does not contain: their users will be moved to it",
                listed_versions(&above)
            ),
            file: None,
            line: None,
            notes: vec![message],
            help:
                "merge those releases first, or check against them (`cargo atomic check --baseline-version <version>`)"
                    .to_string(),
        });
    }

    /// Versions declared above what the train needs (`needed`, from [`needed_versions`]): a
    /// warning naming the version that is enough (`free` moves a version of some crates past the
    /// versions their registry holds), one for a version group. A crate nothing requires is not
    /// judged here (`unneeded-bump` says it).
    pub fn over_bumps(
        &mut self,
        needed: &BTreeMap<String, Needed>,
        free: &dyn Fn(&[String], Version) -> Version,
        locate: &dyn Locate,
    ) {
        let mut judged: BTreeSet<String> = BTreeSet::new();
        let mut found = Vec::new();
        let mut judge = |names: Vec<String>, declared: &Version, at: Option<(String, usize)>, what: String| {
            let top = names.iter().filter_map(|n| needed.get(n).map(|x| (n, x))).max_by(|a, b| {
                a.1.version.cmp_precedence(&b.1.version).then(a.1.bump.cmp(&b.1.bump)).then_with(|| b.0.cmp(a.0))
            });
            let Some((_, top)) = top else { return };
            let enough = free(&names, top.version.clone());
            if declared.cmp_precedence(&enough) != std::cmp::Ordering::Greater {
                return;
            }
            let why = top.root.as_ref().map(|r| format!(", for {}", r.told())).unwrap_or_default();
            found.push(Problem {
                kind: ProblemKind::BumpTooLarge,
                severity: Severity::Warning,
                package: names[0].clone(),
                message: format!("{what} declares {declared}, but {enough} is enough: a {} bump{why}", top.bump),
                file: at.as_ref().map(|(f, _)| f.clone()),
                line: at.map(|(_, l)| l),
                notes: Vec::new(),
                help: format!("run `cargo atomic bump`: it writes {enough}; keep {declared} to release it anyway"),
            });
        };
        for g in self.groups.iter().filter(|g| g.release_version.is_some()) {
            let members: Vec<String> = g.members.iter().filter(|m| self.get(m).is_some()).cloned().collect();
            let at = match g.kind {
                crate::workspace::GroupKind::Inherited => locate.workspace_version_line(),
                crate::workspace::GroupKind::Configured => members.first().and_then(|m| locate.version_line(m)),
            };
            let what = format!("the version group `{}` ({})", g.name, g.members.join(", "));
            judged.extend(members.iter().cloned());
            judge(members, &g.declared_version, at, what);
        }
        for c in self.crates.iter().filter(|c| c.in_train && !judged.contains(&c.package)) {
            judge(
                vec![c.package.clone()],
                &c.declared_version,
                locate.version_line(&c.package),
                format!("`{}`", c.package),
            );
        }
        self.problems.extend(found);
    }
}

/// `` `a` 1.1.0, `b` 2.0.0 ``, or `` `a`, `b` 1.1.0 `` where they share one version.
fn listed_versions(list: &[(String, Version)]) -> String {
    let names: Vec<String> = list.iter().map(|(n, _)| format!("`{n}`")).collect();
    match list.first() {
        Some((_, v)) if list.iter().all(|(_, w)| w == v) => format!("{} {v}", names.join(", ")),
        _ => list.iter().map(|(n, v)| format!("`{n}` {v}")).collect::<Vec<_>>().join(", "),
    }
}

/// Why a crate in the train breaks, as a phrase: its own top change, else the root cause that
/// carries it (a dependency it exposes, its version group), named with the crate it is in.
fn upstream_reason(upstream: &CrateTrain) -> String {
    let Some(c) = upstream.top_cause().filter(|c| c.bump == Bump::Major) else {
        return match declared_root(upstream) {
            Some(root) => root.change,
            None => format!("its version moves to {}", upstream.declared_version),
        };
    };
    let root = c.root.as_ref().filter(|r| r.package != upstream.package);
    match (c.kind, &c.dependency, &c.exposes, root) {
        (CauseKind::Changes, ..) => c.message.clone(),
        (CauseKind::Group, _, _, Some(root)) => format!("it moves with its version group, for {}", root.told()),
        (_, Some(dep), Some(item), Some(root)) if *dep == root.package => {
            format!("it exposes `{dep}` in `{item}`, which breaks: {}", root.change)
        }
        (_, Some(dep), Some(item), Some(root)) => {
            format!("it exposes `{dep}` in `{item}`, which breaks for {}", root.told())
        }
        (_, _, _, Some(root)) => format!("it is released for {}", root.told()),
        _ => c.message.clone(),
    }
}

/// The distinct root causes among `causes` other than `shown`, in order: what else a reader must
/// know (a cause whose root is already told is a consequence of it).
fn other_roots<'a>(causes: impl Iterator<Item = &'a Cause>, shown: Option<&Root>) -> Vec<&'a Root> {
    let mut out: Vec<&Root> = Vec::new();
    for root in causes.filter_map(|c| c.root.as_ref()) {
        if Some(root) != shown && !out.contains(&root) {
            out.push(root);
        }
    }
    out
}

/// Why a crate's release breaks: the root of a major it needs, else the version declared (a
/// major release nothing required).
fn breaking_root(c: &CrateTrain) -> Option<Root> {
    match c.required_bump {
        Some(Bump::Major) => c.root().cloned(),
        _ => declared_root(c),
    }
}

/// The root of a crate's place in the train when nothing in its API put it there: the version it
/// declares.
fn declared_root(c: &CrateTrain) -> Option<Root> {
    let from = c.baseline_version.as_ref()?;
    (c.declared_version != *from).then(|| Root {
        package: c.package.clone(),
        change: format!("its version is bumped to {} (from {from})", c.declared_version),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::snapshot::parse;
    use crate::diff::{BaselineInfo, Changes};
    use crate::workspace::testing::{member, workspace};

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn api(lib: &str, lines: &str) -> CrateApi {
        let lines: Vec<&str> = lines.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        let text = format!(
            "schema 1\npackage {lib}\nlib {lib}\nchecked-features default\n\n{}\nend {} items\n",
            lines.join("\n"),
            lines.len()
        );
        CrateApi {
            snapshot: parse(&text, "test").unwrap(),
            locations: Default::default(),
            canonical: Default::default(),
            reexports: Default::default(),
        }
    }

    /// A diff of `package` (declared `version`) against its release `baseline`, with the changes
    /// between the two item lists.
    fn diff(package: &str, version: &str, baseline: &str, old: &str, new: &str) -> CrateDiff {
        let origin = crate::baseline::Origin::new(
            crate::baseline::OriginKind::Tag,
            format!("{package}-v{baseline}"),
            crate::baseline::Source::Snapshot,
        );
        CrateDiff {
            package: package.to_string(),
            version: v(version),
            baseline: Some(BaselineInfo { origin, version: Some(v(baseline)) }),
            changes: crate::diff::compare(&api(package, old).snapshot, &api(package, new).snapshot),
        }
    }

    const CORE: &str = "pub mod core\npub fn core::run(a: u8)\npub struct core::Error { .. }";

    /// core → interface (exposes core) → gateway (uses core privately); `core_new` is core's
    /// current API, versions as declared.
    fn scenario(core_new: &str, versions: [&str; 3]) -> Train {
        let ws = workspace(vec![
            member("core", versions[0], &[]),
            member("interface", versions[1], &[("core", "1.0.0", DepKind::Normal)]),
            member(
                "gateway",
                versions[2],
                &[("interface", "1.0.0", DepKind::Normal), ("core", "1.0.0", DepKind::Normal)],
            ),
        ]);
        let interface = "pub mod interface\npub fn interface::call() -> core::Error";
        let gateway = "pub mod gateway\npub fn gateway::serve()";
        let diffs = vec![
            diff("core", versions[0], "1.0.0", CORE, core_new),
            diff("interface", versions[1], "1.0.0", interface, interface),
            diff("gateway", versions[2], "1.0.0", gateway, gateway),
        ];
        let apis: BTreeMap<String, CrateApi> = [
            ("core".to_string(), api("core", core_new)),
            ("interface".to_string(), api("interface", interface)),
            ("gateway".to_string(), api("gateway", gateway)),
        ]
        .into_iter()
        .collect();
        plan(&ws, &diffs, &apis, &[], &Nowhere)
    }

    fn kinds(t: &Train) -> Vec<(ProblemKind, &str)> {
        t.problems.iter().map(|p| (p.kind, p.package.as_str())).collect()
    }

    #[test]
    fn nothing_changed_nothing_to_release() {
        let t = scenario(CORE, ["1.0.0"; 3]);
        assert!(t.order.is_empty());
        assert!(t.problems.is_empty());
        assert!(t.consistent());
    }

    #[test]
    fn a_break_pulls_dependents_in_with_major_where_exposed() {
        let t = scenario("pub mod core\npub fn core::run(a: u8, b: u8)\npub struct core::Error { .. }", ["1.0.0"; 3]);
        let req: Vec<(&str, Option<Bump>)> = t.crates.iter().map(|c| (c.package.as_str(), c.required_bump)).collect();
        assert_eq!(
            req,
            [("core", Some(Bump::Major)), ("interface", Some(Bump::Major)), ("gateway", Some(Bump::Patch))]
        );
        let order: Vec<String> = t.order.iter().map(|s| format!("{} {}", s.package, s.to)).collect();
        assert_eq!(order, ["core 2.0.0", "interface 2.0.0", "gateway 1.0.1"]);
        assert_eq!(
            kinds(&t),
            [
                (ProblemKind::BumpTooSmall, "core"),
                (ProblemKind::LeftOutOfTrain, "interface"),
                (ProblemKind::RequirementNotAdmitting, "interface"),
                (ProblemKind::LeftOutOfTrain, "gateway"),
                (ProblemKind::RequirementNotAdmitting, "gateway"),
                (ProblemKind::RequirementNotAdmitting, "gateway"),
            ]
        );
        let interface = t.get("interface").unwrap();
        assert_eq!(interface.causes[0].exposes.as_deref(), Some("pub fn interface::call() -> core::Error"));
        assert!(t.problems[0].notes[0].contains("`fn core::run` gained parameter"), "{:?}", t.problems[0].notes);
    }

    #[test]
    fn declared_versions_that_satisfy_the_train_are_consistent() {
        let t = scenario("pub mod core\npub fn core::run(a: u8, b: u8)\npub struct core::Error { .. }", ["2.0.0"; 3]);
        let pending: Vec<ProblemKind> = t.problems.iter().map(|p| p.kind).collect();
        // The declared versions suffice; only requirements still point at 1.0.0.
        assert!(pending.iter().all(|k| *k == ProblemKind::RequirementNotAdmitting), "{pending:?}");
        assert_eq!(t.order.len(), 3);
    }

    #[test]
    fn a_minor_change_leaves_dependents_out_when_their_requirements_admit_it() {
        let t = scenario(&format!("{CORE}\npub fn core::more()"), ["1.1.0", "1.0.0", "1.0.0"]);
        let order: Vec<&str> = t.order.iter().map(|s| s.package.as_str()).collect();
        assert_eq!(order, ["core"]);
        assert!(t.consistent(), "{:?}", kinds(&t));
    }

    #[test]
    fn a_bump_nothing_requires_is_a_warning() {
        let t = scenario(CORE, ["1.0.1", "1.0.0", "1.0.0"]);
        assert_eq!(kinds(&t), [(ProblemKind::UnneededBump, "core")]);
        assert!(t.consistent());
    }

    #[test]
    fn stale_snapshots_are_errors() {
        let ws = workspace(vec![member("core", "1.0.0", &[])]);
        let diffs = vec![diff("core", "1.0.0", "1.0.0", CORE, CORE)];
        let apis: BTreeMap<String, CrateApi> = [("core".to_string(), api("core", CORE))].into_iter().collect();
        let stale = crate::api::snapshot::SnapshotState {
            package: "core".into(),
            file: "core/atomic-api.txt".into(),
            freshness: Freshness::Missing,
            expected: String::new(),
            items: 0,
        };
        let t = plan(&ws, &diffs, &apis, &[&stale], &Nowhere);
        assert_eq!(kinds(&t), [(ProblemKind::StaleSnapshot, "core")]);
        assert_eq!(t.problems[0].message, "`core` has no committed API snapshot (core/atomic-api.txt)");
    }

    #[test]
    fn versions_to_write_reach_a_fixed_point_over_the_graph() {
        let ws = workspace(vec![
            member("core", "0.3.1", &[]),
            member("app", "1.2.0", &[("core", "0.3.1", DepKind::Normal)]),
        ]);
        let app = "pub mod app\npub fn app::go()";
        let diffs = vec![diff("core", "0.3.1", "0.3.1", CORE, "pub mod core"), diff("app", "1.2.0", "1.2.0", app, app)];
        let apis: BTreeMap<String, CrateApi> =
            [("core".to_string(), api("core", "pub mod core")), ("app".to_string(), api("app", app))]
                .into_iter()
                .collect();
        let versions = versions_to_write(&ws, &diffs, &apis, None, &[]);
        let got: Vec<String> = versions.iter().map(|(n, v)| format!("{n} {v}")).collect();
        assert_eq!(got, ["app 1.2.1", "core 0.4.0"]);
        let with_level = versions_to_write(&ws, &diffs, &apis, Some(Bump::Minor), &["app".to_string()]);
        assert_eq!(with_level["app"], v("1.3.0"));
    }

    #[test]
    fn new_crates_join_the_train_at_their_declared_version() {
        let ws = workspace(vec![member("fresh", "0.1.0", &[])]);
        let d = CrateDiff { package: "fresh".into(), version: v("0.1.0"), baseline: None, changes: Changes::default() };
        let apis: BTreeMap<String, CrateApi> =
            [("fresh".to_string(), api("fresh", "pub mod fresh"))].into_iter().collect();
        let t = plan(&ws, &[d], &apis, &[], &Nowhere);
        assert!(t.crates[0].new_crate);
        assert_eq!(t.order[0].to, v("0.1.0"));
    }

    #[test]
    fn cause_kinds_rank_own_changes_first() {
        assert!(CauseKind::Changes > CauseKind::Dependency);
        assert_eq!(serde_json::to_string(&ProblemKind::LeftOutOfTrain).unwrap(), "\"left-out-of-train\"");
        assert_eq!(ProblemKind::LeftOutOfTrain.to_string(), "left-out-of-train");
    }

    #[test]
    fn bumps_follow_cargo_rules_for_zero_versions() {
        assert_eq!(bumped(&v("1.2.3"), Bump::Major), v("2.0.0"));
        assert_eq!(bumped(&v("1.2.3"), Bump::Minor), v("1.3.0"));
        assert_eq!(bumped(&v("1.2.3"), Bump::Patch), v("1.2.4"));
        assert_eq!(bumped(&v("0.3.1"), Bump::Major), v("0.4.0"));
        assert_eq!(bumped(&v("0.3.1"), Bump::Minor), v("0.3.2"));
        assert_eq!(bumped(&v("0.0.4"), Bump::Minor), v("0.0.5"));
        assert_eq!(bumped(&v("1.0.0-rc.1"), Bump::Minor), v("1.0.0"));
        assert!(breaking(&v("0.3.1"), &v("0.4.0")));
        assert!(!breaking(&v("0.3.1"), &v("0.3.9")));
        assert!(breaking(&v("0.0.1"), &v("0.0.2")));
        assert!(!breaking(&v("1.2.0"), &v("1.9.0")));
        assert_eq!(declared_bump(&v("0.3.1"), &v("0.3.2")), Some(Bump::Patch));
        assert_eq!(declared_bump(&v("1.3.1"), &v("1.4.0")), Some(Bump::Minor));
        assert_eq!(declared_bump(&v("1.3.1"), &v("1.3.1")), None);
    }
}
