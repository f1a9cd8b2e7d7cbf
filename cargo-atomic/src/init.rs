//! `cargo atomic init`: what a repository adopting the tool needs, read from the repository
//! itself — the API snapshots, the release tag pattern its tags follow, the crates it releases at
//! one version (version groups), and a CI workflow — planned as one all-or-none change.
//!
//! Nothing a person wrote is overwritten: a configuration key already set stays (a detection that
//! disagrees is said), a workflow file that differs is left as it is (said). A second run plans
//! nothing.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Context;

use crate::analysis::{Freshness, SnapshotState};
use crate::baseline::manifest_version;
use crate::git::Repo;
use crate::workspace::Workspace;

/// Tag patterns release tools use, most specific first.
const FORMATS: [&str; 6] =
    ["{crate}-v{version}", "{crate}-{version}", "{crate}@{version}", "{crate}/v{version}", "v{version}", "{version}"];

/// The workflow `init` writes, relative to the repository root.
pub const WORKFLOW: &str = ".github/workflows/cargo-atomic.yml";

/// How many recent releases a version group must have shared.
const RELEASES: usize = 2;

/// One file of the plan.
#[derive(Clone, Debug)]
pub struct Write {
    pub path: PathBuf,
    /// Relative to the workspace root, for messages.
    pub file: String,
    pub contents: Vec<u8>,
    pub created: bool,
    pub why: String,
}

/// What `init` found and would write.
#[derive(Debug, Default)]
pub struct Plan {
    pub writes: Vec<Write>,
    /// What was detected, and from where.
    pub detected: Vec<String>,
    /// Each crate's last release, and where it was found.
    pub baselines: Vec<(String, String)>,
    /// What was left as a person wrote it.
    pub kept: Vec<String>,
    /// What a maintainer should know once: releases newer than the checkout's, features no
    /// check sees.
    pub notes: Vec<String>,
}

/// The release tag pattern the repository's tags follow: the known pattern the most tags match
/// (at least one), with how many.
fn tag_format(ws: &Workspace, tags: &[String]) -> Option<(String, usize)> {
    let mut best: Option<(String, usize)> = None;
    for format in FORMATS {
        let n = tags.iter().filter(|t| version_in(ws, format, t).is_some()).count();
        if n > 0 && best.as_ref().is_none_or(|(_, b)| n > *b) {
            best = Some((format.to_string(), n));
        }
    }
    best
}

/// Formats besides `primary` that some publishable crate's releases are tagged with (toml-rs
/// tags `toml-v0.9.12` and `v0.24.1` for `toml_edit`): for a crate with no tag under the formats
/// so far, the first known format with a tag of its release (a tag without the crate's name
/// counts where the crate's manifest there has its version).
fn more_formats(ws: &Workspace, repo: &Repo, tags: &[String], primary: &str) -> anyhow::Result<Vec<String>> {
    let mut formats = vec![primary.to_string()];
    let root = repo.relative(&ws.root.join("Cargo.toml"))?;
    for m in ws.members.iter().filter(|m| m.is_publishable()) {
        let rel = repo.relative(&m.manifest_path)?;
        let has = |format: &str| -> anyhow::Result<bool> {
            let mut named: Vec<(semver::Version, &String)> = tags
                .iter()
                .filter_map(|t| match version_in(ws, format, t)? {
                    (Some(c), v) if c == m.name => Some((v, t)),
                    (None, v) => Some((v, t)),
                    _ => None,
                })
                .collect();
            if format.contains("{crate}") || named.is_empty() {
                return Ok(!named.is_empty());
            }
            named.sort_by(|a, b| b.0.cmp_precedence(&a.0));
            let newest: Vec<(String, String)> = named
                .iter()
                .take(3)
                .flat_map(|(_, t)| [((*t).clone(), rel.clone()), ((*t).clone(), root.clone())])
                .collect();
            let texts = repo.show_many(&newest)?;
            Ok(named.iter().take(3).enumerate().any(|(i, (v, _))| {
                let found = texts[2 * i].as_deref().and_then(|t| manifest_version(t, texts[2 * i + 1].as_deref()));
                found.is_some_and(|f| f.cmp_precedence(v).is_eq())
            }))
        };
        let mut covered = false;
        for f in &formats {
            if has(f)? {
                covered = true;
                break;
            }
        }
        if covered {
            continue;
        }
        for f in FORMATS.iter().filter(|f| !formats.iter().any(|g| g == *f)) {
            if has(f)? {
                formats.push(f.to_string());
                break;
            }
        }
    }
    Ok(formats[1..].to_vec())
}

/// The `(crate or None, version)` a tag names under `format`.
fn version_in(ws: &Workspace, format: &str, tag: &str) -> Option<(Option<String>, semver::Version)> {
    let parse = |format: &str| {
        let (prefix, suffix) = format.split_once("{version}").unwrap_or((format, ""));
        tag.strip_prefix(prefix).and_then(|r| r.strip_suffix(suffix)).and_then(|v| semver::Version::parse(v).ok())
    };
    if format.contains("{crate}") {
        ws.members.iter().find_map(|m| parse(&format.replace("{crate}", &m.name)).map(|v| (Some(m.name.clone()), v)))
    } else {
        parse(format).map(|v| (None, v))
    }
}

/// Each member's last releases, newest first, and where the last one was found.
struct History {
    versions: BTreeMap<String, Vec<semver::Version>>,
    source: BTreeMap<String, String>,
}

fn tag_history(ws: &Workspace, repo: &Repo, tags: &[String], format: &str) -> anyhow::Result<History> {
    let mut versions: BTreeMap<String, Vec<semver::Version>> = BTreeMap::new();
    let mut source = BTreeMap::new();
    if format.contains("{crate}") {
        let mut tagged: BTreeMap<String, Vec<(semver::Version, String)>> = BTreeMap::new();
        for t in tags {
            if let Some((Some(name), v)) = version_in(ws, format, t) {
                tagged.entry(name).or_default().push((v, t.clone()));
            }
        }
        for (name, mut list) in tagged {
            let Some(m) = ws.member(&name) else { continue };
            list.retain(|(v, _)| *v <= m.version);
            list.sort_by(|a, b| b.0.cmp(&a.0));
            if let Some((v, t)) = list.first() {
                source.insert(name.clone(), format!("{v} from tag {t}"));
            }
            versions.insert(name, list.into_iter().map(|(v, _)| v).collect());
        }
        return Ok(History { versions, source });
    }
    // One tag for the workspace: each member's version read from its manifest at the tag.
    let mut shared: Vec<(semver::Version, String)> =
        tags.iter().filter_map(|t| version_in(ws, format, t).map(|(_, v)| (v, t.clone()))).collect();
    shared.sort_by(|a, b| b.0.cmp(&a.0));
    shared.truncate(RELEASES + 1);
    let root_manifest = repo.relative(&ws.root.join("Cargo.toml"))?;
    for m in &ws.members {
        let rel = repo.relative(&m.manifest_path)?;
        let wanted: Vec<(String, String)> =
            shared.iter().flat_map(|(_, t)| [(t.clone(), rel.clone()), (t.clone(), root_manifest.clone())]).collect();
        let texts = repo.show_many(&wanted)?;
        let mut list = Vec::new();
        for (i, (_, t)) in shared.iter().enumerate() {
            let (manifest, root) = (&texts[2 * i], &texts[2 * i + 1]);
            if let Some(v) = manifest.as_deref().and_then(|text| manifest_version(text, root.as_deref())) {
                if list.is_empty() {
                    source.insert(m.name.clone(), format!("{v} from tag {t}"));
                }
                list.push(v);
            }
        }
        versions.insert(m.name.clone(), list);
    }
    Ok(History { versions, source })
}

/// Each publishable member's last two releases in its registry.
fn registry_history(ws: &Workspace) -> anyhow::Result<History> {
    let mut versions = BTreeMap::new();
    let mut source = BTreeMap::new();
    for m in ws.members.iter().filter(|m| m.is_publishable()) {
        let registry = crate::analysis::registry_of(m);
        let mut list = Vec::new();
        let mut req = format!("<={}", m.version);
        while list.len() < RELEASES {
            match crate::baseline::highest_published(ws, m, &req)? {
                Some(v) => {
                    req = format!("<{v}");
                    list.push(v);
                }
                None => break,
            }
        }
        if let Some(v) = list.first() {
            source.insert(m.name.clone(), format!("{v} from registry {}", registry.as_deref().unwrap_or("crates-io")));
        }
        versions.insert(m.name.clone(), list);
    }
    Ok(History { versions, source })
}

/// Members that had one version at each of their last releases (at least two) and have one now,
/// outside the groups the workspace already has: `(members, the versions they shared)`.
fn shared_versions(ws: &Workspace, history: &History) -> Vec<(Vec<String>, Vec<semver::Version>)> {
    let grouped: Vec<&String> = ws.groups.iter().flat_map(|g| &g.members).collect();
    let mut classes: BTreeMap<(semver::Version, Vec<semver::Version>), Vec<String>> = BTreeMap::new();
    for m in ws.members.iter().filter(|m| m.is_publishable() && !grouped.contains(&&m.name)) {
        let Some(list) = history.versions.get(&m.name) else { continue };
        if list.len() < RELEASES {
            continue;
        }
        classes.entry((m.version.clone(), list[..RELEASES].to_vec())).or_default().push(m.name.clone());
    }
    classes.into_iter().filter(|(_, names)| names.len() > 1).map(|((_, versions), names)| (names, versions)).collect()
}

/// The workflow: the bundled action running `check` on pull requests, with tags for baselines
/// and its cache.
fn workflow(working_directory: &str) -> String {
    let dir = if working_directory.is_empty() {
        String::new()
    } else {
        format!("\n          working-directory: {working_directory}")
    };
    format!(
        "# Written by `cargo atomic init`: every pull request's release train checked — API snapshots,
# SemVer bumps, dependents — with annotations on the diff and a summary on the run.
name: cargo-atomic
on:
  pull_request:
jobs:
  release-train:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0            # the release tags are the baselines
      - uses: dtolnay/rust-toolchain@stable
      - uses: cargo-atomic/cargo-atomic@v{version}
        with:
          command: check            # caches target/atomic between runs{dir}
",
        version = env!("CARGO_PKG_VERSION")
    )
}

/// Plans the change: `states` are the snapshots' freshness for the documented members.
pub fn plan(ws: &Workspace, states: &[SnapshotState]) -> anyhow::Result<Plan> {
    let mut plan = Plan::default();
    let repo = Repo::discover(&ws.root);
    let tags = repo.as_ref().map(|r| r.tags()).transpose()?.unwrap_or_default();

    // The release tag pattern (and any other the crates' releases are tagged with), and each
    // crate's releases.
    let format = tag_format(ws, &tags);
    let more = match (&format, &repo) {
        (Some((f, _)), Some(repo)) => more_formats(ws, repo, &tags, f)?,
        _ => Vec::new(),
    };
    let history = match (&format, &repo) {
        (Some((f, n)), Some(repo)) => {
            plan.detected.push(format!("release tags follow `{f}` ({n} tag{})", if *n == 1 { "" } else { "s" }));
            for g in &more {
                plan.detected.push(format!("some crates' releases are tagged `{g}` too"));
            }
            tag_history(ws, repo, &tags, f)?
        }
        _ => {
            plan.detected.push("no release tag: the crates' releases are read from their registry".to_string());
            match registry_history(ws) {
                Ok(h) => h,
                Err(e) => {
                    plan.detected.push(format!("the registry could not be asked ({e:#}): no version group detected"));
                    History { versions: BTreeMap::new(), source: BTreeMap::new() }
                }
            }
        }
    };
    // Each crate's baseline as `check` will find it (one answer from `init` to the tag), and
    // releases newer than the checkout's, said once.
    let publishable: Vec<&crate::workspace::Member> = ws.members.iter().filter(|m| m.is_publishable()).collect();
    let releases = crate::baseline::last_releases(ws, &publishable, true)
        .or_else(|_| crate::baseline::last_releases(ws, &publishable, false))?;
    let mut ahead = Vec::new();
    for m in &publishable {
        let from = match releases.last.get(&m.name).cloned().flatten() {
            Some(r) => {
                let at = match &r.tag {
                    Some(t) => format!("tag {t}"),
                    None => format!("registry {}", crate::analysis::registry_of(m).as_deref().unwrap_or("crates-io")),
                };
                if let Some(newer) = releases.ahead.get(&m.name) {
                    ahead.push((m.name.clone(), r.version.clone(), at.clone(), newer.clone()));
                }
                format!("{} from {at}", r.version)
            }
            None => history.source.get(&m.name).cloned().unwrap_or_else(|| "none: a new crate".to_string()),
        };
        plan.baselines.push((m.name.clone(), from));
    }
    if !ahead.is_empty() {
        plan.notes.push(format!(
            "releases newer than this checkout's are out: {}; this history does not contain them (a maintenance \
             branch, or a clone older than the last release): `check` compares with the checkout's releases, and \
             a release from here above them must keep what they added (`cargo atomic diff --baseline-version \
             <version>` shows what this checkout lacks)",
            crate::baseline::ahead_in_words(&ahead)
        ));
    }
    // Optional features no check sees: said once, here, with what the repository documents
    // its crates with (docs.rs).
    for m in &publishable {
        let unchecked = m.unchecked_features(&m.feature_selection(&Default::default()));
        if unchecked.is_empty() {
            continue;
        }
        let list: Vec<String> = unchecked.iter().map(|f| format!("`{f}`")).collect();
        let offer = match &m.docs_rs {
            Some(d) if d.all_features => {
                "docs.rs documents it with all features: `all-features = true` under `[package.metadata.atomic]` \
                 checks that API"
                    .to_string()
            }
            Some(d) => format!(
                "docs.rs documents it with `features = {:?}`: the same under `[package.metadata.atomic]` checks that API",
                d.features
            ),
            None => "include them with `features = [...]` or `all-features = true` under `[package.metadata.atomic]`"
                .to_string(),
        };
        plan.notes.push(format!("{}: optional features {} are not checked; {offer}", m.name, list.join(", ")));
    }
    let groups = shared_versions(ws, &history);
    for (names, versions) in &groups {
        let at: Vec<String> = versions.iter().map(|v| v.to_string()).collect();
        plan.detected.push(format!(
            "{} were released at one version at each of their last {} releases ({}) and are at one now: a version group",
            names.join(", "),
            versions.len(),
            at.join(", ")
        ));
    }
    if groups.is_empty() && history.versions.values().all(|v| v.len() < RELEASES) && ws.members.len() > 1 {
        plan.detected.push(format!(
            "fewer than {RELEASES} releases per crate: too early to tell which crates are released together"
        ));
    }

    // The snapshots.
    for s in states.iter().filter(|s| s.freshness != Freshness::Fresh) {
        if let Some(e) = s.corrupt() {
            return Err(e);
        }
        plan.writes.push(Write {
            path: ws.root.join(&s.file),
            file: s.file.clone(),
            contents: s.expected.clone().into_bytes(),
            created: s.freshness == Freshness::Missing,
            why: format!("the API snapshot of `{}` ({} items)", s.package, s.items),
        });
    }

    // `[workspace.metadata.atomic]`.
    let manifest_path = ws.root.join("Cargo.toml");
    let text =
        std::fs::read_to_string(&manifest_path).with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let mut doc: toml_edit::DocumentMut =
        text.parse().with_context(|| format!("{} is not valid TOML", manifest_path.display()))?;
    let mut keys = Vec::new();
    {
        let atomic = table_at(&mut doc, &["workspace", "metadata", "atomic"]);
        if let Some((f, _)) = &format {
            match atomic.get("tag-format") {
                None if more.is_empty() => {
                    atomic["tag-format"] = toml_edit::value(f.as_str());
                    keys.push(format!("tag-format = \"{f}\""));
                }
                None => {
                    let mut list = toml_edit::Array::new();
                    for g in std::iter::once(f).chain(&more) {
                        list.push(g.as_str());
                    }
                    let shown = list.to_string();
                    atomic["tag-format"] = toml_edit::value(list);
                    keys.push(format!("tag-format = {}", shown.trim()));
                }
                Some(existing) if existing.as_str() != Some(f.as_str()) => plan.kept.push(format!(
                    "`tag-format` is set already ({}); the tags follow `{f}`",
                    existing.to_string().trim()
                )),
                Some(_) => {}
            }
        }
        if !groups.is_empty() {
            if atomic.contains_key("version-groups") {
                plan.kept.push("`version-groups` is set already; left as it is".to_string());
            } else {
                let mut table = toml_edit::Table::new();
                for (i, (names, _)) in groups.iter().enumerate() {
                    let name = if groups.len() == 1 { "release".to_string() } else { format!("release-{}", i + 1) };
                    let mut list = toml_edit::Array::new();
                    for n in names {
                        list.push(n.as_str());
                    }
                    table[&name] = toml_edit::value(list);
                    keys.push(format!("version-groups.{name} = [{}]", names.join(", ")));
                }
                atomic["version-groups"] = toml_edit::Item::Table(table);
            }
        }
    }
    if !keys.is_empty() {
        plan.writes.push(Write {
            path: manifest_path,
            file: "Cargo.toml".to_string(),
            contents: doc.to_string().into_bytes(),
            created: false,
            why: format!("[workspace.metadata.atomic]: {}", keys.join("; ")),
        });
    }

    // The CI workflow.
    let (repo_root, working_directory) = match &repo {
        Some(r) => (r.root.clone(), r.relative(&ws.root).unwrap_or_default()),
        None => (ws.root.clone(), String::new()),
    };
    let path = repo_root.join(WORKFLOW);
    let wanted = workflow(&working_directory);
    let file = ws.relative(&path);
    match std::fs::read_to_string(&path) {
        Ok(existing) if existing == wanted => {}
        Ok(_) => plan.kept.push(format!(
            "{file} exists and is not the one init writes: left as it is (delete it to have init write it)"
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => plan.writes.push(Write {
            path,
            file,
            contents: wanted.into_bytes(),
            created: true,
            why: "the bundled action running `check` on pull requests (tags fetched, target/atomic cached)".to_string(),
        }),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    Ok(plan)
}

/// The table at `path` in `doc`, created (implicit where it only holds tables) when missing.
fn table_at<'a>(doc: &'a mut toml_edit::DocumentMut, path: &[&str]) -> &'a mut toml_edit::Table {
    let mut table = doc.as_table_mut();
    for (i, key) in path.iter().enumerate() {
        if !table.contains_key(key) {
            let mut t = toml_edit::Table::new();
            t.set_implicit(i + 1 < path.len());
            table.insert(key, toml_edit::Item::Table(t));
        }
        table = table[key].as_table_mut().expect("a table");
    }
    table
}

/// Writes the plan, every file or none.
pub fn apply(ws: &Workspace, plan: &Plan) -> anyhow::Result<()> {
    let mut tx = crate::fsutil::Transaction::anchored(&ws.root);
    for w in &plan.writes {
        if let Some(dir) = w.path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        tx.add(&w.path, w.contents.clone());
    }
    tx.commit()
}
