//! Sharded runs: `--partition K/N --emit-partial FILE` on each shard, `--from-partials` to merge.
//! The merged output must be the whole run's, byte for byte; a merge of shards that do not make
//! one run must fail (exit 2), never print a partial verdict.

use std::path::{Path, PathBuf};

use crate::support::{example, Project, Run};

/// A ledger-like workspace in git: `ledger-types` ← `ledger-store` (exposes the types, has a
/// `cfg`-gated feature) ← `ledger-api` (re-exports the store) ← `ledger-cli` (a binary);
/// `ledger-util` stands alone. Release 1 is tagged per crate without snapshots (its tree is
/// documented), release 2 changes a signature in `ledger-types` and adds to `ledger-util`.
fn ledger() -> Project {
    let p = Project::new();
    let dep = |name: &str| format!("{name} = {{ path = \"../{name}\", version = \"1.0.0\", registry = \"local\" }}\n");
    let manifest = |name: &str, deps: &[&str], extra: &str| {
        let deps: String = deps.iter().map(|d| dep(d)).collect();
        format!(
            "[package]\nname = \"{name}\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = [\"local\"]\n{extra}\n\
             [dependencies]\n{deps}"
        )
    };
    p.file(
        "Cargo.toml",
        "[workspace]\nmembers = [\"ledger-types\", \"ledger-store\", \"ledger-api\", \"ledger-cli\", \"ledger-util\"]\n\
         resolver = \"2\"\n",
    )
    // A registry no test reaches: path dependencies name it, as a published workspace's do.
    .file(".cargo/config.toml", "[registries.local]\nindex = \"sparse+http://127.0.0.1:9/index/\"\n")
    .file("ledger-types/Cargo.toml", &manifest("ledger-types", &[], ""))
    .file("ledger-types/src/lib.rs", "pub struct Amount(pub i64);\npub fn parse(text: &str) -> Amount { Amount(text.len() as i64) }\n")
    .file(
        "ledger-store/Cargo.toml",
        &manifest("ledger-store", &["ledger-types"], "\n[features]\ndefault = [\"audit\"]\naudit = []\n"),
    )
    .file(
        "ledger-store/src/lib.rs",
        "pub struct Store { pub total: ledger_types::Amount }\n\
         impl Store { pub fn add(&mut self, a: ledger_types::Amount) { self.total.0 += a.0; } }\n\
         #[cfg(feature = \"audit\")]\npub mod audit { pub fn trail() -> Vec<String> { Vec::new() } }\n",
    )
    .file("ledger-api/Cargo.toml", &manifest("ledger-api", &["ledger-store", "ledger-types"], ""))
    .file("ledger-api/src/lib.rs", "pub use ledger_store::Store;\npub fn open() -> Store { Store { total: ledger_types::Amount(0) } }\n")
    .file("ledger-cli/Cargo.toml", &manifest("ledger-cli", &["ledger-api"], ""))
    .file("ledger-cli/src/main.rs", "fn main() { let _ = ledger_api::open(); }\n")
    .file("ledger-util/Cargo.toml", &manifest("ledger-util", &[], ""))
    .file("ledger-util/src/lib.rs", "pub fn round(x: i64) -> i64 { x }\n");
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release 1"]);
    for name in ["ledger-types", "ledger-store", "ledger-api", "ledger-cli", "ledger-util"] {
        p.git(&["tag", &format!("{name}-v1.0.0")]);
    }
    p.file(
        "ledger-types/src/lib.rs",
        "pub struct Amount(pub i64);\npub fn parse(text: &str, radix: u32) -> Amount { Amount(text.len() as i64 * radix as i64) }\n",
    )
    .file("ledger-util/src/lib.rs", "pub fn round(x: i64) -> i64 { x }\npub fn floor(x: i64) -> i64 { x }\n");
    p.git(&["commit", "-q", "-am", "release 2"]);
    p
}

fn with(args: &[&str], more: &[&str]) -> Vec<String> {
    args.iter().chain(more).map(|s| s.to_string()).collect()
}

fn run(p: &Project, args: &[String], env: &[(&str, &str)]) -> Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    p.atomic_env(&args, env)
}

/// Runs the `n` shards of `args` (with `env`) under `split`, each writing its partial into `dir`.
fn shards_of(p: &Project, args: &[&str], split: &str, n: usize, dir: &Path, env: &[(&str, &str)]) -> Vec<PathBuf> {
    (1..=n)
        .map(|k| {
            let file = dir.join(format!("shard-{k}-of-{n}.json"));
            let shard = format!("{split}:{k}/{n}");
            let r = run(p, &with(args, &["--partition", &shard, "--emit-partial", file.to_str().unwrap()]), env);
            r.assert_code(0);
            assert!(r.stdout.is_empty(), "a shard prints no verdict: {}", r.stdout);
            assert!(r.stderr.contains(&format!("(shard {split}:{k}/{n}:")), "{}", r.stderr);
            file
        })
        .collect()
}

fn shards(p: &Project, args: &[&str], n: usize, dir: &Path, env: &[(&str, &str)]) -> Vec<PathBuf> {
    shards_of(p, args, "count", n, dir, env)
}

fn merge(p: &Project, args: &[&str], files: &[PathBuf]) -> Run {
    let mut all = with(args, &["--from-partials"]);
    all.extend(files.iter().map(|f| f.to_str().unwrap().to_string()));
    run(p, &all, &[])
}

/// For n = 1, 2, 3 the merged output of `args` is the whole run's, human and JSON: exit code,
/// stdout and stderr, byte for byte. Shards of n = 2 run without the API cache (the partials
/// carry rustdoc's JSON); the others find the members in it (the partials carry stored APIs).
/// n = 3 is split by the dependency graph, the others by name.
fn assert_merges_like_one_run(p: &Project, args: &[&str]) {
    let json = with(args, &["--message-format", "json"]);
    run(p, &with(args, &[]), &[]); // documents, fills the cache: the reference runs print no progress
    let whole = [run(p, &with(args, &[]), &[]), run(p, &json, &[])];
    assert!(!whole[0].stderr.contains("Documenting"), "{}", whole[0].stderr);
    let dir = tempfile::tempdir().unwrap();
    for n in 1..=3 {
        let env: &[(&str, &str)] = if n == 2 { &[("CARGO_ATOMIC_NO_CACHE", "1")] } else { &[] };
        let split = if n == 3 { "graph" } else { "count" };
        let files = shards_of(p, args, split, n, dir.path(), env);
        let kinds = std::fs::read_to_string(&files[0]).unwrap();
        assert!(kinds.contains(if n == 2 { "\"json\":{" } else { "\"api\":{" }), "n = {n}");
        for (format, reference) in [(&[][..], &whole[0]), (&["--message-format", "json"][..], &whole[1])] {
            let merged = merge(p, &with(args, format).iter().map(String::as_str).collect::<Vec<_>>(), &files);
            assert_eq!(merged.code, reference.code, "n = {n} {format:?}\n{}", merged.stderr);
            assert_eq!(merged.stdout, reference.stdout, "n = {n} {format:?}");
            assert_eq!(merged.stderr, reference.stderr, "n = {n} {format:?}");
        }
    }
}

#[test]
fn the_example_merged_from_one_two_or_three_shards_is_the_whole_check() {
    let p = example();
    let args = ["check", "--manifest-path", "gateway/Cargo.toml", "--baseline-path", "gateway-1.0.0"];
    assert_merges_like_one_run(&p, &args);
    let r = run(&p, &with(&args, &[]), &[]);
    assert!(r.stderr.contains("error[left-out-of-train]"), "the verdict has problems to merge: {}", r.stderr);
}

#[test]
fn the_ledger_merged_from_shards_is_the_whole_check_and_diff() {
    let p = ledger();
    assert_merges_like_one_run(&p, &["check"]);
    let r = p.atomic(&["check", "--message-format", "json"]);
    r.assert_code(1);
    for name in ["ledger-types", "ledger-store", "ledger-api", "ledger-cli"] {
        assert!(r.stdout.contains(&format!("\"{name}\"")), "{name} is in the train: {}", r.stdout);
    }
    assert_merges_like_one_run(&p, &["diff", "--deny", "major"]);
}

#[test]
fn snapshots_written_from_shards_are_the_whole_runs() {
    let p = ledger();
    let dir = tempfile::tempdir().unwrap();
    let files = shards(&p, &["snapshot"], 2, dir.path(), &[]);
    assert!(!p.exists("ledger-types/atomic-api.txt"), "a shard writes no snapshot");
    let merged = merge(&p, &["snapshot", "--check"], &files);
    merged.assert_code(1);
    assert!(merged.stderr.contains("the API snapshot of `ledger-store` is missing"), "{}", merged.stderr);
    merge(&p, &["snapshot"], &files).assert_code(0);
    let libs = ["ledger-types", "ledger-store", "ledger-api", "ledger-util"];
    let from_shards: Vec<String> = libs.iter().map(|l| p.read(&format!("{l}/atomic-api.txt"))).collect();
    for l in libs {
        std::fs::remove_file(p.path(&format!("{l}/atomic-api.txt"))).unwrap();
    }
    p.atomic(&["snapshot"]).assert_code(0);
    let whole: Vec<String> = libs.iter().map(|l| p.read(&format!("{l}/atomic-api.txt"))).collect();
    assert_eq!(from_shards, whole);
    merge(&p, &["snapshot", "--check"], &files).assert_code(0);
}

#[test]
fn shards_that_do_not_make_one_run_are_refused() {
    let p = ledger();
    let dir = tempfile::tempdir().unwrap();
    let files = shards(&p, &["check"], 3, dir.path(), &[]);
    let all: String = files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect();
    assert!(all.contains("\"workspace\":\"root:\""), "the shards document the workspace");
    assert!(all.contains("\"workspace\":\"atomic:"), "and the tagged release's tree, in the tool's dir");
    let refused = |files: &[PathBuf], args: &[&str], why: &str| {
        let r = merge(&p, args, files);
        r.assert_code(2);
        assert!(r.stdout.is_empty(), "no verdict: {}", r.stdout);
        assert!(r.stderr.contains(why), "expected {why:?} in:\n{}", r.stderr);
    };
    refused(&files[..2], &["check"], "shard 3/3 of this run is missing");
    refused(&[files[0].clone(), files[1].clone(), files[1].clone(), files[2].clone()], &["check"], "is given twice");
    refused(&files, &["diff"], "written by `cargo atomic check`");
    refused(&files, &["check", "-p", "ledger-util"], "other options than this merge's");
    // Shards of another split.
    let two = shards(&p, &["check"], 2, &dir.path().join("two").tap_mkdir(), &[]);
    refused(&[files[0].clone(), two[1].clone(), files[2].clone()], &["check"], "different splits");
    // A shard built with another toolchain (its recorded `rustc -vV` says so).
    let other = dir.path().join("other-toolchain.json");
    let text = std::fs::read_to_string(&files[1]).unwrap();
    let release = text.split("release: ").nth(1).unwrap().split("\\n").next().unwrap().to_string();
    std::fs::write(&other, text.replace(&format!("release: {release}"), "release: 0.0.1")).unwrap();
    refused(&[files[0].clone(), other, files[2].clone()], &["check"], "different toolchains");
    // A shard of another commit, and a checkout that moved on since the shards ran.
    p.file("ledger-util/src/lib.rs", "pub fn round(x: i64) -> i64 { x }\n");
    p.git(&["commit", "-q", "-am", "release 3"]);
    let later = shards(&p, &["check"], 3, &dir.path().join("later").tap_mkdir(), &[]);
    refused(&[files[0].clone(), later[1].clone(), files[2].clone()], &["check"], "come from different sources (commit");
    refused(&files, &["check"], "and this checkout come from different sources");
    // Not a partial at all.
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{\"crates\": []}").unwrap();
    refused(&[junk], &["check"], "is not a cargo-atomic partial");
    merge(&p, &["check"], &later).assert_code(1);
}

trait Mkdir {
    fn tap_mkdir(self) -> Self;
}

impl Mkdir for PathBuf {
    fn tap_mkdir(self) -> PathBuf {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}
