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
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Serialize;

use crate::api::{snapshot, CrateApi, Location, Snapshot};
use crate::git::Repo;
use crate::rustdoc::{self, CargoDoc, DocOptions, NormalizeInput};
use crate::workspace::{Member, Publish, Workspace};

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
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Origin {
    /// `tag`, `rev`, `path` or `registry`.
    pub kind: &'static str,
    /// The tag, revision, directory or registry name.
    pub reference: String,
    /// `snapshot` (a committed or shipped snapshot file) or `rustdoc` (documented from source).
    pub from: &'static str,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = if self.from == "rustdoc" { ", documented" } else { "" };
        write!(f, "{} {}{how}", self.kind, self.reference)
    }
}

#[derive(Clone, Debug)]
pub struct Baseline {
    pub origin: Origin,
    /// The baseline's version (from the tag, the registry, or the checkout's manifest).
    pub version: Option<semver::Version>,
    pub snapshot: Snapshot,
    /// Source locations, when the baseline was documented from source.
    pub locations: HashMap<String, Location>,
    locator: Locator,
}

/// How to find a removed item in the baseline's source.
#[derive(Clone, Debug)]
enum Locator {
    Git { repo: Repo, rev: String, dir: String },
    Dir { dir: PathBuf, shown: String },
    Nowhere,
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
            let repo = Repo::discover(&ws.root);
            let mut from_registry = Vec::new();
            let mut at_tags: BTreeMap<String, Vec<(&Member, semver::Version, String)>> = BTreeMap::new();
            for m in members {
                let tag = repo.as_ref().map(|r| last_release_tag(ws, r, m)).transpose()?.flatten();
                match (tag, &repo) {
                    (Some((tag, version)), Some(repo)) => match snapshot_at(repo, &tag, m)? {
                        Some(snapshot) => {
                            let origin = Origin { kind: "tag", reference: tag.clone(), from: "snapshot" };
                            out.insert(m.name.clone(), Some(from_git(repo, &tag, m, origin, Some(version), snapshot)?));
                        }
                        None => at_tags.entry(tag.clone()).or_default().push((m, version, tag)),
                    },
                    _ if m.is_publishable() => from_registry.push(*m),
                    _ => {
                        out.insert(m.name.clone(), None);
                    }
                }
            }
            for (tag, list) in at_tags {
                let repo = repo.as_ref().expect("tags come from a repository");
                let names: Vec<&Member> = list.iter().map(|(m, _, _)| *m).collect();
                let documented = document_at_rev(ws, repo, &tag, &names, opts, "tag")?;
                for (m, version, _) in list {
                    let b = documented.get(&m.name).cloned().flatten().map(|mut b| {
                        b.version = Some(version.clone());
                        b
                    });
                    out.insert(m.name.clone(), b);
                }
            }
            out.extend(from_registry_baselines(ws, &from_registry, None, opts)?);
        }
        Spec::Rev(rev) => {
            let repo = Repo::discover(&ws.root).with_context(|| {
                format!("--baseline-rev needs a git repository; {} is not in one", ws.root.display())
            })?;
            let commit = repo.resolve(rev)?;
            let mut missing = Vec::new();
            for m in members {
                // A crate whose manifest did not exist at the revision is new since.
                let manifest = repo.relative(&m.manifest_path)?;
                if repo.show(&commit, &manifest)?.is_none() {
                    out.insert(m.name.clone(), None);
                    continue;
                }
                match snapshot_at(&repo, &commit, m)? {
                    Some(snapshot) => {
                        let origin = Origin { kind: "rev", reference: rev.clone(), from: "snapshot" };
                        let version = manifest_version_at(&repo, &commit, m);
                        out.insert(m.name.clone(), Some(from_git(&repo, &commit, m, origin, version, snapshot)?));
                    }
                    None => missing.push(*m),
                }
            }
            if !missing.is_empty() {
                let documented = document_at_rev(ws, &repo, rev, &missing, opts, "rev")?;
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

impl Baseline {
    /// Where a removed item was declared in the baseline's source, best effort.
    pub fn locate(&self, key: &str, path: &str) -> Option<Location> {
        if let Some(l) = self.locations.get(key) {
            return Some(l.clone());
        }
        let name = path.rsplit("::").next().unwrap_or(path);
        let namespace = key.split(':').next().unwrap_or("");
        let matches = |line: &str| declares(line, namespace, name, key);
        match &self.locator {
            Locator::Git { repo, rev, dir } => {
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

// ---- tags -------------------------------------------------------------------------------------

/// The tag format (`{crate}` and `{version}` replaced): configured, else `{crate}-v{version}`,
/// plus `v{version}` for a workspace of one package.
fn tag_formats(ws: &Workspace) -> Vec<String> {
    match &ws.config.tag_format {
        Some(f) => vec![f.clone()],
        None if ws.members.len() == 1 => vec!["{crate}-v{version}".to_string(), "v{version}".to_string()],
        None => vec!["{crate}-v{version}".to_string()],
    }
}

pub fn tag_name(ws: &Workspace, krate: &str, version: &semver::Version) -> String {
    tag_formats(ws)[0].replace("{crate}", krate).replace("{version}", &version.to_string())
}

/// The tag of the highest released version not above the manifest's version.
fn last_release_tag(ws: &Workspace, repo: &Repo, m: &Member) -> anyhow::Result<Option<(String, semver::Version)>> {
    let tags = repo.tags()?;
    let mut best: Option<(semver::Version, String)> = None;
    for format in tag_formats(ws) {
        let format = format.replace("{crate}", &m.name);
        let (prefix, suffix) = format.split_once("{version}").unwrap_or((&format, ""));
        for tag in &tags {
            let Some(v) = tag.strip_prefix(prefix).and_then(|r| r.strip_suffix(suffix)) else { continue };
            let Ok(version) = semver::Version::parse(v) else { continue };
            if version <= m.version && best.as_ref().is_none_or(|(b, _)| version > *b) {
                best = Some((version, tag.clone()));
            }
        }
    }
    Ok(best.map(|(v, t)| (t, v)))
}

fn snapshot_at(repo: &Repo, rev: &str, m: &Member) -> anyhow::Result<Option<Snapshot>> {
    let rel = repo.relative(&m.snapshot_path())?;
    match repo.show(rev, &rel)? {
        Some(text) => Ok(Some(snapshot::parse(&text, &format!("{rev}:{rel}"))?)),
        None => Ok(None),
    }
}

fn manifest_version_at(repo: &Repo, rev: &str, m: &Member) -> Option<semver::Version> {
    let rel = repo.relative(&m.manifest_path).ok()?;
    let text = repo.show(rev, &rel).ok()??;
    let doc: toml_edit::DocumentMut = text.parse().ok()?;
    doc.get("package")?.get("version")?.as_str().and_then(|v| semver::Version::parse(v).ok())
}

fn from_git(
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
        locator: Locator::Git { repo: repo.clone(), rev: rev.to_string(), dir },
    })
}

/// Documents `members` as they were at `rev` (the tree exported under the target dir).
fn document_at_rev(
    ws: &Workspace,
    repo: &Repo,
    rev: &str,
    members: &[&Member],
    opts: &DocOptions,
    kind: &'static str,
) -> anyhow::Result<BTreeMap<String, Option<Baseline>>> {
    let commit = repo.resolve(rev)?;
    let tree = ws.target_dir.join("atomic").join("trees").join(&commit);
    let done = tree.join(".atomic-complete");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&tree);
        repo.export(&commit, &tree)?;
        std::fs::write(&done, b"")?;
    }
    let rel_root = repo.relative(&ws.root)?;
    let root = if rel_root.is_empty() { tree.clone() } else { tree.join(&rel_root) };
    let origin = Origin { kind, reference: rev.to_string(), from: "rustdoc" };
    document_checkout(ws, &root, members, opts, origin, |m| Locator::Git {
        repo: repo.clone(),
        rev: commit.clone(),
        dir: repo.relative(&m.dir).unwrap_or_default(),
    })
}

// ---- checkouts --------------------------------------------------------------------------------

fn from_path(
    ws: &Workspace,
    dir: &Path,
    members: &[&Member],
    opts: &DocOptions,
) -> anyhow::Result<BTreeMap<String, Option<Baseline>>> {
    if !dir.join("Cargo.toml").is_file() {
        bail!("baseline path {} is not a Cargo package or workspace: it has no Cargo.toml", dir.display());
    }
    let base = Workspace::load(Some(&dir.join("Cargo.toml")))
        .with_context(|| format!("baseline path {} is not a readable Cargo package or workspace", dir.display()))?;
    let shown = dir.to_string_lossy().trim_end_matches('/').to_string();
    let mut out = BTreeMap::new();
    let mut to_document = Vec::new();
    for m in members {
        let Some(old) = base.member(&m.name) else {
            out.insert(m.name.clone(), None);
            continue;
        };
        let file = old.snapshot_path();
        if file.is_file() {
            out.insert(
                m.name.clone(),
                Some(Baseline {
                    origin: Origin { kind: "path", reference: shown.clone(), from: "snapshot" },
                    version: Some(old.version.clone()),
                    snapshot: snapshot::read(&file)?,
                    locations: HashMap::new(),
                    locator: Locator::Dir { dir: old.dir.clone(), shown: rel_to(&old.dir, &base.root, &shown) },
                }),
            );
        } else {
            to_document.push(*m);
        }
    }
    if !to_document.is_empty() {
        let origin = Origin { kind: "path", reference: shown.clone(), from: "rustdoc" };
        let root = base.root.clone();
        out.extend(document_checkout(ws, &root, &to_document, opts, origin, |_| Locator::Nowhere)?);
    }
    Ok(out)
}

fn rel_to(dir: &Path, root: &Path, shown_root: &str) -> String {
    match dir.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => shown_root.to_string(),
        Ok(rel) => format!("{shown_root}/{}", rel.to_string_lossy().replace('\\', "/")),
        Err(_) => dir.to_string_lossy().into_owned(),
    }
}

/// Documents the members named like `members` in the workspace at `root`, sharing one target
/// directory for all baselines so dependencies build once.
fn document_checkout(
    ws: &Workspace,
    root: &Path,
    members: &[&Member],
    opts: &DocOptions,
    origin: Origin,
    locator: impl Fn(&Member) -> Locator,
) -> anyhow::Result<BTreeMap<String, Option<Baseline>>> {
    if !root.join("Cargo.toml").is_file() {
        // The workspace did not exist there yet: every crate is new since.
        return Ok(members.iter().map(|m| (m.name.clone(), None)).collect());
    }
    let mut base = Workspace::load(Some(&root.join("Cargo.toml")))
        .with_context(|| format!("cannot read the baseline workspace ({origin})"))?;
    base.target_dir = ws.target_dir.join("atomic-baseline");
    let mut out = BTreeMap::new();
    let mut present = Vec::new();
    for m in members {
        match base.member(&m.name) {
            Some(old) if old.lib.is_some() => present.push(old),
            _ => {
                out.insert(m.name.clone(), None);
            }
        }
    }
    if present.is_empty() {
        return Ok(out);
    }
    let apis = rustdoc::build_apis(&base, &present, opts)
        .with_context(|| format!("cannot document the baseline ({origin})"))?;
    let shown_root = match origin.kind {
        "path" => origin.reference.clone(),
        _ => String::new(),
    };
    for old in present {
        let api = &apis.by_package[&old.name];
        let mut locations = api.locations.clone();
        if !shown_root.is_empty() {
            for l in locations.values_mut() {
                l.file = format!("{shown_root}/{}", l.file);
            }
        }
        let current = ws.member(&old.name).expect("baselines are resolved for workspace members");
        out.insert(
            old.name.clone(),
            Some(Baseline {
                origin: origin.clone(),
                version: Some(old.version.clone()),
                snapshot: api.snapshot.clone(),
                locations,
                locator: locator(current),
            }),
        );
    }
    Ok(out)
}

// ---- registry ---------------------------------------------------------------------------------

/// Baselines from the registry each crate publishes to: the highest published version not above
/// the manifest's (or exactly `version`).
fn from_registry_baselines(
    ws: &Workspace,
    members: &[&Member],
    version: Option<&semver::Version>,
    opts: &DocOptions,
) -> anyhow::Result<BTreeMap<String, Option<Baseline>>> {
    let mut out = BTreeMap::new();
    let mut wanted: Vec<&Member> = members.to_vec();
    if wanted.is_empty() {
        return Ok(out);
    }
    // Resolve; a crate the registry does not have is new, and is dropped before trying again.
    let mut probe_dir;
    let metadata = loop {
        if wanted.is_empty() {
            return Ok(out);
        }
        probe_dir = probe(ws, &wanted, version, &opts.features, &HashMap::new())?;
        match cargo_metadata::MetadataCommand::new().manifest_path(probe_dir.join("Cargo.toml")).exec() {
            Ok(m) => break m,
            Err(cargo_metadata::Error::CargoMetadata { stderr }) => {
                let missing: Vec<String> = wanted
                    .iter()
                    .enumerate()
                    .filter(|(i, m)| {
                        crate::cargo::no_such_package(&stderr, &m.name)
                            || crate::cargo::no_matching_version(&stderr, &[&crate::cargo::alias(*i), &m.name])
                    })
                    .map(|(_, m)| m.name.clone())
                    .collect();
                if missing.is_empty() {
                    bail!(
                        "cannot look up the published versions of {}:\n{}\nhint: tag releases (as `{}`), or pass \
                         --baseline-rev, --baseline-path or --baseline-version",
                        wanted.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", "),
                        stderr.trim(),
                        tag_name(ws, &wanted[0].name, &wanted[0].version)
                    );
                }
                if let Some(v) = version {
                    bail!("version {v} of {} is not in the registry", missing.join(", "));
                }
                for name in missing {
                    out.insert(name.clone(), None);
                    wanted.retain(|m| m.name != name);
                }
            }
            Err(e) => return Err(e).context("cannot run `cargo metadata` for the registry baseline"),
        }
    };
    let mut need_rustdoc = Vec::new();
    for m in &wanted {
        let Some(pkg) = metadata.packages.iter().find(|p| p.name.as_str() == m.name && p.source.is_some()) else {
            out.insert(m.name.clone(), None);
            continue;
        };
        let dir = pkg.manifest_path.parent().expect("manifest in a directory").as_std_path().to_path_buf();
        let registry = registry_name(m);
        let shipped = dir.join(snapshot::FILE_NAME);
        let locator = Locator::Dir { dir: dir.clone(), shown: format!("{}-{}", m.name, pkg.version) };
        if shipped.is_file() {
            out.insert(
                m.name.clone(),
                Some(Baseline {
                    origin: Origin {
                        kind: "registry",
                        reference: format!("{registry} {}", pkg.version),
                        from: "snapshot",
                    },
                    version: Some(pkg.version.clone()),
                    snapshot: snapshot::read(&shipped)?,
                    locations: HashMap::new(),
                    locator,
                }),
            );
        } else {
            need_rustdoc.push((*m, pkg, locator, registry));
        }
    }
    if need_rustdoc.is_empty() {
        return Ok(out);
    }
    // Document the published packages (cached per name, version, features, target, toolchain).
    let toolchain = toolchain_version();
    let cache_dir = ws.target_dir.join("atomic").join("baseline-cache");
    let mut apis: HashMap<String, CrateApi> = HashMap::new();
    let mut documented: Vec<(String, Snapshot)> = Vec::new();
    let mut to_run = Vec::new();
    for (m, pkg, _, _) in &need_rustdoc {
        let selection = m.feature_selection(&opts.features);
        let key = format!("{}|{}|{:?}|{}", selection.render(), pkg.version, opts.target, toolchain);
        let key = &crate::fsutil::sha256_hex(key.as_bytes())[..16];
        let cached = cache_dir.join(format!("{}-{}-{key}.txt", m.name, pkg.version));
        match std::fs::read_to_string(&cached).ok().and_then(|t| snapshot::parse(&t, "cache").ok()) {
            Some(s) => documented.push((m.name.clone(), s)),
            None => to_run.push((*m, *pkg, selection, cached)),
        }
    }
    if !to_run.is_empty() {
        // `all-features = true`: every feature of the published version (known now it is resolved).
        let all: HashMap<String, Vec<String>> = to_run
            .iter()
            .filter(|(_, _, sel, _)| *sel == crate::api::FeatureSelection::All)
            .map(|(m, pkg, _, _)| (m.name.clone(), pkg.features.keys().cloned().collect()))
            .collect();
        if !all.is_empty() {
            probe_dir = probe(ws, &wanted, version, &opts.features, &all)?;
        }
        let call = CargoDoc {
            manifest: probe_dir.join("Cargo.toml"),
            target_dir: probe_dir.join("target"),
            packages: to_run.iter().map(|(_, p, _, _)| format!("{}@{}", p.name, p.version)).collect(),
            names: to_run.iter().map(|(_, p, _, _)| format!("{} {}", p.name, p.version)).collect(),
            features: Vec::new(),
            mode: 0,
            bootstrap: to_run.iter().filter_map(|(_, p, _, _)| lib_name(p)).collect(),
        };
        call.run(opts).context("cannot document the published baseline")?;
        let doc_dir = call.doc_dir(opts.target.as_deref());
        for (m, pkg, selection, cached) in to_run {
            let lib = lib_name(pkg).with_context(|| format!("{} {} has no library", m.name, pkg.version))?;
            let path = doc_dir.join(format!("{lib}.json"));
            let json = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let input = NormalizeInput {
                package: &m.name,
                lib: &lib,
                features: &pkg.features,
                checked: selection,
                siblings: &apis,
                root: pkg.manifest_path.parent().unwrap().as_std_path(),
            };
            let mut api = rustdoc::normalize(&json, &path, &input)?;
            let siblings: Vec<&String> = ws.members.iter().map(|m| &m.name).collect();
            api.snapshot.expose_dependencies(
                pkg.dependencies
                    .iter()
                    .filter(|d| d.kind == cargo_metadata::DependencyKind::Normal && !siblings.contains(&&d.name))
                    .map(|d| (d.rename.clone().unwrap_or_else(|| d.name.clone()).replace('-', "_"), &d.req)),
            );
            std::fs::create_dir_all(&cache_dir)?;
            crate::fsutil::write_atomic(&cached, snapshot::render_checked(&api.snapshot)?.as_bytes())?;
            documented.push((m.name.clone(), api.snapshot.clone()));
            apis.insert(lib, api);
        }
    }
    for (name, snap) in documented {
        let (m, pkg, locator, registry) = need_rustdoc.iter().find(|(m, ..)| m.name == name).expect("documented above");
        out.insert(
            m.name.clone(),
            Some(Baseline {
                origin: Origin { kind: "registry", reference: format!("{registry} {}", pkg.version), from: "rustdoc" },
                version: Some(pkg.version.clone()),
                snapshot: snap,
                locations: HashMap::new(),
                locator: locator.clone(),
            }),
        );
    }
    Ok(out)
}

fn registry_name(m: &Member) -> String {
    match &m.publish {
        Publish::Registries(list) => list.first().cloned().unwrap_or_else(|| "crates-io".to_string()),
        _ => "crates-io".to_string(),
    }
}

/// The scratch project depending on each member's published version (the highest not above the
/// manifest's, or `exact`); `all_features` lists the features to request for members documented
/// with every feature.
fn probe(
    ws: &Workspace,
    members: &[&Member],
    exact: Option<&semver::Version>,
    flags: &crate::workspace::FeatureFlags,
    all_features: &HashMap<String, Vec<String>>,
) -> anyhow::Result<PathBuf> {
    let mut deps = Vec::new();
    for m in members {
        let req = match exact {
            Some(v) => format!("={v}"),
            None => format!("<={}", m.version),
        };
        let registry = match &m.publish {
            Publish::Registries(list) => list.first().cloned(),
            _ => None,
        };
        let extra = match m.feature_selection(flags) {
            crate::api::FeatureSelection::All => {
                format!(", features = {:?}", all_features.get(&m.name).cloned().unwrap_or_default())
            }
            crate::api::FeatureSelection::Default(f) => format!(", features = {f:?}"),
            crate::api::FeatureSelection::NoDefault(f) => format!(", default-features = false, features = {f:?}"),
        };
        deps.push(crate::cargo::Dependency { package: m.name.clone(), req, registry, extra });
    }
    crate::cargo::scratch(&ws.target_dir, "registry-probe", &deps)
}

fn lib_name(pkg: &cargo_metadata::Package) -> Option<String> {
    pkg.targets.iter().find(|t| t.is_lib() || t.is_proc_macro()).map(|t| t.name.replace('-', "_"))
}

fn toolchain_version() -> String {
    std::process::Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .arg("-vV")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

// ---- locating removed items -------------------------------------------------------------------

/// Whether a source line declares the item `name` of the given namespace (best effort).
fn declares(line: &str, namespace: &str, name: &str, key: &str) -> bool {
    let word_after = |prefix: &str| {
        line.match_indices(prefix).any(|(i, _)| {
            let rest = &line[i + prefix.len()..];
            rest.starts_with(name) && !rest[name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        })
    };
    match namespace {
        "value" => ["fn ", "const ", "static ", "static mut "].iter().any(|k| word_after(k)),
        "type" => ["struct ", "enum ", "union ", "trait ", "type ", "mod "].iter().any(|k| word_after(k)),
        "macro" => word_after("macro_rules! ") || word_after("fn "),
        "variant" => {
            let t = line.trim_start();
            t.starts_with(name) && !t[name.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        }
        "impl" => {
            // key: `impl Trait for Type`
            let inner = key.trim_start_matches("impl ");
            let (tr, ty) = inner.split_once(" for ").unwrap_or((inner, ""));
            let last = |p: &str| crate::api::strip_generic_args(p).rsplit("::").next().unwrap_or(p).to_string();
            let (tr, ty) = (last(tr), last(ty));
            (line.contains("impl") && line.contains(&tr) && line.contains(&ty))
                || (line.contains("derive(") && line.contains(&tr))
        }
        _ => false,
    }
}

fn find_in_dir(dir: &Path, matches: &dyn Fn(&str) -> bool) -> Option<(PathBuf, usize)> {
    let mut files = Vec::new();
    collect_rs(dir, dir, &mut files);
    files.sort();
    for rel in files {
        let text = std::fs::read_to_string(dir.join(&rel)).ok()?;
        if let Some(n) = text.lines().position(matches) {
            return Some((rel, n + 1));
        }
    }
    None
}

fn collect_rs(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.file_name().is_some_and(|n| n == "target") {
            continue;
        }
        if p.is_dir() {
            collect_rs(root, &p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p.strip_prefix(root).unwrap_or(&p).to_path_buf());
        }
    }
}

fn regex_escape(s: &str) -> String {
    s.chars().map(|c| if c.is_alphanumeric() || c == '_' { c.to_string() } else { format!("\\{c}") }).collect()
}
