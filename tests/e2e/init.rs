//! `cargo atomic init` on repositories as they are before adopting the tool: release tags per
//! crate, one tag per release with a version kept equal by hand, or no tags and the releases in
//! the registry. `init` writes what it detected (all or none), `check` right after is consistent
//! on the unchanged released tree with no warning, and `init` again writes nothing.

use crate::registry::{pairs, Registry};
use crate::support::Project;

/// A workspace of `crates` (name, version, dependencies), committed, without snapshots.
fn repository(crates: &[(&str, &str, &[&str])]) -> Project {
    let p = Project::new();
    let names: Vec<String> = crates.iter().map(|(n, ..)| format!("\"{n}\"")).collect();
    p.file("Cargo.toml", &format!("[workspace]\nmembers = [{}]\nresolver = \"2\"\n", names.join(", ")))
        .file(".gitignore", "target/\n");
    for (name, version, deps) in crates {
        let mut manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\npublish = [\"local\"]\n"
        );
        if !deps.is_empty() {
            manifest.push_str("\n[dependencies]\n");
            for d in *deps {
                let v = crates.iter().find(|(n, ..)| n == d).map(|(_, v, _)| *v).unwrap();
                manifest.push_str(&format!("{d} = {{ path = \"../{d}\", version = \"{v}\", registry = \"local\" }}\n"));
            }
        }
        p.file(&format!("{name}/Cargo.toml"), &manifest)
            .file(&format!("{name}/src/lib.rs"), &format!("pub fn {name}() {{}}\n"));
    }
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "first release"]);
    p
}

/// Sets `name`'s version (and every requirement on it) to `version`, with a new function.
fn release(p: &Project, name: &str, from: &str, version: &str) {
    let manifest = p.read(&format!("{name}/Cargo.toml")).replacen(
        &format!("version = \"{from}\""),
        &format!("version = \"{version}\""),
        1,
    );
    p.file(&format!("{name}/Cargo.toml"), &manifest);
    let lib = p.read(&format!("{name}/src/lib.rs")) + &format!("pub fn {name}_{}() {{}}\n", version.replace('.', "_"));
    p.file(&format!("{name}/src/lib.rs"), &lib);
}

/// `init`, then: the files it wrote, a consistent `check` without a warning, and a second `init`
/// that writes nothing.
#[track_caller]
fn init_then_check(p: &Project, env: &[(&str, &str)]) -> String {
    let dry = p.atomic_env(&["init", "--dry-run"], env);
    dry.assert_code(0);
    assert!(dry.stderr.contains("Would create .github/workflows/cargo-atomic.yml"), "{}", dry.stderr);
    assert_eq!(
        p.git(&["status", "--porcelain", "--untracked-files=all"])
            .lines()
            .filter(|l| !l.ends_with("Cargo.lock"))
            .count(),
        0,
        "--dry-run wrote nothing"
    );
    let init = p.atomic_env(&["init"], env);
    init.assert_code(0);
    let workflow = p.read(".github/workflows/cargo-atomic.yml");
    assert!(
        workflow.contains("fetch-depth: 0") && workflow.contains("uses: cargo-atomic/cargo-atomic@v"),
        "{workflow}"
    );
    let check = p.atomic_env(&["check"], env);
    check.assert_code(0);
    assert!(!check.stderr.contains("warning"), "no warning right after init: {}", check.stderr);
    assert!(check.stderr.contains("Train empty: no crate needs a release"), "{}", check.stderr);
    let before: Vec<String> = ["Cargo.toml", ".github/workflows/cargo-atomic.yml"].iter().map(|f| p.read(f)).collect();
    let again = p.atomic_env(&["init"], env);
    again.assert_code(0);
    assert!(again.stderr.contains("Nothing to write: the repository is set up"), "{}", again.stderr);
    let after: Vec<String> = ["Cargo.toml", ".github/workflows/cargo-atomic.yml"].iter().map(|f| p.read(f)).collect();
    assert_eq!(before, after);
    init.stderr.clone()
}

#[test]
fn init_on_crate_tags_writes_their_pattern_and_no_group() {
    let p = repository(&[("core", "1.0.0", &[]), ("util", "0.3.0", &[])]);
    p.git(&["tag", "core-v1.0.0"]);
    p.git(&["tag", "util-v0.3.0"]);
    release(&p, "core", "1.0.0", "1.1.0");
    p.git(&["commit", "-q", "-am", "core 1.1.0"]);
    p.git(&["tag", "core-v1.1.0"]);

    // Before: one diagnostic for the missing snapshots, and each crate's baseline said once.
    let first = p.atomic(&["check"]);
    first.assert_code(1);
    assert_eq!(first.stderr.matches("error[stale-snapshot]").count(), 1, "{}", first.stderr);
    assert!(
        first.stderr.contains("error[stale-snapshot]: 2 crates have no committed API snapshot: `core`, `util`"),
        "{}",
        first.stderr
    );
    assert!(
        first.stderr.contains("core  1.1.0 from tag core-v1.1.0, documented (pattern `{crate}-v{version}`)"),
        "{}",
        first.stderr
    );
    let github = p.atomic(&["check", "--message-format", "github"]);
    assert_eq!(github.stdout.matches("::error").count(), 1, "{}", github.stdout);
    let json: serde_json::Value =
        serde_json::from_str(&p.atomic(&["check", "--message-format", "json"]).stdout).unwrap();
    let states: Vec<&str> =
        json["crates"].as_array().unwrap().iter().map(|c| c["snapshot"].as_str().unwrap()).collect();
    assert_eq!(states, ["missing", "missing"], "each crate keeps its entry");

    let said = init_then_check(&p, &[]);
    assert!(said.contains("Detected release tags follow `{crate}-v{version}` (3 tags)"), "{said}");
    assert!(said.contains("core  1.1.0 from tag core-v1.1.0"), "{said}");
    assert!(said.contains("Created core/atomic-api.txt: the API snapshot of `core`"), "{said}");
    let manifest = p.read("Cargo.toml");
    assert!(manifest.contains("[workspace.metadata.atomic]\ntag-format = \"{crate}-v{version}\"\n"), "{manifest}");
    assert!(!manifest.contains("version-groups"), "different versions: no group: {manifest}");
}

#[test]
fn init_on_one_tag_per_release_and_one_version_kept_by_hand_writes_the_group() {
    let crates: [(&str, &str, &[&str]); 3] =
        [("api", "2.0.0", &[]), ("client", "2.0.0", &["api"]), ("server", "2.0.0", &["api"])];
    let registry = Registry::start();
    let env = registry.env();
    let env = pairs(&env);
    let p = repository(&crates);
    p.git(&["tag", "v2.0.0"]);
    for (name, ..) in crates {
        release(&p, name, "2.0.0", "2.1.0");
    }
    for dependent in ["client", "server"] {
        let m = p
            .read(&format!("{dependent}/Cargo.toml"))
            .replace("version = \"2.0.0\", registry", "version = \"2.1.0\", registry");
        p.file(&format!("{dependent}/Cargo.toml"), &m);
    }
    p.git(&["commit", "-q", "-am", "2.1.0"]);
    p.git(&["tag", "v2.1.0"]);
    // A workflow a person wrote is kept.
    p.file(".github/workflows/cargo-atomic.yml", "name: mine\n");
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "our own workflow"]);
    let init = p.atomic_env(&["init"], &env);
    init.assert_code(0);
    assert!(
        init.stderr.contains(
            "warning: .github/workflows/cargo-atomic.yml exists and is not the one init writes: left as it is"
        ),
        "{}",
        init.stderr
    );
    assert_eq!(p.read(".github/workflows/cargo-atomic.yml"), "name: mine\n");
    assert!(
        init.stderr.contains("Detected api, client, server were released at one version at each of their last 2 releases (2.1.0, 2.0.0) and are at one now: a version group"),
        "{}",
        init.stderr
    );
    let manifest = p.read("Cargo.toml");
    assert!(manifest.contains("tag-format = \"v{version}\""), "{manifest}");
    assert!(
        manifest.contains("[workspace.metadata.atomic.version-groups]\nrelease = [\"api\", \"client\", \"server\"]\n"),
        "{manifest}"
    );
    let check = p.atomic_env(&["check"], &env);
    check.assert_code(0);
    assert!(!check.stderr.contains("warning"), "{}", check.stderr);
    // With the group, a break in `api` moves all three at one version, without unneeded-bump warnings.
    p.file("api/src/lib.rs", "pub fn api_2_1_0() {}\n");
    p.atomic_env(&["snapshot", "-q"], &env).assert_code(0);
    p.atomic_env(&["bump", "-q"], &env).assert_code(0);
    let check = p.atomic_env(&["check"], &env);
    check.assert_code(0);
    assert!(
        check.stderr.contains("version group `release` (api, client, server) moves as one, 2.1.0 → 3.0.0"),
        "{}",
        check.stderr
    );
    assert!(!check.stderr.contains("unneeded-bump"), "{}", check.stderr);
}

#[test]
fn init_without_tags_reads_the_releases_from_the_registry() {
    let registry = Registry::start();
    let (p, env) = crate::publish::train(&registry);
    let env = pairs(&env);
    crate::publish::publish(&p, &registry.env(), &[]).assert_code(0);
    // The next release of all four, then the repository as it would be without the tool: no tags,
    // no snapshots.
    for name in crate::publish::CRATES {
        release(&p, name, "1.0.0", "1.1.0");
    }
    for dependent in ["left", "right", "top"] {
        let m = p
            .read(&format!("{dependent}/Cargo.toml"))
            .replace("version = \"1.0.0\", registry", "version = \"1.1.0\", registry");
        p.file(&format!("{dependent}/Cargo.toml"), &m);
    }
    p.atomic_env(&["snapshot", "-q"], &env).assert_code(0);
    p.atomic_env(&["bump", "-q"], &env).assert_code(0);
    p.git(&["commit", "-q", "-am", "1.1.0"]);
    crate::publish::publish(&p, &registry.env(), &[]).assert_code(0);
    for tag in p.git(&["tag", "--list"]).lines() {
        p.git(&["tag", "-d", tag]);
    }
    for name in crate::publish::CRATES {
        p.git(&["rm", "-q", &format!("{name}/atomic-api.txt")]);
    }
    p.git(&["commit", "-q", "-m", "before the tool"]);

    let said = init_then_check(&p, &env);
    assert!(said.contains("Detected no release tag: the crates' releases are read from their registry"), "{said}");
    assert!(said.contains("base   1.1.0 from registry local"), "{said}");
    assert!(
        said.contains("Detected base, left, right, top were released at one version at each of their last 2 releases (1.1.0, 1.0.0)"),
        "{said}"
    );
    let manifest = p.read("Cargo.toml");
    assert!(!manifest.contains("tag-format"), "no tags, no pattern: {manifest}");
    assert!(manifest.contains("release = [\"base\", \"left\", \"right\", \"top\"]"), "{manifest}");
}
