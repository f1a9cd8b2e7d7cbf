//! The API cache: a member's API is stored with a fingerprint of everything it was built from,
//! and reused — no Cargo, no rustdoc — while the fingerprint matches.
//!
//! A member's fingerprint covers its own inputs — every file of its package directory (nested
//! members, `target/` and the snapshot file aside), the workspace manifest, `Cargo.lock`, the
//! `.cargo/config.toml` files Cargo reads, the toolchain (`rustc -vV`), the build environment
//! (`RUSTFLAGS`, `RUSTC`, `CARGO_BUILD_*`, …), the target, the documented features and this
//! cargo-atomic build — and the fingerprints of the members it depends on (re-exports and type
//! paths run downstream). A build script adds what its runs declared they read
//! (`rerun-if-changed` files, `rerun-if-env-changed` variables), as Cargo reruns it; before its
//! first run there is nothing to compare. A member with a path dependency outside the workspace,
//! or no lockfile, has no fingerprint: it is always documented, and so are its dependents.
//!
//! The same cache serves documented baselines: a revision's tree is exported once, so its files
//! and fingerprints do not change between runs. Entries live under the workspace's atomic dir,
//! are renamed into place whole, and one that does not read back is ignored (and rewritten).
//! `--no-cache` or `CARGO_ATOMIC_NO_CACHE=1` bypasses reading.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::api::{snapshot, CrateApi, FeatureSelection, Location};
use crate::fsutil::sha256_hex;
use crate::workspace::{DepKind, Member, Workspace};

/// Bumped when the entry format or what it means changes.
const VERSION: u32 = 1;

/// Whether the cache may be read (it is always written).
pub fn enabled(no_cache_flag: bool) -> bool {
    !no_cache_flag && std::env::var_os("CARGO_ATOMIC_NO_CACHE").is_none_or(|v| v.is_empty() || v == "0")
}

/// Fingerprints of the members of `needed`, in dependency order (`None`: always documented).
pub fn fingerprints(
    ws: &Workspace,
    needed: &BTreeSet<String>,
    selections: &HashMap<String, FeatureSelection>,
    target: Option<&str>,
) -> HashMap<String, Option<String>> {
    let shared = shared_inputs(ws, target);
    let mut out: HashMap<String, Option<String>> = HashMap::new();
    for name in ws.topo_order(needed) {
        let member = ws.member(&name).expect("needed members come from the workspace");
        let deps = ws.member_deps(&name, &[DepKind::Normal, DepKind::Build]);
        let fingerprint = shared.as_ref().and_then(|shared| {
            let mut parts = vec![shared.clone(), format!("{:?}", selections.get(&name))];
            parts.push(own_inputs(ws, member)?);
            for dep in &deps {
                parts.push(format!("{dep}={}", out.get(dep).cloned().flatten()?));
            }
            Some(sha256_hex(parts.join("\n").as_bytes()))
        });
        out.insert(name, fingerprint);
    }
    out
}

/// The stored API of `member`, if its fingerprint is `fingerprint`.
pub fn load(ws: &Workspace, member: &str, fingerprint: &str) -> Option<CrateApi> {
    let text = std::fs::read(entry_path(ws, member)).ok()?;
    let entry: Entry = serde_json::from_slice(&text).ok()?;
    if entry.version != VERSION || entry.fingerprint != fingerprint {
        return None;
    }
    entry.api.into_api().ok()
}

/// Stores `api` as `member`'s with `fingerprint`. A cache that cannot be written costs a rustdoc
/// run next time, nothing more.
pub fn store(ws: &Workspace, member: &str, fingerprint: &str, api: &CrateApi) {
    let entry = Entry { version: VERSION, fingerprint: fingerprint.to_string(), api: Stored::from_api(api) };
    let Ok(json) = serde_json::to_vec(&entry) else { return };
    let _ = crate::fsutil::replace_cache_file(&entry_path(ws, member), &json);
}

fn entry_path(ws: &Workspace, member: &str) -> PathBuf {
    ws.atomic_dir().join("api-cache").join(format!("{member}.json"))
}

#[derive(Serialize, Deserialize)]
struct Entry {
    version: u32,
    fingerprint: String,
    api: Stored,
}

/// A [`CrateApi`] on disk (in the cache, and in a shard's partial): the snapshot in its file
/// format, locations by item index.
#[derive(Clone, Serialize, Deserialize)]
pub struct Stored {
    snapshot: String,
    locations: Vec<(usize, Location)>,
    canonical: HashMap<String, String>,
    reexports: BTreeMap<String, String>,
}

impl Stored {
    pub fn from_api(api: &CrateApi) -> Stored {
        let locations = api
            .snapshot
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| api.locations.get(&item.key()).map(|l| (i, l.clone())))
            .collect();
        Stored {
            snapshot: snapshot::render(&api.snapshot),
            locations,
            canonical: api.canonical.clone(),
            reexports: api.reexports.clone(),
        }
    }

    pub fn into_api(self) -> anyhow::Result<CrateApi> {
        let snapshot = snapshot::parse(&self.snapshot, "the API cache")?;
        let mut locations = HashMap::new();
        for (i, location) in self.locations {
            let item = snapshot.items.get(i).ok_or_else(|| anyhow::anyhow!("a location past the last item"))?;
            locations.entry(item.key()).or_insert(location);
        }
        Ok(CrateApi { snapshot, locations, canonical: self.canonical, reexports: self.reexports })
    }
}

/// What every member's API depends on alike; `None` when there is no lockfile (Cargo would
/// resolve afresh).
fn shared_inputs(ws: &Workspace, target: Option<&str>) -> Option<String> {
    let lock = std::fs::read(ws.root.join("Cargo.lock")).ok()?;
    let parts = [
        format!("lock {}", sha256_hex(&lock)),
        format!("root manifest {}", file_hash(&ws.root.join("Cargo.toml"))),
        environment(&ws.root, target),
    ];
    Some(sha256_hex(parts.join("\n").as_bytes()))
}

/// What a build in `root` depends on besides sources and lockfile: this cargo-atomic build, the
/// target, the toolchain, Cargo's configuration files and the build environment variables.
pub fn environment(root: &Path, target: Option<&str>) -> String {
    environment_of(root, target, Some(&tool_identity()))
}

fn environment_of(root: &Path, target: Option<&str>, tool: Option<&str>) -> String {
    let mut parts: Vec<String> = vec![format!("cache {VERSION}")];
    parts.extend(tool.map(|t| format!("tool {t}")));
    parts.push(format!("target {target:?}"));
    parts.push(format!("toolchain {}", toolchain(root)));
    for config in crate::cargo::config_files(root) {
        parts.push(format!("config {} {}", config.display(), file_hash(&config)));
    }
    let mut env: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.to_string_lossy().into_owned())))
        .filter(|(k, _)| build_variable(k))
        .collect();
    env.sort();
    parts.extend(env.into_iter().map(|(k, v)| format!("env {k}={v}")));
    sha256_hex(parts.join("\n").as_bytes())
}

/// Environment variables that can change what the compiler sees.
fn build_variable(name: &str) -> bool {
    matches!(
        name,
        "RUSTFLAGS" | "CARGO_ENCODED_RUSTFLAGS" | "RUSTC" | "RUSTDOC" | "RUSTC_WORKSPACE_WRAPPER" | "CARGO_HOME"
    ) || (name.starts_with("CARGO_BUILD_") && name != "CARGO_BUILD_JOBS")
        || (name.starts_with("CARGO_TARGET_") && name != "CARGO_TARGET_DIR")
        || name.starts_with("CARGO_PROFILE_")
        || name.starts_with("CARGO_PATCH_")
        || name.starts_with("CARGO_REGISTRIES_") && !name.ends_with("_TOKEN")
}

/// What every member is built from, as one hash: the lockfile, the manifests, each member's files,
/// the target, the toolchain, Cargo's configuration and the build environment — not this build
/// of the tool, nor what build scripts' runs declared (a machine's own history). Shards of one
/// run and their merge must agree on it (see [`crate::partition`]).
pub fn source_identity(ws: &Workspace, target: Option<&str>) -> String {
    let lock = std::fs::read(ws.root.join("Cargo.lock")).map(|b| sha256_hex(&b)).unwrap_or_else(|_| "none".into());
    let mut parts = vec![
        format!("lock {lock}"),
        format!("root manifest {}", file_hash(&ws.root.join("Cargo.toml"))),
        environment_of(&ws.root, target, None),
    ];
    let mut members: Vec<&Member> = ws.members.iter().collect();
    members.sort_by(|a, b| a.name.cmp(&b.name));
    for m in members {
        parts.push(format!("{} {}", m.name, member_files(ws, m).unwrap_or_else(|| "unreadable".into())));
    }
    sha256_hex(parts.join("\n").as_bytes())
}

/// The member's own files and manifest, and for a build script what its last run declared it
/// reads; `None` when its API can depend on more than that.
fn own_inputs(ws: &Workspace, member: &Member) -> Option<String> {
    if member.deps.iter().any(|d| d.outside_path && d.kind != DepKind::Dev) {
        return None;
    }
    let script = if member.build_script { build_script_inputs(ws, member)? } else { String::new() };
    Some(sha256_hex(format!("{}\n{script}", member_files(ws, member)?).as_bytes()))
}

/// The files of a member's package directory and their contents, as one hash.
fn member_files(ws: &Workspace, member: &Member) -> Option<String> {
    let other_members: BTreeSet<&Path> =
        ws.members.iter().filter(|m| m.name != member.name).map(|m| m.dir.as_path()).collect();
    let mut files = Vec::new();
    collect_files(&member.dir, &member.dir, &other_members, &ws.target_dir, &mut files).ok()?;
    files.sort();
    let mut parts = Vec::with_capacity(files.len() + 1);
    for rel in files {
        let bytes = std::fs::read(member.dir.join(&rel)).ok()?;
        parts.push(format!("{rel} {}", sha256_hex(&bytes)));
    }
    Some(sha256_hex(parts.join("\n").as_bytes()))
}

/// What a build script's runs in the tool's target dir declared they read, as Cargo reruns it:
/// every `rerun-if-changed` path (a file's contents, a directory's files) and every
/// `rerun-if-env-changed` variable's value. A script that declared no path is rerun by Cargo on
/// any change of its package, which the package's files already cover. `None` before its first
/// run there (nothing declared yet): documented, and fingerprinted the next time.
fn build_script_inputs(ws: &Workspace, member: &Member) -> Option<String> {
    let atomic = ws.atomic_dir();
    let mut build_dirs = vec![atomic.join("debug").join("build")];
    if let Ok(entries) = std::fs::read_dir(&atomic) {
        build_dirs.extend(entries.flatten().map(|e| e.path().join("debug").join("build")));
    }
    let prefix = format!("{}-", member.name);
    let mut outputs: Vec<PathBuf> = build_dirs
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flat_map(|entries| entries.flatten())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path().join("output"))
        .filter(|p| p.is_file())
        .collect();
    if outputs.is_empty() {
        return None;
    }
    outputs.sort();
    let mut parts = Vec::new();
    for output in outputs {
        let text = std::fs::read_to_string(&output).ok()?;
        for line in text.lines() {
            let Some(directive) = line.strip_prefix("cargo::").or_else(|| line.strip_prefix("cargo:")) else {
                continue;
            };
            if let Some(path) = directive.strip_prefix("rerun-if-changed=") {
                parts.push(format!("file {path} {}", tree_hash(&member.dir.join(path))));
            } else if let Some(var) = directive.strip_prefix("rerun-if-env-changed=") {
                parts.push(format!("env {var} {:?}", std::env::var_os(var)));
            }
        }
    }
    parts.sort();
    parts.dedup();
    Some(parts.join("\n"))
}

/// A file's contents, or a directory's files and their contents; `missing` when absent.
fn tree_hash(path: &Path) -> String {
    if path.is_file() {
        return file_hash(path);
    }
    let mut files = Vec::new();
    if collect_files(path, path, &BTreeSet::new(), Path::new(""), &mut files).is_err() {
        return "missing".to_string();
    }
    files.sort();
    let listing: Vec<String> = files.iter().map(|f| format!("{f} {}", file_hash(&path.join(f)))).collect();
    sha256_hex(listing.join("\n").as_bytes())
}

/// Every file under `dir` (relative to `base`, with `/`), skipping nested members, target
/// directories, VCS metadata, the snapshot file and the tool's own `.atomic-*` files.
fn collect_files(
    base: &Path,
    dir: &Path,
    skip: &BTreeSet<&Path>,
    target_dir: &Path,
    out: &mut Vec<String>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let file_type = entry.file_type()?;
        if file_type.is_dir() {
            if name == "target" || name == ".git" || skip.contains(path.as_path()) || path == target_dir {
                continue;
            }
            collect_files(base, &path, skip, target_dir, out)?;
        } else if !name.to_string_lossy().starts_with(".atomic-") && (dir != base || name != snapshot::FILE_NAME) {
            let rel = path.strip_prefix(base).expect("under base").to_string_lossy().replace('\\', "/");
            out.push(rel);
        }
    }
    Ok(())
}

fn file_hash(path: &Path) -> String {
    std::fs::read(path).map(|b| sha256_hex(&b)).unwrap_or_else(|_| "none".to_string())
}

/// `rustc -vV` as Cargo would run it in `root` (a `rust-toolchain.toml` there applies); asked
/// once per process for each toolchain override found.
pub(crate) fn toolchain(root: &Path) -> String {
    static SEEN: std::sync::Mutex<BTreeMap<String, String>> = std::sync::Mutex::new(BTreeMap::new());
    let overrides: String = root
        .ancestors()
        .flat_map(|d| [d.join("rust-toolchain.toml"), d.join("rust-toolchain")])
        .find_map(|f| std::fs::read_to_string(f).ok())
        .unwrap_or_default();
    let key = format!("{overrides}\n{:?}", std::env::var_os("RUSTUP_TOOLCHAIN"));
    if let Some(known) = SEEN.lock().ok().and_then(|seen| seen.get(&key).cloned()) {
        return known;
    }
    let version = std::process::Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .arg("-vV")
        .current_dir(root)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    if let Ok(mut seen) = SEEN.lock() {
        seen.insert(key, version.clone());
    }
    version
}

/// This build of cargo-atomic: its version and its executable's size and modification time (a
/// rebuilt tool may normalize differently).
fn tool_identity() -> String {
    let exe = std::env::current_exe().ok().and_then(|p| std::fs::metadata(p).ok());
    let stamp = exe.map(|m| format!("{} {:?}", m.len(), m.modified().ok())).unwrap_or_else(|| "unknown".to_string());
    format!("{} {stamp}", env!("CARGO_PKG_VERSION"))
}
