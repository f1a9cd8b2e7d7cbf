//! Baselines from the registry: the snapshot shipped in the published package, or the package
//! documented (cached per name, version, features, target and toolchain). Registry access goes
//! through a scratch Cargo project, so the workspace's registries and credentials apply.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use anyhow::{bail, Context};

use super::{Baseline, Locator, Origin, OriginKind, Source};
use crate::api::{snapshot, CrateApi, Snapshot};
use crate::rustdoc::{self, CargoDoc, DocOptions, NormalizeInput};
use crate::workspace::{Member, Publish, Workspace};

/// Baselines from the registry each crate publishes to: the highest published version not above
/// the manifest's (or exactly `version`).
pub(super) fn from_registry_baselines(
    ws: &Workspace,
    members: &[&Member],
    version: Option<&semver::Version>,
    opts: &DocOptions,
) -> anyhow::Result<BTreeMap<String, Option<Baseline>>> {
    let mut out = BTreeMap::new();
    if members.is_empty() {
        return Ok(out);
    }
    let requested: Vec<String> = members.iter().map(|m| m.name.clone()).collect();
    // The members they depend on come too, at their own baseline versions: a re-export of a
    // sibling's item is joined with it by definition path, as on the workspace side.
    let mut wanted: Vec<&Member> = match version {
        Some(_) => members.to_vec(),
        None => {
            let closure = ws.with_normal_deps(&requested);
            let siblings = ws.members.iter().filter(|m| {
                closure.contains(&m.name) && !requested.contains(&m.name) && m.lib.is_some() && m.is_publishable()
            });
            members.iter().copied().chain(siblings).collect()
        }
    };
    // Each requested crate's version is chosen on its own (the highest published, not yanked, not
    // above its manifest's) and pinned exactly: resolved together, one crate's constraints could
    // pull another's version down. The siblings that join come at what the pinned packages need.
    let pins: HashMap<String, semver::Version> = match version {
        Some(v) => requested.iter().map(|n| (n.clone(), v.clone())).collect(),
        None => {
            let mut pins = HashMap::new();
            for (m, chosen) in members.iter().zip(choose_versions(ws, members, &opts.features)?) {
                match chosen {
                    Some(v) => {
                        pins.insert(m.name.clone(), v);
                    }
                    None => {
                        out.insert(m.name.clone(), None);
                        wanted.retain(|w| w.name != m.name);
                    }
                }
            }
            pins
        }
    };
    // Resolve; a crate the registry does not have is new, and is dropped before trying again.
    let mut probe_dir;
    let metadata = loop {
        if wanted.iter().all(|m| !pins.contains_key(&m.name)) {
            return Ok(out);
        }
        probe_dir = probe(ws, &wanted, &pins, &opts.features, &HashMap::new())?;
        match cargo_metadata::MetadataCommand::new()
            .manifest_path(probe_dir.join("Cargo.toml"))
            .current_dir(&ws.root)
            .exec()
        {
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
                if version.is_none() && missing.iter().all(|n| pins.contains_key(n)) && members.len() > 1 {
                    // Versions chosen one by one that cannot be resolved together: each crate
                    // is compared with its own choice, alone.
                    let mut out = out;
                    for m in members {
                        out.extend(from_registry_baselines(ws, &[*m], None, opts)?);
                    }
                    return Ok(out);
                }
                if missing.is_empty() {
                    bail!(
                        "cannot look up the published versions of {}:\n{}\nhint: tag releases (as `{}`), or pass \
                         --baseline-rev, --baseline-path or --baseline-version",
                        wanted.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", "),
                        stderr.trim(),
                        ws.tag_name(&wanted[0].name, &wanted[0].version)
                    );
                }
                if let Some(v) = version {
                    bail!("version {v} of {} is not in the registry", missing.join(", "));
                }
                for name in missing {
                    if requested.contains(&name) {
                        out.insert(name.clone(), None);
                    }
                    wanted.retain(|m| m.name != name);
                }
            }
            Err(e) => return Err(e).context("cannot run `cargo metadata` for the registry baseline"),
        }
    };
    let mut need_rustdoc = Vec::new();
    let mut published_siblings = Vec::new();
    for m in &wanted {
        let pinned = |p: &&cargo_metadata::Package| pins.get(&m.name).is_none_or(|v| p.version == *v);
        let Some(pkg) =
            metadata.packages.iter().filter(pinned).find(|p| p.name.as_str() == m.name && p.source.is_some())
        else {
            if requested.contains(&m.name) {
                out.insert(m.name.clone(), None);
            }
            continue;
        };
        let dir = pkg.manifest_path.parent().expect("manifest in a directory").as_std_path().to_path_buf();
        let registry = registry_name(m);
        let shipped = dir.join(snapshot::FILE_NAME);
        let locator = Locator::Dir { dir: dir.clone(), shown: format!("{}-{}", m.name, pkg.version) };
        if !requested.contains(&m.name) {
            published_siblings.push((*m, pkg, locator, registry));
        } else if shipped.is_file() {
            let snapshot = snapshot::read(&shipped)?;
            out.insert(m.name.clone(), Some(published(&registry, &pkg.version, Source::Snapshot, snapshot, locator)));
            published_siblings.push((*m, pkg, Locator::Nowhere, String::new()));
        } else {
            need_rustdoc.push((*m, pkg, locator, registry));
        }
    }
    if need_rustdoc.is_empty() {
        return Ok(out);
    }
    // Siblings the documented crates depend on are documented first (for joining only).
    let documented_names: Vec<String> = need_rustdoc.iter().map(|(m, ..)| m.name.clone()).collect();
    let join = ws.with_normal_deps(&documented_names);
    need_rustdoc.extend(published_siblings.into_iter().filter(|(m, ..)| join.contains(&m.name)));
    let order = ws.topo_order(&need_rustdoc.iter().map(|(m, ..)| m.name.clone()).collect());
    need_rustdoc.sort_by_key(|(m, ..)| order.iter().position(|n| *n == m.name));
    // Document the published packages (cached per name, version, features, and the build
    // environment: target, toolchain, Cargo configuration, build variables, this cargo-atomic).
    let environment = crate::rustdoc::cache::environment(&ws.root, opts.target.as_deref());
    let cache_dir = ws.atomic_dir().join("baseline-cache");
    // By lib name: the version documented and its API, for joining dependents' re-exports.
    let mut apis: HashMap<String, (semver::Version, String, CrateApi)> = HashMap::new();
    let mut documented: Vec<(String, Snapshot)> = Vec::new();
    let mut to_run = Vec::new();
    // The features a package is documented with, and its cache entry.
    let entry = |m: &Member, pkg: &cargo_metadata::Package| {
        let selection = m.feature_selection(&opts.features);
        let key = format!("{}|{}|{environment}", selection.render(), pkg.version);
        let key = &crate::fsutil::sha256_hex(key.as_bytes())[..16];
        let cached = cache_dir.join(format!("{}-{}-{key}.txt", m.name, pkg.version));
        (selection, cached)
    };
    // A sharded run reads no cached snapshot here: which packages are documented (and joined
    // with their siblings) must not depend on one machine's cache.
    let shards = opts.shards.as_deref();
    let reuse = crate::rustdoc::cache::enabled(opts.no_cache) && shards.is_none();
    for (m, pkg, _, _) in &need_rustdoc {
        let (selection, cached) = entry(m, pkg);
        match std::fs::read_to_string(&cached).ok().filter(|_| reuse).and_then(|t| snapshot::parse(&t, "cache").ok()) {
            Some(s) => documented.push((m.name.clone(), s)),
            None => to_run.push((*m, *pkg, selection, cached)),
        }
    }
    // A cached snapshot has no definition paths to join with: the siblings of a crate that is
    // documented are documented with it.
    let running: Vec<String> = to_run.iter().map(|(m, ..)| m.name.clone()).collect();
    let join = ws.with_normal_deps(&running);
    for (m, pkg, _, _) in &need_rustdoc {
        if join.contains(&m.name) && !running.contains(&m.name) {
            documented.retain(|(name, _)| *name != m.name);
            let (selection, cached) = entry(m, pkg);
            to_run.push((*m, *pkg, selection, cached));
        }
    }
    to_run.sort_by_key(|(m, ..)| order.iter().position(|n| *n == m.name));
    // Each package is documented in a project of its own (one target dir for all): in one
    // project, a dependent's requirements would turn on features of a sibling that its own
    // selection leaves off, as the workspace side documents each crate with its own features.
    let doc_target = ws.atomic_dir().join("registry-doc-target");
    for (m, pkg, selection, cached) in to_run {
        let role = format!("registry:{}@{}", pkg.name, pkg.version);
        let lib = lib_name(pkg).with_context(|| format!("{} {} has no library", m.name, pkg.version))?;
        let (json, path) = match shards {
            Some(s) if !s.collecting() => match s.provided(&role, &m.name)? {
                crate::partition::Provided::Json(json) => {
                    (std::borrow::Cow::Borrowed(json), PathBuf::from(format!("the partial of `{role}`")))
                }
                crate::partition::Provided::Api(_) => bail!("the partial holds no rustdoc JSON for {role}"),
            },
            Some(s) if !s.documents(&m.name) => continue,
            _ => {
                let (json, path) = document_published(ws, m, pkg, &selection, &lib, &probe_dir, &doc_target, opts)?;
                if let Some(s) = shards {
                    s.keep_json(&role, &m.name, json)?;
                    continue;
                }
                (std::borrow::Cow::Owned(json), path)
            }
        };
        // A sibling joins only at the version this package was built against.
        let siblings: HashMap<String, CrateApi> = apis
            .iter()
            .filter(|(_, (version, name, _))| {
                pkg.dependencies.iter().any(|d| &d.name == name && d.req.matches(version))
            })
            .map(|(lib, (_, _, api))| (lib.clone(), api.clone()))
            .collect();
        let input = NormalizeInput {
            package: &m.name,
            lib: &lib,
            features: &pkg.features,
            checked: selection,
            siblings: &siblings,
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
        apis.insert(lib, (pkg.version.clone(), m.name.clone(), api));
    }
    for (name, snap) in documented {
        if !requested.contains(&name) || out.contains_key(&name) {
            continue;
        }
        let (m, pkg, locator, registry) = need_rustdoc.iter().find(|(m, ..)| m.name == name).expect("documented above");
        out.insert(m.name.clone(), Some(published(registry, &pkg.version, Source::Rustdoc, snap, locator.clone())));
    }
    Ok(out)
}

/// Runs rustdoc for one published package, in a project of its own; returns its JSON and where
/// rustdoc wrote it.
#[allow(clippy::too_many_arguments)]
fn document_published(
    ws: &Workspace,
    m: &Member,
    pkg: &cargo_metadata::Package,
    selection: &crate::api::FeatureSelection,
    lib: &str,
    probe_dir: &std::path::Path,
    doc_target: &std::path::Path,
    opts: &DocOptions,
) -> anyhow::Result<(Vec<u8>, PathBuf)> {
    // `all-features = true`: every feature of the published version (known now it is resolved).
    let mut all = HashMap::new();
    if *selection == crate::api::FeatureSelection::All {
        all.insert(m.name.clone(), pkg.features.keys().cloned().collect());
    }
    let pin = HashMap::from([(m.name.clone(), pkg.version.clone())]);
    let dir = probe_in(ws, &format!("registry-doc-{}", m.name), &[m], &pin, &opts.features, &all)?;
    // The versions the joint resolution chose for everything else (a dependency resolved
    // anew could be a newer release than the one the siblings were built against).
    if let Err(e) = std::fs::copy(probe_dir.join("Cargo.lock"), dir.join("Cargo.lock")) {
        return Err(e).context("cannot copy the registry probe's Cargo.lock");
    }
    let call = CargoDoc {
        manifest: dir.join("Cargo.toml"),
        cwd: ws.root.clone(),
        target_dir: doc_target.to_path_buf(),
        packages: vec![format!("{}@{}", pkg.name, pkg.version)],
        names: vec![format!("{} {}", pkg.name, pkg.version)],
        features: Vec::new(),
        mode: crate::rustdoc::DocMode::DefaultFeatures,
        bootstrap: vec![lib.to_string()],
        libs: vec![lib.to_string()],
    };
    call.run(opts).context("cannot document the published baseline")?;
    let path = call.json_path(lib, opts.target.as_deref());
    let json = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((json, path))
}

/// The baseline of a published package.
fn published(
    registry: &str,
    version: &semver::Version,
    from: Source,
    snapshot: Snapshot,
    locator: Locator,
) -> Baseline {
    Baseline {
        origin: Origin { kind: OriginKind::Registry, reference: format!("{registry} {version}"), from },
        version: Some(version.clone()),
        snapshot,
        locations: HashMap::new(),
        locator,
        registry: Some(registry.to_string()),
    }
}

pub(super) fn registry_name(m: &Member) -> String {
    match &m.publish {
        Publish::Registries(list) => list.first().cloned().unwrap_or_else(|| "crates-io".to_string()),
        _ => "crates-io".to_string(),
    }
}

/// Each member's baseline version on its own: the highest published version not above its
/// manifest's that Cargo would pick for a project depending on it alone (yanked versions are
/// skipped, as Cargo skips them); `None` when the registry has none.
fn choose_versions(
    ws: &Workspace,
    members: &[&Member],
    flags: &crate::workspace::FeatureFlags,
) -> anyhow::Result<Vec<Option<semver::Version>>> {
    let mut out = Vec::with_capacity(members.len());
    for m in members {
        let dir = probe_in(ws, &format!("registry-probe-{}", m.name), &[*m], &HashMap::new(), flags, &HashMap::new())?;
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

/// The scratch project depending on each member's published version: exactly its pin, else
/// the highest not above the manifest's; `all_features` lists the features to request for
/// members documented with every feature.
pub(super) fn probe(
    ws: &Workspace,
    members: &[&Member],
    pins: &HashMap<String, semver::Version>,
    flags: &crate::workspace::FeatureFlags,
    all_features: &HashMap<String, Vec<String>>,
) -> anyhow::Result<PathBuf> {
    probe_in(ws, "registry-probe", members, pins, flags, all_features)
}

fn probe_in(
    ws: &Workspace,
    name: &str,
    members: &[&Member],
    pins: &HashMap<String, semver::Version>,
    flags: &crate::workspace::FeatureFlags,
    all_features: &HashMap<String, Vec<String>>,
) -> anyhow::Result<PathBuf> {
    let mut deps = Vec::new();
    for m in members {
        let req = match pins.get(&m.name) {
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
    crate::cargo::scratch(&ws.atomic_dir(), name, &deps)
}

pub(super) fn lib_name(pkg: &cargo_metadata::Package) -> Option<String> {
    pkg.targets.iter().find(|t| t.is_lib() || t.is_proc_macro()).map(|t| t.name.replace('-', "_"))
}
