//! Baselines from another checkout of the workspace (`--baseline-path`), and documenting any
//! baseline tree with rustdoc.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{bail, Context};

use super::{Baseline, Locator, Origin, OriginKind, Source};
use crate::api::snapshot;
use crate::rustdoc::{self, DocOptions};
use crate::workspace::{Member, Workspace};

pub(super) fn from_path(
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
                    origin: Origin::new(OriginKind::Path, shown.clone(), Source::Snapshot),
                    version: Some(old.version.clone()),
                    snapshot: snapshot::read(&file)?,
                    locations: HashMap::new(),
                    locator: Locator::Dir { dir: old.dir.clone(), shown: rel_to(&old.dir, &base.root, &shown) },
                    registry: None,
                }),
            );
        } else {
            to_document.push(*m);
        }
    }
    if !to_document.is_empty() {
        let origin = Origin::new(OriginKind::Path, shown.clone(), Source::Rustdoc);
        let root = base.root.clone();
        let locator = |m: &Member| match base.member(&m.name) {
            Some(old) => Locator::Dir { dir: old.dir.clone(), shown: rel_to(&old.dir, &base.root, &shown) },
            None => Locator::Nowhere,
        };
        out.extend(document_checkout(ws, &root, None, &to_document, opts, origin, locator)?);
    }
    Ok(out)
}

pub(super) fn rel_to(dir: &Path, root: &Path, shown_root: &str) -> String {
    match dir.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => shown_root.to_string(),
        Ok(rel) => format!("{shown_root}/{}", rel.to_string_lossy().replace('\\', "/")),
        Err(_) => dir.to_string_lossy().into_owned(),
    }
}

/// Documents the members named like `members` in the workspace at `root`, sharing one target
/// directory for all baselines so dependencies build once. `frozen`: the tree never changes (an
/// exported revision), so what Cargo says of its manifests is kept there.
pub(super) fn document_checkout(
    ws: &Workspace,
    root: &Path,
    frozen: Option<&Path>,
    members: &[&Member],
    opts: &DocOptions,
    origin: Origin,
    locator: impl Fn(&Member) -> Locator,
) -> anyhow::Result<BTreeMap<String, Option<Baseline>>> {
    if !root.join("Cargo.toml").is_file() {
        // The workspace did not exist there yet: every crate is new since.
        return Ok(members.iter().map(|m| (m.name.clone(), None)).collect());
    }
    let manifest = root.join("Cargo.toml");
    let mut base = match frozen {
        Some(memo) => Workspace::load_frozen(&manifest, memo),
        None => Workspace::load(Some(&manifest)),
    }
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
    let apis = rustdoc::build_apis(&base, &present, opts, &mut |_| {})
        .with_context(|| format!("cannot document the baseline ({origin})"))?;
    let shown_root = match origin.kind {
        OriginKind::Path => origin.reference.clone(),
        _ => String::new(),
    };
    for old in present {
        // (A shard documents its own members and normalizes none: it has no APIs to return.)
        let Some(api) = apis.by_package.get(&old.name) else { continue };
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
                registry: None,
            }),
        );
    }
    Ok(out)
}
