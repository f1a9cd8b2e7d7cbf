//! Which release is each crate's last: the release the next one must be compatible with, fixed
//! before any bump.
//!
//! It is the newest release *of the line the checkout continues*: a release tag reachable from
//! HEAD, or a release whose version the crate's manifest carried in HEAD's history (the working
//! tree included) — a tag naming it, else the registry holding it. Nothing here reads the
//! version a manifest declares *now* to choose, except as one more point of that history, so the
//! version `bump` writes (never a released one) cannot move the baseline: `check → bump → check`
//! compares with the same releases.
//!
//! Releases newer than that one in its compatible series, which the checkout's history does not
//! contain (a maintenance branch, a clone older than the last release), are said, not taken: the
//! checkout does not continue them.
//!
//! Versions compare by SemVer precedence: `1.1.4+spec-1.1.0` is release `1.1.4`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use semver::Version;

use crate::git::Repo;
use crate::index::Listing;
use crate::workspace::{Member, Workspace};

/// A crate's last release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastRelease {
    pub version: Version,
    /// The release tag that names it, where there is one; else the registry holds it.
    pub tag: Option<String>,
}

/// A release newer than the checkout's last, in its series, that the checkout does not contain.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Ahead {
    #[schemars(with = "String")]
    pub version: Version,
    /// `the registry` or `tag v2.9.6`.
    pub from: String,
}

/// Every covered crate's last release, and what a reader should know of it.
#[derive(Debug, Default)]
pub struct Releases {
    pub last: BTreeMap<String, Option<LastRelease>>,
    pub ahead: BTreeMap<String, Ahead>,
    /// Per crate: a registry that could not be asked.
    pub notes: BTreeMap<String, String>,
    /// What each crate's registry lists, where it was asked and answered.
    pub listings: BTreeMap<String, Listing>,
}

/// Releases newer than the checkout's, in words, for crates `(name, the checkout's release, where
/// it is, the newer release)`: `a, b 2.9.6 (this checkout's last release is 2.9.0, tag v2.9.0)`,
/// crates grouped by what they share.
pub fn ahead_in_words(list: &[(String, Version, String, Ahead)]) -> String {
    type Newer = BTreeMap<(Version, String), Vec<String>>;
    let mut by: BTreeMap<(Version, String), Newer> = BTreeMap::new();
    for (name, from, at, newer) in list {
        by.entry((from.clone(), at.clone()))
            .or_default()
            .entry((newer.version.clone(), newer.from.clone()))
            .or_default()
            .push(name.clone());
    }
    let mut parts = Vec::new();
    for ((from, at), newer) in &by {
        let held: Vec<String> = newer
            .iter()
            .map(|((v, source), names)| {
                let source = if source == "the registry" { String::new() } else { format!(" ({source})") };
                format!("{} {v}{source}", names.join(", "))
            })
            .collect();
        parts.push(format!("{} (this checkout's last release is {from}, {at})", held.join("; ")));
    }
    parts.join("; ")
}

/// Equal by precedence.
fn same(a: &Version, b: &Version) -> bool {
    a.cmp_precedence(b) == Ordering::Equal
}

/// Whether `to` is in the compatible series of `from` (Cargo's `^from` would admit it).
fn in_series(from: &Version, to: &Version) -> bool {
    !crate::train::breaking(from, to)
}

/// The releases the tags name for `m`: `(version, tag)`, under every tag format. A format
/// without `{crate}` names a version of the whole workspace; whether it is `m`'s is checked
/// against `m`'s manifest at the tag ([`Releases`] does, for the candidates it needs).
fn tagged(ws: &Workspace, tags: &[String], m: &Member) -> Vec<(Version, String, bool)> {
    let mut out = Vec::new();
    for format in ws.tag_formats() {
        let shared = !format.contains("{crate}");
        let format = format.replace("{crate}", &m.name);
        let (prefix, suffix) = format.split_once("{version}").unwrap_or((&format, ""));
        for tag in tags {
            let Some(v) = tag.strip_prefix(prefix).and_then(|r| r.strip_suffix(suffix)) else { continue };
            let Ok(version) = Version::parse(v) else { continue };
            if !out.iter().any(|(_, t, _): &(Version, String, bool)| t == tag) {
                out.push((version, tag.clone(), shared));
            }
        }
    }
    out
}

/// Each covered member's last release (see the module's documentation). The registry is asked
/// for the publishable ones, in parallel; one that cannot be asked leaves the crate with its
/// tags, and says so — or fails, for a crate that has no tag to fall back on.
pub fn last_releases(ws: &Workspace, members: &[&Member], ask_registry: bool) -> anyhow::Result<Releases> {
    let repo = Repo::discover(&ws.root);
    let (tags, merged) = match &repo {
        Some(r) => (r.tags()?, r.tags_merged("HEAD")?),
        None => (Vec::new(), BTreeSet::new()),
    };
    let history = match &repo {
        Some(r) => history_versions(ws, r, members)?,
        None => BTreeMap::new(),
    };
    let publishable: Vec<&Member> = members.iter().filter(|m| m.is_publishable()).copied().collect();
    let mut out = Releases::default();
    let asked = if ask_registry { crate::index::for_members(ws, &publishable) } else { BTreeMap::new() };
    let mut failed: Option<(String, anyhow::Error)> = None;
    let mut unasked: BTreeMap<String, String> = BTreeMap::new();
    for (name, answer) in asked {
        match answer {
            Ok(listing) => {
                out.listings.insert(name, listing);
            }
            Err(e) => {
                unasked.insert(name.clone(), crate::cargo::last_line(&e));
                failed.get_or_insert((name, e));
            }
        }
    }
    // A tag is a release of `m` where its manifest there has the tag's version.
    let mut candidates: BTreeMap<String, Vec<(Version, String, bool)>> = BTreeMap::new();
    for m in members {
        let mut list = tagged(ws, &tags, m);
        list.sort_by(|a, b| b.0.cmp_precedence(&a.0));
        candidates.insert(m.name.clone(), list);
    }
    if let Some(repo) = &repo {
        verify_tags(ws, repo, &merged, members, &mut candidates)?;
    }
    for m in members {
        let mut hist: Vec<Version> = history.get(&m.name).cloned().unwrap_or_default().into_iter().collect();
        hist.push(m.version.clone());
        let in_history = |v: &Version| hist.iter().any(|h| same(h, v));
        let tags = &candidates[&m.name];
        let listing = out.listings.get(&m.name);
        let live: Vec<&Version> = listing.map(|l| l.live().collect()).unwrap_or_default();
        // The checkout's own releases: tags on its history, versions its manifests carried.
        let mut own: Vec<(Version, Option<String>)> = tags
            .iter()
            .filter(|(v, t, _)| merged.contains(t) || in_history(v))
            .map(|(v, t, _)| (v.clone(), Some(t.clone())))
            .collect();
        own.extend(live.iter().filter(|v| in_history(v)).map(|v| ((*v).clone(), None)));
        // A history that shows none of them (a shallow clone, release tags on branches never
        // merged): the newest release not above the manifest's version, in its series for the
        // registry, as the releases show them.
        if own.is_empty() {
            own.extend(
                tags.iter()
                    .filter(|(v, _, _)| v.cmp_precedence(&m.version) != Ordering::Greater)
                    .map(|(v, t, _)| (v.clone(), Some(t.clone()))),
            );
            own.extend(
                live.iter()
                    .filter(|v| v.cmp_precedence(&m.version) != Ordering::Greater && in_series(v, &m.version))
                    .map(|v| ((*v).clone(), None)),
            );
        }
        // The newest; at equal precedence, a tag (its snapshot and tree are the repository's own).
        let newest_tag = own.iter().filter(|(_, t)| t.is_some()).max_by(|a, b| a.0.cmp_precedence(&b.0)).cloned();
        let last = own
            .into_iter()
            .max_by(|a, b| a.0.cmp_precedence(&b.0).then_with(|| a.1.is_some().cmp(&b.1.is_some())))
            .map(|(version, tag)| LastRelease { version, tag });
        // A registry that could not be asked matters where the history shows a version past the
        // last tag, which only the registry could say was released.
        if let (Some(why), Some(last)) = (unasked.get(&m.name), &last) {
            if hist.iter().any(|v| v.cmp_precedence(&last.version) == Ordering::Greater) {
                out.notes.insert(m.name.clone(), format!("the registry could not be asked ({why}): tags only"));
            }
        }
        if let (Some(last), Some((_, Some(tag)))) = (&last, &newest_tag) {
            if last.tag.is_none() {
                out.notes.insert(
                    m.name.clone(),
                    format!("the registry's {} is newer than the last release tag, {tag}", last.version),
                );
            }
        }
        if last.is_none() {
            if let Some((name, e)) = failed.as_ref().filter(|(n, _)| *n == m.name) {
                return Err(anyhow::anyhow!("{e:#}")).map_err(|e| {
                    e.context(format!(
                        "cannot find the last release of {name}: no release tag, and the registry could not be asked"
                    ))
                });
            }
        }
        if let Some(last) = &last {
            let newer_tag = tags
                .iter()
                .filter(|(v, t, _)| !merged.contains(t) && !in_history(v))
                .map(|(v, t, _)| (v.clone(), format!("tag {t}")));
            let newer_published =
                live.iter().filter(|v| !in_history(v)).map(|v| ((*v).clone(), "the registry".to_string()));
            let ahead = newer_published
                .chain(newer_tag)
                .filter(|(v, _)| v.cmp_precedence(&last.version) == Ordering::Greater && in_series(&last.version, v))
                .filter(|(v, _)| v.pre.is_empty())
                .max_by(|a, b| a.0.cmp_precedence(&b.0).then_with(|| b.1.cmp(&a.1)));
            if let Some((version, from)) = ahead {
                out.ahead.insert(m.name.clone(), Ahead { version, from });
            }
        }
        out.last.insert(m.name.clone(), last);
    }
    Ok(out)
}

/// Keeps a tag among a member's candidates only where the member's manifest at the tag has the
/// tag's version: a tag on a commit of another release (a later line tagged on this branch's
/// commit, a workspace tag `v{version}` of a crate at another version) is not this crate's
/// release. The newest few are read, in one git call (older ones are not needed: the newest
/// verified one wins). A tag naming the crate where its manifest cannot be read there (the
/// crate moved) is kept; a workspace tag is not.
fn verify_tags(
    ws: &Workspace,
    repo: &Repo,
    merged: &BTreeSet<String>,
    members: &[&Member],
    candidates: &mut BTreeMap<String, Vec<(Version, String, bool)>>,
) -> anyhow::Result<()> {
    const NEWEST: usize = 3;
    let root_manifest = repo.relative(&ws.root.join("Cargo.toml"))?;
    let mut wanted: Vec<(String, String)> = Vec::new();
    let mut asked: Vec<(String, String)> = Vec::new();
    // The newest few of each kind (naming the crate or not; on this history or not): a tag of
    // this history is never crowded out by later ones elsewhere.
    let class = |c: &(Version, String, bool)| (c.2, merged.contains(&c.1));
    for m in members {
        let rel = repo.relative(&m.manifest_path)?;
        for kind in [(false, true), (false, false), (true, true), (true, false)] {
            for (_, tag, _) in candidates[&m.name].iter().filter(|c| class(c) == kind).take(NEWEST) {
                wanted.push((tag.clone(), rel.clone()));
                wanted.push((tag.clone(), root_manifest.clone()));
                asked.push((m.name.clone(), tag.clone()));
            }
        }
    }
    let texts = repo.show_many(&wanted)?;
    // (member, tag) → whether the manifest there agrees (`None`: no manifest to read).
    let mut verdicts: BTreeMap<(String, String), Option<bool>> = BTreeMap::new();
    for (i, (name, tag)) in asked.iter().enumerate() {
        let (manifest, root) = (&texts[2 * i], &texts[2 * i + 1]);
        let version = manifest.as_deref().and_then(|t| manifest_version(t, root.as_deref()));
        let named = candidates[name].iter().find(|c| &c.1 == tag).map(|c| c.0.clone());
        let verdict = match (version, named) {
            (Some(v), Some(n)) => Some(same(&v, &n)),
            _ => None,
        };
        verdicts.insert((name.clone(), tag.clone()), verdict);
    }
    for (name, list) in candidates.iter_mut() {
        list.retain(|(_, tag, shared)| {
            let Some(verdict) = verdicts.get(&(name.clone(), tag.clone())) else {
                // Older than the few read: a tag naming the crate stays, a workspace tag does not.
                return !shared;
            };
            match verdict {
                Some(agrees) => *agrees,
                None => !shared,
            }
        });
    }
    Ok(())
}

/// A member's version in its manifest text (`version.workspace = true` read from the root
/// manifest's text at the same point).
pub(crate) fn manifest_version(manifest: &str, root: Option<&str>) -> Option<Version> {
    let doc: toml_edit::DocumentMut = manifest.parse().ok()?;
    let version = doc.get("package")?.get("version")?;
    if let Some(v) = version.as_str() {
        return Version::parse(v).ok();
    }
    let root: toml_edit::DocumentMut = root?.parse().ok()?;
    root.get("workspace")?.get("package")?.get("version")?.as_str().and_then(|v| Version::parse(v).ok())
}

/// The versions each member's manifest carried in HEAD's history: read at every commit that
/// changed a `version` line of its manifest or of the workspace's (for an inherited version).
/// Kept under the tool's directory by HEAD, so a re-check reads one file.
fn history_versions(
    ws: &Workspace,
    repo: &Repo,
    members: &[&Member],
) -> anyhow::Result<BTreeMap<String, BTreeSet<Version>>> {
    let Ok(head) = repo.head() else { return Ok(BTreeMap::new()) };
    let root_manifest = repo.relative(&ws.root.join("Cargo.toml"))?;
    let mut paths: Vec<(String, String)> = Vec::new();
    for m in members {
        paths.push((m.name.clone(), repo.relative(&m.manifest_path)?));
    }
    let key = crate::fsutil::sha256_hex(format!("{head}\n{root_manifest}\n{paths:?}").as_bytes());
    let memo = ws.atomic_dir().join("history").join(format!("{}.json", &key[..24]));
    if let Some(known) =
        std::fs::read(&memo).ok().and_then(|b| serde_json::from_slice::<BTreeMap<String, BTreeSet<Version>>>(&b).ok())
    {
        return Ok(known);
    }
    let mut files: Vec<String> = paths.iter().map(|(_, p)| p.clone()).collect();
    files.push(root_manifest.clone());
    files.sort();
    files.dedup();
    let commits = repo.commits_changing(&files, "^[[:space:]]*version[[:space:]]*=")?;
    let mut wanted = Vec::with_capacity(commits.len() * (paths.len() + 1));
    for c in &commits {
        wanted.push((c.clone(), root_manifest.clone()));
        for (_, p) in &paths {
            wanted.push((c.clone(), p.clone()));
        }
    }
    let texts = repo.show_many(&wanted)?;
    let mut out: BTreeMap<String, BTreeSet<Version>> = BTreeMap::new();
    for chunk in texts.chunks(paths.len() + 1) {
        let root = chunk[0].as_deref();
        for ((name, _), text) in paths.iter().zip(&chunk[1..]) {
            if let Some(v) = text.as_deref().and_then(|t| manifest_version(t, root)) {
                out.entry(name.clone()).or_default().insert(v);
            }
        }
    }
    let _ = crate::fsutil::replace_cache_file(&memo, &serde_json::to_vec(&out).expect("serializable"));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_metadata_does_not_make_another_release() {
        let a = Version::parse("1.1.4").unwrap();
        let b = Version::parse("1.1.4+spec-1.1.0").unwrap();
        assert!(same(&a, &b));
        assert!(a < b, "Ord counts build metadata, which is why precedence is used");
    }

    #[test]
    fn a_series_is_what_a_caret_requirement_admits() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(in_series(&v("2.9.0"), &v("2.9.6")));
        assert!(in_series(&v("2.9.0"), &v("2.10.0")));
        assert!(!in_series(&v("2.9.0"), &v("3.0.0")));
        assert!(!in_series(&v("0.8.0"), &v("0.9.0")));
    }

    #[test]
    fn a_member_s_version_is_read_from_its_manifest_or_the_workspace_s() {
        assert_eq!(manifest_version("[package]\nversion = \"1.2.3\"\n", None), Some(Version::new(1, 2, 3)));
        let inherited = "[package]\nversion.workspace = true\n";
        let root = "[workspace.package]\nversion = \"0.4.0\"\n";
        assert_eq!(manifest_version(inherited, Some(root)), Some(Version::new(0, 4, 0)));
        assert_eq!(manifest_version(inherited, None), None);
    }
}
