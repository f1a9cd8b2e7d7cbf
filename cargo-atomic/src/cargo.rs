//! Running Cargo for the tool's own purposes: its error output without progress noise, and
//! scratch projects that depend on published packages, so that the registries, credential
//! providers and `.cargo/config.toml` of the user's workspace apply to the tool's questions.
//!
//! Used by `rustdoc`, `baseline` and `publish`; it decides nothing about APIs or releases.

use std::path::{Path, PathBuf};

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

/// Whether Cargo's resolution error says `package` is not in its registry at all.
pub fn no_such_package(stderr: &str, package: &str) -> bool {
    stderr.contains(&format!("no matching package named `{package}` found"))
}

/// Whether it says no published version matches the requirement of the dependency named one of
/// `names` (its alias or its package name).
pub fn no_matching_version(stderr: &str, names: &[&str]) -> bool {
    names.iter().any(|n| stderr.contains(&format!("failed to select a version for the requirement `{n} = ")))
}
