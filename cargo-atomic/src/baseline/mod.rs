//! Baselines: the API each crate had at its last release (or at an explicit revision, checkout or
//! registry version), as a [`Snapshot`].
//!
//! Resolved cheapest first: the committed snapshot at the crate's last release tag; the tree at
//! that tag, documented; the snapshot shipped in the published package; the published package,
//! documented (cached by name, version, features, target and toolchain). A crate with none is new.
//!
//! Registry access goes through Cargo (a scratch project depending on the crate), so alternative
//! registries, credentials and `.cargo/config.toml` work as they do for builds.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use anyhow::Context;
use serde::Serialize;

mod checkout;
mod locate;
mod registry;
mod release;
mod tag;

pub(crate) use release::manifest_version;
pub use release::{ahead_in_words, last_releases, Ahead, LastRelease, Releases};

pub use registry::highest_published;

use crate::api::{ItemKey, Location, Snapshot};
use crate::git::Repo;
use crate::rustdoc::DocOptions;
use crate::workspace::{Member, Workspace};
use checkout::from_path;
use registry::from_registry_baselines;
use tag::{document_at_rev, from_git, read_at};

/// Which baseline the user asked for.
#[derive(Clone, Debug, Default)]
pub enum Spec {
    /// The last release: tag, else registry.
    #[default]
    LastRelease,
    Rev(String),
    Path(PathBuf),
    Version(semver::Version),
}

/// Where a baseline came from, for reports.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Origin {
    pub kind: OriginKind,
    /// The tag, revision, directory or registry name.
    pub reference: String,
    pub from: Source,
    /// What a reader should know of how the baseline was built (a published baseline documented
    /// with siblings at other versions than the workspace's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A release newer than this one in its series, which the checkout's history does not
    /// contain (a maintenance branch, a clone older than the last release).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer: Option<Ahead>,
}

impl Origin {
    pub fn new(kind: OriginKind, reference: impl Into<String>, from: Source) -> Origin {
        Origin { kind, reference: reference.into(), from, note: None, newer: None }
    }
}

/// What kind of reference a baseline was found by.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OriginKind {
    /// A release tag.
    Tag,
    /// `--baseline-rev`.
    Rev,
    /// `--baseline-path`.
    Path,
    /// A published package.
    Registry,
}

/// How a baseline's API was obtained.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A committed or shipped snapshot file.
    Snapshot,
    /// Documented from source.
    Rustdoc,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            OriginKind::Tag => "tag",
            OriginKind::Rev => "rev",
            OriginKind::Path => "path",
            OriginKind::Registry => "registry",
        };
        let how = if self.from == Source::Rustdoc { ", documented" } else { "" };
        write!(f, "{kind} {}{how}", self.reference)
    }
}

#[derive(Clone, Debug)]
pub struct Baseline {
    pub origin: Origin,
    /// The baseline's version (from the tag, the registry, or the checkout's manifest).
    pub version: Option<semver::Version>,
    pub snapshot: Snapshot,
    /// Source locations, when the baseline was documented from source.
    pub locations: HashMap<ItemKey, Location>,
    locator: Locator,
    /// The registry a published baseline came from.
    registry: Option<String>,
}

/// Where a baseline's package can be built from (witness programs compile against it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PackageSource {
    /// A package directory (a checkout, or a revision's tree exported under the target dir).
    Dir(PathBuf),
    /// A published version.
    Registry { registry: String, version: semver::Version },
}

impl Baseline {
    /// The baseline's package source, exporting a revision's tree when needed; `None` when the
    /// baseline has no source to build (a snapshot only).
    pub fn package_source(&self, ws: &Workspace) -> anyhow::Result<Option<PackageSource>> {
        if let (Some(registry), Some(version)) = (&self.registry, &self.version) {
            return Ok(Some(PackageSource::Registry { registry: registry.clone(), version: version.clone() }));
        }
        Ok(match &self.locator {
            Locator::Git { repo, rev, dir, .. } => {
                let tree = tag::exported_tree(ws, repo, &repo.resolve(rev)?)?;
                Some(PackageSource::Dir(if dir.is_empty() { tree } else { tree.join(dir) }))
            }
            Locator::Dir { dir, .. } => Some(PackageSource::Dir(dir.clone())),
            Locator::Nowhere => None,
        })
    }
}

/// How to find a removed item in the baseline's source.
#[derive(Clone, Debug)]
pub(crate) enum Locator {
    /// `dir` in the repository at `rev`; `tree`: that revision's tree, where it is exported under
    /// the target dir (a documented revision), searched in place of one `git grep` per item.
    Git {
        repo: Repo,
        rev: String,
        dir: String,
        tree: Option<PathBuf>,
    },
    Dir {
        dir: PathBuf,
        shown: String,
    },
    Nowhere,
}

/// The last release of a member that has no API (binary only), from its release tags: `(tag,
/// version)`. Only tags count: such a crate has no snapshot and no documented package.
pub fn last_release(ws: &Workspace, m: &Member) -> anyhow::Result<Option<(String, semver::Version)>> {
    let releases = release::last_releases(ws, &[m], false)?;
    Ok(releases.last.get(&m.name).cloned().flatten().and_then(|r| Some((r.tag?, r.version))))
}

/// Where a member's baseline came from, for a reader: the origin, and for a release tag the
/// pattern it follows (`tag core-v1.0.0 (pattern {crate}-v{version})`).
pub fn described(ws: &Workspace, package: &str, origin: &Origin) -> String {
    if origin.kind != OriginKind::Tag {
        return origin.to_string();
    }
    let pattern = ws.tag_formats().into_iter().find(|format| {
        let format = format.replace("{crate}", package);
        let (prefix, suffix) = format.split_once("{version}").unwrap_or((&format, ""));
        origin
            .reference
            .strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(suffix))
            .is_some_and(|v| semver::Version::parse(v).is_ok())
    });
    match pattern {
        Some(p) => format!("{origin} (pattern `{p}`)"),
        None => origin.to_string(),
    }
}

/// What the repository says of releases: whether it is a shallow clone, and which members have
/// a release tag in one of the tag formats.
pub struct ReleaseTags {
    pub shallow: bool,
    pub tagged: Vec<String>,
    pub formats: Vec<String>,
}

pub fn release_tags(ws: &Workspace) -> anyhow::Result<Option<ReleaseTags>> {
    let Some(repo) = Repo::discover(&ws.root) else { return Ok(None) };
    let members: Vec<&Member> = ws.members.iter().collect();
    let releases = release::last_releases(ws, &members, false)?;
    let tagged = releases
        .last
        .iter()
        .filter(|(_, r)| r.as_ref().is_some_and(|r| r.tag.is_some()))
        .map(|(name, _)| name.clone())
        .collect();
    Ok(Some(ReleaseTags { shallow: repo.is_shallow(), tagged, formats: ws.tag_formats() }))
}

/// Resolves the baseline of each member in `members` (by package name; `None`: a new crate).
pub fn resolve(
    ws: &Workspace,
    members: &[&Member],
    spec: &Spec,
    opts: &DocOptions,
) -> anyhow::Result<BTreeMap<String, Option<Baseline>>> {
    let mut out = BTreeMap::new();
    match spec {
        Spec::LastRelease => {
            let releases = release::last_releases(ws, members, true)?;
            let repo = Repo::discover(&ws.root);
            let mut pins: BTreeMap<String, semver::Version> = BTreeMap::new();
            let mut wanted: Vec<(String, &Member, semver::Version)> = Vec::new();
            for m in members {
                match releases.last.get(&m.name).cloned().flatten() {
                    None => {
                        out.insert(m.name.clone(), None);
                    }
                    Some(release::LastRelease { version, tag: Some(tag) }) if repo.is_some() => {
                        wanted.push((tag, m, version))
                    }
                    Some(release::LastRelease { version, .. }) => {
                        pins.insert(m.name.clone(), version);
                    }
                }
            }
            let mut at_tags: BTreeMap<String, Vec<(&Member, semver::Version)>> = BTreeMap::new();
            if let Some(repo) = &repo {
                let asked: Vec<(String, &Member)> = wanted.iter().map(|(t, m, _)| (t.clone(), *m)).collect();
                for ((tag, m, version), at) in wanted.into_iter().zip(read_at(repo, &asked)?) {
                    match at.snapshot {
                        Some(snapshot) => {
                            let origin = Origin::new(OriginKind::Tag, tag.clone(), Source::Snapshot);
                            out.insert(m.name.clone(), Some(from_git(repo, &tag, m, origin, Some(version), snapshot)?));
                        }
                        None => at_tags.entry(tag).or_default().push((m, version)),
                    }
                }
                for (tag, list) in at_tags {
                    let names: Vec<&Member> = list.iter().map(|(m, _)| *m).collect();
                    let documented = document_at_rev(ws, repo, &tag, &names, opts, OriginKind::Tag)?;
                    for (m, version) in list {
                        let b = documented.get(&m.name).cloned().flatten().map(|mut b| {
                            b.version = Some(version.clone());
                            b
                        });
                        out.insert(m.name.clone(), b);
                    }
                }
            }
            out.extend(registry::published_baselines(ws, &pins, opts)?);
            for (name, b) in out.iter_mut() {
                let Some(b) = b else { continue };
                b.origin.newer = releases.ahead.get(name).cloned();
                if let Some(note) = releases.notes.get(name) {
                    b.origin.note = Some(match b.origin.note.take() {
                        Some(other) => format!("{note}; {other}"),
                        None => note.clone(),
                    });
                }
            }
        }
        Spec::Rev(rev) => {
            let repo = Repo::discover(&ws.root).with_context(|| {
                format!("--baseline-rev needs a git repository; {} is not in one", ws.root.display())
            })?;
            let commit = repo.resolve(rev)?;
            let mut missing = Vec::new();
            let wanted: Vec<(String, &Member)> = members.iter().map(|m| (commit.clone(), *m)).collect();
            for (m, at) in members.iter().zip(read_at(&repo, &wanted)?) {
                // A crate whose manifest did not exist at the revision is new since.
                if at.manifest.is_none() {
                    out.insert(m.name.clone(), None);
                    continue;
                }
                let version = at.version();
                match at.snapshot {
                    Some(snapshot) => {
                        let origin = Origin::new(OriginKind::Rev, rev.clone(), Source::Snapshot);
                        out.insert(m.name.clone(), Some(from_git(&repo, &commit, m, origin, version, snapshot)?));
                    }
                    None => missing.push(*m),
                }
            }
            if !missing.is_empty() {
                let documented = document_at_rev(ws, &repo, rev, &missing, opts, OriginKind::Rev)?;
                for m in missing {
                    out.insert(m.name.clone(), documented.get(&m.name).cloned().flatten());
                }
            }
        }
        Spec::Path(dir) => out.extend(from_path(ws, dir, members, opts)?),
        Spec::Version(v) => {
            let publishable: Vec<&Member> = members.to_vec();
            out.extend(from_registry_baselines(ws, &publishable, Some(v), opts)?);
        }
    }
    Ok(out)
}
