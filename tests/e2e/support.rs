//! Test support: fixture workspaces in temporary directories and runs of the real binary.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures");

/// A workspace on disk: a temporary one (deleted when dropped) or a shared one under Cargo's
/// test scratch directory (kept, so its `target/` stays warm between runs).
pub struct Project {
    dir: Dir,
}

enum Dir {
    Temp(tempfile::TempDir),
    Kept(PathBuf),
}

/// The outcome of one `cargo atomic` run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit code\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }
}

impl Project {
    /// An empty project; add files with [`Project::file`].
    pub fn new() -> Project {
        Project { dir: Dir::Temp(tempfile::Builder::new().prefix("atomic-e2e-").tempdir().unwrap()) }
    }

    /// A directory under `CARGO_TARGET_TMPDIR` kept between runs (created if missing); write its
    /// files with [`Project::file_if_changed`] so Cargo's caches stay warm.
    pub fn kept(name: &str) -> Project {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        std::fs::create_dir_all(&dir).unwrap();
        Project { dir: Dir::Kept(dir) }
    }

    /// Writes a file only when its contents differ (keeping its modification time otherwise).
    pub fn file_if_changed(&self, rel: &str, contents: &str) -> &Self {
        if std::fs::read_to_string(self.path(rel)).ok().as_deref() != Some(contents) {
            self.file(rel, contents);
        }
        self
    }

    /// A fresh copy of `tests/fixtures/<name>` at a fixed place under `CARGO_TARGET_TMPDIR`,
    /// keeping the `target/` of earlier runs.
    pub fn shared_fixture(name: &str) -> Project {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixtures").join(name);
        if dir.exists() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.file_name().is_some_and(|n| n == "target") {
                    continue;
                }
                if path.is_dir() {
                    std::fs::remove_dir_all(&path).unwrap();
                } else {
                    std::fs::remove_file(&path).unwrap();
                }
            }
        }
        copy_dir(&Path::new(FIXTURES).join(name), &dir);
        Project { dir: Dir::Kept(dir) }
    }

    /// A copy of `tests/fixtures/<name>` (its `target/` left out).
    pub fn fixture(name: &str) -> Project {
        let project = Project::new();
        copy_dir(&Path::new(FIXTURES).join(name), project.root());
        project
    }

    pub fn root(&self) -> &Path {
        match &self.dir {
            Dir::Temp(t) => t.path(),
            Dir::Kept(p) => p,
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes a file (creating directories). Returns `self` for chaining.
    pub fn file(&self, rel: &str, contents: &str) -> &Self {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Where cargo-atomic keeps its files for this project: `target/atomic`, or under a shared
    /// `CARGO_TARGET_DIR` the directory keyed by the workspace (as the README describes).
    pub fn atomic_dir(&self) -> PathBuf {
        match std::env::var_os("CARGO_TARGET_DIR") {
            Some(shared) => {
                let root = self.root().canonicalize().unwrap();
                let hash = cargo_atomic::fsutil::sha256_hex(root.to_string_lossy().as_bytes());
                let name = root.file_name().unwrap().to_string_lossy().into_owned();
                PathBuf::from(shared).join("atomic").join(format!("{name}-{}", &hash[..12]))
            }
            None => self.path("target/atomic"),
        }
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// Runs `cargo-atomic atomic <args>` in the project root.
    pub fn atomic(&self, args: &[&str]) -> Run {
        self.atomic_env(args, &[])
    }

    pub fn atomic_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-atomic"));
        cmd.arg("atomic")
            .args(args)
            .current_dir(self.root())
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("RUSTDOCFLAGS")
            // A CI runner's `CI` makes some warnings errors: tests that want it set it.
            .env_remove("CI")
            // `check --message-format github` appends to a step summary when one is set.
            .env_remove("GITHUB_STEP_SUMMARY");
        git_identity(&mut cmd);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("the cargo-atomic binary runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs `cargo <args>` in the project root with `env`.
    pub fn cargo(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        self.cargo_in("", args, env)
    }

    /// Runs `cargo <args>` in `dir` (relative to the project root) with `env`.
    pub fn cargo_in(&self, dir: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out = Command::new("cargo")
            .args(args)
            .current_dir(self.path(dir))
            .env("CARGO_TERM_COLOR", "never")
            .envs(env.iter().copied())
            .output()
            .expect("cargo runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Starts `cargo-atomic atomic <args>` without waiting (to kill it mid-run).
    pub fn spawn_atomic(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-atomic"));
        cmd.arg("atomic").args(args).current_dir(self.root()).env("CARGO_TERM_COLOR", "never").env_remove("CI");
        git_identity(&mut cmd);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("cargo-atomic starts")
    }

    /// Starts `cargo-atomic atomic <args>` in a process group of its own, so that a test can kill
    /// it with everything it started (`kill -9 -<pid>`), as a CI runner cancels a job.
    pub fn spawn_atomic_group(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Child {
        use std::os::unix::process::CommandExt;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-atomic"));
        cmd.arg("atomic").args(args).current_dir(self.root()).env("CARGO_TERM_COLOR", "never").env_remove("CI");
        git_identity(&mut cmd);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.process_group(0)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("cargo-atomic starts")
    }

    /// Runs git in the project root with a fixed identity; panics on failure.
    pub fn git(&self, args: &[&str]) -> String {
        let mut cmd = Command::new("git");
        cmd.args(args).current_dir(self.root());
        git_identity(&mut cmd);
        let out = cmd.output().expect("git runs");
        assert!(out.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Files under the project (relative paths, sorted), `target/` excluded.
    pub fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        list(self.root(), self.root(), &mut out);
        out.sort();
        out
    }
}

/// A fixed git identity, so that commits and annotated tags never depend on the machine's config.
fn git_identity(cmd: &mut Command) {
    cmd.env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .env("GIT_CONFIG_NOSYSTEM", "1");
}

fn list(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        if rel == "target" || rel == ".git" {
            continue;
        }
        if path.is_dir() {
            list(root, &path, out);
        } else {
            out.push(rel);
        }
    }
}

/// Copies a directory tree, leaving `target/` out.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("fixture {}: {e}", from.display())) {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}

/// A copy of the bundled example: `gateway/` (the working tree) and `gateway-1.0.0/` (its
/// release), side by side.
pub fn example() -> Project {
    let p = Project::new();
    for dir in ["gateway", "gateway-1.0.0"] {
        copy_dir(&Path::new(FIXTURES).join("../../examples").join(dir), &p.path(dir));
    }
    p
}

/// A one-crate workspace `demo` with `lib.rs` as given.
pub fn single_crate(lib_rs: &str) -> Project {
    let p = Project::new();
    p.file(
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = [\"local\"]\n\n[workspace]\n",
    )
    .file("src/lib.rs", lib_rs);
    p
}

/// A one-crate repository `demo`: release 0.1.0 committed and tagged `demo-v0.1.0`, then a
/// committed break (a function removed), snapshots up to date.
pub fn released_then_broken() -> Project {
    let p = single_crate("pub fn kept() {}\npub fn gone() {}\n");
    p.file(".gitignore", "target/\n");
    p.git(&["init", "-q", "-b", "main"]);
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release 0.1.0"]);
    p.git(&["tag", "demo-v0.1.0"]);
    p.file("src/lib.rs", "pub fn kept() {}\n");
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    p.git(&["commit", "-q", "-am", "remove gone"]);
    p
}

/// The item lines of a snapshot file: everything after the header, without the trailer.
pub fn items(snapshot: &str) -> String {
    let body = snapshot.split_once("\n\n").map(|(_, b)| b).unwrap_or(snapshot);
    body.lines().filter(|l| !l.starts_with("end ")).map(|l| format!("{l}\n")).collect()
}
