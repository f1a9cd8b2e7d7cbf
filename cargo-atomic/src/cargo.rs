//! Running Cargo for the tool's own purposes: its error output without progress noise, and
//! scratch projects that depend on published packages, so that the registries, credential
//! providers and `.cargo/config.toml` of the user's workspace apply to the tool's questions.
//!
//! Used by `rustdoc`, `baseline` and `publish`; it decides nothing about APIs or releases.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::workspace::Workspace;

/// Cargo's output without the progress lines, which say nothing about a failure.
pub fn messages(stderr: &str) -> String {
    const PROGRESS: [&str; 15] = [
        "Adding ",
        "Archiving ",
        "Blocking ",
        "Checking ",
        "Compiling ",
        "Documenting ",
        "Downloaded ",
        "Downloading ",
        "Finished ",
        "Locking ",
        "Packaged ",
        "Packaging ",
        "Updating ",
        "Uploading ",
        "Verifying ",
    ];
    stderr
        .lines()
        .filter(|l| !PROGRESS.iter().any(|p| l.trim_start().starts_with(p)))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// `.cargo/config.toml` (and `config`) files Cargo reads for a build in `root`: the root and its
/// ancestors, then `CARGO_HOME`'s.
pub fn config_files(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = root.ancestors().map(|d| d.join(".cargo")).collect();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home));
    } else if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo"));
    }
    dirs.iter().flat_map(|d| [d.join("config.toml"), d.join("config")]).filter(|f| f.is_file()).collect()
}

/// A dependency of a scratch project: `package` at `req` from `registry` (crates.io when none),
/// with `extra` inline-table entries (`, features = [...]`).
pub struct Dependency {
    pub package: String,
    pub req: String,
    pub registry: Option<String>,
    pub extra: String,
}

/// The name the `i`-th dependency of a scratch project has in its manifest (and in Cargo's
/// resolution errors).
pub fn alias(i: usize) -> String {
    format!("dep{i}")
}

/// Writes a scratch project `<atomic dir>/<name>` (its own workspace) depending on `deps`,
/// without a lock file from an earlier question. Returns its directory. Cargo commands on it run
/// from the workspace root, so the workspace's `.cargo/config.toml` (registries, sources)
/// applies.
pub fn scratch(atomic_dir: &Path, name: &str, deps: &[Dependency]) -> anyhow::Result<PathBuf> {
    let root = atomic_dir.join(name);
    std::fs::create_dir_all(root.join("src"))?;
    std::fs::write(root.join("src").join("lib.rs"), b"")?;
    let _ = std::fs::remove_file(root.join("Cargo.lock"));
    let mut manifest = String::from(
        "# Written by cargo-atomic.\n[package]\nname = \"atomic-scratch\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n[workspace]\n\n[dependencies]\n",
    );
    for (i, d) in deps.iter().enumerate() {
        let registry = d.registry.as_ref().map(|r| format!(", registry = {r:?}")).unwrap_or_default();
        manifest.push_str(&format!(
            "{} = {{ package = {:?}, version = {:?}{registry}{} }}\n",
            alias(i),
            d.package,
            d.req,
            d.extra
        ));
    }
    crate::fsutil::write_atomic(&root.join("Cargo.toml"), manifest.as_bytes())?;
    Ok(root)
}

/// The last non-empty line of an error and its causes: what a registry that could not be asked
/// said, in one line.
pub fn last_line(e: &anyhow::Error) -> String {
    format!("{e:#}").lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default().trim().to_string()
}

/// Whether Cargo's resolution error says `package` is not in its registry at all.
pub fn no_such_package(stderr: &str, package: &str) -> bool {
    stderr.contains(&format!("no matching package named `{package}` found"))
}

/// Whether it says no published version matches the requirement of the dependency named one of
/// `names` (its alias or its package name).
pub fn no_matching_version(stderr: &str, names: &[&str]) -> bool {
    names.iter().any(|n| stderr.contains(&format!("failed to select a version for the requirement `{n} = ")))
}

/// A scratch project `<atomic dir>/<name>` depending on exactly these `(package, version,
/// registry)`.
pub fn pinned_scratch(
    ws: &Workspace,
    name: &str,
    deps: &[(String, String, Option<String>)],
) -> anyhow::Result<PathBuf> {
    let deps: Vec<Dependency> = deps
        .iter()
        .map(|(package, version, registry)| Dependency {
            package: package.clone(),
            req: format!("={version}"),
            registry: registry.clone(),
            extra: String::new(),
        })
        .collect();
    scratch(&ws.atomic_dir(), name, &deps)
}

/// What the registry says about one version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Published {
    /// The crate has no version at all in the registry.
    NewCrate,
    /// The crate exists, this version does not.
    Absent,
    Live {
        checksum: String,
    },
    Yanked,
}

impl Published {
    /// Whether the version number is taken: live or yanked, a registry never takes it again.
    pub fn taken(&self) -> bool {
        matches!(self, Published::Live { .. } | Published::Yanked)
    }
}

/// Asks the registry (`None`: crates.io) about `package` `version`, through Cargo and its index,
/// as `publish` reads it.
pub fn published(ws: &Workspace, package: &str, version: &str, registry: Option<&str>) -> anyhow::Result<Published> {
    let root = pinned_scratch(
        ws,
        "publish-probe",
        &[(package.to_string(), version.to_string(), registry.map(str::to_string))],
    )?;
    let out = std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(&ws.root)
        .args(["generate-lockfile", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .context("cannot run `cargo generate-lockfile`")?;
    if out.status.success() {
        let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("cargo wrote no Cargo.lock")?;
        let checksum = lock_checksum(&lock, package, version).unwrap_or_default();
        return Ok(Published::Live { checksum });
    }
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains(&format!("version {version} is yanked")) || err.contains("is yanked") {
        return Ok(Published::Yanked);
    }
    if no_such_package(&err, package) {
        return Ok(Published::NewCrate);
    }
    if no_matching_version(&err, &[&alias(0), package]) {
        return Ok(Published::Absent);
    }
    bail!("cannot ask the registry about {package} {version}:\n{}", messages(&err))
}

/// The `checksum` of a package in a `Cargo.lock`.
fn lock_checksum(lock: &str, package: &str, version: &str) -> Option<String> {
    let doc: toml_edit::DocumentMut = lock.parse().ok()?;
    let found = doc.get("package")?.as_array_of_tables()?.iter().find_map(|p| {
        (p.get("name")?.as_str()? == package && p.get("version")?.as_str()? == version)
            .then(|| p.get("checksum").and_then(|c| c.as_str()).map(str::to_string))
            .flatten()
    });
    found
}
