//! Locating a removed item in the baseline's source: rustdoc's spans when the baseline was
//! documented, else a search of its files (a documented revision's exported tree, searched as git
//! grep would; git grep at a revision that was not exported; or a directory walk).

use std::path::{Path, PathBuf};

use super::{Baseline, Locator};
use crate::api::{ItemKey, Location, Namespace};

impl Baseline {
    /// Where a removed item was declared in the baseline's source, best effort.
    pub fn locate(&self, key: &ItemKey, path: &str) -> Option<Location> {
        if let Some(l) = self.locations.get(key) {
            return Some(l.clone());
        }
        let name = path.rsplit("::").next().unwrap_or(path);
        let matches = |line: &str| declares(line, key, name);
        match &self.locator {
            Locator::Git { dir, tree: Some(tree), .. } if tree.is_dir() => {
                let at = if dir.is_empty() { tree.clone() } else { tree.join(dir) };
                let (file, line) = grep_tree(&at, name, &matches)?;
                Some(Location { file: if dir.is_empty() { file } else { format!("{dir}/{file}") }, line })
            }
            Locator::Git { repo, rev, dir, .. } => {
                let lines = repo.grep(rev, &regex_escape(name), dir).ok()?;
                lines.into_iter().find(|(_, _, text)| matches(text)).map(|(file, line, _)| Location { file, line })
            }
            Locator::Dir { dir, shown } => find_in_dir(dir, &matches).map(|(file, line)| Location {
                file: format!("{shown}/{}", file.to_string_lossy().replace('\\', "/")),
                line,
            }),
            Locator::Nowhere => None,
        }
    }
}

/// Whether a source line declares the item `name` with the given key (best effort).
fn declares(line: &str, key: &ItemKey, name: &str) -> bool {
    let word_after = |prefix: &str| {
        line.match_indices(prefix).any(|(i, _)| {
            let rest = &line[i + prefix.len()..];
            rest.starts_with(name) && !rest[name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        })
    };
    match key {
        ItemKey::Path { namespace: Namespace::Value, .. } => {
            ["fn ", "const ", "static ", "static mut "].iter().any(|k| word_after(k))
        }
        ItemKey::Path { namespace: Namespace::Type, .. } => {
            ["struct ", "enum ", "union ", "trait ", "type ", "mod "].iter().any(|k| word_after(k))
        }
        ItemKey::Path { namespace: Namespace::Macro, .. } => word_after("macro_rules! ") || word_after("fn "),
        ItemKey::Path { namespace: Namespace::Variant, .. } => {
            let t = line.trim_start();
            t.starts_with(name) && !t[name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        }
        ItemKey::Impl { trait_, self_ty } => {
            let last = |p: &str| crate::api::strip_generic_args(p).rsplit("::").next().unwrap_or(p).to_string();
            let (tr, ty) = (last(trait_), last(self_ty));
            (line.contains("impl") && line.contains(&tr) && line.contains(&ty))
                || (line.contains("derive(") && line.contains(&tr))
        }
        _ => false,
    }
}

/// The first line under `dir` that names `name` and `matches`, as `git grep` at the revision would
/// find it in the same tree: every file (binary ones aside), in git's order (by path, bytewise);
/// `(path relative to dir, line)`.
fn grep_tree(dir: &Path, name: &str, matches: &dyn Fn(&str) -> bool) -> Option<(String, usize)> {
    // Symbolic links are not followed (git stores the link, not what it points to); the tool's own
    // files beside the exported tree (`.atomic-complete`, its metadata) are not the revision's.
    let mut files = Vec::new();
    let own = |p: &Path| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(".atomic-"));
    walk(dir, dir, &|p| !p.is_symlink(), &|p| p.is_file() && !p.is_symlink() && !own(p), &mut files);
    let mut files: Vec<(String, PathBuf)> =
        files.into_iter().map(|rel| (rel.to_string_lossy().replace('\\', "/"), rel)).collect();
    files.sort();
    for (shown, rel) in files {
        let Ok(bytes) = std::fs::read(dir.join(&rel)) else { continue };
        if bytes.contains(&0) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        if let Some(n) = text.lines().position(|l| l.contains(name) && matches(l)) {
            return Some((shown, n + 1));
        }
    }
    None
}

fn find_in_dir(dir: &Path, matches: &dyn Fn(&str) -> bool) -> Option<(PathBuf, usize)> {
    let mut files = Vec::new();
    let not_target = |p: &Path| p.file_name().is_none_or(|n| n != "target");
    walk(dir, dir, &not_target, &|p| not_target(p) && p.extension().is_some_and(|x| x == "rs"), &mut files);
    files.sort();
    for rel in files {
        let text = std::fs::read_to_string(dir.join(&rel)).ok()?;
        if let Some(n) = text.lines().position(matches) {
            return Some((rel, n + 1));
        }
    }
    None
}

/// The files under `dir` (relative to `root`) that `keep` accepts, in the directories `enter`
/// accepts.
fn walk(root: &Path, dir: &Path, enter: &dyn Fn(&Path) -> bool, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if enter(&p) {
                walk(root, &p, enter, keep, out);
            }
        } else if keep(&p) {
            out.push(p.strip_prefix(root).unwrap_or(&p).to_path_buf());
        }
    }
}

fn regex_escape(s: &str) -> String {
    s.chars().map(|c| if c.is_alphanumeric() || c == '_' { c.to_string() } else { format!("\\{c}") }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_is_searched_in_gits_order_binary_files_aside() {
        let dir = tempfile::tempdir().unwrap();
        let write = |rel: &str, contents: &[u8]| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
        };
        // git orders by path bytewise: `a-b.rs` ('-' < '/') before `a/x.rs`, unlike a
        // component-wise sort.
        write("src/a/x.rs", b"pub fn gone() {}\n");
        write("src/a-b.rs", b"// nothing\nfn gone() {}\n");
        write("src/0.bin", b"\0fn gone() {}\n");
        write(".atomic-complete", b"fn gone()\n");
        let key = ItemKey::Path { namespace: Namespace::Value, path: "k::gone".into() };
        let found = grep_tree(dir.path(), "gone", &|line| declares(line, &key, "gone"));
        assert_eq!(found, Some(("src/a-b.rs".to_string(), 2)));
        assert_eq!(grep_tree(dir.path(), "absent", &|_| true), None);
    }
}
