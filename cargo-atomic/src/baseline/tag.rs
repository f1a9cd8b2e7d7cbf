//! Baselines from git: the last release tag of a crate, the committed snapshot at a revision,
//! or the tree at a revision, documented.

use std::collections::{BTreeMap, HashMap};

use super::{checkout::document_checkout, Baseline, Locator, Origin, OriginKind, Source};
use crate::api::{snapshot, Snapshot};
use crate::git::Repo;
use crate::rustdoc::DocOptions;
use crate::workspace::{Member, Workspace};

/// What git has of a member at a revision: its manifest and its committed snapshot.
pub(super) struct AtRev {
    pub manifest: Option<String>,
    pub snapshot: Option<Snapshot>,
}

impl AtRev {
    /// The manifest's `package.version`, when it is written there.
    pub fn version(&self) -> Option<semver::Version> {
        let doc: toml_edit::DocumentMut = self.manifest.as_deref()?.parse().ok()?;
        doc.get("package")?.get("version")?.as_str().and_then(|v| semver::Version::parse(v).ok())
    }
}

/// The manifest and snapshot of each `(rev, member)`, read in one git call.
pub(super) fn read_at(repo: &Repo, wanted: &[(String, &Member)]) -> anyhow::Result<Vec<AtRev>> {
    let mut files = Vec::with_capacity(wanted.len() * 2);
    for (rev, m) in wanted {
        files.push((rev.clone(), repo.relative(&m.manifest_path)?));
        files.push((rev.clone(), repo.relative(&m.snapshot_path())?));
    }
    let mut texts = repo.show_many(&files)?.into_iter();
    let mut out = Vec::with_capacity(wanted.len());
    for (i, (rev, _)) in wanted.iter().enumerate() {
        let manifest = texts.next().flatten();
        let snapshot = match texts.next().flatten() {
            Some(text) => Some(snapshot::parse(&text, &format!("{rev}:{}", files[2 * i + 1].1))?),
            None => None,
        };
        out.push(AtRev { manifest, snapshot });
    }
    Ok(out)
}

pub(super) fn from_git(
    repo: &Repo,
    rev: &str,
    m: &Member,
    origin: Origin,
    version: Option<semver::Version>,
    snapshot: Snapshot,
) -> anyhow::Result<Baseline> {
    let dir = repo.relative(&m.dir)?;
    Ok(Baseline {
        origin,
        version,
        snapshot,
        locations: HashMap::new(),
        locator: Locator::Git { repo: repo.clone(), rev: rev.to_string(), dir, tree: None },
        registry: None,
    })
}

/// The tree of `commit`, exported under the target dir once (it never changes).
pub(super) fn exported_tree(ws: &Workspace, repo: &Repo, commit: &str) -> anyhow::Result<std::path::PathBuf> {
    let tree = ws.atomic_dir().join("trees").join(commit);
    let done = tree.join(".atomic-complete");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&tree);
        repo.export(commit, &tree)?;
        std::fs::write(&done, b"")?;
    }
    Ok(tree)
}

/// Documents `members` as they were at `rev` (the tree exported under the target dir).
pub(super) fn document_at_rev(
    ws: &Workspace,
    repo: &Repo,
    rev: &str,
    members: &[&Member],
    opts: &DocOptions,
    kind: OriginKind,
) -> anyhow::Result<BTreeMap<String, Option<Baseline>>> {
    let commit = repo.resolve(rev)?;
    let tree = exported_tree(ws, repo, &commit)?;
    let rel_root = repo.relative(&ws.root)?;
    let root = if rel_root.is_empty() { tree.clone() } else { tree.join(&rel_root) };
    let origin = Origin::new(kind, rev, Source::Rustdoc);
    let memo = tree.join(".atomic-metadata.json");
    document_checkout(ws, &root, Some(&memo), members, opts, origin, |m| Locator::Git {
        repo: repo.clone(),
        rev: commit.clone(),
        dir: repo.relative(&m.dir).unwrap_or_default(),
        tree: Some(tree.clone()),
    })
}
