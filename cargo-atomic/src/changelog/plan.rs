//! Which file each crate's release notes go to, as the repository keeps them, and the edits that
//! write them: planned whole, then written all or none (by `changelog` and `bump --changelog`
//! alike).
//!
//! A crate with its own `CHANGELOG.md` gets its notes there. Otherwise the workspace's
//! `CHANGELOG.md` at the root takes them, where there is one, and so does a version group in a
//! repository that keeps none (one release, one file); a crate alone gets a file of its own. A
//! file shared by several crates gets one section per release version, each entry naming its
//! crate.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{CrateNotes, Entry, Section, SECTIONS};
use crate::manifest::FileEdit;
use crate::workspace::Workspace;

/// The file name the notes are written to.
pub const FILE: &str = "CHANGELOG.md";

/// What one file gets.
#[derive(Clone, Debug)]
pub struct Written {
    /// Relative to the workspace root.
    pub file: String,
    pub created: bool,
    /// `core 2.0.0 (breaking changes: 1, added: 2)`.
    pub summary: String,
    /// The version whose unreleased section became this release's.
    pub replaced: Option<String>,
}

/// The edits, what each file gets, and the files that have their release already.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub edits: Vec<FileEdit>,
    pub written: Vec<Written>,
    pub present: Vec<String>,
}

/// Where `package`'s notes go.
fn target(ws: &Workspace, package: &str) -> PathBuf {
    let root = ws.root.join(FILE);
    let Some(m) = ws.member(package) else { return root };
    let own = m.dir.join(FILE);
    if own.is_file() || own == root {
        return own;
    }
    let grouped = ws.group_of(package).is_some_and(|g| g.members.len() > 1);
    if root.is_file() || grouped {
        root
    } else {
        own
    }
}

/// The notes of several crates released into one file: one per version, each entry naming its
/// crate, the same words for several crates said once.
fn combined(notes: &[&CrateNotes]) -> Vec<CrateNotes> {
    if let [one] = notes {
        return vec![(*one).clone()];
    }
    let mut by_version: BTreeMap<semver::Version, Vec<&CrateNotes>> = BTreeMap::new();
    let mut notes = notes.to_vec();
    notes.sort_by(|a, b| a.package.cmp(&b.package));
    for n in notes {
        by_version.entry(n.version.clone()).or_default().push(n);
    }
    let mut out = Vec::new();
    for (version, list) in by_version.into_iter().rev() {
        let names: Vec<&str> = list.iter().map(|n| n.package.as_str()).collect();
        let previous = list.iter().filter_map(|n| n.previous.clone()).max_by(|a, b| a.cmp_precedence(b));
        let mut sections = Vec::new();
        for title in SECTIONS {
            // (text, rule, path, consequences) → the crates saying it.
            let mut entries: Vec<(Entry, Vec<&str>)> = Vec::new();
            for n in &list {
                let Some(s) = n.sections.iter().find(|s| s.title == title) else { continue };
                for e in &s.entries {
                    match entries.iter_mut().find(|(x, _)| x.text == e.text && x.consequences == e.consequences) {
                        Some((_, crates)) => crates.push(&n.package),
                        None => entries.push((e.clone(), vec![&n.package])),
                    }
                }
            }
            if entries.is_empty() {
                continue;
            }
            let entries = entries
                .into_iter()
                .map(|(mut e, crates)| {
                    let crates: Vec<String> = crates.iter().map(|c| format!("`{c}`")).collect();
                    e.text = format!("{}: {}", crates.join(", "), e.text);
                    e
                })
                .collect();
            sections.push(Section { title: title.to_string(), entries });
        }
        out.push(CrateNotes { package: names.join(", "), version, previous, sections });
    }
    out
}

/// `core 2.0.0 (breaking changes: 1, added: 2)`.
pub fn summary(n: &CrateNotes) -> String {
    let parts: Vec<String> =
        n.sections.iter().map(|s| format!("{}: {}", s.title.to_lowercase(), s.entries.len())).collect();
    format!("{} {} ({})", n.package, n.version, parts.join(", "))
}

/// Plans writing `notes`, released on `date`, into the files the repository keeps.
pub fn plan(ws: &Workspace, notes: &[CrateNotes], date: &str) -> anyhow::Result<Plan> {
    let mut files: BTreeMap<PathBuf, Vec<&CrateNotes>> = BTreeMap::new();
    for n in notes {
        files.entry(target(ws, &n.package)).or_default().push(n);
    }
    let mut plan = Plan::default();
    for (path, list) in files {
        let before = match std::fs::read_to_string(&path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot read {}", path.display()))),
        };
        let file = ws.relative(&path);
        let mut text = before.clone();
        let mut changed = false;
        for n in combined(&list) {
            match super::file::edit(text.as_deref(), &n, date) {
                Some(edited) => {
                    plan.written.push(Written {
                        file: file.clone(),
                        created: before.is_none(),
                        summary: summary(&n),
                        replaced: edited.replaced,
                    });
                    text = Some(edited.text);
                    changed = true;
                }
                None => plan.present.push(format!("{file} already has {}", n.version)),
            }
        }
        if changed {
            plan.edits.push(FileEdit { path, before: before.unwrap_or_default(), after: text.unwrap_or_default() });
        }
    }
    Ok(plan)
}
