//! Baselines from the registry: the snapshot shipped in the published package, or the published
//! packages documented as a workspace of their own.
//!
//! What is the registry's own: choosing each crate's version, resolving the siblings its release
//! depends on, and saying where the baseline came from. Documenting is not: the published
//! packages of the crates (and of the workspace siblings their releases depend on) are unpacked
//! into a scratch workspace wired with path dependencies, laid out as the real one is, and that
//! workspace goes through [`document_checkout`] like a tag's tree or another checkout. So a
//! sibling's items re-exported by a crate, the names of other crates' items, the features a
//! member is documented with and the cache are the same on both sides by construction.
//!
//! Registry access goes through scratch Cargo projects run from the workspace root, so the
//! workspace's registries, credentials and `.cargo/config.toml` apply.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use super::checkout::document_checkout;
use super::{Baseline, Locator, Origin, OriginKind, Source};
use crate::api::snapshot;
use crate::rustdoc::DocOptions;
use crate::workspace::{Member, Publish, Workspace};

/// Bumped when the layout or the manifests of scratch workspaces change.
const LAYOUT: u32 = 1;

/// Baselines from the registry each crate publishes to: the highest published version not above
/// the manifest's (or exactly `version`).
pub(super) fn from_registry_baselines(
    ws: &Workspace,
    members: &[&Member],
    version: Option<&semver::Version>,
    opts: &DocOptions,
) -> anyhow::Result<BTreeMap<String, Option<Baseline>>> {
    let mut out = BTreeMap::new();
    let mut pins: BTreeMap<String, semver::Version> = BTreeMap::new();
    match version {
        Some(v) => pins.extend(members.iter().map(|m| (m.name.clone(), v.clone()))),
        None => {
            for (m, chosen) in members.iter().zip(registry_versions(ws, members, &opts.features)?) {
                match chosen {
                    Some(v) => {
                        pins.insert(m.name.clone(), v);
                    }
                    None => {
                        out.insert(m.name.clone(), None);
                    }
                }
            }
        }
    }
    out.extend(published_baselines(ws, &pins, opts)?);
    Ok(out)
}

/// The baselines of the members named in `pins`, each the published package at its pinned
/// version.
pub(super) fn published_baselines(
    ws: &Workspace,
    pins: &BTreeMap<String, semver::Version>,
    opts: &DocOptions,
) -> anyhow::Result<BTreeMap<String, Option<Baseline>>> {
    let requested: Vec<&Member> = pins.keys().filter_map(|n| ws.member(n)).collect();
    let mut out = BTreeMap::new();
    if requested.is_empty() {
        return Ok(out);
    }
    let pins: HashMap<String, semver::Version> = pins.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    match resolve_release(ws, &requested, &pins, opts)? {
        Some(release) => out.extend(baselines_of(ws, &requested, &release, opts)?),
        None if requested.len() > 1 => {
            // Releases that cannot be resolved together (one pinned another's older version):
            // each crate is compared with its own release, alone.
            for m in requested {
                let one = BTreeMap::from([(m.name.clone(), pins[&m.name].clone())]);
                out.extend(published_baselines(ws, &one, opts)?);
            }
        }
        None => {
            let m = requested[0];
            bail!("version {} of {} is not in the registry", pins[&m.name], m.name);
        }
    }
    Ok(out)
}

/// The published packages of a set of releases and of the workspace siblings they depend on.
struct Release {
    /// By package name: every package of the set.
    packages: BTreeMap<String, cargo_metadata::Package>,
    /// Siblings held at another version than the workspace's: `(name, documented, workspace)`.
    skew: Vec<(String, semver::Version, semver::Version)>,
}

/// Resolves the `requested` crates at their pinned versions, with the workspace siblings their
/// releases depend on (normal and build dependencies, transitively). A sibling is held at the
/// highest published version not above the workspace's that the releases admit — the
/// workspace's own version when it is published — so that a crate's baseline differs from its
/// current API by its own changes, not by a sibling's newer release; when the releases admit no
/// such version, the sibling is taken as the registry resolves it, and the skew is recorded.
/// `None` when the releases cannot be resolved together.
fn resolve_release(
    ws: &Workspace,
    requested: &[&Member],
    pins: &HashMap<String, semver::Version>,
    opts: &DocOptions,
) -> anyhow::Result<Option<Release>> {
    let resolve = |members: &[&Member]| -> anyhow::Result<Option<cargo_metadata::Metadata>> {
        let dir = probe(ws, members, pins, &opts.features)?;
        match cargo_metadata::MetadataCommand::new().manifest_path(dir.join("Cargo.toml")).current_dir(&ws.root).exec()
        {
            Ok(m) => Ok(Some(m)),
            Err(cargo_metadata::Error::CargoMetadata { stderr }) if unresolvable(&stderr, members) => Ok(None),
            Err(cargo_metadata::Error::CargoMetadata { stderr }) => bail!(
                "cannot look up the published versions of {}:\n{}\nhint: tag releases (as `{}`), or pass \
                 --baseline-rev, --baseline-path or --baseline-version",
                members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", "),
                crate::cargo::messages(&stderr),
                ws.tag_name(&members[0].name, &members[0].version)
            ),
            Err(e) => Err(e).context("cannot run `cargo metadata` for the registry baseline"),
        }
    };
    let Some(first) = resolve(requested)? else { return Ok(None) };
    let mut packages = sibling_closure(ws, &first, requested, pins);
    // Siblings the releases resolve at another version than the workspace holds: held at the
    // workspace's (or the highest below it) where the releases admit it.
    let moved: Vec<&Member> = packages
        .iter()
        .filter(|(name, p)| !pins.contains_key(*name) && ws.member(name).is_some_and(|m| m.version != p.version))
        .filter_map(|(name, _)| ws.member(name))
        .collect();
    if !moved.is_empty() {
        let with: Vec<&Member> = requested.iter().chain(&moved).copied().collect();
        if let Some(held) = resolve(&with)? {
            packages = sibling_closure(ws, &held, requested, pins);
        }
    }
    let skew = packages
        .iter()
        .filter(|(name, _)| !pins.contains_key(*name))
        .filter_map(|(name, p)| {
            let m = ws.member(name)?;
            (m.version != p.version).then(|| (name.clone(), p.version.clone(), m.version.clone()))
        })
        .collect();
    Ok(Some(Release { packages, skew }))
}

/// Whether Cargo's resolution error says the pinned versions cannot be had together (or one is
/// not published at all).
fn unresolvable(stderr: &str, members: &[&Member]) -> bool {
    members.iter().enumerate().any(|(i, m)| {
        crate::cargo::no_such_package(stderr, &m.name)
            || crate::cargo::no_matching_version(stderr, &[&crate::cargo::alias(i), &m.name])
    }) || stderr.contains("failed to select a version")
}

/// The registry packages of `requested` (at their pins) and of every workspace sibling they reach
/// through normal and build dependencies, by name.
fn sibling_closure(
    ws: &Workspace,
    metadata: &cargo_metadata::Metadata,
    requested: &[&Member],
    pins: &HashMap<String, semver::Version>,
) -> BTreeMap<String, cargo_metadata::Package> {
    let by_id: HashMap<&cargo_metadata::PackageId, &cargo_metadata::Package> =
        metadata.packages.iter().map(|p| (&p.id, p)).collect();
    let nodes: HashMap<&cargo_metadata::PackageId, &cargo_metadata::Node> =
        metadata.resolve.iter().flat_map(|r| &r.nodes).map(|n| (&n.id, n)).collect();
    let sibling = |p: &cargo_metadata::Package| p.source.is_some() && ws.member(&p.name).is_some();
    let mut todo: Vec<&cargo_metadata::Package> = metadata
        .packages
        .iter()
        .filter(|p| sibling(p) && requested.iter().any(|m| m.name == p.name.as_str() && pins[&m.name] == p.version))
        .collect();
    let mut out: BTreeMap<String, cargo_metadata::Package> = BTreeMap::new();
    while let Some(p) = todo.pop() {
        // One version of a name per workspace: the first reached (the requested crates' own).
        if out.contains_key(p.name.as_str()) {
            continue;
        }
        out.insert(p.name.to_string(), p.clone());
        let Some(node) = nodes.get(&p.id) else { continue };
        for dep in &node.deps {
            let counts = dep.dep_kinds.iter().any(|k| k.kind != cargo_metadata::DependencyKind::Development);
            if let Some(d) = by_id.get(&dep.pkg).filter(|d| counts && sibling(d)) {
                todo.push(d);
            }
        }
    }
    out
}

/// The baselines of `requested` from their resolved release: the snapshot a package ships, else
/// the packages documented as a workspace.
fn baselines_of(
    ws: &Workspace,
    requested: &[&Member],
    release: &Release,
    opts: &DocOptions,
) -> anyhow::Result<BTreeMap<String, Option<Baseline>>> {
    let mut out = BTreeMap::new();
    let mut to_document = Vec::new();
    for m in requested {
        let Some(pkg) = release.packages.get(&m.name) else {
            out.insert(m.name.clone(), None);
            continue;
        };
        let dir = pkg.manifest_path.parent().expect("manifest in a directory").as_std_path().to_path_buf();
        let shipped = dir.join(snapshot::FILE_NAME);
        if shipped.is_file() {
            let origin = origin(m, &pkg.version, Source::Snapshot, &[]);
            let locator = Locator::Dir { dir, shown: format!("{}-{}", m.name, pkg.version) };
            out.insert(m.name.clone(), Some(published(m, origin, &pkg.version, snapshot::read(&shipped)?, locator)));
        } else {
            to_document.push(*m);
        }
    }
    if to_document.is_empty() {
        return Ok(out);
    }
    // Only what the documented crates reach goes into their workspace.
    let names: Vec<String> = to_document.iter().map(|m| m.name.clone()).collect();
    let reached = reach(&release.packages, &names);
    let packages: Vec<&cargo_metadata::Package> =
        release.packages.values().filter(|p| reached.contains(p.name.as_str())).collect();
    let root = scratch_workspace(ws, &packages)?;
    let placeholder = Origin::new(OriginKind::Registry, "", Source::Rustdoc);
    let dirs: HashMap<String, PathBuf> =
        packages.iter().map(|p| (p.name.to_string(), root.join(member_dir(p)))).collect();
    let locator = |m: &Member| match dirs.get(&m.name) {
        Some(dir) => Locator::Dir { dir: dir.clone(), shown: dir.file_name().unwrap().to_string_lossy().into_owned() },
        None => Locator::Nowhere,
    };
    let memo = root.join(".atomic-metadata.json");
    let documented = document_checkout(ws, &root, Some(&memo), &to_document, opts, placeholder, locator)?;
    for (name, baseline) in documented {
        let m = ws.member(&name).expect("baselines are resolved for workspace members");
        let baseline = baseline.map(|b| {
            let version = b.version.clone().expect("a documented package has a version");
            let skew: Vec<&(String, semver::Version, semver::Version)> = release
                .skew
                .iter()
                .filter(|(s, ..)| reach(&release.packages, std::slice::from_ref(&name)).contains(s))
                .collect();
            let origin = origin(m, &version, Source::Rustdoc, &skew);
            Baseline { origin, registry: Some(registry_name(m)), ..b }
        });
        out.insert(name, baseline);
    }
    Ok(out)
}

fn origin(
    m: &Member,
    version: &semver::Version,
    from: Source,
    skew: &[&(String, semver::Version, semver::Version)],
) -> Origin {
    let note = (!skew.is_empty()).then(|| {
        let held: Vec<String> = skew
            .iter()
            .map(|(name, documented, current)| format!("{name} {documented} (the workspace has {current})"))
            .collect();
        format!(
            "documented with {}, the versions its release admits: a difference in what it re-exports or names of \
             them can come from those versions, not from {}'s own code",
            held.join(", "),
            m.name
        )
    });
    Origin { kind: OriginKind::Registry, reference: format!("{} {version}", registry_name(m)), from, note, newer: None }
}

/// Names in `packages` reachable from `from` through their dependencies on each other (normal
/// and build).
fn reach(packages: &BTreeMap<String, cargo_metadata::Package>, from: &[String]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = from.iter().map(String::as_str).collect();
    while let Some(name) = todo.pop() {
        let Some(p) = packages.get(name) else { continue };
        if !seen.insert(name.to_string()) {
            continue;
        }
        for d in &p.dependencies {
            if d.kind != cargo_metadata::DependencyKind::Development && packages.contains_key(&d.name) {
                todo.push(&d.name);
            }
        }
    }
    seen
}

/// The directory of a package in a scratch workspace.
fn member_dir(p: &cargo_metadata::Package) -> String {
    format!("{}-{}", p.name, p.version)
}

/// A workspace of the published `packages` under the tool's dir: each unpacked into a directory
/// of its own, dependencies between them wired with `path`, dev-dependencies and targets other
/// than the library dropped (a published package may name files it does not ship), the
/// workspace's resolver and lockfile (so dependencies outside the workspace resolve as on the
/// current side). Made once per set of packages; the lockfile is refreshed each time.
fn scratch_workspace(ws: &Workspace, packages: &[&cargo_metadata::Package]) -> anyhow::Result<PathBuf> {
    let mut ids: Vec<String> = packages.iter().map(|p| format!("{}@{} {:?}", p.name, p.version, p.source)).collect();
    ids.sort();
    let key = format!("layout {LAYOUT}\nresolver {}\n{}", ws.resolver, ids.join("\n"));
    let key = &crate::fsutil::sha256_hex(key.as_bytes())[..16];
    let root = ws.atomic_dir().join("registry").join(key);
    let done = root.join(".atomic-complete");
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&root);
        let names: BTreeMap<String, (String, semver::Version)> =
            packages.iter().map(|p| (p.name.to_string(), (member_dir(p), p.version.clone()))).collect();
        for p in packages {
            let from = p.manifest_path.parent().expect("manifest in a directory").as_std_path();
            let dir = root.join(member_dir(p));
            copy_tree(from, &dir)
                .with_context(|| format!("cannot unpack {} {} into {}", p.name, p.version, dir.display()))?;
            let manifest = dir.join("Cargo.toml");
            let text =
                std::fs::read_to_string(&manifest).with_context(|| format!("cannot read {}", manifest.display()))?;
            let wired = wire_manifest(&text, &names).with_context(|| format!("cannot read {}", manifest.display()))?;
            std::fs::write(&manifest, wired)?;
        }
        let members: Vec<String> = names.values().map(|(d, _)| format!("{d:?}")).collect();
        let resolver = if ws.resolver == 1 { String::new() } else { format!("resolver = \"{}\"\n", ws.resolver) };
        let manifest = format!(
            "# Written by cargo-atomic: published packages as a workspace.\n[workspace]\nmembers = [{}]\n{resolver}",
            members.join(", ")
        );
        std::fs::write(root.join("Cargo.toml"), manifest)?;
        std::fs::write(&done, b"")?;
    }
    // The workspace's lockfile, so that dependencies outside it resolve as they do for the
    // current side (Cargo adds what the published packages need besides). A lockfile that does
    // not parse (being written right now) is left out: Cargo resolves afresh.
    let lock = std::fs::read_to_string(ws.root.join("Cargo.lock"))
        .ok()
        .filter(|t| t.parse::<toml_edit::DocumentMut>().is_ok());
    let path = root.join("Cargo.lock");
    match lock {
        Some(text) if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) => {
            crate::fsutil::write_atomic(&path, text.as_bytes())?
        }
        Some(_) => {}
        None => {
            let _ = std::fs::remove_file(&path);
        }
    }
    Ok(root)
}

/// A published manifest made a member of a scratch workspace: dependencies on the other
/// packages (`names`: package name → directory and version) point at them where their
/// requirement admits that version (`futures-util` also depends on `futures` 0.1, renamed),
/// dev-dependencies and non-library targets go.
fn wire_manifest(text: &str, names: &BTreeMap<String, (String, semver::Version)>) -> anyhow::Result<String> {
    let mut doc: toml_edit::DocumentMut = text.parse()?;
    for target in ["bin", "example", "test", "bench"] {
        doc.remove(target);
    }
    if let Some(package) = doc.get_mut("package").and_then(|p| p.as_table_like_mut()) {
        for auto in ["autobins", "autoexamples", "autotests", "autobenches"] {
            package.insert(auto, toml_edit::value(false));
        }
        package.remove("workspace");
    }
    doc.remove("dev-dependencies");
    doc.remove("dev_dependencies");
    let mut tables: Vec<&mut dyn toml_edit::TableLike> = Vec::new();
    let (top, targets): (Vec<_>, Vec<_>) = doc.iter_mut().partition(|(k, _)| k.get() != "target");
    for (key, item) in top {
        if matches!(key.get(), "dependencies" | "build-dependencies" | "build_dependencies") {
            tables.extend(item.as_table_like_mut());
        }
    }
    for (_, item) in targets {
        for (_, cfg) in item.as_table_like_mut().into_iter().flat_map(|t| t.iter_mut()) {
            let Some(cfg) = cfg.as_table_like_mut() else { continue };
            cfg.remove("dev-dependencies");
            cfg.remove("dev_dependencies");
            for (key, item) in cfg.iter_mut() {
                if matches!(key.get(), "dependencies" | "build-dependencies" | "build_dependencies") {
                    tables.extend(item.as_table_like_mut());
                }
            }
        }
    }
    for table in tables {
        for (alias, spec) in table.iter_mut() {
            let package = spec.get("package").and_then(|p| p.as_str()).unwrap_or(alias.get()).to_string();
            let Some((dir, version)) = names.get(&package) else { continue };
            let req = spec.as_str().or_else(|| spec.get("version").and_then(|v| v.as_str())).unwrap_or("*");
            if !semver::VersionReq::parse(req).is_ok_and(|r| r.matches(version)) {
                continue;
            }
            let path = format!("../{dir}");
            match spec.as_table_like_mut() {
                Some(t) => {
                    t.insert("path", toml_edit::value(path));
                }
                None => {
                    let version = spec.as_str().unwrap_or("*").to_string();
                    let mut t = toml_edit::InlineTable::new();
                    t.insert("version", version.into());
                    t.insert("path", path.into());
                    *spec = toml_edit::Item::Value(toml_edit::Value::InlineTable(t));
                }
            }
        }
    }
    Ok(doc.to_string())
}

/// Copies a directory tree (an unpacked package: files and directories, no special files).
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == ".cargo-ok" {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&entry.path(), &to.join(&name))?;
        } else if kind.is_file() || kind.is_symlink() {
            std::fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

/// The baseline of a published package.
fn published(
    m: &Member,
    origin: Origin,
    version: &semver::Version,
    snapshot: crate::api::Snapshot,
    locator: Locator,
) -> Baseline {
    Baseline {
        origin,
        version: Some(version.clone()),
        snapshot,
        locations: HashMap::new(),
        locator,
        registry: Some(registry_name(m)),
    }
}

pub(super) fn registry_name(m: &Member) -> String {
    match &m.publish {
        Publish::Registries(list) => list.first().cloned().unwrap_or_else(|| "crates-io".to_string()),
        _ => "crates-io".to_string(),
    }
}

/// Each member's last published version on its own: the highest published version not above its
/// manifest's that Cargo would pick for a project depending on it alone (yanked versions are
/// skipped, as Cargo skips them); `None` when the registry has none.
pub(super) fn registry_versions(
    ws: &Workspace,
    members: &[&Member],
    flags: &crate::workspace::FeatureFlags,
) -> anyhow::Result<Vec<Option<semver::Version>>> {
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        let dir = probe_in(ws, &format!("registry-probe-{}", m.name), &[*m], &HashMap::new(), flags)?;
        let chosen = match cargo_metadata::MetadataCommand::new()
            .manifest_path(dir.join("Cargo.toml"))
            .current_dir(&ws.root)
            .exec()
        {
            Ok(meta) => meta
                .packages
                .iter()
                .find(|p| p.name.as_str() == m.name && p.source.is_some())
                .map(|p| p.version.clone()),
            Err(cargo_metadata::Error::CargoMetadata { stderr })
                if crate::cargo::no_such_package(&stderr, &m.name)
                    || crate::cargo::no_matching_version(&stderr, &[&crate::cargo::alias(0), &m.name]) =>
            {
                None
            }
            Err(cargo_metadata::Error::CargoMetadata { stderr }) => bail!(
                "cannot look up the published versions of {}:\n{}\nhint: tag releases (as `{}`), or pass \
                 --baseline-rev, --baseline-path or --baseline-version",
                m.name,
                stderr.trim(),
                ws.tag_name(&m.name, &m.version)
            ),
            Err(e) => return Err(e).context("cannot run `cargo metadata` for the registry baseline"),
        };
        out.push(chosen);
    }
    Ok(out)
}

/// The highest version of `m` its registry holds (yanked ones aside) that `req` admits; `None`
/// when there is none.
pub fn highest_published(ws: &Workspace, m: &Member, req: &str) -> anyhow::Result<Option<semver::Version>> {
    let registry = match &m.publish {
        Publish::Registries(list) => list.first().cloned(),
        _ => None,
    };
    let dep =
        crate::cargo::Dependency { package: m.name.clone(), req: req.to_string(), registry, extra: String::new() };
    let dir = crate::cargo::scratch(&ws.atomic_dir(), &format!("registry-history-{}", m.name), &[dep])?;
    match cargo_metadata::MetadataCommand::new().manifest_path(dir.join("Cargo.toml")).current_dir(&ws.root).exec() {
        Ok(meta) => Ok(meta
            .packages
            .iter()
            .find(|p| p.name.as_str() == m.name && p.source.is_some())
            .map(|p| p.version.clone())),
        Err(cargo_metadata::Error::CargoMetadata { stderr })
            if crate::cargo::no_such_package(&stderr, &m.name)
                || crate::cargo::no_matching_version(&stderr, &[&crate::cargo::alias(0), &m.name]) =>
        {
            Ok(None)
        }
        Err(cargo_metadata::Error::CargoMetadata { stderr }) => {
            bail!("cannot look up the published versions of {}:\n{}", m.name, stderr.trim())
        }
        Err(e) => Err(e).context("cannot run `cargo metadata`"),
    }
}

/// A requirement for the highest published version not above `v` in `v`'s compatible series.
/// The series bound matters: with only `<=0.1.33`, a dependency elsewhere on `^0.1.30` that
/// Cargo resolved to 0.1.36 first is satisfied alongside 0.0.0, the next version Cargo can
/// activate, instead of both sharing 0.1.33.
fn within_series(v: &semver::Version) -> String {
    let floor = match (v.major, v.minor) {
        (0, 0) => format!("0.0.{}", v.patch),
        (0, minor) => format!("0.{minor}.0"),
        (major, _) => format!("{major}.0.0"),
    };
    format!(">={floor}, <={v}")
}

/// The scratch project depending on each member's published version: exactly its pin, else
/// the highest not above the manifest's in its series.
fn probe(
    ws: &Workspace,
    members: &[&Member],
    pins: &HashMap<String, semver::Version>,
    flags: &crate::workspace::FeatureFlags,
) -> anyhow::Result<PathBuf> {
    probe_in(ws, "registry-probe", members, pins, flags)
}

fn probe_in(
    ws: &Workspace,
    name: &str,
    members: &[&Member],
    pins: &HashMap<String, semver::Version>,
    flags: &crate::workspace::FeatureFlags,
) -> anyhow::Result<PathBuf> {
    let mut deps = Vec::new();
    for m in members {
        let req = match pins.get(&m.name) {
            Some(v) => format!("={v}"),
            None => within_series(&m.version),
        };
        let registry = match &m.publish {
            Publish::Registries(list) => list.first().cloned(),
            _ => None,
        };
        // Only features the member has (`--all-features` asks for nothing by name).
        let extra = match m.feature_selection(flags) {
            crate::api::FeatureSelection::All => String::new(),
            crate::api::FeatureSelection::Default(f) => format!(", features = {f:?}"),
            crate::api::FeatureSelection::NoDefault(f) => format!(", default-features = false, features = {f:?}"),
        };
        deps.push(crate::cargo::Dependency { package: m.name.clone(), req, registry, extra });
    }
    crate::cargo::scratch(&ws.atomic_dir(), name, &deps)
}
