//! The maintainers' word on findings: an accepted finding (`cargo atomic accept`, the file beside
//! the snapshot) and rule levels (`[workspace|package.metadata.atomic.rules]`). The train goes by
//! them, every output shows them with their reason, and an acceptance never outlives its release.

use crate::support::{example, single_crate, Project};

const IN_GATEWAY: [&str; 4] = ["--manifest-path", "gateway/Cargo.toml", "--baseline-path", "gateway-1.0.0"];

fn args<'a>(command: &[&'a str]) -> Vec<&'a str> {
    command.iter().copied().chain(IN_GATEWAY).collect()
}

/// The example, released by its maintainers as a minor: `core` 1.1.0 changes `execute_operation`
/// (which they document as internal) and drops `Clone` from `Error` (a soundness fix), and
/// `interface` re-exports `Error`. Snapshots are up to date.
fn released_as_minor() -> Project {
    let p = example();
    let lib = p
        .read("gateway/core/src/lib.rs")
        .replace("#[derive(Debug, Clone, PartialEq, Eq)]", "#[derive(Debug, PartialEq, Eq)]");
    p.file("gateway/core/src/lib.rs", &lib);
    let manifest = p.read("gateway/core/Cargo.toml").replacen("version = \"1.0.0\"", "version = \"1.1.0\"", 1);
    p.file("gateway/core/Cargo.toml", &manifest);
    let manifest = p.read("gateway/interface/Cargo.toml").replacen("version = \"1.0.0\"", "version = \"1.1.0\"", 1);
    p.file("gateway/interface/Cargo.toml", &manifest);
    p.atomic(&["snapshot", "-q", "--manifest-path", "gateway/Cargo.toml"]).assert_code(0);
    p
}

#[test]
fn accepted_findings_count_at_their_level_and_every_output_says_why() {
    let p = released_as_minor();
    let before = p.atomic(&args(&["check"]));
    before.assert_code(1);
    assert!(
        before.stderr.contains("error[bump-too-small]: `core` needs a major bump (1.0.0 → 2.0.0) but declares 1.1.0"),
        "{}",
        before.stderr
    );
    assert!(
        before.stderr.contains("error[left-out-of-train]: `gateway` must be released with `core`"),
        "{}",
        before.stderr
    );

    let accepted = p.atomic(&args(&[
        "accept",
        "fn-params-changed",
        "core::execute_operation",
        "--as",
        "minor",
        "--reason",
        "documented as internal: no caller outside this workspace",
    ]));
    accepted.assert_code(0);
    assert!(
        accepted.stderr.contains(
            "Accepted `fn core::execute_operation` gained parameter `timeout: std::time::Duration` (fn-params-changed) as minor for the release after 1.0.0"
        ),
        "{}",
        accepted.stderr
    );
    p.atomic(&args(&["accept", "trait-impl-removed", "core::Error", "--as", "minor", "--reason", "soundness fix"]))
        .assert_code(0);
    let file = p.read("gateway/core/atomic-accepted.toml");
    assert!(file.starts_with("# Findings of this crate its maintainers accept"), "{file}");
    assert_eq!(file.matches("[[accept]]").count(), 2, "{file}");
    assert!(file.contains("baseline = \"1.0.0\"\nreason = \"soundness fix\""), "{file}");

    // The train goes by the accepted level; `interface`'s re-export of `Error` follows `core`.
    let after = p.atomic(&args(&["check"]));
    after.assert_code(0);
    for line in [
        "1. core       1.0.0 → 1.1.0  minor",
        "(accepted as minor: documented as internal: no caller outside this workspace)",
        "2. interface  1.0.0 → 1.1.0  minor  1 API change: `impl Clone for core::Error` was removed (accepted as minor: `core` accepts it: soundness fix)",
        "note: core: `impl Clone for core::Error` was removed (trait-impl-removed) accepted as minor for the release after 1.0.0: soundness fix (core/atomic-accepted.toml)",
    ] {
        assert!(after.stderr.contains(line), "{line}\n{}", after.stderr);
    }
    assert!(!after.stderr.contains("gateway  1.0.0"), "gateway is not forced into the train: {}", after.stderr);

    // diff: the finding, in full, with the maintainers' reason.
    let diff = p.atomic(&args(&["diff", "-p", "core"]));
    assert!(
        diff.stderr.contains("minor[trait-impl-removed]: `impl Clone for core::Error` was removed (accepted as minor; the rule says major)"),
        "{}",
        diff.stderr
    );
    assert!(diff.stderr.contains("   = accepted: soundness fix (core/atomic-accepted.toml)"), "{}", diff.stderr);
    assert!(
        diff.stderr.contains("core: minor bump required (2 causes, 2 findings: 2 minor, 2 accepted)"),
        "{}",
        diff.stderr
    );

    // JSON, SARIF, GitHub: the same word.
    let json: serde_json::Value =
        serde_json::from_str(&p.atomic(&args(&["check", "--message-format", "json"])).stdout).unwrap();
    let accepted = json["accepted"].as_array().unwrap();
    assert_eq!(accepted.len(), 3, "{json:#}");
    assert_eq!(accepted[0]["package"], "core");
    assert_eq!(accepted[0]["bump"], "major");
    assert_eq!(accepted[0]["accepted"]["level"], "minor");
    assert_eq!(accepted[0]["accepted"]["by"], "finding");
    assert_eq!(accepted[0]["accepted"]["source"], "core/atomic-accepted.toml");
    let diff_json: serde_json::Value =
        serde_json::from_str(&p.atomic(&args(&["diff", "-p", "core", "--message-format", "json"])).stdout).unwrap();
    assert_eq!(diff_json["crates"][0]["required_bump"], "minor");
    assert_eq!(diff_json["crates"][0]["findings"][0]["bump"], "major", "the rule's bump stays");
    let sarif: serde_json::Value =
        serde_json::from_str(&p.atomic(&args(&["diff", "-p", "core", "--message-format", "sarif"])).stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().all(|r| r["level"] == "warning" && r["suppressions"][0]["kind"] == "external"), "{sarif:#}");
    assert!(
        results.iter().any(|r| r["suppressions"][0]["justification"] == "soundness fix (core/atomic-accepted.toml)"),
        "{sarif:#}"
    );
    let github = p.atomic(&args(&["check", "--message-format", "github"]));
    assert!(
        github.stdout.contains("::notice file=core/atomic-accepted.toml,title=cargo atomic%3A accepted trait-impl-removed::core: `impl Clone for core::Error` was removed — counted as minor (the rule says major): soundness fix"),
        "{}",
        github.stdout
    );
    let markdown = p.atomic(&args(&["check", "--message-format", "markdown"]));
    assert!(markdown.stdout.contains("### Accepted by the maintainers"), "{}", markdown.stdout);

    // Accepting a finding that is not there writes nothing.
    let nothing = p.atomic(&args(&["accept", "item-removed", "core::Error", "--as", "minor", "--reason", "x"]));
    nothing.assert_code(1);
    assert!(
        nothing.stderr.contains("no finding of rule `item-removed` at `core::Error` in core: nothing accepted"),
        "{}",
        nothing.stderr
    );
    assert_eq!(p.read("gateway/core/atomic-accepted.toml"), file);
}

/// Rule levels: the workspace's for every crate, a package's over them; `allow` counts nothing
/// and shows a line; an unknown rule is an error.
#[test]
fn rule_levels_from_the_workspace_and_the_package() {
    let p = released_as_minor();
    let workspace = p.read("gateway/Cargo.toml");
    let with_levels = |levels: &str| format!("{workspace}\n[workspace.metadata.atomic.rules]\n{levels}\n");
    p.file(
        "gateway/Cargo.toml",
        &with_levels("fn-params-changed = \"allow\"\ntrait-impl-removed = { level = \"minor\", reason = \"impls of our errors are not API\" }"),
    );
    let check = p.atomic(&args(&["check"]));
    check.assert_code(0);
    assert!(
        check.stderr.contains("note: core: 1 finding of rule `trait-impl-removed` counted as minor (Cargo.toml [workspace.metadata.atomic.rules]: impls of our errors are not API)"),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains("note: core: 1 finding of rule `fn-params-changed` not counted nor shown (Cargo.toml [workspace.metadata.atomic.rules])"),
        "{}",
        check.stderr
    );
    let diff = p.atomic(&args(&["diff", "-p", "core"]));
    assert!(!diff.stderr.contains("fn-params-changed]"), "an allowed finding is not shown: {}", diff.stderr);
    assert!(
        diff.stderr.contains("note: core: 1 finding of rules set to `allow` not shown (`fn-params-changed`)"),
        "{}",
        diff.stderr
    );

    // The package's level wins over the workspace's.
    let core = p.read("gateway/core/Cargo.toml");
    p.file(
        "gateway/core/Cargo.toml",
        &format!("{core}\n[package.metadata.atomic.rules]\nfn-params-changed = \"major\"\n"),
    );
    let check = p.atomic(&args(&["check"]));
    check.assert_code(1);
    assert!(
        check.stderr.contains("error[bump-too-small]: `core` needs a major bump (1.0.0 → 2.0.0) but declares 1.1.0"),
        "{}",
        check.stderr
    );
    p.file("gateway/core/Cargo.toml", &core);

    p.file("gateway/Cargo.toml", &with_levels("no-such-rule = \"minor\""));
    let unknown = p.atomic(&args(&["check"]));
    unknown.assert_code(2);
    assert!(
        unknown.stderr.contains(
            "Cargo.toml [workspace.metadata.atomic.rules]: no rule `no-such-rule` (`cargo atomic rules` lists them)"
        ),
        "{}",
        unknown.stderr
    );
    p.file("gateway/Cargo.toml", &with_levels("item-removed = \"tiny\""));
    let bad = p.atomic(&args(&["check"]));
    bad.assert_code(2);
    assert!(bad.stderr.contains("`item-removed = \"tiny\"` is not major, minor, patch or allow"), "{}", bad.stderr);
    let rules = p.atomic(&["rules"]);
    rules.assert_code(0);
    assert!(
        rules.stdout.lines().any(|l| l.starts_with("fn-params-changed ") && l.contains(" major ")),
        "{}",
        rules.stdout
    );
}

/// An acceptance holds for the release it was written for: once that release is tagged (the
/// baseline moves past it), it is stale — said, and ignored — and a later break of the same item
/// is a major again. One that matches no finding is a warning (`--deny warnings` fails on it).
#[test]
fn an_acceptance_expires_with_its_release_and_one_matching_nothing_is_said() {
    let p = single_crate("pub fn f(a: u8) {}\n");
    p.file(".gitignore", "target/\n");
    p.git(&["init", "-q", "-b", "main"]);
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release 0.1.0"]);
    p.git(&["tag", "demo-v0.1.0"]);

    p.file("src/lib.rs", "pub fn f(a: u8, b: u8) {}\n");
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    p.atomic(&["accept", "fn-params-changed", "demo::f", "--as", "minor", "--reason", "f is unstable (documented)"])
        .assert_code(0);
    let bump = p.atomic(&["bump"]);
    bump.assert_code(0);
    assert!(p.read("Cargo.toml").contains("version = \"0.1.1\""), "a minor of 0.1 is 0.1.1: {}", p.read("Cargo.toml"));
    p.atomic(&["check"]).assert_code(0);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release 0.1.1"]);
    p.git(&["tag", "demo-v0.1.1"]);

    // The next release: the same item breaks again.
    p.file("src/lib.rs", "pub fn f(a: u8, b: u8, c: u8) {}\n");
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    let check = p.atomic(&["check"]);
    check.assert_code(1);
    assert!(
        check.stderr.contains("warning[acceptance-stale]: the acceptance of `fn-params-changed` at `demo::f` was written for the release after 0.1.0, and the baseline is now 0.1.1: it no longer applies (remove it)"),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains("error[bump-too-small]: `demo` needs a major bump (0.1.1 → 0.2.0)"),
        "{}",
        check.stderr
    );

    // An acceptance of something that did not change.
    let file = p.read("atomic-accepted.toml")
        + "\n[[accept]]\nrule = \"item-removed\"\npath = \"demo::g\"\nlevel = \"patch\"\nbaseline = \"0.1.1\"\nreason = \"g was never used\"\n";
    p.file("atomic-accepted.toml", &file);
    let check = p.atomic(&["check", "--message-format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let kinds: Vec<&str> = json["problems"].as_array().unwrap().iter().map(|p| p["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"acceptance-unmatched") && kinds.contains(&"acceptance-stale"), "{kinds:?}");
    let unmatched = json["problems"].as_array().unwrap().iter().find(|p| p["kind"] == "acceptance-unmatched").unwrap();
    assert_eq!(unmatched["file"], "atomic-accepted.toml");
    assert!(unmatched["message"]
        .as_str()
        .unwrap()
        .contains("matches no finding: the change went away, or the path is wrong"));

    // With the break bumped, only the warnings are left: `--deny warnings` fails on them.
    p.atomic(&["bump"]).assert_code(0);
    p.atomic(&["check"]).assert_code(0);
    p.atomic(&["check", "--deny", "warnings"]).assert_code(1);

    // A broken file is an error naming it.
    p.file("atomic-accepted.toml", "[[accept]]\nrule = \"item-removed\"\n");
    let broken = p.atomic(&["check"]);
    broken.assert_code(2);
    assert!(broken.stderr.contains("atomic-accepted.toml"), "{}", broken.stderr);
    assert!(broken.stderr.contains("[[accept]] #1 lacks `path`"), "{}", broken.stderr);
}
