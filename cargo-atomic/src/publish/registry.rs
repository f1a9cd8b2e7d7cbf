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
/// versions of the train's crates it depends on are in the registry: Cargo 1.89 and later package a train
/// against itself (the packages being packaged overlaid on the registry), older ones resolve
/// from the registry alone — and refuse to be told which one (`--registry` is unstable there).
pub fn needs_published_dependencies(error: &str, train: &[String]) -> bool {
    error.contains("the `--registry` flag is unstable")
        || train.iter().any(|name| {
            // A first release (the crate is not there), or a later one (its new version is not).
            crate::cargo::no_such_package(error, name) || crate::cargo::no_matching_version(error, &[name])
        })
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

/// Builds the whole workspace as it stands — every member, published or not, its libraries,
/// binaries and examples, then its tests — with the lockfile as it is (`--locked`): what the
/// train leaves for everyone who builds the repository after it. `Err`: the libraries, binaries
/// or examples do not build; `Ok(Some(error))`: they do, the tests do not (a test may need
/// features or a toolchain no plain build uses — futures' tests refuse to compile without all
/// its features — so that is the maintainers' to judge, not a refusal).
pub fn check_workspace(ws: &Workspace) -> anyhow::Result<Option<String>> {
    let build = |targets: &[&str]| -> anyhow::Result<Option<String>> {
        let mut cmd = cargo();
        cmd.current_dir(&ws.root)
            .args(["check", "--workspace"])
            .args(targets)
            .args(["--locked", "--manifest-path"])
            .arg(ws.root.join("Cargo.toml"));
        let out = run(cmd, "check")?;
        Ok((!out.status.success()).then(|| cargo_error(&out)))
    };
    // Benchmarks are left out: they often need a nightly toolchain (`#![feature(test)]`) and are
    // nothing a release breaks for its users.
    if let Some(error) = build(&["--lib", "--bins", "--examples"])? {
        bail!("{error}");
    }
    build(&["--lib", "--bins", "--examples", "--tests"])
}

/// Has Cargo ask `command` for the registry's token (Cargo's `cargo:token-from-stdout`
/// credential provider, set for this one command on its command line, above any configuration):
/// a fresh token for every upload and yank. The command is split at whitespace, as Cargo splits
/// a provider given as a string.
fn token_command(cmd: &mut Command, registry: Option<&str>, command: Option<&str>) {
    let Some(command) = command else { return };
    let mut provider = toml_edit::Array::new();
    provider.push("cargo:token-from-stdout");
    for word in command.split_whitespace() {
        provider.push(word);
    }
    let key = match registry {
        None => "registry.credential-provider".to_string(),
        Some(name) => format!("registries.{name}.credential-provider"),
    };
    cmd.args(["--config", &format!("{key}={provider}")]);
    // A token in the environment would otherwise be Cargo's first answer.
    cmd.env_remove("CARGO_REGISTRY_TOKEN");
    if let Some(name) = registry {
        cmd.env_remove(format!("CARGO_REGISTRIES_{}_TOKEN", name.to_ascii_uppercase().replace('-', "_")));
    }
}

/// Publishes one crate (already verified with the rest of the train). Returns Cargo's output.
pub fn publish(ws: &Workspace, package: &str, registry: Option<&str>, token: Option<&str>) -> anyhow::Result<Output> {
    let spec = ws.member(package).map(|m| m.id.clone()).unwrap_or_else(|| package.to_string());
    let mut cmd = cargo();
    cmd.current_dir(&ws.root)
        .args(["publish", "--no-verify", "--allow-dirty", "-p", &spec, "--manifest-path"])
        .arg(ws.root.join("Cargo.toml"));
    registry_args(&mut cmd, registry);
    token_command(&mut cmd, registry, token);
    run(cmd, "publish")
}

/// Why a yank failed.
pub enum YankError {
    /// The registry refused the token (expired, or not allowed to yank), or there was none.
    Token(String),
    Other(anyhow::Error),
}

/// Yanks (or with `undo`, unyanks) a version.
pub fn yank(
    ws: &Workspace,
    package: &str,
    version: &str,
    registry: Option<&str>,
    undo: bool,
    token: Option<&str>,
) -> Result<(), YankError> {
    let mut cmd = cargo();
    cmd.current_dir(&ws.root).args(["yank", "--version", version, package]);
    if undo {
        cmd.arg("--undo");
    }
    registry_args(&mut cmd, registry);
    token_command(&mut cmd, registry, token);
    let out = run(cmd, "yank").map_err(YankError::Other)?;
    if token_refused(&out) {
        return Err(YankError::Token(cargo_error(&out)));
    }
    if !out.status.success() {
        return Err(YankError::Other(anyhow::anyhow!("{}", cargo_error(&out))));
    }
    Ok(())
}

/// When `cargo publish` failed on the registry's rate limit (HTTP 429): `Some` with the seconds
/// the registry says to wait — crates.io words it "Please try again after <HTTP date>", others
/// `Retry-After: N` — or `Some(None)` when it names no time.
pub fn rate_limited(out: &std::process::Output) -> Option<Option<u64>> {
    if out.status.success() {
        return None;
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Cargo words an API error as `the remote server responded with an error (status 429 Too
    // Many Requests): …`; a bare "429" could be part of a port or a path.
    if !stderr.contains("status 429") && !stderr.contains("429 Too Many Requests") {
        return None;
    }
    Some(retry_after(&stderr, std::time::SystemTime::now()))
}

/// The wait a 429's message names, in seconds (at least 1, at most a day).
fn retry_after(message: &str, now: std::time::SystemTime) -> Option<u64> {
    let lower = message.to_ascii_lowercase();
    let seconds = if let Some(rest) = lower.find("retry-after:").map(|i| &message[i + "retry-after:".len()..]) {
        rest.trim_start().split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse::<u64>().ok())
    } else if let Some(at) = lower.find("try again after ").map(|i| &message[i + "try again after ".len()..]) {
        // "Tue, 01 Dec 2026 10:00:00 GMT or email help@crates.io ...": the date is 29 characters.
        let date = at.get(..29).unwrap_or(at);
        httpdate::parse_http_date(date).ok().map(|when| when.duration_since(now).map(|d| d.as_secs() + 1).unwrap_or(1))
    } else {
        None
    };
    seconds.map(|s| s.clamp(1, 24 * 3600))
}

/// Whether `cargo publish` or `cargo yank` failed because the registry refused the token (HTTP
/// 401 or 403: expired, revoked, or not allowed to do this), or there was no token to give.
pub fn token_refused(out: &std::process::Output) -> bool {
    if out.status.success() {
        return false;
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr.contains("status 401")
        || stderr.contains("status 403")
        || stderr.contains("no token found")
        || stderr.contains("credential provider")
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
        assert_eq!(super::rate_limited(&limited), Some(Some(7)));
        // A port or a temporary path holding "429" is not a rate limit.
        let conflict = failed(
            "error: failed to publish to registry at http://127.0.0.1:42913\n\nCaused by:\n  the remote server \
             responded with an error (status 409 Conflict): crate version already exists\n",
        );
        assert_eq!(super::rate_limited(&conflict), None);
        assert!(!super::token_refused(&conflict));
        let expired = failed(
            "error: failed to publish to registry at http://127.0.0.1:4291\n\nCaused by:\n  the remote server \
             responded with an error (status 403 Forbidden): authentication failed\n",
        );
        assert!(super::token_refused(&expired));
        assert_eq!(super::rate_limited(&expired), None);
    }

    use super::retry_after;
    use std::time::{Duration, SystemTime};

    #[test]
    fn an_older_cargo_that_cannot_package_before_the_train_is_published_is_recognized() {
        let train = ["base".to_string(), "left".to_string()];
        // A first release: the crate is not in the registry at all.
        let first =
            "failed to prepare local package for uploading\n\nCaused by:\n  no matching package named `base` found";
        // A later one (Cargo 1.85): the crate is there, its new version is not.
        let later =
            "failed to prepare local package for uploading\n\nCaused by:\n  failed to select a version for the \
                     requirement `base = \"^1.1.0\"`\n  candidate versions found which didn't match: 1.0.0";
        assert!(super::needs_published_dependencies(first, &train));
        assert!(super::needs_published_dependencies(later, &train));
        // A dependency outside the train that does not resolve is a real failure.
        let other = later.replace("`base = ", "`serde = ");
        assert!(!super::needs_published_dependencies(&other, &train));
    }

    #[test]
    fn the_wait_a_rate_limit_names() {
        let now = httpdate::parse_http_date("Mon, 07 Dec 2026 10:00:00 GMT").unwrap();
        let crates_io = "the remote server responded with an error (status 429 Too Many Requests): You have \
                         published too many new crates in a short period of time. Please try again after Mon, 07 \
                         Dec 2026 10:09:30 GMT or email help@crates.io to have your limit increased.";
        assert_eq!(retry_after(crates_io, now), Some(571));
        assert_eq!(retry_after("(status 429 Too Many Requests): slow down. Retry-After: 17", now), Some(17));
        // A date already past: try again at once (after a second).
        assert_eq!(retry_after(crates_io, now + Duration::from_secs(3600)), Some(1));
        assert_eq!(retry_after("(status 429 Too Many Requests): slow down", now), None);
        assert_eq!(retry_after("Retry-After: 999999", SystemTime::UNIX_EPOCH), Some(24 * 3600));
    }
}
