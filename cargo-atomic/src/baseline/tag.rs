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

/// The tree of `commit`, exported under the target dir once (it never changes), as far as a
/// documented release needs it: the workspace's files at its root (manifest, lockfile, Cargo
/// configuration, toolchain file) and the directories of its publishable members and of every
/// member they depend on — not its fuzz targets, benchmarks or test harnesses, whose
/// dependencies (a git repository, a large file the clone lacks) a release never needs. The
/// workspace's member list is trimmed to the directories there. Where that tree is not a
/// workspace Cargo can read, the whole commit is exported instead.
pub(super) fn exported_tree(ws: &Workspace, repo: &Repo, commit: &str) -> anyhow::Result<std::path::PathBuf> {
    let dirs = needed_dirs(ws, repo)?;
    let key = crate::fsutil::sha256_hex(format!("{dirs:?}").as_bytes());
    let tree = ws.atomic_dir().join("trees").join(format!("{commit}-{}", &key[..8]));
    let done = tree.join(".atomic-complete");
    if done.exists() {
        return Ok(tree);
    }
    let _ = std::fs::remove_dir_all(&tree);
    let rel_root = repo.relative(&ws.root)?;
    // A package at the workspace's root has its sources there: the whole tree, then.
    let trimmed = !dirs.contains(&rel_root) && {
        let mut paths: Vec<String> = repo.files_at(commit, &rel_root)?;
        paths.extend(dirs.iter().cloned());
        paths.push(if rel_root.is_empty() { ".cargo".to_string() } else { format!("{rel_root}/.cargo") });
        repo.export(commit, &tree, Some(&paths))?;
        let root = if rel_root.is_empty() { tree.clone() } else { tree.join(&rel_root) };
        trim_members(&root, &dirs, &rel_root).is_ok() && readable(&root)
    };
    if !trimmed {
        let _ = std::fs::remove_dir_all(&tree);
        repo.export(commit, &tree, None)?;
    }
    std::fs::write(&done, b"")?;
    Ok(tree)
}

/// The directories (relative to the repository) of the publishable members and of every member
/// they depend on, through any kind of dependency.
fn needed_dirs(ws: &Workspace, repo: &Repo) -> anyhow::Result<Vec<String>> {
    let publishable: Vec<String> = ws.members.iter().filter(|m| m.is_publishable()).map(|m| m.name.clone()).collect();
    let kinds = [crate::workspace::DepKind::Normal, crate::workspace::DepKind::Build, crate::workspace::DepKind::Dev];
    let closure = ws.with_deps(&publishable, &kinds);
    let mut dirs = Vec::new();
    for m in ws.members.iter().filter(|m| closure.contains(&m.name)) {
        dirs.push(repo.relative(&m.dir)?);
    }
    dirs.sort();
    dirs.dedup();
    Ok(dirs)
}

/// The exported workspace's `members` and `default-members` without the directories that were
/// not exported (globs stay: Cargo expands them to what is there).
fn trim_members(root: &std::path::Path, dirs: &[String], rel_root: &str) -> anyhow::Result<()> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)?;
    let mut doc: toml_edit::DocumentMut = text.parse()?;
    let Some(workspace) = doc.get_mut("workspace").and_then(|w| w.as_table_like_mut()) else { return Ok(()) };
    let exported = |entry: &str| {
        let entry = entry.trim_end_matches('/');
        let rel = if rel_root.is_empty() { entry.to_string() } else { format!("{rel_root}/{entry}") };
        entry.contains(['*', '?', '['])
            || entry == "."
            || dirs.iter().any(|d| *d == rel || d.starts_with(&format!("{rel}/")))
    };
    for key in ["members", "default-members"] {
        if let Some(list) = workspace.get_mut(key).and_then(|m| m.as_array_mut()) {
            list.retain(|v| v.as_str().is_none_or(exported));
        }
    }
    crate::fsutil::replace_cache_file(&path, doc.to_string().as_bytes())?;
    Ok(())
}

/// Whether Cargo reads the workspace at `root` (every member's manifest there).
fn readable(root: &std::path::Path) -> bool {
    std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
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
