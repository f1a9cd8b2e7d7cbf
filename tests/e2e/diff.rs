//! `cargo atomic diff`: baselines (tags, revisions, checkouts, the registry), output, exit codes.

use snapbox::{assert_data_eq, str};

use crate::registry::Registry;
use crate::support::{single_crate, Project, Run};

const V1: &str = r#"use std::fmt;

#[derive(Debug)]
pub struct Error;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("error")
    }
}

pub const LIMIT: usize = 8;

pub fn execute_operation(interface: &str, operation: &str) -> Result<(), Error> {
    let _ = (interface, operation);
    Ok(())
}
"#;

/// V1 with `timeout` added to `execute_operation` and `LIMIT` removed.
const V2: &str = r#"use std::fmt;
use std::time::Duration;

#[derive(Debug)]
pub struct Error;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("error")
    }
}

pub fn execute_operation(interface: &str, operation: &str, timeout: Duration) -> Result<(), Error> {
    let _ = (interface, operation, timeout);
    Ok(())
}
"#;

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout, run.stderr))
}

/// A git repository with `demo` 1.0.0 (V1) committed.
fn released(with_snapshot: bool, tag: &str) -> Project {
    let p = single_crate(V1);
    p.file("Cargo.toml", &p.read("Cargo.toml").replace("version = \"0.1.0\"", "version = \"1.0.0\""));
    p.git(&["init", "-q", "-b", "main"]);
    if with_snapshot {
        p.atomic(&["snapshot", "-q"]).assert_code(0);
    }
    p.file(".gitignore", "target/\n");
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release 1.0.0"]);
    p.git(&["tag", tag]);
    p
}

#[test]
fn last_release_tag_with_a_committed_snapshot_is_the_default_baseline() {
    let p = released(true, "demo-v1.0.0");
    p.file("src/lib.rs", V2);
    let run = p.atomic(&["diff", "--message-format", "json"]);
    run.assert_code(0);
    let doc = json(&run);
    let krate = &doc["crates"][0];
    assert_eq!(krate["baseline"]["kind"], "tag");
    assert_eq!(krate["baseline"]["reference"], "demo-v1.0.0");
    assert_eq!(krate["baseline"]["from"], "snapshot");
    assert_eq!(krate["baseline"]["version"], "1.0.0");
    assert_eq!(krate["required_bump"], "major");
    let findings = krate["findings"].as_array().unwrap();
    let arity = findings.iter().find(|f| f["rule"] == "fn-params-changed").expect("the new parameter is found");
    assert_eq!(arity["path"], "demo::execute_operation");
    assert_eq!(arity["detail"], "gained parameter `timeout: std::time::Duration`");
    assert_eq!(arity["location"]["file"], "src/lib.rs");
    assert_eq!(arity["location"]["line"], 13);
    assert_eq!(arity["location_side"], "current");
    assert_eq!(arity["reference"], "https://doc.rust-lang.org/cargo/reference/semver.html#fn-change-arity");
    let removed = findings.iter().find(|f| f["rule"] == "item-removed").expect("the removed const is found");
    assert_eq!(removed["path"], "demo::LIMIT");
    assert_eq!(removed["location"]["line"], 12, "the removal is located in the tagged source");
    assert_eq!(removed["location_side"], "baseline");
    assert_eq!(removed["new"], serde_json::Value::Null);
    assert_eq!(removed["old"], "pub const demo::LIMIT: usize");
    assert_eq!(findings.len(), 2, "{findings:#?}");
}

#[test]
fn human_output_groups_by_crate_most_severe_first_with_a_summary() {
    let p = released(true, "demo-v1.0.0");
    p.file("src/lib.rs", &format!("{V2}\npub fn added() {{}}\n"));
    let run = p.atomic(&["diff"]);
    run.assert_code(0);
    assert_data_eq!(
        run.stderr,
        str![[r#"
 Documenting demo (rustc [..])
   Comparing demo 1.0.0 with baseline 1.0.0 (tag demo-v1.0.0)
major[item-removed]: `const demo::LIMIT` was removed or is no longer importable at this path
  --> src/lib.rs:12 (in tag demo-v1.0.0)
   = old: pub const demo::LIMIT: usize
   = rule: a public item was removed, renamed, or is no longer importable at this path
   = see: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove

major[fn-params-changed]: `fn demo::execute_operation` gained parameter `timeout: std::time::Duration`
  --> src/lib.rs:13
   = old: pub fn demo::execute_operation(interface: &str, operation: &str) -> Result<(), demo::Error>
   = new: pub fn demo::execute_operation(interface: &str, operation: &str, timeout: std::time::Duration) -> Result<(), demo::Error>
   = rule: function parameters were added or removed
   = see: https://doc.rust-lang.org/cargo/reference/semver.html#fn-change-arity

minor: 1 item added (-v lists them)

     Summary demo: major bump required (3 causes, 3 findings: 2 major, 1 minor)

"#]]
    );
}

#[test]
fn a_tag_without_a_snapshot_documents_the_tagged_tree() {
    // A single-crate repository may tag `v<version>`.
    let p = released(false, "v1.0.0");
    p.file("src/lib.rs", V2);
    let doc = json(p.atomic(&["diff", "--message-format", "json"]).assert_code(0));
    let krate = &doc["crates"][0];
    assert_eq!(krate["baseline"]["reference"], "v1.0.0");
    assert_eq!(krate["baseline"]["from"], "rustdoc");
    let rules: Vec<&str> = krate["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["item-removed", "fn-params-changed"]);
}

#[test]
fn the_newest_release_tag_not_above_the_manifest_version_is_used() {
    let p = released(true, "demo-v1.0.0");
    p.file("src/lib.rs", &format!("{V1}\npub fn added() {{}}\n"));
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    p.file("Cargo.toml", &p.read("Cargo.toml").replace("version = \"1.0.0\"", "version = \"1.1.0\""));
    p.git(&["commit", "-q", "-am", "release 1.1.0"]);
    p.git(&["tag", "demo-v1.1.0"]);
    // A tag for a later line, as on a maintenance branch, is not this branch's baseline.
    p.git(&["tag", "demo-v2.0.0"]);
    p.file("src/lib.rs", V1);
    let doc = json(p.atomic(&["diff", "--message-format", "json"]).assert_code(0));
    let krate = &doc["crates"][0];
    assert_eq!(krate["baseline"]["reference"], "demo-v1.1.0");
    assert_eq!(krate["findings"][0]["rule"], "item-removed");
    assert_eq!(krate["findings"][0]["path"], "demo::added");
}

/// Repositories change their tag pattern: early releases `<crate>-v<version>`, later ones
/// `<crate>-<version>`. The baseline is the highest release among every common pattern, not the
/// only tag of the first pattern.
#[test]
fn the_highest_release_among_the_common_tag_patterns_is_the_baseline() {
    let p = single_crate("pub fn early() {}\n");
    p.file("Cargo.toml", &p.read("Cargo.toml").replace("0.1.0", "0.1.10"));
    p.file(".gitignore", "target/\n");
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release 0.1.10"]);
    p.git(&["tag", "demo-v0.1.10"]);
    p.file("src/lib.rs", "pub fn late() {}\n");
    p.file("Cargo.toml", &p.read("Cargo.toml").replace("0.1.10", "1.53.1"));
    p.git(&["commit", "-q", "-am", "release 1.53.1"]);
    p.git(&["tag", "demo-1.53.1"]);
    let doc = json(p.atomic(&["diff", "--message-format", "json"]).assert_code(0));
    let krate = &doc["crates"][0];
    assert_eq!(krate["baseline"]["reference"], "demo-1.53.1", "{krate:#}");
    assert_eq!(krate["baseline"]["version"], "1.53.1");
    assert_eq!(krate["findings"].as_array().unwrap().len(), 0, "{krate:#}");
    // Configured formats are the only ones read, in the order given.
    p.file(
        "Cargo.toml",
        &(p.read("Cargo.toml") + "\n[workspace.metadata.atomic]\ntag-format = [\"{crate}-v{version}\"]\n"),
    );
    let doc = json(p.atomic(&["diff", "--message-format", "json"]).assert_code(0));
    assert_eq!(doc["crates"][0]["baseline"]["reference"], "demo-v0.1.10");
}

/// A release the registry holds is never older than the baseline: a version published without
/// a tag (from another branch, or by hand) beats the last tag, and the output says why.
#[test]
fn a_published_release_newer_than_the_last_tag_is_the_baseline() {
    let registry = Registry::start();
    let env: Vec<(&str, String)> = registry.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = released(true, "demo-v1.0.0");
    p.file(
        "Cargo.toml",
        &p.read("Cargo.toml").replace("[package]", "[package]\nlicense = \"MIT\"\ndescription = \"d\""),
    );
    p.file("src/lib.rs", &format!("{V1}\npub fn added() {{}}\n"));
    p.file("Cargo.toml", &p.read("Cargo.toml").replace("version = \"1.0.0\"", "version = \"1.1.0\""));
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    p.cargo(&["publish", "--registry", "local", "--allow-dirty", "--no-verify", "-q"], &env).assert_code(0);
    // Nothing changed since 1.1.0: its release is the baseline, not the tag's 1.0.0.
    let run = p.atomic_env(&["diff", "--message-format", "json"], &env);
    let doc = json(run.assert_code(0));
    let krate = &doc["crates"][0];
    assert_eq!(krate["baseline"]["kind"], "registry", "{krate:#}");
    assert_eq!(krate["baseline"]["reference"], "local 1.1.0");
    assert_eq!(krate["baseline"]["note"], "the registry's 1.1.0 is newer than the last release tag, demo-v1.0.0");
    assert_eq!(krate["findings"].as_array().unwrap().len(), 0, "{krate:#}");
    let human = p.atomic_env(&["diff"], &env);
    assert!(
        human
            .stderr
            .contains("note: demo: baseline the registry's 1.1.0 is newer than the last release tag, demo-v1.0.0"),
        "{}",
        human.stderr
    );
    // A registry that cannot be asked leaves the tag, and says so.
    let doc = json(p.atomic(&["diff", "--message-format", "json"]).assert_code(0));
    let krate = &doc["crates"][0];
    assert_eq!(krate["baseline"]["reference"], "demo-v1.0.0");
    assert!(krate["baseline"]["note"].as_str().unwrap().starts_with("the registry could not be asked"), "{krate:#}");
}

/// A clone that lacks some files' content (a partial or filtered clone leaves large files out)
/// still documents a release tag's tree: only the crates' sources and manifests are needed.
#[test]
fn a_tag_tree_with_files_the_clone_lacks_is_still_documented() {
    let p = single_crate(V1);
    p.file("Cargo.toml", &p.read("Cargo.toml").replace("version = \"0.1.0\"", "version = \"1.0.0\""));
    p.file("assets/big.bin", "a large file the clone does not have\n");
    p.file(".gitignore", "target/\n");
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release 1.0.0"]);
    p.git(&["tag", "demo-v1.0.0"]);
    let blob = p.git(&["rev-parse", "HEAD:assets/big.bin"]).trim().to_string();
    std::fs::remove_file(p.path(&format!(".git/objects/{}/{}", &blob[..2], &blob[2..]))).unwrap();
    p.file("src/lib.rs", V2);
    let run = p.atomic(&["diff", "--message-format", "json"]);
    let doc = json(run.assert_code(0));
    let krate = &doc["crates"][0];
    assert_eq!(krate["baseline"]["reference"], "demo-v1.0.0", "{krate:#}");
    assert_eq!(krate["baseline"]["from"], "rustdoc");
    assert!(!krate["findings"].as_array().unwrap().is_empty(), "{krate:#}");
}

#[test]
fn the_tag_format_is_configurable() {
    let p = single_crate(V1);
    p.file(
        "Cargo.toml",
        &(p.read("Cargo.toml") + "\n[workspace.metadata.atomic]\ntag-format = \"release/{crate}/{version}\"\n"),
    );
    p.git(&["init", "-q", "-b", "main"]);
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    p.file(".gitignore", "target/\n");
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release"]);
    p.git(&["tag", "release/demo/0.1.0"]);
    p.file("src/lib.rs", V2);
    let doc = json(p.atomic(&["diff", "--message-format", "json"]).assert_code(0));
    assert_eq!(doc["crates"][0]["baseline"]["reference"], "release/demo/0.1.0");
}

#[test]
fn baseline_rev_compares_with_a_revision() {
    let p = released(true, "unrelated");
    p.file("src/lib.rs", V2);
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    p.git(&["commit", "-q", "-am", "timeout"]);
    let doc = json(p.atomic(&["diff", "--baseline-rev", "HEAD~1", "--message-format", "json"]).assert_code(0));
    let krate = &doc["crates"][0];
    assert_eq!(krate["baseline"]["kind"], "rev");
    assert_eq!(krate["baseline"]["reference"], "HEAD~1");
    assert_eq!(krate["required_bump"], "major");
    let doc = json(p.atomic(&["diff", "--baseline-rev", "HEAD", "--message-format", "json"]).assert_code(0));
    assert_eq!(doc["crates"][0]["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn a_removed_impl_is_located_in_the_documented_revision() {
    // A generic type's impl is keyed in canonical form, which the baseline's spans are not: the
    // revision's tree (exported to be documented) is searched for it, as `git grep` at the
    // revision would find it.
    let p = single_crate(
        "pub struct Wrapper<T>(pub T);\n\n/// Kept.\npub fn keep() {}\n\nimpl<T: Clone> Clone for Wrapper<T> {\n    \
         fn clone(&self) -> Self {\n        Wrapper(self.0.clone())\n    }\n}\n",
    );
    p.file(".gitignore", "target/\n");
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release"]);
    p.file("src/lib.rs", "pub struct Wrapper<T>(pub T);\n\n/// Kept.\npub fn keep() {}\n");
    let doc = json(p.atomic(&["diff", "--baseline-rev", "HEAD", "--message-format", "json"]).assert_code(0));
    let krate = &doc["crates"][0];
    assert_eq!(krate["baseline"]["from"], "rustdoc", "the revision has no snapshot: its tree is documented");
    let findings = krate["findings"].as_array().unwrap();
    let removed = findings
        .iter()
        .find(|f| f["subject"].as_str().is_some_and(|s| s.contains("Clone for demo::Wrapper")))
        .unwrap_or_else(|| panic!("the removed impl is found: {findings:#?}"));
    assert_eq!(removed["location_side"], "baseline");
    assert_eq!(removed["location"]["file"], "src/lib.rs");
    assert_eq!(removed["location"]["line"], 6);
}

#[test]
fn baseline_path_compares_with_an_old_copy_of_the_crate() {
    let old = single_crate(V1);
    let p = single_crate(V2);
    let run = p.atomic(&["diff", "--baseline-path", old.root().to_str().unwrap(), "--message-format", "json"]);
    let doc = json(run.assert_code(0));
    let krate = &doc["crates"][0];
    assert_eq!(krate["baseline"]["kind"], "path");
    assert_eq!(krate["baseline"]["from"], "rustdoc");
    assert_eq!(krate["baseline"]["version"], "0.1.0");
    let removed = krate["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "item-removed").unwrap();
    let file = removed["location"]["file"].as_str().unwrap();
    assert!(file.ends_with("/src/lib.rs") && file.starts_with(old.root().to_str().unwrap()), "{file}");
}

#[test]
fn a_change_in_one_crate_shows_in_the_crate_that_reexports_it() {
    let workspace = |core_src: &str| {
        let p = Project::new();
        p.file("Cargo.toml", "[workspace]\nmembers = [\"core\", \"facade\"]\nresolver = \"2\"\n")
            .file("core/Cargo.toml", "[package]\nname = \"core\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = [\"local\"]\n")
            .file("core/src/lib.rs", core_src)
            .file(
                "facade/Cargo.toml",
                "[package]\nname = \"facade\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = [\"local\"]\n\n[dependencies]\ncore = { path = \"../core\", version = \"1.0.0\" }\n",
            )
            .file("facade/src/lib.rs", "pub use core::Config;\n");
        p
    };
    let old = workspace("pub struct Config { pub retries: u32 }\n");
    let new = workspace("pub struct Config { pub retries: u64 }\n");
    let run = new.atomic(&[
        "diff",
        "--workspace",
        "--baseline-path",
        old.root().to_str().unwrap(),
        "--message-format",
        "json",
    ]);
    let doc = json(run.assert_code(0));
    let facade = doc["crates"].as_array().unwrap().iter().find(|c| c["package"] == "facade").unwrap();
    assert_eq!(facade["findings"][0]["rule"], "field-type-changed");
    assert_eq!(facade["findings"][0]["path"], "facade::Config");
    assert_eq!(facade["findings"][0]["detail"], "changed the type of field `retries` from `u32` to `u64`");
}

#[test]
fn a_different_feature_selection_is_noted() {
    let with_features = |extra: &str| {
        let p = single_crate("pub fn always() {}\n#[cfg(feature = \"extra\")]\npub fn extra() {}\n");
        p.file(
            "Cargo.toml",
            &(p.read("Cargo.toml").replace("[workspace]", "[features]\nextra = []\n\n[workspace]") + extra),
        );
        p
    };
    let old = with_features("");
    let new = with_features("\n[package.metadata.atomic]\nfeatures = [\"extra\"]\n");
    let run = new.atomic(&["diff", "--baseline-path", old.root().to_str().unwrap()]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("note: demo: the baseline was documented with features `default`, the current API with `default, extra`: some findings may come from that"),
        "{}",
        run.stderr
    );
    let doc = json(
        new.atomic(&["diff", "--baseline-path", old.root().to_str().unwrap(), "--message-format", "json"])
            .assert_code(0),
    );
    assert_eq!(doc["crates"][0]["notes"].as_array().unwrap().len(), 1);
    assert_eq!(doc["crates"][0]["findings"][0]["path"], "demo::extra");
}

#[test]
fn deny_sets_the_exit_code_by_severity() {
    let old = single_crate(V1);
    let minor = single_crate(&format!("{V1}\npub fn added() {{}}\n"));
    let base = old.root().to_str().unwrap();
    minor.atomic(&["diff", "-q", "--baseline-path", base, "--deny", "major"]).assert_code(0);
    minor.atomic(&["diff", "-q", "--baseline-path", base, "--deny", "minor"]).assert_code(1);
    minor.atomic(&["diff", "-q", "--baseline-path", base]).assert_code(0);
    let major = single_crate(V2);
    major.atomic(&["diff", "-q", "--baseline-path", base, "--deny", "major"]).assert_code(1);
}

#[test]
fn a_crate_without_baseline_is_new() {
    let p = single_crate(V1);
    p.file("Cargo.toml", &p.read("Cargo.toml").replace("publish = [\"local\"]", "publish = false"));
    let run = p.atomic(&["diff", "-p", "demo"]);
    run.assert_code(0);
    assert!(run.stderr.contains("Summary demo: new crate, no baseline"), "{}", run.stderr);
    let doc = json(p.atomic(&["diff", "-p", "demo", "--message-format", "json"]).assert_code(0));
    assert_eq!(doc["crates"][0]["baseline"], serde_json::Value::Null);
    assert_eq!(doc["crates"][0]["required_bump"], serde_json::Value::Null);
}

#[test]
fn bad_baselines_are_clear_errors() {
    let p = released(true, "demo-v1.0.0");
    let run = p.atomic(&["diff", "--baseline-rev", "no-such-rev"]);
    run.assert_code(2);
    assert!(run.stderr.contains("`no-such-rev` is not a revision of the repository"), "{}", run.stderr);

    let not_a_crate = tempfile::tempdir().unwrap();
    let run = p.atomic(&["diff", "--baseline-path", not_a_crate.path().to_str().unwrap()]);
    run.assert_code(2);
    assert!(run.stderr.contains("is not a Cargo package or workspace: it has no Cargo.toml"), "{}", run.stderr);

    // A snapshot written by a newer cargo-atomic, committed at the release tag.
    let newer = p.read("atomic-api.txt").replace("schema 2", "schema 3");
    p.file("atomic-api.txt", &newer);
    p.git(&["commit", "-q", "-am", "newer"]);
    p.git(&["tag", "-f", "demo-v1.0.0"]);
    let run = p.atomic(&["diff"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("demo-v1.0.0:atomic-api.txt was written with snapshot schema 3, newer than this cargo-atomic reads (schema 2); upgrade cargo-atomic"),
        "{}",
        run.stderr
    );

    let run = p.atomic(&["diff", "--baseline-rev", "HEAD", "--baseline-path", "."]);
    run.assert_code(2);
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
}

#[test]
fn registry_baselines_from_the_shipped_snapshot_or_the_documented_package() {
    let registry = Registry::start();
    let env: Vec<(&str, String)> = registry.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let cargo = |p: &Project, args: &[&str]| {
        p.cargo(args, &env).assert_code(0);
    };

    // `shipped` 1.0.0 is published with its snapshot inside the package.
    let shipped = single_crate(V1);
    shipped.file(
        "Cargo.toml",
        &shipped.read("Cargo.toml").replace("name = \"demo\"", "name = \"shipped\"").replace("0.1.0", "1.0.0"),
    );
    shipped.atomic_env(&["snapshot", "-q"], &env).assert_code(0);
    cargo(&shipped, &["publish", "--registry", "local", "--allow-dirty", "--no-verify", "-q"]);
    shipped.file("src/lib.rs", V2);
    let doc = json(shipped.atomic_env(&["diff", "--message-format", "json"], &env).assert_code(0));
    let krate = &doc["crates"][0];
    assert_eq!(krate["baseline"]["kind"], "registry");
    assert_eq!(krate["baseline"]["reference"], "local 1.0.0");
    assert_eq!(krate["baseline"]["from"], "snapshot");
    assert_eq!(krate["required_bump"], "major");

    // `documented` 1.0.0 is published without one: the package itself is documented, once.
    let documented = single_crate(V1);
    documented.file(
        "Cargo.toml",
        &documented.read("Cargo.toml").replace("name = \"demo\"", "name = \"documented\"").replace("0.1.0", "1.0.0"),
    );
    cargo(&documented, &["publish", "--registry", "local", "--allow-dirty", "--no-verify", "-q"]);
    documented.file("src/lib.rs", V2);
    documented.file("Cargo.toml", &documented.read("Cargo.toml").replace("1.0.0", "1.1.0"));
    let first = documented.atomic_env(&["diff", "--message-format", "json", "-v"], &env);
    assert!(first.stderr.contains("Documenting documented v1.0.0"), "{}", first.stderr);
    let doc = json(first.assert_code(0));
    let krate = &doc["crates"][0];
    assert_eq!(krate["baseline"]["reference"], "local 1.0.0");
    assert_eq!(krate["baseline"]["from"], "rustdoc");
    let rules: Vec<&str> = krate["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["item-removed", "fn-params-changed"]);
    // Documented as a workspace of published packages, cached as any documented workspace: the
    // next run runs no rustdoc for it.
    let again = documented.atomic_env(&["diff", "-v"], &env);
    again.assert_code(0);
    assert!(!again.stderr.contains("Documenting documented v1.0.0"), "{}", again.stderr);
    assert!(again.stderr.contains("(registry local 1.0.0, documented)"), "{}", again.stderr);

    // An explicit version; a version the registry does not have.
    let doc = json(
        documented
            .atomic_env(&["diff", "--baseline-version", "1.0.0", "--message-format", "json"], &env)
            .assert_code(0),
    );
    assert_eq!(doc["crates"][0]["baseline"]["version"], "1.0.0");
    let run = documented.atomic_env(&["diff", "--baseline-version", "0.9.0"], &env);
    run.assert_code(2);
    assert!(run.stderr.contains("version 0.9.0 of documented is not in the registry"), "{}", run.stderr);

    // Never published: a new crate.
    let fresh = single_crate(V1);
    fresh.file("Cargo.toml", &fresh.read("Cargo.toml").replace("name = \"demo\"", "name = \"fresh\""));
    let run = fresh.atomic_env(&["diff"], &env);
    run.assert_code(0);
    assert!(run.stderr.contains("fresh: new crate, no baseline"), "{}", run.stderr);
}

#[test]
fn a_registry_baseline_is_documented_with_the_configured_features() {
    let registry = Registry::start();
    let env: Vec<(&str, String)> = registry.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = single_crate("pub fn always() {}\n#[cfg(feature = \"extra\")]\npub fn extra() {}\n");
    p.file(
        "Cargo.toml",
        &p.read("Cargo.toml").replace("name = \"demo\"", "name = \"featured\"").replace("0.1.0", "1.0.0").replace(
            "[workspace]",
            "[features]\nextra = []\n\n[package.metadata.atomic]\nall-features = true\n\n[workspace]",
        ),
    );
    // Published without a snapshot: the baseline is the package, documented with every feature.
    p.cargo(&["publish", "--registry", "local", "--allow-dirty", "--no-verify", "-q"], &env).assert_code(0);
    let doc = json(p.atomic_env(&["diff", "--message-format", "json"], &env).assert_code(0));
    let krate = &doc["crates"][0];
    assert_eq!(krate["baseline"]["from"], "rustdoc");
    assert_eq!(krate["findings"].as_array().unwrap().len(), 0, "{krate:#}");
}

/// Members of one item that went the same way are one diagnostic with a line each; a rule's
/// summary and reference are printed once per crate; `-v` shows each finding in full.
#[test]
fn removals_from_one_type_are_one_diagnostic_and_a_rule_is_explained_once() {
    let root = Project::new();
    let old = "pub struct S;\nimpl S { pub fn a(&self) {} pub fn b(&self) {} pub fn c(&self) {} }\n\
               pub struct T;\nimpl T { pub fn d(&self) {} }\npub mod m { pub fn g() {} }\n";
    let new = "pub struct S;\npub struct T;\npub mod m {}\n";
    for (side, src) in [("old", old), ("new", new)] {
        root.file(
            &format!("{side}/Cargo.toml"),
            "[package]\nname = \"demo\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = [\"local\"]\n\n[workspace]\n",
        )
        .file(&format!("{side}/src/lib.rs"), src);
    }
    let args = ["diff", "--manifest-path", "new/Cargo.toml", "--baseline-path", "old", "--color", "never"];
    let run = root.atomic(&args);
    run.assert_code(0);
    assert_data_eq!(
        run.stderr,
        str![[r#"
 Documenting demo (rustc [..])
   Comparing demo 1.0.0 with baseline 1.0.0 (path old, documented)
major[item-removed]: 3 methods of `demo::S`: a public item was removed, renamed, or is no longer importable at this path
  --> old/src/lib.rs:2 (in path old, documented): `fn demo::S::a`
  --> old/src/lib.rs:2 (in path old, documented): `fn demo::S::b`
  --> old/src/lib.rs:2 (in path old, documented): `fn demo::S::c`
   = see: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove

major[item-removed]: `fn demo::T::d` was removed or is no longer importable at this path
  --> old/src/lib.rs:4 (in path old, documented)
   = old: pub fn demo::T::d(&self)

major[item-removed]: `fn demo::m::g` was removed or is no longer importable at this path
  --> old/src/lib.rs:5 (in path old, documented)
   = old: pub fn demo::m::g()

     Summary demo: major bump required (5 causes, 5 findings: 5 major)

"#]]
    );
    let verbose = root.atomic(&[&args[..], &["-v"]].concat());
    let full = verbose.assert_code(0).stderr.lines().filter(|l| l.starts_with("major[")).count();
    assert_eq!(full, 5, "{}", verbose.stderr);
}

/// An exposed dependency that moved to a new major and reorganised its modules: the differences
/// that are only its paths are one cause, the series change, not one finding per signature.
#[test]
fn an_exposed_dependency_moving_to_a_new_major_is_one_cause() {
    let root = Project::new();
    for (version, lib) in [
        ("0.8.0", "pub mod a { pub trait Tr {} pub struct Thing; }\n"),
        ("0.9.0", "pub mod b { pub trait Tr {} pub struct Thing; }\n"),
    ] {
        root.file(
            &format!("dep-{version}/Cargo.toml"),
            &format!("[package]\nname = \"dep\"\nversion = \"{version}\"\nedition = \"2021\"\n\n[workspace]\n"),
        )
        .file(&format!("dep-{version}/src/lib.rs"), lib);
    }
    let user = |side: &str, version: &str, module: &str| {
        root.file(
            &format!("{side}/Cargo.toml"),
            &format!(
                "[package]\nname = \"user\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = [\"local\"]\n\n[workspace]\n\n\
                 [dependencies]\ndep = {{ path = \"../dep-{version}\", version = \"{version}\" }}\n"
            ),
        )
        .file(
            &format!("{side}/src/lib.rs"),
            &format!(
                "pub use dep::{module}::Tr;\n\
                 pub fn take(_: &dyn dep::{module}::Tr) {{}}\n\
                 pub fn make() -> dep::{module}::Thing {{ dep::{module}::Thing }}\n\
                 pub struct Holder {{ pub thing: dep::{module}::Thing }}\n\
                 pub fn own(x: {}) {{ let _ = x; }}\n",
                if side == "old" { "u8" } else { "u16" }
            ),
        );
    };
    user("old", "0.8.0", "a");
    user("new", "0.9.0", "b");
    let run = root.atomic(&[
        "diff",
        "--manifest-path",
        "new/Cargo.toml",
        "--baseline-path",
        "old",
        "--message-format",
        "json",
    ]);
    let doc = json(run.assert_code(0));
    let krate = &doc["crates"][0];
    let findings = krate["findings"].as_array().unwrap();
    let causes = krate["causes"].as_array().unwrap();
    let rule_of = |c: &serde_json::Value| findings[c["finding"].as_u64().unwrap() as usize]["rule"].as_str().unwrap();
    let series = causes.iter().find(|c| rule_of(c) == "public-dependency-series-changed").expect("the series change");
    assert_eq!(series["kind"], "dependency");
    assert!(series["consequences"].as_u64().unwrap() >= 3, "{causes:#?}\n{findings:#?}");
    // Its own change stays a cause of its own; nothing else is top-level.
    let top: Vec<&str> = causes.iter().map(rule_of).collect();
    assert_eq!(top.len(), 2, "{top:?}\n{findings:#?}");
    assert!(top.contains(&"fn-param-type-changed"), "{top:?}");
    assert_eq!(krate["required_bump"], "major");

    let human = root.atomic(&["diff", "--manifest-path", "new/Cargo.toml", "--baseline-path", "old"]);
    let diagnostics = human.assert_code(0).stderr.lines().filter(|l| l.starts_with("major[")).count();
    assert_eq!(diagnostics, 2, "{}", human.stderr);
    assert!(human.stderr.contains("= with it: "), "{}", human.stderr);
}

/// `check` names a crate's most significant cause: a removal, not one of the auto traits a type
/// lost in the same release (whose path sorts first).
#[test]
fn the_check_headline_is_the_removal_not_an_auto_trait() {
    let old = single_crate("pub struct A { x: u8 }\nimpl A { pub fn x(&self) -> u8 { self.x } }\npub fn zzz() {}\n");
    let p = single_crate("pub struct A { x: std::rc::Rc<u8> }\nimpl A { pub fn x(&self) -> u8 { *self.x } }\n");
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    let run = p.atomic(&["check", "--baseline-path", old.root().to_str().unwrap()]);
    run.assert_code(1);
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("demo") && l.contains("API change"))
        .unwrap_or_else(|| panic!("{}", run.stderr));
    assert!(line.contains("`fn demo::zzz` was removed"), "{line}\n{}", run.stderr);
    assert!(line.contains("(and 1 more cause)"), "the lost auto traits are one cause: {line}");
}

/// The identity test against the registry: a workspace whose crates re-export a sibling (`pub
/// use zbase;`, `pub use zbase::Shape;`; named so that name order is not dependency order), published without snapshots (as before adopting
/// cargo-atomic), compared unchanged with its own packages: no finding, whatever is selected, and
/// each crate against its own highest published version.
#[test]
fn an_unchanged_workspace_matches_its_own_published_packages() {
    let registry = Registry::start();
    let env: Vec<(&str, String)> = registry.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = Project::new();
    p.file("Cargo.toml", "[workspace]\nmembers = [\"zbase\", \"mid\", \"top\"]\nresolver = \"2\"\n");
    let manifest = |name: &str, version: &str, deps: &[(&str, &str)]| {
        let deps: String = deps
            .iter()
            .map(|(d, v)| format!("{d} = {{ path = \"../{d}\", version = \"{v}\", registry = \"local\" }}\n"))
            .collect();
        format!(
            "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\nlicense = \"MIT\"\n\
             description = \"{name}\"\npublish = [\"local\"]\n\n[dependencies]\n{deps}"
        )
    };
    // `mid` turns on a feature of `zbase`: documented together, the published `zbase` would
    // have `zbase::extra`, which the workspace side (each crate with its own features) has not.
    p.file("zbase/Cargo.toml", &format!("{}\n[features]\nextra = []\n", manifest("zbase", "0.9.0", &[])))
        .file(
            "zbase/src/lib.rs",
            "pub mod shapes { pub trait Shape { fn area(&self) -> f64; } pub struct Circle(pub f64); }\n\
             pub use shapes::Shape;\npub fn zbase() {}\n#[cfg(feature = \"extra\")]\npub fn extra() {}\n",
        )
        .file(
            "mid/Cargo.toml",
            &manifest("mid", "0.8.8", &[("zbase", "0.9.0")])
                .replace("registry = \"local\" }", "registry = \"local\", features = [\"extra\"] }"),
        )
        .file(
            "mid/src/lib.rs",
            "pub use zbase;\npub use zbase::Shape;\npub fn area(s: &dyn Shape) -> f64 { s.area() }\n",
        )
        .file("top/Cargo.toml", &manifest("top", "1.2.0", &[("zbase", "0.9.0"), ("mid", "0.8.8")]))
        .file(
            "top/src/lib.rs",
            "pub use mid::*;\npub use zbase::shapes::Circle;\npub struct Top(pub zbase::shapes::Circle);\n",
        );
    // Older releases first: each crate's baseline is its own highest version.
    let current = (p.read("zbase/Cargo.toml"), p.read("mid/Cargo.toml"));
    p.file("zbase/Cargo.toml", &current.0.replace("0.9.0", "0.6.4"));
    p.file("mid/Cargo.toml", &current.1.replace("0.8.8", "0.8.1").replace("0.9.0", "0.6.4"));
    for name in ["zbase", "mid"] {
        p.cargo(&["publish", "-p", name, "--registry", "local", "--allow-dirty", "--no-verify", "-q"], &env)
            .assert_code(0);
    }
    p.file("zbase/Cargo.toml", &current.0).file("mid/Cargo.toml", &current.1);
    for name in ["zbase", "mid", "top"] {
        p.cargo(&["publish", "-p", name, "--registry", "local", "--allow-dirty", "--no-verify", "-q"], &env)
            .assert_code(0);
    }
    for args in [
        &["diff", "--message-format", "json"][..],
        &["diff", "-p", "mid", "--message-format", "json"],
        &["diff", "-p", "top", "--message-format", "json"],
    ] {
        let doc = json(p.atomic_env(args, &env).assert_code(0));
        for krate in doc["crates"].as_array().unwrap() {
            let name = krate["package"].as_str().unwrap();
            let want = match name {
                "zbase" => "local 0.9.0",
                "mid" => "local 0.8.8",
                _ => "local 1.2.0",
            };
            assert_eq!(krate["baseline"]["reference"], want, "{args:?}: {krate:#}");
            assert_eq!(krate["baseline"]["from"], "rustdoc", "{args:?}: {krate:#}");
            assert_eq!(krate["findings"].as_array().unwrap().len(), 0, "{args:?}: {name}: {krate:#}");
        }
    }
    // An explicit version documents the release as the default baseline does, with its siblings
    // (their items re-exported by `mid` and `top` joined, not opaque `use` lines); and the
    // default baseline run after it, in the same target dir, reads nothing it cached wrongly.
    for args in [
        &["diff", "-p", "top", "--baseline-version", "1.2.0", "--message-format", "json"][..],
        &["diff", "-p", "mid", "--baseline-version", "0.8.8", "--message-format", "json"],
        &["diff", "--message-format", "json"],
    ] {
        let doc = json(p.atomic_env(args, &env).assert_code(0));
        for krate in doc["crates"].as_array().unwrap() {
            assert_eq!(krate["findings"].as_array().unwrap().len(), 0, "{args:?}: {krate:#}");
        }
    }
    // A newer compatible `zbase` in the registry: the releases of `mid` and `top` admit it, but
    // their baselines keep the workspace's 0.9.0, so `zbase::newer` (re-exported through
    // `pub use zbase;`) is no difference of theirs.
    let (zbase_src, zbase_manifest) = (p.read("zbase/src/lib.rs"), p.read("zbase/Cargo.toml"));
    p.file("zbase/src/lib.rs", &format!("{zbase_src}pub fn newer() {{}}\n"))
        .file("zbase/Cargo.toml", &zbase_manifest.replace("0.9.0", "0.9.1"));
    p.cargo(&["publish", "-p", "zbase", "--registry", "local", "--allow-dirty", "--no-verify", "-q"], &env)
        .assert_code(0);
    p.file("zbase/src/lib.rs", &zbase_src).file("zbase/Cargo.toml", &zbase_manifest);
    for args in [
        &["diff", "-p", "mid", "--message-format", "json"][..],
        &["diff", "-p", "top", "--baseline-version", "1.2.0", "--message-format", "json"],
    ] {
        let doc = json(p.atomic_env(args, &env).assert_code(0));
        for krate in doc["crates"].as_array().unwrap() {
            assert_eq!(krate["findings"].as_array().unwrap().len(), 0, "{args:?}: {krate:#}");
            assert_eq!(krate["baseline"]["note"], serde_json::Value::Null, "{args:?}: {krate:#}");
        }
    }
    // A release that admits no version of `zbase` the workspace has (`=0.9.1`): documented as the
    // registry resolves it, and the difference is said to come from there.
    let mid_manifest = p.read("mid/Cargo.toml");
    p.file("zbase/Cargo.toml", &zbase_manifest.replace("0.9.0", "0.9.1")).file(
        "mid/Cargo.toml",
        &mid_manifest.replace("version = \"0.8.8\"", "version = \"0.8.9\"").replace("\"0.9.0\"", "\"=0.9.1\""),
    );
    p.cargo(&["publish", "-p", "mid", "--registry", "local", "--allow-dirty", "--no-verify", "-q"], &env)
        .assert_code(0);
    p.file("zbase/Cargo.toml", &zbase_manifest).file("mid/Cargo.toml", &mid_manifest);
    let doc = json(
        p.atomic_env(&["diff", "-p", "mid", "--baseline-version", "0.8.9", "--message-format", "json"], &env)
            .assert_code(0),
    );
    let krate = &doc["crates"][0];
    let note = krate["baseline"]["note"].as_str().unwrap_or_default();
    assert!(note.starts_with("documented with zbase 0.9.1 (the workspace has 0.9.0)"), "{krate:#}");
    let findings = krate["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["path"] == "mid::zbase::newer"), "{krate:#}");
    // The comparison is live: a re-export that goes is found.
    let mid = p.read("mid/src/lib.rs");
    p.file("mid/src/lib.rs", &mid.replace("pub use zbase::Shape;", "use zbase::Shape;"));
    let doc = json(p.atomic_env(&["diff", "-p", "mid", "--message-format", "json"], &env).assert_code(0));
    let findings = doc["crates"][0]["findings"].as_array().unwrap().clone();
    assert!(findings.iter().any(|f| f["rule"] == "item-removed" && f["path"] == "mid::Shape"), "{findings:#?}");
    p.file("mid/src/lib.rs", &mid);
    // A break in a sibling that another crate re-exports: reported on the sibling, and on the
    // crate re-exporting it as a consequence of the sibling's change.
    p.file("zbase/src/lib.rs", &zbase_src.replace("pub struct Circle(pub f64)", "pub struct Circle(pub f32)"));
    let doc = json(p.atomic_env(&["diff", "--message-format", "json"], &env).assert_code(0));
    let krate = |name: &str| doc["crates"].as_array().unwrap().iter().find(|c| c["package"] == name).unwrap().clone();
    let (zbase, top) = (krate("zbase"), krate("top"));
    let changed = |c: &serde_json::Value, path: &str| {
        c["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "field-type-changed" && f["path"] == path)
    };
    assert!(changed(&zbase, "zbase::shapes::Circle"), "{zbase:#}");
    assert!(changed(&top, "top::Circle"), "{top:#}");
    let causes = top["causes"].as_array().unwrap();
    assert!(causes.iter().any(|c| c["sibling"] == "zbase" && c["bump"] == "major"), "{top:#}");
    p.file("zbase/src/lib.rs", &zbase_src);
    p.atomic_env(&["snapshot", "-q"], &env).assert_code(0);
    p.atomic_env(&["check"], &env).assert_code(0);
}

/// Each registry baseline's version is chosen on its own and pinned: a published dependent that
/// pinned an older version of its sibling does not pull the sibling's baseline down, whatever is
/// selected.
#[test]
fn each_registry_baseline_is_its_own_highest_version_whatever_is_selected() {
    let registry = Registry::start();
    let env: Vec<(&str, String)> = registry.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = Project::new();
    p.file("Cargo.toml", "[workspace]\nmembers = [\"zbase\", \"mid\"]\nresolver = \"2\"\n");
    let manifest = |name: &str, version: &str, dep: Option<&str>| {
        let dep = dep
            .map(|req| format!("zbase = {{ path = \"../zbase\", version = \"{req}\", registry = \"local\" }}\n"))
            .unwrap_or_default();
        format!(
            "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\nlicense = \"MIT\"\n\
             description = \"{name}\"\npublish = [\"local\"]\n\n[dependencies]\n{dep}"
        )
    };
    p.file("zbase/src/lib.rs", "pub struct Shape;\npub fn zbase() {}\n")
        .file("mid/src/lib.rs", "pub fn mid(_: &zbase::Shape) {}\n")
        .file("zbase/Cargo.toml", &manifest("zbase", "0.9.0", None))
        .file("mid/Cargo.toml", &manifest("mid", "0.8.8", Some("=0.9.0")));
    let publish = |name: &str| {
        p.cargo(&["publish", "-p", name, "--registry", "local", "--allow-dirty", "--no-verify", "-q"], &env)
            .assert_code(0);
    };
    publish("zbase");
    publish("mid");
    p.file("zbase/Cargo.toml", &manifest("zbase", "0.9.1", None));
    publish("zbase");
    p.file("mid/Cargo.toml", &manifest("mid", "0.8.8", Some("0.9.1")));
    for args in [&["diff", "--message-format", "json"][..], &["diff", "-p", "zbase", "--message-format", "json"]] {
        let doc = json(p.atomic_env(args, &env).assert_code(0));
        for krate in doc["crates"].as_array().unwrap() {
            let want = if krate["package"] == "zbase" { "local 0.9.1" } else { "local 0.8.8" };
            assert_eq!(krate["baseline"]["reference"], want, "{args:?}: {krate:#}");
            assert_eq!(krate["findings"].as_array().unwrap().len(), 0, "{args:?}: {krate:#}");
        }
    }
}

/// Across crates: `b` moved `T` from `b::x` to `b::y`, and `a`'s signatures changed only by that
/// path: `a` reports one cause, explained by `b`'s own findings.
#[test]
fn a_siblings_move_explains_the_paths_that_changed_in_its_dependents() {
    let p = Project::new();
    for (side, module, extra) in [("old", "x", ""), ("new", "y", "pub fn own() {}\n")] {
        p.file(&format!("{side}/Cargo.toml"), "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n")
            .file(
                &format!("{side}/b/Cargo.toml"),
                "[package]\nname = \"b\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = [\"local\"]\n",
            )
            .file(&format!("{side}/b/src/lib.rs"), &format!("pub mod {module} {{ pub struct T; }}\n"))
            .file(
                &format!("{side}/a/Cargo.toml"),
                "[package]\nname = \"a\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = [\"local\"]\n\n\
                 [dependencies]\nb = { path = \"../b\" }\n",
            )
            .file(
                &format!("{side}/a/src/lib.rs"),
                &format!("pub fn f(_: b::{module}::T) {{}}\npub fn g() -> Option<b::{module}::T> {{ None }}\n{extra}"),
            );
    }
    let args = ["diff", "--manifest-path", "new/Cargo.toml", "--baseline-path", "old", "--message-format", "json"];
    let doc = json(p.atomic(&args).assert_code(0));
    let a = doc["crates"].as_array().unwrap().iter().find(|c| c["package"] == "a").unwrap().clone();
    let majors: Vec<&serde_json::Value> =
        a["causes"].as_array().unwrap().iter().filter(|c| c["bump"] == "major").collect();
    assert_eq!(majors.len(), 1, "{a:#}");
    assert_eq!(majors[0]["sibling"], "b", "{a:#}");
    assert_eq!(majors[0]["kind"], "dependency", "{a:#}");
    assert_eq!(majors[0]["consequences"], 1, "f and g: one cause: {a:#}");
    let human = p.atomic(&args[..5]);
    assert!(human.stderr.contains("= cause: `b` changed these, and its own findings report them"), "{}", human.stderr);
}
