//! The Cargo commands publishing runs: package, publish, yank, and questions to the registry
//! (does a version exist, is it yanked, what is its checksum), asked through scratch projects
//! (`crate::cargo`). Tokens are never read, stored or printed here: Cargo handles them.

use std::path::PathBuf;
use std::process::{Command, Output};

use anyhow::{bail, Context};

use crate::workspace::Workspace;

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn run(mut cmd: Command, what: &str) -> anyhow::Result<Output> {
    cmd.env("CARGO_TERM_COLOR", "never");
    cmd.output().with_context(|| format!("cannot run `cargo {what}`"))
}

/// Cargo's error output, without progress noise.
pub fn cargo_error(out: &Output) -> String {
    crate::cargo::messages(&String::from_utf8_lossy(&out.stderr))
}

/// `--registry NAME`, or nothing for crates.io.
fn registry_args(cmd: &mut Command, registry: Option<&str>) {
    if let Some(r) = registry {
        cmd.args(["--registry", r]);
    }
}

/// Packages the crates together (each verified against the others through Cargo's local
/// overlay) and returns the `.crate` files with their SHA-256.
pub fn package(ws: &Workspace, packages: &[String], verify: bool) -> anyhow::Result<Vec<(String, PathBuf, String)>> {
    let mut cmd = cargo();
    cmd.current_dir(&ws.root).args(["package", "--allow-dirty", "--manifest-path"]).arg(ws.root.join("Cargo.toml"));
    if !verify {
        cmd.arg("--no-verify");
    }
    for p in packages {
        let m = ws.member(p).with_context(|| format!("`{p}` is not a member"))?;
        cmd.args(["-p", &m.id]);
    }
    let out = run(cmd, "package")?;
    if !out.status.success() {
        bail!("`cargo package` failed:\n{}", cargo_error(&out));
    }
    let mut files = Vec::new();
    for p in packages {
        let m = ws.member(p).with_context(|| format!("`{p}` is not a member"))?;
        let file = ws.target_dir.join("package").join(format!("{}-{}.crate", m.name, m.version));
        let bytes = std::fs::read(&file).with_context(|| format!("cargo package wrote no {}", file.display()))?;
        files.push((p.clone(), file, crate::fsutil::sha256_hex(&bytes)));
    }
    Ok(files)
}

/// Whether `cargo package` failed only because this Cargo cannot package a crate before the
/// crates of the train it depends on are in the registry: Cargo 1.89 and later package a train
/// against itself (the packages being packaged overlaid on the registry), older ones resolve
/// from the registry alone — and refuse to be told which one (`--registry` is unstable there).
pub fn needs_published_dependencies(error: &str, train: &[String]) -> bool {
    error.contains("the `--registry` flag is unstable")
        || train.iter().any(|name| crate::cargo::no_such_package(error, name))
}

/// Builds the crates against each other from the workspace (`cargo check`), as `cargo package`
/// would verify them, for a Cargo that cannot package them before they are published.
pub fn check_builds(ws: &Workspace, packages: &[String]) -> anyhow::Result<()> {
    let mut cmd = cargo();
    cmd.current_dir(&ws.root).args(["check", "--manifest-path"]).arg(ws.root.join("Cargo.toml"));
    for p in packages {
        let m = ws.member(p).with_context(|| format!("`{p}` is not a member"))?;
        cmd.args(["-p", &m.id]);
    }
    let out = run(cmd, "check")?;
    if !out.status.success() {
        bail!("the train does not build:\n{}", cargo_error(&out));
    }
    Ok(())
}

/// Builds the whole workspace as it stands — every member, published or not, every target — with
/// the lockfile as it is (`--locked`): what the train leaves for everyone who builds the
/// repository after it.
pub fn check_workspace(ws: &Workspace) -> anyhow::Result<()> {
    let mut cmd = cargo();
    cmd.current_dir(&ws.root)
        .args(["check", "--workspace", "--all-targets", "--locked", "--manifest-path"])
        .arg(ws.root.join("Cargo.toml"));
    let out = run(cmd, "check")?;
    if !out.status.success() {
        bail!("{}", cargo_error(&out));
    }
    Ok(())
}

/// Publishes one crate (already verified with the rest of the train). Returns Cargo's output.
pub fn publish(ws: &Workspace, package: &str, registry: Option<&str>) -> anyhow::Result<Output> {
    let spec = ws.member(package).map(|m| m.id.clone()).unwrap_or_else(|| package.to_string());
    let mut cmd = cargo();
    cmd.current_dir(&ws.root)
        .args(["publish", "--no-verify", "--allow-dirty", "-p", &spec, "--manifest-path"])
        .arg(ws.root.join("Cargo.toml"));
    registry_args(&mut cmd, registry);
    run(cmd, "publish")
}

/// Yanks (or with `undo`, unyanks) a version.
pub fn yank(ws: &Workspace, package: &str, version: &str, registry: Option<&str>, undo: bool) -> anyhow::Result<()> {
    let mut cmd = cargo();
    cmd.current_dir(&ws.root).args(["yank", "--version", version, package]);
    if undo {
        cmd.arg("--undo");
    }
    registry_args(&mut cmd, registry);
    let out = run(cmd, "yank")?;
    if !out.status.success() {
        bail!("{}", cargo_error(&out));
    }
    Ok(())
}

/// When `cargo publish` failed on the registry's rate limit (HTTP 429), how long to wait: the
/// time the registry names (`Retry-After: N` or crates.io's "try again after <date>"), else a
/// minute.
pub fn rate_limited(out: &std::process::Output) -> Option<std::time::Duration> {
    if out.status.success() {
        return None;
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Cargo words an API error as `the remote server responded with an error (status 429 Too
    // Many Requests): …`; a bare "429" could be part of a port or a path.
    if !stderr.contains("status 429") && !stderr.contains("429 Too Many Requests") {
        return None;
    }
    let seconds = stderr
        .split("Retry-After:")
        .nth(1)
        .or_else(|| stderr.split("retry after ").nth(1))
        .and_then(|rest| rest.trim_start().split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or(60);
    Some(std::time::Duration::from_secs(seconds.clamp(1, 3600)))
}

/// Whether Cargo's output says the upload itself went through (`Uploaded NAME vVERSION`), even
/// if it failed afterwards (waiting for the index).
pub fn reported_uploaded(out: &std::process::Output, package: &str, version: &str) -> bool {
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr.lines().any(|l| l.trim_start().starts_with("Uploaded") && l.contains(&format!("{package} v{version}")))
}

pub use crate::cargo::{published, Published};

/// A scratch project depending on exactly these `(package, version, registry)`.
fn scratch(ws: &Workspace, name: &str, deps: &[(String, String, Option<String>)]) -> anyhow::Result<PathBuf> {
    crate::cargo::pinned_scratch(ws, name, deps)
}

/// Builds a scratch project that depends on every `(package, version, registry)` from the
/// registry: the train works for a user who depends on it. Returns Cargo's error when it does not.
pub fn health_check(ws: &Workspace, deps: &[(String, String, Option<String>)]) -> anyhow::Result<Result<(), String>> {
    let root = scratch(ws, "health-check", deps)?;
    let mut cmd = cargo();
    cmd.current_dir(&ws.root)
        .args(["build", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(root.join("target"));
    let out = run(cmd, "build")?;
    Ok(if out.status.success() { Ok(()) } else { Err(cargo_error(&out)) })
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt;

    fn failed(stderr: &str) -> std::process::Output {
        std::process::Output {
            status: std::process::ExitStatus::from_raw(101 << 8),
            stdout: Vec::new(),
            stderr: stderr.as_bytes().to_vec(),
        }
    }

    #[test]
    fn only_cargo_s_wording_of_a_429_is_a_rate_limit() {
        let limited = failed(
            "error: failed to publish to registry at http://127.0.0.1:4291\n\nCaused by:\n  the remote server \
             responded with an error (status 429 Too Many Requests): slow down. Retry-After: 7\n",
        );
        assert_eq!(super::rate_limited(&limited), Some(std::time::Duration::from_secs(7)));
        // A port or a temporary path holding "429" is not a rate limit.
        let conflict = failed(
            "error: failed to publish to registry at http://127.0.0.1:42913\n\nCaused by:\n  the remote server \
             responded with an error (status 409 Conflict): crate version already exists\n",
        );
        assert_eq!(super::rate_limited(&conflict), None);
    }
}
