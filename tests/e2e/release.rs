//! One release, one answer: the commands chained as a maintainer runs them, on a version group
//! released with one tag per release (`v{version}`, as pest, clap and futures do) while the
//! registry holds a release the checkout's history does not contain (a clone older than the last
//! release). The baseline is fixed before any bump, `check → bump → check` is a fixed point, a
//! version above what the change needs is said with the version that is enough, every reason
//! names the root cause and its crate, and every command prints the same bytes twice.

use crate::registry::{pairs, Registry};
use crate::support::{Project, Run};

const CRATES: [&str; 3] = ["extra", "meta", "tool"];

fn manifest(name: &str, version: &str) -> String {
    let mut m = format!(
        "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\ndescription = \"the {name} crate\"\n\
         license = \"MIT\"\nrepository = \"https://example.invalid/{name}\"\npublish = [\"local\"]\n"
    );
    if name != "meta" {
        m.push_str(&format!(
            "\n[dependencies]\nmeta = {{ path = \"../meta\", version = \"{version}\", registry = \"local\" }}\n"
        ));
    }
    m
}

fn lib(name: &str) -> String {
    match name {
        "meta" => "#![no_std]\npub struct Rule;\npub fn rename(rule: &Rule) -> u8 { let _ = rule; 0 }\n".to_string(),
        "extra" => "#![no_std]\npub use meta::Rule;\npub fn extra() {}\n".to_string(),
        _ => format!("#![no_std]\npub fn {name}() {{}}\n"),
    }
}

/// Release 1.0.0 committed, tagged `v1.0.0` and published; then meta 1.0.1, with an item the
/// checkout never had, published from elsewhere; then the change: `meta::rename` takes `Rule` by
/// value, `extra` gains a function.
fn repository(registry: &Registry, env: &[(&str, &str)]) -> Project {
    let p = Project::new();
    p.file(
        "Cargo.toml",
        "[workspace]\nmembers = [\"extra\", \"meta\", \"tool\"]\nresolver = \"2\"\n\n[workspace.metadata.atomic]\n\
         tag-format = \"v{version}\"\nversion-groups.release = [\"extra\", \"meta\", \"tool\"]\n",
    )
    .file(".gitignore", "target/\n");
    for name in CRATES {
        p.file(&format!("{name}/Cargo.toml"), &manifest(name, "1.0.0")).file(&format!("{name}/src/lib.rs"), &lib(name));
    }
    p.atomic_env(&["snapshot", "-q"], env).assert_code(0);
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release 1.0.0"]);
    p.git(&["tag", "v1.0.0"]);
    for name in ["meta", "extra", "tool"] {
        p.cargo_in(name, &["publish", "--registry", "local", "--no-verify", "-q"], env).assert_code(0);
    }
    // A release the checkout does not contain.
    p.file("meta/Cargo.toml", &manifest("meta", "1.0.1"));
    p.file("meta/src/lib.rs", &format!("{}pub fn later() {{}}\n", lib("meta")));
    p.cargo_in("meta", &["publish", "--registry", "local", "--no-verify", "--allow-dirty", "-q"], env).assert_code(0);
    p.git(&["checkout", "-q", "--", "."]);
    assert_eq!(registry.versions("meta").len(), 2);
    // The change.
    p.file("meta/src/lib.rs", "#![no_std]\npub struct Rule;\npub fn rename(rule: Rule) -> u8 { let _ = rule; 0 }\n");
    p.file("extra/src/lib.rs", &format!("{}pub fn added() {{}}\n", lib("extra")));
    p.atomic_env(&["snapshot", "-q"], env).assert_code(0);
    p.git(&["commit", "-q", "-am", "rename takes the rule by value; extra::added"]);
    p
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", run.stdout, run.stderr))
}

/// Each crate's baseline as `check --message-format json` gives it.
fn baselines(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["crates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["package"].as_str().unwrap().to_string(), c["baseline"].as_str().unwrap_or("none").to_string()))
        .collect()
}

/// Runs a command twice, warm (after a first run that may document what changed): the same
/// bytes both times.
fn twice(p: &Project, args: &[&str], env: &[(&str, &str)]) -> Run {
    p.atomic_env(args, env);
    let first = p.atomic_env(args, env);
    let second = p.atomic_env(args, env);
    assert_eq!(
        (first.code, &first.stdout, &first.stderr),
        (second.code, &second.stdout, &second.stderr),
        "{args:?} printed other bytes the second time"
    );
    first
}

#[test]
fn one_release_one_answer_from_check_to_the_tag() {
    let registry = Registry::start();
    let env = registry.env();
    let env = pairs(&env);
    let p = repository(&registry, &env);

    // The baseline is the checkout's own release; the registry's 1.0.1 is said, once.
    let human = twice(&p, &["check", "--color", "never"], &env);
    human.assert_code(1);
    let lines = human.stderr.lines().count();
    assert!(lines <= 40, "{lines} lines:\n{}", human.stderr);
    assert_eq!(human.stderr.matches("releases newer than this checkout's are out").count(), 1, "{}", human.stderr);
    assert!(
        human.stderr.contains("meta 1.0.1 (this checkout's last release is 1.0.0, tag v1.0.0)"),
        "{}",
        human.stderr
    );
    assert!(!human.stderr.contains("later"), "the checkout never had `meta::later`: {}", human.stderr);
    // Every reason names the root cause and the crate it is in.
    assert!(
        human.stderr.contains("tool   1.0.0 → 2.0.0  major  moves with its version group `release`, for `meta`"),
        "{}",
        human.stderr
    );
    assert!(
        human.stderr.contains("version group `release` (extra, meta, tool) moves as one, 1.0.0 → 2.0.0, for `meta`: `fn meta::rename` changed the type of parameter `rule` from `&meta::Rule` to `meta::Rule`"),
        "{}",
        human.stderr
    );
    // What one `bump` fixes is one diagnostic.
    assert_eq!(human.stderr.matches("error[requirement-not-admitting]").count(), 1, "{}", human.stderr);
    let doc = json(&twice(&p, &["check", "--message-format", "json"], &env));
    let before = baselines(&doc);
    assert!(before.iter().all(|(_, b)| b.starts_with("tag v1.0.0")), "{before:?}");
    let groups = &doc["groups"][0];
    assert_eq!(groups["root"]["package"], "meta", "{groups:#}");

    // The break taken as minor: the group needs 1.1.0, and bump writes it.
    p.atomic_env(
        &["accept", "fn-param-type-changed", "meta::rename", "--as", "minor", "--reason", "Rule is a unit"],
        &env,
    )
    .assert_code(0);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "accepted"]);
    let dry = twice(&p, &["bump", "--dry-run", "--color", "never"], &env);
    assert!(dry.stderr.contains("Bumping version group `release` 1.0.0 → 1.1.0 (minor, for `"), "{}", dry.stderr);
    p.atomic_env(&["bump"], &env).assert_code(0);
    for name in CRATES {
        assert!(p.read(&format!("{name}/Cargo.toml")).contains("version = \"1.1.0\""), "{name}");
    }
    // The fixed point: consistent, every baseline unchanged, a second bump writes nothing.
    let after = twice(&p, &["check", "--message-format", "json"], &env);
    after.assert_code(0);
    let doc = json(&after);
    assert_eq!(baselines(&doc), before);
    let kinds: Vec<&str> = doc["problems"].as_array().unwrap().iter().map(|p| p["kind"].as_str().unwrap()).collect();
    // 1.1.0 is above the registry's 1.0.1, which this history lacks: its users will be moved to it.
    assert_eq!(kinds, ["releases-ahead"], "{:#}", doc["problems"]);
    let files = p.git(&["status", "--porcelain"]);
    let again = twice(&p, &["bump", "--color", "never"], &env);
    again.assert_code(0);
    assert!(again.stderr.contains("nothing to write"), "{}", again.stderr);
    assert_eq!(p.git(&["status", "--porcelain"]), files);
    p.git(&["commit", "-q", "-am", "1.1.0"]);

    // A version above what the change needs is a warning naming the version that is enough, and
    // bump writes that version.
    p.atomic_env(&["bump", "--level", "major"], &env).assert_code(0);
    assert!(p.read("meta/Cargo.toml").contains("version = \"2.0.0\""));
    let over = twice(&p, &["check", "--color", "never"], &env);
    over.assert_code(0);
    assert!(
        over.stderr.contains("warning[bump-too-large]: the version group `release` (extra, meta, tool) declares 2.0.0, but 1.1.0 is enough: a minor bump, for `"),
        "{}",
        over.stderr
    );
    p.atomic_env(&["check", "--deny", "warnings"], &env).assert_code(1);
    let lower = p.atomic_env(&["bump", "--color", "never"], &env);
    lower.assert_code(0);
    assert!(lower.stderr.contains("Bumping version group `release` 2.0.0 → 1.1.0"), "{}", lower.stderr);
    assert_eq!(p.git(&["status", "--porcelain"]), "", "back to what was committed");

    // The rest prints the same bytes twice too.
    twice(&p, &["diff", "--color", "never"], &env);
    twice(&p, &["changelog", "--dry-run", "--date", "2026-12-07", "--color", "never"], &env);
    twice(&p, &["changelog", "--message-format", "markdown", "--date", "2026-12-07"], &env);
    twice(&p, &["init", "--dry-run", "--color", "never"], &env);
    twice(&p, &["publish", "--dry-run", "--color", "never"], &env).assert_code(0);
}

/// A release tag and a manifest version with build metadata name one release (SemVer
/// precedence ignores build metadata): the tag is the baseline, and nothing is said newer.
#[test]
fn build_metadata_does_not_make_the_registry_newer_than_the_tag() {
    let registry = Registry::start();
    let env = registry.env();
    let env = pairs(&env);
    let p = Project::new();
    p.file(
        "Cargo.toml",
        "[package]\nname = \"spec\"\nversion = \"1.1.4+spec-1.1.0\"\nedition = \"2021\"\ndescription = \"d\"\n\
         license = \"MIT\"\npublish = [\"local\"]\n\n[workspace]\n",
    )
    .file("src/lib.rs", "pub fn parse() {}\n")
    .file(".gitignore", "target/\n");
    p.atomic_env(&["snapshot", "-q"], &env).assert_code(0);
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release"]);
    p.git(&["tag", "spec-v1.1.4"]);
    p.cargo(&["publish", "--registry", "local", "--no-verify", "-q"], &env).assert_code(0);
    let run = p.atomic_env(&["diff", "--message-format", "json"], &env);
    run.assert_code(0);
    let doc = json(&run);
    let krate = &doc["crates"][0];
    assert_eq!(krate["baseline"]["kind"], "tag", "{krate:#}");
    assert_eq!(krate["baseline"]["reference"], "spec-v1.1.4");
    assert!(krate["baseline"].get("note").is_none() && krate["baseline"].get("newer").is_none(), "{krate:#}");
    // A patch release keeps the maintainers' build metadata.
    p.file("src/lib.rs", "pub fn parse() {}\npub fn more() {}\n");
    p.atomic_env(&["bump"], &env).assert_code(0);
    assert!(p.read("Cargo.toml").contains("version = \"1.2.0+spec-1.1.0\""), "{}", p.read("Cargo.toml"));
    p.atomic_env(&["snapshot", "-q"], &env).assert_code(0);
    p.atomic_env(&["check"], &env).assert_code(0);
}

/// The version the train needs is taken (published from elsewhere, as on another branch): bump
/// moves past it, and a second bump keeps that version — it does not come down to the taken one.
#[test]
fn a_version_moved_past_the_taken_ones_stays() {
    let registry = Registry::start();
    let env = registry.env();
    let env = pairs(&env);
    let p = Project::new();
    let manifest = |v: &str| {
        format!(
            "[package]\nname = \"solo\"\nversion = \"{v}\"\nedition = \"2021\"\ndescription = \"d\"\nlicense = \"MIT\"\n\
             publish = [\"local\"]\n\n[workspace]\n"
        )
    };
    p.file("Cargo.toml", &manifest("1.0.0")).file("src/lib.rs", "pub fn one() {}\n").file(".gitignore", "target/\n");
    p.atomic_env(&["snapshot", "-q"], &env).assert_code(0);
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release 1.0.0"]);
    p.git(&["tag", "solo-v1.0.0"]);
    p.cargo(&["publish", "--registry", "local", "--no-verify", "-q"], &env).assert_code(0);
    // 1.1.0, from elsewhere.
    p.file("Cargo.toml", &manifest("1.1.0"));
    p.cargo(&["publish", "--registry", "local", "--no-verify", "--allow-dirty", "-q"], &env).assert_code(0);
    p.git(&["checkout", "-q", "--", "."]);
    p.file("src/lib.rs", "pub fn one() {}\npub fn two() {}\n");
    p.atomic_env(&["snapshot", "-q"], &env).assert_code(0);
    let bump = p.atomic_env(&["bump", "--color", "never"], &env);
    bump.assert_code(0);
    assert!(bump.stderr.contains("`solo` goes to 1.1.1: the registry already holds 1.1.0"), "{}", bump.stderr);
    assert!(p.read("Cargo.toml").contains("version = \"1.1.1\""));
    p.atomic_env(&["check"], &env).assert_code(0);
    let again = p.atomic_env(&["bump", "--color", "never"], &env);
    again.assert_code(0);
    assert!(again.stderr.contains("nothing to write"), "{}", again.stderr);
    assert!(p.read("Cargo.toml").contains("version = \"1.1.1\""), "{}", p.read("Cargo.toml"));
}
