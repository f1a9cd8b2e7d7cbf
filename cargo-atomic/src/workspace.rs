//! The workspace as Cargo sees it: members, their libraries, features, dependencies, the graph
//! between members, and the `[package.metadata.atomic]` / `[workspace.metadata.atomic]` settings.
//!
//! Built from `cargo metadata --no-deps` (no network, no resolution). This module runs no other
//! tool and knows nothing about APIs.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

use crate::api::FeatureSelection;

#[derive(Clone, Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    /// Members sorted by name.
    pub members: Vec<Member>,
    pub config: WorkspaceConfig,
    /// Whether `[workspace.metadata.atomic]` is there: the repository was set up for the tool
    /// (`init` writes it), so first-run advice is not repeated.
    pub configured: bool,
    /// Cargo's feature resolver for the workspace (`1`, `2` or `3`). Under `1`, a `cargo doc`
    /// call unifies the features the dev-dependencies of its packages ask for too.
    pub resolver: u8,
    /// Crates that always share one version (see [`VersionGroup`]).
    pub groups: Vec<VersionGroup>,
}

/// Crates that always share one version: the members that inherit `[workspace.package]
/// version` (lockstep, named `workspace`), or a group named in `[workspace.metadata.atomic]
/// version-groups`. A group moves as one: its version is the largest any member requires.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct VersionGroup {
    pub name: String,
    /// Package names, sorted.
    pub members: Vec<String>,
    /// `inherited` (`version.workspace = true`) or `configured`.
    pub kind: GroupKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GroupKind {
    /// Every member inherits `[workspace.package] version`: one version by construction.
    Inherited,
    /// Listed in `[workspace.metadata.atomic] version-groups`: kept equal by hand.
    Configured,
}

#[derive(Clone, Debug)]
pub struct Member {
    pub name: String,
    /// Cargo's package ID (`path+file:///...#name@1.0.0`): an unambiguous `-p` spec even when the
    /// dependency graph holds another package of the same name.
    pub id: String,
    pub version: semver::Version,
    pub manifest_path: PathBuf,
    pub dir: PathBuf,
    pub publish: Publish,
    pub lib: Option<Lib>,
    /// Whether the package has a build script (its API may depend on anything the script reads).
    pub build_script: bool,
    pub features: BTreeMap<String, Vec<String>>,
    pub deps: Vec<Dependency>,
    pub config: PackageConfig,
    pub description: Option<String>,
    pub license: Option<String>,
    pub license_file: Option<PathBuf>,
    pub repository: Option<String>,
    /// The features docs.rs documents the crate with (`[package.metadata.docs.rs]`): the features
    /// the repository publishes its API with. `None`: docs.rs's defaults.
    pub docs_rs: Option<DocsRs>,
}

/// `[package.metadata.docs.rs]`'s feature settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocsRs {
    pub all_features: bool,
    pub features: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Publish {
    Anywhere,
    Nowhere,
    Registries(Vec<String>),
}

#[derive(Clone, Debug)]
pub struct Lib {
    /// Crate name as used in paths (`-` replaced by `_`).
    pub name: String,
    pub proc_macro: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DepKind {
    Normal,
    Build,
    Dev,
}

#[derive(Clone, Debug)]
pub struct Dependency {
    /// Package name.
    pub name: String,
    /// `rename = ...` / `package = ...` alias, as used in code.
    pub rename: Option<String>,
    pub kind: DepKind,
    pub optional: bool,
    /// `cfg(...)` or a target triple for target-specific dependencies.
    pub target: Option<String>,
    pub req: semver::VersionReq,
    pub features: Vec<String>,
    pub default_features: bool,
    pub registry: Option<String>,
    /// The workspace member this dependency points at (by path), if any.
    pub member: Option<String>,
    /// A path dependency on a package outside the workspace (its sources are nobody's snapshot).
    pub outside_path: bool,
}

/// `[package.metadata.atomic]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PackageConfig {
    /// Features to document besides the defaults.
    pub features: Option<Vec<String>>,
    pub all_features: Option<bool>,
    pub default_features: Option<bool>,
    /// Rule levels for this crate (over the workspace's).
    #[serde(default)]
    pub rules: BTreeMap<String, RuleSetting>,
}

/// A rule's level: `rule-id = "minor"`, or `rule-id = { level = "minor", reason = "..." }`;
/// `major`, `minor`, `patch` or `allow` (checked where findings are, in `accept`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum RuleSetting {
    Level(String),
    WithReason { level: String, reason: Option<String> },
}

impl RuleSetting {
    pub fn level(&self) -> &str {
        match self {
            RuleSetting::Level(l) | RuleSetting::WithReason { level: l, .. } => l,
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            RuleSetting::Level(_) => None,
            RuleSetting::WithReason { reason, .. } => reason.as_deref(),
        }
    }
}

/// `[workspace.metadata.atomic]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct WorkspaceConfig {
    /// Release tag format, or formats (the first is the one `publish` writes); `{crate}` and
    /// `{version}` are replaced.
    pub tag_format: Option<TagFormats>,
    /// Upload rate limits by registry name (`crates-io` has crates.io's limits by default).
    #[serde(default)]
    pub rate_limits: BTreeMap<String, RateLimit>,
    /// Crates released together at one version, by group name.
    #[serde(default)]
    pub version_groups: BTreeMap<String, Vec<String>>,
    /// Rule levels for every crate.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleSetting>,
}

/// `tag-format = "..."` or `tag-format = ["...", ...]`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(untagged, expecting = "a tag format like \"{crate}-v{version}\", or a list of them")]
pub enum TagFormats {
    One(String),
    Many(Vec<String>),
}

/// `[workspace.metadata.atomic.rate-limits.<registry>]`: `[burst, seconds per upload after it]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RateLimit {
    pub new_crates: (usize, u64),
    pub new_versions: (usize, u64),
}

/// Cargo's package selection flags.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub packages: Vec<String>,
    pub workspace: bool,
    pub exclude: Vec<String>,
}

/// Cargo's feature flags, as given on the command line.
#[derive(Clone, Debug, Default)]
pub struct FeatureFlags {
    pub features: Vec<String>,
    pub all_features: bool,
    pub no_default_features: bool,
}

impl FeatureFlags {
    pub fn is_empty(&self) -> bool {
        self.features.is_empty() && !self.all_features && !self.no_default_features
    }
}

/// The feature resolver of the workspace whose root manifest is `manifest`, as Cargo picks it:
/// `workspace.resolver`, else the root package's `package.resolver`, else its edition (2021 → `2`,
/// 2024 → `3`); a virtual manifest that names none gets `1`.
fn resolver_of(manifest: &Path, root_edition: Option<&str>) -> anyhow::Result<u8> {
    let text = std::fs::read_to_string(manifest).with_context(|| format!("cannot read {}", manifest.display()))?;
    let doc: toml_edit::DocumentMut = text.parse().with_context(|| format!("cannot parse {}", manifest.display()))?;
    let named = ["workspace", "package"]
        .iter()
        .find_map(|table| doc.get(table).and_then(|t| t.get("resolver")).and_then(|r| r.as_str()));
    Ok(match (named, root_edition) {
        (Some("1"), _) => 1,
        (Some("2"), _) => 2,
        (Some(_), _) => 3,
        (None, Some("2015" | "2018") | None) => 1,
        (None, Some("2021")) => 2,
        (None, Some(_)) => 3,
    })
}

/// The workspace's version groups: the members inheriting `[workspace.package] version` (two or
/// more), then the configured ones. A member is in one group at most.
fn version_groups(root: &Path, members: &[Member], config: &WorkspaceConfig) -> anyhow::Result<Vec<VersionGroup>> {
    let mut groups = Vec::new();
    let mut inherited: Vec<String> = Vec::new();
    for m in members {
        let text = std::fs::read_to_string(&m.manifest_path)
            .with_context(|| format!("cannot read {}", m.manifest_path.display()))?;
        let doc: toml_edit::DocumentMut =
            text.parse().with_context(|| format!("cannot parse {}", m.manifest_path.display()))?;
        let version = doc.get("package").and_then(|p| p.get("version"));
        if version.and_then(|v| v.as_table_like()).and_then(|t| t.get("workspace")).and_then(|w| w.as_bool())
            == Some(true)
        {
            inherited.push(m.name.clone());
        }
    }
    if inherited.len() > 1 {
        inherited.sort();
        groups.push(VersionGroup { name: "workspace".to_string(), members: inherited, kind: GroupKind::Inherited });
    }
    let manifest = root.join("Cargo.toml");
    for (name, list) in &config.version_groups {
        let mut list = list.clone();
        list.sort();
        list.dedup();
        for member in &list {
            if !members.iter().any(|m| &m.name == member) {
                bail!(
                    "{}: `[workspace.metadata.atomic] version-groups.{name}` names `{member}`, which is not a member",
                    manifest.display()
                );
            }
            if let Some(other) = groups.iter().find(|g: &&VersionGroup| g.members.contains(member)) {
                bail!(
                    "{}: `{member}` is in two version groups, `{}` and `{name}`; a crate has one version",
                    manifest.display(),
                    other.name
                );
            }
        }
        groups.push(VersionGroup { name: name.clone(), members: list, kind: GroupKind::Configured });
    }
    Ok(groups)
}

/// `cargo metadata --no-deps` for `manifest`, with Cargo's own message when it refuses.
fn metadata(manifest: &Path) -> anyhow::Result<cargo_metadata::Metadata> {
    cargo_metadata::MetadataCommand::new().manifest_path(manifest).no_deps().exec().map_err(|e| match e {
        cargo_metadata::Error::CargoMetadata { stderr } => {
            let message = stderr.trim_end().trim_start_matches("error: ").to_string();
            anyhow::anyhow!(message).context(format!("cannot read the workspace at {}", manifest.display()))
        }
        other => anyhow::Error::new(other).context(format!("cannot run `cargo metadata` for {}", manifest.display())),
    })
}

impl Workspace {
    /// Loads the workspace of `manifest_path` (or of the current directory).
    pub fn load(manifest_path: Option<&Path>) -> anyhow::Result<Workspace> {
        let manifest = match manifest_path {
            Some(p) => {
                if !p.exists() {
                    bail!("manifest path `{}` does not exist", p.display());
                }
                std::path::absolute(p).with_context(|| format!("cannot resolve {}", p.display()))?
            }
            None => find_manifest(&std::env::current_dir().context("cannot read the current directory")?)?,
        };
        Self::from_metadata(metadata(&manifest)?)
    }

    /// [`Workspace::load`] for a tree that never changes (a revision exported under the target
    /// dir): Cargo's answer is kept in `memo` and read from there next time.
    pub fn load_frozen(manifest: &Path, memo: &Path) -> anyhow::Result<Workspace> {
        if let Some(metadata) =
            std::fs::read(memo).ok().and_then(|b| serde_json::from_slice::<cargo_metadata::Metadata>(&b).ok())
        {
            return Self::from_metadata(metadata);
        }
        let metadata = metadata(manifest)?;
        if let Ok(json) = serde_json::to_vec(&metadata) {
            let _ = crate::fsutil::write_atomic(memo, &json);
        }
        Self::from_metadata(metadata)
    }

    fn from_metadata(metadata: cargo_metadata::Metadata) -> anyhow::Result<Workspace> {
        let root = metadata.workspace_root.clone().into_std_path_buf();
        let config = parse_config::<WorkspaceConfig>(
            &metadata.workspace_metadata,
            "workspace.metadata.atomic",
            &root.join("Cargo.toml"),
        )?;
        let configured = !matches!(metadata.workspace_metadata.get("atomic"), None | Some(serde_json::Value::Null));
        let packages = metadata.workspace_packages();
        let dirs: BTreeMap<PathBuf, String> = packages
            .iter()
            .map(|p| (p.manifest_path.parent().unwrap().as_std_path().to_path_buf(), p.name.to_string()))
            .collect();
        let mut members = Vec::new();
        for p in &packages {
            let config =
                parse_config::<PackageConfig>(&p.metadata, "package.metadata.atomic", p.manifest_path.as_std_path())?;
            let lib = p
                .targets
                .iter()
                .find(|t| t.is_lib() || t.is_proc_macro())
                .map(|t| Lib { name: t.name.replace('-', "_"), proc_macro: t.is_proc_macro() });
            let deps = p
                .dependencies
                .iter()
                .map(|d| Dependency {
                    name: d.name.clone(),
                    rename: d.rename.clone(),
                    kind: match d.kind {
                        cargo_metadata::DependencyKind::Development => DepKind::Dev,
                        cargo_metadata::DependencyKind::Build => DepKind::Build,
                        _ => DepKind::Normal,
                    },
                    optional: d.optional,
                    target: d.target.as_ref().map(|t| t.to_string()),
                    req: d.req.clone(),
                    features: d.features.clone(),
                    default_features: d.uses_default_features,
                    registry: d.registry.clone(),
                    member: d.path.as_ref().and_then(|path| dirs.get(path.as_std_path()).cloned()),
                    outside_path: d.path.as_ref().is_some_and(|path| !dirs.contains_key(path.as_std_path())),
                })
                .collect();
            members.push(Member {
                name: p.name.to_string(),
                id: p.id.repr.clone(),
                version: p.version.clone(),
                manifest_path: p.manifest_path.clone().into_std_path_buf(),
                dir: p.manifest_path.parent().unwrap().as_std_path().to_path_buf(),
                publish: match &p.publish {
                    None => Publish::Anywhere,
                    Some(list) if list.is_empty() => Publish::Nowhere,
                    Some(list) => Publish::Registries(list.clone()),
                },
                lib,
                build_script: p.targets.iter().any(|t| t.is_custom_build()),
                features: p.features.clone(),
                deps,
                config,
                description: p.description.clone(),
                license: p.license.clone(),
                license_file: p.license_file.clone().map(|f| f.into_std_path_buf()),
                repository: p.repository.clone(),
                docs_rs: docs_rs(&p.metadata),
            });
        }
        members.sort_by(|a, b| a.name.cmp(&b.name));
        let root_edition = packages
            .iter()
            .find(|p| p.manifest_path.as_std_path() == root.join("Cargo.toml"))
            .map(|p| p.edition.as_str().to_string());
        let resolver = resolver_of(&root.join("Cargo.toml"), root_edition.as_deref())?;
        let groups = version_groups(&root, &members, &config)?;
        Ok(Workspace {
            root,
            target_dir: metadata.target_directory.into_std_path_buf(),
            members,
            config,
            configured,
            resolver,
            groups,
        })
    }

    /// The version group `package` belongs to.
    pub fn group_of(&self, package: &str) -> Option<&VersionGroup> {
        self.groups.iter().find(|g| g.members.iter().any(|m| m == package))
    }

    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }

    /// Members chosen by Cargo's selection flags. Without `-p`: every publishable member (the
    /// release train is a workspace matter, so neither the current package nor
    /// `default-members` narrows it); `--exclude` removes members. Packages named with `-p` are
    /// selected even when `publish = false`.
    pub fn select(&self, selection: &Selection) -> anyhow::Result<Vec<&Member>> {
        for name in selection.packages.iter().chain(&selection.exclude) {
            if self.member(name).is_none() {
                let names: Vec<&str> = self.members.iter().map(|m| m.name.as_str()).collect();
                // As Cargo suggests: the closest name, when it is close.
                let close = names
                    .iter()
                    .map(|n| (strsim::damerau_levenshtein(n, name), *n))
                    .filter(|(d, _)| *d <= (name.chars().count() / 3).max(1))
                    .min();
                if let Some((_, n)) = close {
                    bail!("package `{name}` is not a member of the workspace; did you mean `{n}`?");
                }
                bail!("package `{name}` is not a member of the workspace (members: {})", names.join(", "));
            }
        }
        let chosen: Vec<&Member> = if !selection.packages.is_empty() {
            self.members.iter().filter(|m| selection.packages.contains(&m.name)).collect()
        } else {
            self.members.iter().filter(|m| m.publish != Publish::Nowhere).collect()
        };
        Ok(chosen.into_iter().filter(|m| !selection.exclude.contains(&m.name)).collect())
    }

    /// Member dependencies of `name` of the given kinds (names, sorted, without duplicates).
    pub fn member_deps(&self, name: &str, kinds: &[DepKind]) -> BTreeSet<String> {
        self.member(name)
            .map(|m| {
                m.deps
                    .iter()
                    .filter(|d| kinds.contains(&d.kind))
                    .filter_map(|d| d.member.clone())
                    .filter(|d| d != name)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `names` plus every publishable member that depends on one of them through a normal or
    /// build dependency, transitively: the crates a release of `names` can pull into the train.
    /// Dev-dependencies do not count (the train ignores them: they are not published).
    pub fn with_dependents(&self, names: &[String]) -> BTreeSet<String> {
        let mut all: BTreeSet<String> = names.iter().cloned().collect();
        loop {
            let more: Vec<String> = self
                .members
                .iter()
                .filter(|m| m.is_publishable() && !all.contains(&m.name))
                .filter(|m| {
                    m.deps.iter().any(|d| d.kind != DepKind::Dev && d.member.as_ref().is_some_and(|t| all.contains(t)))
                })
                .map(|m| m.name.clone())
                .collect();
            if more.is_empty() {
                return all;
            }
            all.extend(more);
        }
    }

    /// The release tag formats (`{crate}` and `{version}` replaced): configured, else the
    /// common ones — `{crate}-v{version}`, `{crate}-{version}`, `v{version}` and `{version}`.
    /// The first is the one `publish` writes.
    pub fn tag_formats(&self) -> Vec<String> {
        match &self.config.tag_format {
            Some(TagFormats::One(f)) => vec![f.clone()],
            Some(TagFormats::Many(list)) if !list.is_empty() => list.clone(),
            // A tag without the crate's name is a release of a crate only where its manifest at
            // the tag has the tag's version (checked where tags are read), so these patterns hold
            // whatever versions the manifests declare now.
            _ => ["{crate}-v{version}", "{crate}-{version}", "v{version}", "{version}"].map(str::to_string).to_vec(),
        }
    }

    /// Where the tool keeps what it writes under the target directory (rustdoc output, baseline
    /// caches, scratch projects, the publish journal): `target/atomic/`, or, when the target
    /// directory is outside the workspace (a `CARGO_TARGET_DIR` shared by several workspaces),
    /// `<target>/atomic/<workspace dir name>-<hash of its root>/`, so that workspaces never see
    /// each other's journals, caches or documentation.
    pub fn atomic_dir(&self) -> PathBuf {
        let base = self.target_dir.join("atomic");
        if self.target_dir.starts_with(&self.root) {
            return base;
        }
        let root = self.root.canonicalize().unwrap_or_else(|_| self.root.clone());
        let hash = crate::fsutil::sha256_hex(root.to_string_lossy().as_bytes());
        let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "root".to_string());
        base.join(format!("{name}-{}", &hash[..12]))
    }

    /// The release tag of `krate` at `version`.
    pub fn tag_name(&self, krate: &str, version: &semver::Version) -> String {
        self.tag_formats()[0].replace("{crate}", krate).replace("{version}", &version.to_string())
    }

    /// The release tags a train of `(package, version)` makes, each with the crates it marks: one
    /// per crate under a format with `{crate}`, else one per version (a version group, or the
    /// whole train where all share it), in train order.
    pub fn release_tags<'a>(
        &self,
        steps: impl IntoIterator<Item = (&'a str, &'a semver::Version)>,
    ) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for (package, version) in steps {
            let tag = self.tag_name(package, version);
            match out.iter_mut().find(|(t, _)| *t == tag) {
                Some((_, names)) => names.push(package.to_string()),
                None => out.push((tag, vec![package.to_string()])),
            }
        }
        out
    }

    /// `names` plus every member they depend on through normal dependencies, transitively.
    pub fn with_normal_deps(&self, names: &[String]) -> BTreeSet<String> {
        self.with_deps(names, &[DepKind::Normal])
    }

    /// `names` plus every member they depend on through dependencies of the given kinds,
    /// transitively.
    pub fn with_deps(&self, names: &[String], kinds: &[DepKind]) -> BTreeSet<String> {
        let mut all: BTreeSet<String> = BTreeSet::new();
        let mut todo: Vec<String> = names.to_vec();
        while let Some(name) = todo.pop() {
            if all.insert(name.clone()) {
                todo.extend(self.member_deps(&name, kinds));
            }
        }
        all
    }

    /// `names` in dependency order (dependencies first) over normal and build dependencies;
    /// dev-dependency cycles are ignored, as Cargo does. Ties break by name.
    pub fn topo_order(&self, names: &BTreeSet<String>) -> Vec<String> {
        // In rounds: every member whose dependencies among `names` are all placed, in name order.
        // Counted, not searched, so that a deep graph costs its edges, not its depth times its size.
        let mut waiting: BTreeMap<&str, usize> = BTreeMap::new();
        let mut dependents: HashMap<String, Vec<&str>> = HashMap::new();
        for name in names {
            let deps = self.member_deps(name, &[DepKind::Normal, DepKind::Build]);
            let within: Vec<String> = deps.into_iter().filter(|d| names.contains(d)).collect();
            waiting.insert(name, within.len());
            for d in within {
                dependents.entry(d).or_default().push(name);
            }
        }
        let mut order = Vec::with_capacity(names.len());
        let mut ready: BTreeSet<&str> = waiting.iter().filter(|(_, &n)| n == 0).map(|(&name, _)| name).collect();
        while !waiting.is_empty() {
            // A cycle through normal/build dependencies cannot build; take the rest by name.
            if ready.is_empty() {
                ready = waiting.keys().copied().collect();
            }
            let mut next = BTreeSet::new();
            for name in &ready {
                waiting.remove(name);
            }
            for name in &ready {
                for d in dependents.get(*name).into_iter().flatten() {
                    if let Some(n) = waiting.get_mut(d) {
                        *n = n.saturating_sub(1);
                        if *n == 0 {
                            next.insert(*d);
                        }
                    }
                }
            }
            order.extend(std::mem::replace(&mut ready, next).into_iter().map(str::to_string));
        }
        order
    }

    /// Path of a file relative to the workspace root, with `/` separators, for messages.
    pub fn relative(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        rel.to_string_lossy().replace('\\', "/")
    }

    /// Lib names of every member, sorted: the crates the tool's rustdoc runs may use unstable
    /// options for (kept stable across selections so Cargo's caches stay warm).
    pub fn lib_names(&self) -> Vec<String> {
        let mut names: Vec<String> =
            self.members.iter().filter_map(|m| m.lib.as_ref().map(|l| l.name.clone())).collect();
        names.sort();
        names.dedup();
        names
    }
}

impl Member {
    pub fn is_publishable(&self) -> bool {
        self.publish != Publish::Nowhere
    }

    pub fn snapshot_path(&self) -> PathBuf {
        self.dir.join(crate::api::snapshot::FILE_NAME)
    }

    /// The features this member's API is documented with: command-line flags when given,
    /// else `[package.metadata.atomic]`, else the defaults.
    pub fn feature_selection(&self, flags: &FeatureFlags) -> FeatureSelection {
        let own_flag_features: Vec<String> = flags
            .features
            .iter()
            .flat_map(|f| f.split([',', ' ']))
            .filter(|f| !f.is_empty())
            .filter_map(|f| match f.split_once('/') {
                Some((pkg, feat)) if pkg == self.name => Some(feat.to_string()),
                Some(_) => None,
                None if self.features.contains_key(f) => Some(f.to_string()),
                None => None,
            })
            .collect();
        if !flags.is_empty() && (flags.all_features || flags.no_default_features || !own_flag_features.is_empty()) {
            return selection(flags.all_features, !flags.no_default_features, own_flag_features);
        }
        let c = &self.config;
        selection(
            c.all_features.unwrap_or(false),
            c.default_features.unwrap_or(true),
            c.features.clone().unwrap_or_default(),
        )
    }

    /// Features enabled by `selection`, directly or through other features.
    pub fn enabled_features(&self, selection: &FeatureSelection) -> BTreeSet<String> {
        let mut todo: Vec<String> = match selection {
            FeatureSelection::All => return self.features.keys().cloned().collect(),
            FeatureSelection::Default(extra) => {
                let mut v = extra.clone();
                if self.features.contains_key("default") {
                    v.push("default".to_string());
                }
                v
            }
            FeatureSelection::NoDefault(list) => list.clone(),
        };
        let mut enabled = BTreeSet::new();
        while let Some(f) = todo.pop() {
            if enabled.insert(f.clone()) {
                if let Some(enables) = self.features.get(&f) {
                    todo.extend(enables.iter().filter(|e| self.features.contains_key(*e)).cloned());
                }
            }
        }
        enabled
    }

    /// Features of this member that `selection` leaves unchecked.
    pub fn unchecked_features(&self, selection: &FeatureSelection) -> Vec<String> {
        let enabled = self.enabled_features(selection);
        self.features.keys().filter(|f| *f != "default" && !enabled.contains(*f)).cloned().collect()
    }
}

fn selection(all: bool, default: bool, mut features: Vec<String>) -> FeatureSelection {
    features.sort();
    features.dedup();
    if all {
        FeatureSelection::All
    } else if default {
        FeatureSelection::Default(features)
    } else {
        FeatureSelection::NoDefault(features)
    }
}

/// `[package.metadata.docs.rs]`'s `all-features` and `features`, where either is set.
fn docs_rs(metadata: &serde_json::Value) -> Option<DocsRs> {
    let d = metadata.get("docs")?.get("rs")?;
    let all_features = d.get("all-features").and_then(|v| v.as_bool()).unwrap_or(false);
    let features: Vec<String> = d
        .get("features")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|f| f.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    (all_features || !features.is_empty()).then_some(DocsRs { all_features, features })
}

fn parse_config<T: Default + for<'de> Deserialize<'de>>(
    metadata: &serde_json::Value,
    key: &str,
    manifest: &Path,
) -> anyhow::Result<T> {
    match metadata.get("atomic") {
        None | Some(serde_json::Value::Null) => Ok(T::default()),
        Some(value) => serde_path_to_error::deserialize(value.clone()).map_err(|e| {
            let path = e.path().to_string();
            let at = config_line(manifest, key, &path).map(|l| format!(":{l}")).unwrap_or_default();
            let what = if path == "." { format!("`[{key}]`") } else { format!("`{path}` in `[{key}]`") };
            anyhow::anyhow!("{}{at}: {what} is not valid: {}", manifest.display(), e.inner())
        }),
    }
}

/// The line of `[table] path` (`tag-format`, `version-groups.release`) in a manifest, for errors.
fn config_line(manifest: &Path, table: &str, path: &str) -> Option<usize> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let doc = toml_edit::Document::parse(text.clone()).ok()?;
    let mut item = doc.as_item();
    for part in table.split('.').chain(path.split('.').filter(|p| !p.is_empty() && *p != "?")) {
        let part = part.split('[').next().unwrap_or(part);
        match item.get(part) {
            Some(next) => item = next,
            None => break,
        }
    }
    let start = item.span().or_else(|| item.as_value().and_then(|v| v.span()))?.start;
    Some(text[..start].matches('\n').count() + 1)
}

/// The nearest `Cargo.toml` at or above `dir`, as Cargo finds it.
fn find_manifest(dir: &Path) -> anyhow::Result<PathBuf> {
    let mut current = Some(dir);
    while let Some(d) = current {
        let candidate = d.join("Cargo.toml");
        if candidate.is_file() {
            return Ok(candidate);
        }
        current = d.parent();
    }
    bail!("could not find `Cargo.toml` in `{}` or any parent directory", dir.display())
}

/// Synthetic workspaces for unit tests of later stages: no Cargo, no files.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A member `name` at `version` (in `/ws/<name>`) with a library, depending on the members
    /// in `deps` (`(name, requirement, kind)`).
    pub fn member(name: &str, version: &str, deps: &[(&str, &str, DepKind)]) -> Member {
        Member {
            name: name.to_string(),
            id: format!("path+file:///ws/{name}#{version}"),
            version: semver::Version::parse(version).unwrap(),
            manifest_path: PathBuf::from(format!("/ws/{name}/Cargo.toml")),
            dir: PathBuf::from(format!("/ws/{name}")),
            publish: Publish::Anywhere,
            lib: Some(Lib { name: name.replace('-', "_"), proc_macro: false }),
            build_script: false,
            features: BTreeMap::new(),
            deps: deps
                .iter()
                .map(|(dep, req, kind)| Dependency {
                    name: dep.to_string(),
                    rename: None,
                    kind: *kind,
                    optional: false,
                    target: None,
                    req: semver::VersionReq::parse(req).unwrap(),
                    features: Vec::new(),
                    default_features: true,
                    registry: None,
                    member: Some(dep.to_string()),
                    outside_path: false,
                })
                .collect(),
            config: PackageConfig::default(),
            description: None,
            license: None,
            license_file: None,
            repository: None,
            docs_rs: None,
        }
    }

    pub fn workspace(mut members: Vec<Member>) -> Workspace {
        members.sort_by(|a, b| a.name.cmp(&b.name));
        Workspace {
            root: PathBuf::from("/ws"),
            target_dir: PathBuf::from("/ws/target"),
            members,
            config: WorkspaceConfig::default(),
            configured: false,
            resolver: 2,
            groups: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{member, workspace};
    use super::*;

    fn chain() -> Workspace {
        workspace(vec![
            member("core", "1.0.0", &[]),
            member("interface", "1.0.0", &[("core", "1.0.0", DepKind::Normal)]),
            member("gateway", "1.0.0", &[("interface", "1.0.0", DepKind::Normal), ("core", "1.0.0", DepKind::Build)]),
            member("tests", "0.1.0", &[("gateway", "1.0.0", DepKind::Dev)]),
        ])
    }

    #[test]
    fn the_resolver_is_the_one_cargo_picks() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("Cargo.toml");
        let cases: &[(&str, Option<&str>, u8)] = &[
            ("[workspace]\nmembers = [\"a\"]\n", None, 1),
            ("[workspace]\nresolver = \"2\"\n", None, 2),
            ("[workspace]\nresolver = \"3\"\n", None, 3),
            ("[package]\nname = \"a\"\nedition = \"2018\"\n[workspace]\n", Some("2018"), 1),
            ("[package]\nname = \"a\"\nedition = \"2021\"\n", Some("2021"), 2),
            ("[package]\nname = \"a\"\nedition = \"2024\"\n", Some("2024"), 3),
            ("[package]\nname = \"a\"\nedition = \"2021\"\n[workspace]\nresolver = \"1\"\n", Some("2021"), 1),
            ("[package]\nname = \"a\"\nedition = \"2018\"\nresolver = \"2\"\n", Some("2018"), 2),
        ];
        for (text, edition, want) in cases {
            std::fs::write(&manifest, text).unwrap();
            assert_eq!(resolver_of(&manifest, *edition).unwrap(), *want, "{text}");
        }
    }

    #[test]
    fn dependents_follow_normal_and_build_dependencies_only() {
        let ws = chain();
        let all: Vec<String> = ws.with_dependents(&["core".to_string()]).into_iter().collect();
        assert_eq!(all, ["core", "gateway", "interface"]);
        let from_gateway: Vec<String> = ws.with_dependents(&["gateway".to_string()]).into_iter().collect();
        assert_eq!(from_gateway, ["gateway"]);
    }

    #[test]
    fn topological_order_puts_dependencies_first() {
        let ws = chain();
        let names: BTreeSet<String> = ["gateway", "core", "interface"].iter().map(|s| s.to_string()).collect();
        assert_eq!(ws.topo_order(&names), ["core", "interface", "gateway"]);
        // Rounds in name order; names outside the set do not hold anything back; a cycle is
        // taken by name once nothing else is ready.
        let ws = workspace(vec![
            member("z", "1.0.0", &[]),
            member("b", "1.0.0", &[("z", "1.0.0", DepKind::Normal), ("out", "1.0.0", DepKind::Normal)]),
            member("a", "1.0.0", &[("b", "1.0.0", DepKind::Normal)]),
            member("c", "1.0.0", &[("z", "1.0.0", DepKind::Build)]),
            member("x", "1.0.0", &[("y", "1.0.0", DepKind::Normal), ("a", "1.0.0", DepKind::Normal)]),
            member("y", "1.0.0", &[("x", "1.0.0", DepKind::Normal)]),
            member("out", "1.0.0", &[]),
        ]);
        let names: BTreeSet<String> = ["a", "b", "c", "x", "y", "z"].iter().map(|s| s.to_string()).collect();
        assert_eq!(ws.topo_order(&names), ["z", "b", "c", "a", "x", "y"]);
    }

    #[test]
    fn a_shared_target_dir_keeps_workspaces_apart() {
        let mut a = chain();
        assert_eq!(a.atomic_dir(), PathBuf::from("/ws/target/atomic"), "a target dir of its own stays as it is");
        a.target_dir = PathBuf::from("/shared/target");
        let mut b = a.clone();
        b.root = PathBuf::from("/other/ws");
        let (da, db) = (a.atomic_dir(), b.atomic_dir());
        let under = |d: &PathBuf| d.to_string_lossy().starts_with("/shared/target/atomic/ws-");
        assert!(under(&da) && under(&db), "{da:?} {db:?}");
        assert_ne!(da, db, "two workspaces sharing a target dir never share journals or caches");
        assert_eq!(a.atomic_dir(), da, "stable");
    }

    #[test]
    fn tag_names_follow_the_format() {
        let mut ws = chain();
        assert_eq!(ws.tag_name("core", &semver::Version::new(1, 2, 3)), "core-v1.2.3");
        ws.config.tag_format = Some(TagFormats::One("release/{crate}/{version}".to_string()));
        assert_eq!(ws.tag_name("core", &semver::Version::new(1, 2, 3)), "release/core/1.2.3");
        let single = workspace(vec![member("solo", "1.0.0", &[])]);
        assert_eq!(single.tag_formats(), ["{crate}-v{version}", "{crate}-{version}", "v{version}", "{version}"]);
    }

    #[test]
    fn selection_rejects_unknown_packages_and_applies_exclude() {
        let ws = chain();
        let err = ws.select(&Selection { packages: vec!["nope".into()], ..Default::default() }).unwrap_err();
        assert!(err.to_string().contains("`nope` is not a member"), "{err}");
        let sel = Selection { packages: vec!["cor".to_string()], ..Default::default() };
        let err = ws.select(&sel).unwrap_err();
        assert!(err.to_string().ends_with("did you mean `core`?"), "{err}");
        let sel = Selection { workspace: true, exclude: vec!["tests".into()], ..Default::default() };
        let names: Vec<&str> = ws.select(&sel).unwrap().iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["core", "gateway", "interface"]);
    }
}
