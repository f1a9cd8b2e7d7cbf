//! Cargo manifests as files: where a version or a dependency is declared (for messages), and
//! format-preserving edits of versions and requirements (toml_edit) for `cargo atomic bump`.
//!
//! Edits are computed here as new file contents; writing them (all or none) is `fsutil`'s job.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use semver::Version;
use toml_edit::{DocumentMut, Item, Table, Value};

use crate::train::Locate;
use crate::workspace::Workspace;

/// Dependency tables of a manifest: `[dependencies]` and friends, target-specific ones included.
const DEP_TABLES: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];

/// Locations in the workspace's manifests.
pub struct Manifests<'a> {
    pub ws: &'a Workspace,
}

impl Locate for Manifests<'_> {
    fn version_line(&self, package: &str) -> Option<(String, usize)> {
        let m = self.ws.member(package)?;
        let text = std::fs::read_to_string(&m.manifest_path).ok()?;
        let line = find_key_line(&text, |t| t == "package", "version")?;
        if text.lines().nth(line - 1).is_some_and(|l| l.contains("workspace")) {
            let root = self.ws.root.join("Cargo.toml");
            let root_text = std::fs::read_to_string(&root).ok()?;
            let line = find_key_line(&root_text, |t| t == "workspace.package", "version")?;
            return Some((self.ws.relative(&root), line));
        }
        Some((self.ws.relative(&m.manifest_path), line))
    }

    fn workspace_version_line(&self) -> Option<(String, usize)> {
        let root = self.ws.root.join("Cargo.toml");
        let text = std::fs::read_to_string(&root).ok()?;
        let line = find_key_line(&text, |t| t == "workspace.package", "version")?;
        Some((self.ws.relative(&root), line))
    }

    fn requirement_line(&self, package: &str, dependency: &str) -> Option<(String, usize)> {
        let m = self.ws.member(package)?;
        let dep = self.ws.member(dependency)?;
        let key = m
            .deps
            .iter()
            .find(|d| d.member.as_deref() == Some(dependency))
            .map(|d| d.rename.clone().unwrap_or_else(|| d.name.clone()))?;
        let text = std::fs::read_to_string(&m.manifest_path).ok()?;
        let line = find_dependency_line(&text, &key)?;
        if text.lines().nth(line - 1).is_some_and(|l| l.contains("workspace = true") || l.contains("workspace=true")) {
            let root = self.ws.root.join("Cargo.toml");
            let root_text = std::fs::read_to_string(&root).ok()?;
            let line = find_key_line(&root_text, |t| t == "workspace.dependencies", &dep.name).or_else(|| {
                find_key_line(&root_text, |t| t == format!("workspace.dependencies.{}", dep.name), "version")
            })?;
            return Some((self.ws.relative(&root), line));
        }
        Some((self.ws.relative(&m.manifest_path), line))
    }
}

/// 1-based line of `key = ...` inside a table whose header satisfies `table`.
fn find_key_line(text: &str, table: impl Fn(&str) -> bool, key: &str) -> Option<usize> {
    let mut current = String::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(h) = t.strip_prefix('[').and_then(|h| h.split(']').next()) {
            current = h.trim_start_matches('[').trim().to_string();
            continue;
        }
        if table(&current) && key_of(t) == Some(key) {
            return Some(i + 1);
        }
    }
    None
}

/// The key of a `key = value` or `key.sub = value` line.
fn key_of(line: &str) -> Option<&str> {
    let (k, _) = line.split_once('=')?;
    let k = k.trim().trim_matches('"');
    Some(k.split('.').next().unwrap_or(k).trim().trim_matches('"'))
}

/// 1-based line where dependency `key` is declared, in any dependency table.
fn find_dependency_line(text: &str, key: &str) -> Option<usize> {
    let mut current = String::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(h) = t.strip_prefix('[').and_then(|h| h.split(']').next()) {
            current = h.trim_start_matches('[').trim().to_string();
            let last = current.rsplit('.').next().unwrap_or("");
            let parent = current.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
            if last.trim_matches('"') == key && DEP_TABLES.iter().any(|d| parent.ends_with(d)) {
                return Some(i + 1);
            }
            continue;
        }
        if DEP_TABLES.iter().any(|d| current.ends_with(d)) && key_of(t) == Some(key) {
            return Some(i + 1);
        }
    }
    None
}

/// The line of a feature in a manifest (or of its `[features]` table).
pub fn feature_line(manifest: &Path, name: &str, root: &Path) -> Option<crate::api::Location> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    let line = lines
        .iter()
        .position(|l| l.trim_start().starts_with(name) && l.contains('='))
        .or_else(|| lines.iter().position(|l| l.trim() == "[features]"))?;
    let file = manifest.strip_prefix(root).unwrap_or(manifest).to_string_lossy().replace('\\', "/");
    Some(crate::api::Location { file, line: line + 1 })
}

/// A file's contents before and after an edit.
#[derive(Clone, Debug)]
pub struct FileEdit {
    pub path: PathBuf,
    pub before: String,
    pub after: String,
}

impl FileEdit {
    /// The changed lines: `(line number, old, new)`.
    pub fn changed_lines(&self) -> Vec<(usize, String, String)> {
        let old: Vec<&str> = self.before.lines().collect();
        let new: Vec<&str> = self.after.lines().collect();
        old.iter()
            .zip(&new)
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| (i + 1, a.to_string(), b.to_string()))
            .collect()
    }
}

/// The edit of `Cargo.lock` that gives the workspace's own packages of `versions` their new
/// versions, and nothing else: the entries of path packages (no `source`) at a member's current
/// version, and the references to them that name a version (`"core 1.0.0"`, written when two
/// versions of one name are locked). `None` without a lockfile or when nothing changes.
pub fn lockfile_edit(ws: &Workspace, versions: &BTreeMap<String, Version>) -> anyhow::Result<Option<FileEdit>> {
    let path = ws.root.join("Cargo.lock");
    let Ok(before) = std::fs::read_to_string(&path) else { return Ok(None) };
    let after = edit_lockfile(ws, &before, versions).with_context(|| format!("cannot update {}", path.display()))?;
    Ok((after != before).then_some(FileEdit { path, before, after }))
}

/// [`lockfile_edit`] on the lockfile's text.
pub fn edit_lockfile(ws: &Workspace, text: &str, versions: &BTreeMap<String, Version>) -> anyhow::Result<String> {
    let mut doc: DocumentMut = text.parse()?;
    // name → (current version, new version) of the members that move.
    let moving: BTreeMap<&str, (String, String)> = versions
        .iter()
        .filter_map(|(name, to)| Some((name.as_str(), (ws.member(name)?.version.to_string(), to.to_string()))))
        .collect();
    let Some(packages) = doc.get_mut("package").and_then(|p| p.as_array_of_tables_mut()) else {
        return Ok(text.into());
    };
    for package in packages.iter_mut() {
        let own = !package.contains_key("source");
        let name = package.get("name").and_then(|n| n.as_str()).unwrap_or_default().to_string();
        if let (true, Some((from, to))) = (own, moving.get(name.as_str())) {
            if package.get("version").and_then(|v| v.as_str()) == Some(from.as_str()) {
                let decor = package.get("version").and_then(|v| v.as_value()).map(|v| v.decor().clone());
                let mut value = Value::from(to.as_str());
                if let Some(decor) = decor {
                    *value.decor_mut() = decor;
                }
                package.insert("version", Item::Value(value));
            }
        }
        let Some(deps) = package.get_mut("dependencies").and_then(|d| d.as_array_mut()) else { continue };
        for dep in deps.iter_mut() {
            let Some(entry) = dep.as_str() else { continue };
            // `name version`, with no `(source)`: a path package of this workspace.
            let mut parts = entry.split(' ');
            let (Some(name), Some(version), None) = (parts.next(), parts.next(), parts.next()) else { continue };
            if let Some((from, to)) = moving.get(name).filter(|(from, _)| from == version) {
                let _ = from;
                let decor = dep.decor().clone();
                *dep = Value::from(format!("{name} {to}"));
                *dep.decor_mut() = decor;
            }
        }
    }
    Ok(doc.to_string())
}

/// The manifest edits that give each member of `versions` its new version and make every
/// requirement on it (in members and in `[workspace.dependencies]`) ask for that version.
/// Members that inherit `version.workspace = true` move `[workspace.package] version`.
pub fn version_edits(ws: &Workspace, versions: &BTreeMap<String, Version>) -> anyhow::Result<Vec<FileEdit>> {
    let mut texts = BTreeMap::new();
    for path in std::iter::once(ws.root.join("Cargo.toml")).chain(ws.members.iter().map(|m| m.manifest_path.clone())) {
        if let std::collections::btree_map::Entry::Vacant(e) = texts.entry(path) {
            let text =
                std::fs::read_to_string(e.key()).with_context(|| format!("cannot read {}", e.key().display()))?;
            e.insert(text);
        }
    }
    edit_manifests(ws, &texts, versions)
}

/// [`version_edits`] on manifest texts (the root's and every member's, by path): no I/O.
pub fn edit_manifests(
    ws: &Workspace,
    texts: &BTreeMap<PathBuf, String>,
    versions: &BTreeMap<String, Version>,
) -> anyhow::Result<Vec<FileEdit>> {
    let root = ws.root.join("Cargo.toml");
    let mut docs: BTreeMap<PathBuf, (String, DocumentMut)> = BTreeMap::new();
    for (path, text) in texts {
        let doc: DocumentMut = text.parse().with_context(|| format!("cannot parse {}", path.display()))?;
        docs.insert(path.clone(), (text.clone(), doc));
    }
    for path in std::iter::once(&root).chain(ws.members.iter().map(|m| &m.manifest_path)) {
        anyhow::ensure!(docs.contains_key(path), "no text for {}", path.display());
    }
    let inherits: BTreeMap<String, bool> = ws
        .members
        .iter()
        .map(|m| {
            let doc = &docs[&m.manifest_path].1;
            let inherited = doc.get("package").and_then(|p| p.get("version")).is_some_and(is_workspace_inherited);
            (m.name.clone(), inherited)
        })
        .collect();

    // Package versions.
    let mut workspace_version: Option<Version> = None;
    for (name, version) in versions {
        let m = ws.member(name).with_context(|| format!("`{name}` is not a member"))?;
        let (_, doc) = docs.get_mut(&m.manifest_path).expect("loaded");
        let item = doc.get_mut("package").and_then(|p| p.get_mut("version"));
        match item {
            Some(item) if is_workspace_inherited(item) => {
                if workspace_version.as_ref().is_none_or(|w| version > w) {
                    workspace_version = Some(version.clone());
                }
            }
            Some(item) => set_string(item, &version.to_string()),
            None => anyhow::bail!("{} declares no `package.version`", m.manifest_path.display()),
        }
    }
    if let Some(v) = &workspace_version {
        let (_, doc) = docs.get_mut(&root).expect("loaded");
        let item =
            doc.get_mut("workspace").and_then(|w| w.get_mut("package")).and_then(|p| p.get_mut("version")).context(
                "members inherit `version.workspace = true` but the root has no `[workspace.package] version`",
            )?;
        set_string(item, &v.to_string());
    }
    let effective = |name: &str| -> Option<Version> {
        let m = ws.member(name)?;
        if let Some(v) = versions.get(name) {
            return Some(v.clone());
        }
        if inherits[&m.name] {
            workspace_version.clone()
        } else {
            None
        }
    };

    // Requirements in members.
    for m in &ws.members {
        let updates: Vec<(String, Version)> = m
            .deps
            .iter()
            .filter_map(|d| {
                let target = d.member.as_deref()?;
                let v = effective(target)?;
                Some((d.rename.clone().unwrap_or_else(|| d.name.clone()), v))
            })
            .collect();
        if updates.is_empty() {
            continue;
        }
        let (_, doc) = docs.get_mut(&m.manifest_path).expect("loaded");
        for (key, version) in &updates {
            for (dev, table) in dependency_tables(doc.as_table_mut()) {
                if let Some(entry) = table.get_mut(key) {
                    // A dev-dependency that admits the new version stays: raising it gives no
                    // user anything, and a published package keeps it, where it must resolve
                    // from the registry (`serde_core` dev-depends on `serde = "1"`: `^1.1.0`
                    // would need serde 1.1.0 published before serde_core 1.1.0, which serde
                    // needs first).
                    if !(dev && admits(entry, version)) {
                        set_requirement(entry, version);
                    }
                }
            }
        }
    }
    // Requirements in `[workspace.dependencies]`.
    {
        let (_, doc) = docs.get_mut(&root).expect("loaded");
        if let Some(table) =
            doc.get_mut("workspace").and_then(|w| w.get_mut("dependencies")).and_then(Item::as_table_like_mut)
        {
            for (key, entry) in table.iter_mut() {
                let name = entry
                    .as_table_like()
                    .and_then(|t| t.get("package"))
                    .and_then(|p| p.as_str())
                    .unwrap_or(key.get())
                    .to_string();
                let is_path = entry.as_table_like().is_some_and(|t| t.contains_key("path"));
                if let (true, Some(v)) = (is_path, effective(&name)) {
                    set_requirement(entry, &v);
                }
            }
        }
    }
    Ok(docs
        .into_iter()
        .filter_map(|(path, (before, doc))| {
            let after = doc.to_string();
            (after != before).then_some(FileEdit { path, before, after })
        })
        .collect())
}

fn is_workspace_inherited(item: &Item) -> bool {
    item.as_table_like().and_then(|t| t.get("workspace")).and_then(|w| w.as_bool()).unwrap_or(false)
}

/// Every dependency table of a manifest, target-specific ones included.
/// With whether each is a dev-dependency table.
fn dependency_tables(doc: &mut Table) -> Vec<(bool, &mut dyn toml_edit::TableLike)> {
    let mut out: Vec<(bool, &mut dyn toml_edit::TableLike)> = Vec::new();
    for (key, item) in doc.iter_mut() {
        if DEP_TABLES.contains(&key.get()) {
            let dev = key.get() == "dev-dependencies";
            if let Some(t) = item.as_table_like_mut() {
                out.push((dev, t));
            }
        } else if key.get() == "target" {
            if let Some(targets) = item.as_table_like_mut() {
                for (_, target) in targets.iter_mut() {
                    if let Some(target) = target.as_table_like_mut() {
                        for (k, t) in target.iter_mut() {
                            if DEP_TABLES.contains(&k.get()) {
                                let dev = k.get() == "dev-dependencies";
                                if let Some(t) = t.as_table_like_mut() {
                                    out.push((dev, t));
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// Whether a dependency entry's `version` requirement admits `v`.
fn admits(entry: &Item, v: &Version) -> bool {
    let req = match entry.as_str() {
        Some(s) => Some(s),
        None => entry.as_table_like().and_then(|t| t.get("version")).and_then(|v| v.as_str()),
    };
    req.and_then(|r| semver::VersionReq::parse(r).ok()).is_some_and(|r| r.matches(v))
}

/// Points a dependency entry's `version` at `v`, keeping its operator style; entries that
/// inherit from the workspace or have no version are left alone.
fn set_requirement(entry: &mut Item, v: &Version) {
    if let Some(value) = entry.as_value_mut() {
        if let Some(s) = value.as_str() {
            let new = requirement_like(s, v);
            replace_value(value, &new);
            return;
        }
    }
    let Some(table) = entry.as_table_like_mut() else { return };
    if table.get("workspace").and_then(|w| w.as_bool()) == Some(true) {
        return;
    }
    if let Some(version) = table.get_mut("version") {
        if let Some(s) = version.as_str().map(str::to_string) {
            set_string(version, &requirement_like(&s, v));
        }
    }
}

/// `^1.2` → `^2.0.0`; `1.2.3` → `2.0.0`; `=1.0.0` → `=2.0.0`.
fn requirement_like(old: &str, v: &Version) -> String {
    let old = old.trim();
    for op in ["^", "~", "=", ">="] {
        if old.starts_with(op) && !old.contains(',') {
            return format!("{op}{v}");
        }
    }
    v.to_string()
}

fn set_string(item: &mut Item, new: &str) {
    match item.as_value_mut() {
        Some(value) => replace_value(value, new),
        None => *item = toml_edit::value(new),
    }
}

/// Replaces a value keeping its surrounding whitespace and comments.
fn replace_value(value: &mut Value, new: &str) {
    let decor = value.decor().clone();
    *value = Value::from(new);
    *value.decor_mut() = decor;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::testing::{member, workspace};
    use crate::workspace::DepKind;

    fn texts(files: &[(&str, &str)]) -> BTreeMap<PathBuf, String> {
        files.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect()
    }

    fn versions(list: &[(&str, &str)]) -> BTreeMap<String, Version> {
        list.iter().map(|(n, v)| (n.to_string(), Version::parse(v).unwrap())).collect()
    }

    #[test]
    fn the_lockfile_moves_the_workspace_s_own_entries_only() {
        let ws = workspace(vec![
            member("core", "1.0.0", &[]),
            member("app", "1.0.0", &[("core", "1.0.0", DepKind::Normal)]),
        ]);
        let lock = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"1.0.0\"\ndependencies = [\n \"core 1.0.0\",\n \"core 0.9.0\",\n \"serde\",\n]\n\n\
                    [[package]]\nname = \"core\"\nversion = \"1.0.0\"\n\n\
                    [[package]]\nname = \"core\"\nversion = \"0.9.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
                    [[package]]\nname = \"serde\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
        let after = edit_lockfile(&ws, lock, &versions(&[("core", "2.0.0")])).unwrap();
        let want = lock
            .replacen("name = \"core\"\nversion = \"1.0.0\"", "name = \"core\"\nversion = \"2.0.0\"", 1)
            .replace("\"core 1.0.0\"", "\"core 2.0.0\"");
        assert_eq!(after, want);
        assert_eq!(edit_lockfile(&ws, lock, &BTreeMap::new()).unwrap(), lock, "nothing moves, nothing changes");
    }

    #[test]
    fn versions_and_requirements_move_keeping_comments_and_operators() {
        let ws = workspace(vec![
            member("core", "1.0.0", &[]),
            member("app", "1.0.0", &[("core", "=1.0.0", DepKind::Normal)]),
        ]);
        let files = texts(&[
            ("/ws/Cargo.toml", "[workspace]\nmembers = [\"core\", \"app\"]\n"),
            ("/ws/core/Cargo.toml", "[package]\nname = \"core\"\nversion = \"1.0.0\" # the version\n"),
            (
                "/ws/app/Cargo.toml",
                "[package]\nname = \"app\"\nversion = \"1.0.0\"\n\n[dependencies]\ncore = { path = \"../core\", version = \"=1.0.0\" }\n",
            ),
        ]);
        let edits = edit_manifests(&ws, &files, &versions(&[("core", "2.0.0")])).unwrap();
        let by_path: BTreeMap<&Path, &FileEdit> = edits.iter().map(|e| (e.path.as_path(), e)).collect();
        assert_eq!(by_path.len(), 2);
        assert_eq!(
            by_path[Path::new("/ws/core/Cargo.toml")].after,
            "[package]\nname = \"core\"\nversion = \"2.0.0\" # the version\n"
        );
        let app = by_path[Path::new("/ws/app/Cargo.toml")];
        assert!(app.after.contains("core = { path = \"../core\", version = \"=2.0.0\" }"), "{}", app.after);
        assert_eq!(
            app.changed_lines(),
            [(
                6,
                "core = { path = \"../core\", version = \"=1.0.0\" }".to_string(),
                "core = { path = \"../core\", version = \"=2.0.0\" }".to_string()
            )]
        );
    }

    #[test]
    fn a_dev_dependency_that_admits_the_new_version_stays() {
        // serde_core dev-depends on serde (which depends on serde_core): `^1.1.0` there would need
        // serde 1.1.0 in the registry before serde_core 1.1.0, and serde needs serde_core first.
        let ws = workspace(vec![
            member("serde", "1.0.0", &[("serde_core", "=1.0.0", DepKind::Normal)]),
            member("serde_core", "1.0.0", &[("serde", "1", DepKind::Dev)]),
        ]);
        let files = texts(&[
            ("/ws/Cargo.toml", "[workspace]\nmembers = [\"serde\", \"serde_core\"]\n"),
            (
                "/ws/serde/Cargo.toml",
                "[package]\nname = \"serde\"\nversion = \"1.0.0\"\n\n[dependencies]\nserde_core = { path = \"../serde_core\", version = \"=1.0.0\" }\n",
            ),
            (
                "/ws/serde_core/Cargo.toml",
                "[package]\nname = \"serde_core\"\nversion = \"1.0.0\"\n\n[dev-dependencies]\nserde = { path = \"../serde\", version = \"1\" }\n",
            ),
        ]);
        let minor = versions(&[("serde", "1.1.0"), ("serde_core", "1.1.0")]);
        let edits = edit_manifests(&ws, &files, &minor).unwrap();
        let core = edits.iter().find(|e| e.path == Path::new("/ws/serde_core/Cargo.toml")).unwrap();
        assert!(core.after.contains("serde = { path = \"../serde\", version = \"1\" }"), "{}", core.after);
        let serde = edits.iter().find(|e| e.path == Path::new("/ws/serde/Cargo.toml")).unwrap();
        assert!(serde.after.contains("version = \"=1.1.0\" }"), "a normal requirement moves: {}", serde.after);
        // One that does not admit it must move (Cargo requires the path's version to match).
        let major = versions(&[("serde", "2.0.0"), ("serde_core", "2.0.0")]);
        let edits = edit_manifests(&ws, &files, &major).unwrap();
        let core = edits.iter().find(|e| e.path == Path::new("/ws/serde_core/Cargo.toml")).unwrap();
        assert!(core.after.contains("serde = { path = \"../serde\", version = \"2.0.0\" }"), "{}", core.after);
    }

    #[test]
    fn inherited_versions_move_the_workspace_version_and_workspace_dependencies() {
        let ws = workspace(vec![
            member("core", "1.0.0", &[]),
            member("app", "1.0.0", &[("core", "1.0.0", DepKind::Normal)]),
        ]);
        let files = texts(&[
            (
                "/ws/Cargo.toml",
                "[workspace]\nmembers = [\"core\", \"app\"]\n\n[workspace.package]\nversion = \"1.0.0\"\n\n[workspace.dependencies]\ncore = { path = \"core\", version = \"1.0.0\" }\n",
            ),
            ("/ws/core/Cargo.toml", "[package]\nname = \"core\"\nversion.workspace = true\n"),
            ("/ws/app/Cargo.toml", "[package]\nname = \"app\"\nversion.workspace = true\n\n[dependencies]\ncore.workspace = true\n"),
        ]);
        let edits = edit_manifests(&ws, &files, &versions(&[("core", "1.1.0")])).unwrap();
        assert_eq!(edits.len(), 1, "only the root changes: {edits:?}");
        let root = &edits[0].after;
        assert!(root.contains("[workspace.package]\nversion = \"1.1.0\""), "{root}");
        assert!(root.contains("core = { path = \"core\", version = \"1.1.0\" }"), "{root}");
    }

    #[test]
    fn every_manifest_is_needed_and_must_parse() {
        let ws = workspace(vec![member("core", "1.0.0", &[])]);
        let missing = texts(&[("/ws/Cargo.toml", "[workspace]\n")]);
        let err = edit_manifests(&ws, &missing, &versions(&[("core", "2.0.0")])).unwrap_err();
        assert!(err.to_string().contains("/ws/core/Cargo.toml"), "{err}");
        let broken = texts(&[("/ws/Cargo.toml", "[workspace]\n"), ("/ws/core/Cargo.toml", "[package\n")]);
        let err = edit_manifests(&ws, &broken, &versions(&[("core", "2.0.0")])).unwrap_err();
        assert!(err.to_string().contains("cannot parse /ws/core/Cargo.toml"), "{err}");
    }

    #[test]
    fn requirements_keep_their_operator() {
        let v = Version::new(2, 0, 0);
        assert_eq!(requirement_like("^1.2", &v), "^2.0.0");
        assert_eq!(requirement_like("~1.2", &v), "~2.0.0");
        assert_eq!(requirement_like("1.2.3", &v), "2.0.0");
        assert_eq!(requirement_like(">=1, <2", &v), "2.0.0");
    }

    #[test]
    fn feature_lines_are_found() {
        let text = "[package]\nname = \"x\"\n\n[features]\ndefault = []\nfast = []\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Cargo.toml");
        std::fs::write(&path, text).unwrap();
        assert_eq!(feature_line(&path, "fast", dir.path()).map(|l| l.line), Some(6));
        assert_eq!(feature_line(&path, "gone", dir.path()).map(|l| (l.file, l.line)), Some(("Cargo.toml".into(), 4)));
    }
}
