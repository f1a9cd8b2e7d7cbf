//! `cargo atomic changelog` and `bump --changelog`: whole files before → after, on the example's
//! train of three (a changelog missing, one with an `[Unreleased]` section a person wrote and
//! compare links, one without), and on a lockstep group; a second run writes nothing.

use snapbox::assert_data_eq;

use crate::support::{example, Project};

const IN_GATEWAY: [&str; 6] =
    ["--manifest-path", "gateway/Cargo.toml", "--baseline-path", "gateway-1.0.0", "--date", "2026-12-07"];

const INTERFACE_BEFORE: &str = "# Changelog

All notable changes to `interface` are documented here.

## [Unreleased]

Clients now get `core`'s new timeout.

### Fixed

- `Interface::name` no longer allocates.

## [1.0.0] - 2025-06-01

### Added

- The first release.

## [0.9.0] - 2025-01-15

- A preview.

[unreleased]: https://example.invalid/gateway/compare/interface-v1.0.0...HEAD
[1.0.0]: https://example.invalid/gateway/compare/interface-v0.9.0...interface-v1.0.0
[0.9.0]: https://example.invalid/gateway/releases/tag/interface-v0.9.0
";

const GATEWAY_BEFORE: &str = "# gateway changes

## 1.0.0

First release.
";

#[test]
fn a_train_of_three_gets_its_notes_in_each_changelog() {
    let p = example();
    p.file("gateway/interface/CHANGELOG.md", INTERFACE_BEFORE).file("gateway/gateway/CHANGELOG.md", GATEWAY_BEFORE);
    let args = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut v = vec!["changelog"];
        v.extend(IN_GATEWAY);
        v.extend(extra);
        v
    };
    let dry = p.atomic(&args(&["--dry-run"]));
    dry.assert_code(0);
    assert!(dry.stderr.contains("Would create core/CHANGELOG.md: core 2.0.0 (breaking changes: 1)"), "{}", dry.stderr);
    assert!(!p.path("gateway/core/CHANGELOG.md").exists());

    let run = p.atomic(&args(&[]));
    run.assert_code(0);
    assert!(run.stderr.contains("Created core/CHANGELOG.md: core 2.0.0 (breaking changes: 1)"), "{}", run.stderr);
    assert!(run.stderr.contains("Updated interface/CHANGELOG.md: interface 2.0.0 (changed: 2)"), "{}", run.stderr);
    assert_data_eq!(p.read("gateway/core/CHANGELOG.md"), snapbox::file!["snapshots/changelog-core.md"]);
    assert_data_eq!(p.read("gateway/interface/CHANGELOG.md"), snapbox::file!["snapshots/changelog-interface.md"]);
    assert_data_eq!(p.read("gateway/gateway/CHANGELOG.md"), snapbox::file!["snapshots/changelog-gateway.md"]);

    // Again: every file has its release already; nothing changes.
    let files: Vec<String> =
        ["core", "interface", "gateway"].iter().map(|c| p.read(&format!("gateway/{c}/CHANGELOG.md"))).collect();
    let again = p.atomic(&args(&[]));
    again.assert_code(0);
    assert!(again.stderr.contains("Skipping core/CHANGELOG.md already has 2.0.0"), "{}", again.stderr);
    let after: Vec<String> =
        ["core", "interface", "gateway"].iter().map(|c| p.read(&format!("gateway/{c}/CHANGELOG.md"))).collect();
    assert_eq!(files, after);

    // Printed, not written: Markdown for a release, JSON against its schema.
    let markdown = p.atomic(&args(&["--message-format", "markdown"]));
    assert_data_eq!(markdown.stdout, snapbox::file!["snapshots/changelog-train.md"]);
    let json = p.atomic(&args(&["--message-format", "json"]));
    crate::schema::assert_valid(&crate::schema::schemas_dir().join("changelog.schema.json"), &json.stdout);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["crates"][0]["package"], "core");
    assert_eq!(doc["crates"][0]["sections"][0]["entries"][0]["rule"], "fn-params-changed");
    assert_eq!(doc["crates"][0]["sections"][0]["entries"][0]["path"], "core::execute_operation");
}

/// A lockstep group (`version.workspace = true`): `api` breaks, `extra` only adds, `tool` has no
/// change of its own; `bump --changelog` writes the versions and the three changelogs in one write.
#[test]
fn a_lockstep_group_gets_its_notes_with_bump() {
    let p = Project::new();
    let workspace = "[workspace]\nmembers = [\"api\", \"extra\", \"tool\"]\nresolver = \"2\"\n\n[workspace.package]\nversion = \"1.0.0\"\nedition = \"2021\"\n";
    for root in ["old", "new"] {
        p.file(&format!("{root}/Cargo.toml"), workspace);
        for (name, deps) in [("api", ""), ("extra", "api = { path = \"../api\", version = \"1.0.0\" }\n"), ("tool", "")]
        {
            p.file(
                &format!("{root}/{name}/Cargo.toml"),
                &format!("[package]\nname = \"{name}\"\nversion.workspace = true\nedition.workspace = true\npublish = [\"local\"]\n\n[dependencies]\n{deps}"),
            )
            .file(&format!("{root}/{name}/src/lib.rs"), &format!("pub fn {name}() {{}}\npub fn {name}_old() {{}}\n"));
        }
    }
    p.file("new/api/src/lib.rs", "pub fn api() {}\n");
    p.file("new/extra/src/lib.rs", "pub fn extra() {}\npub fn extra_old() {}\npub fn extra_new() {}\n");
    let args = [
        "bump",
        "--changelog",
        "--date",
        "2026-12-07",
        "--manifest-path",
        "new/Cargo.toml",
        "--baseline-path",
        "old",
        "--workspace",
    ];
    let dry = p.atomic(&[&args[..], &["--dry-run"]].concat());
    dry.assert_code(0);
    assert!(!p.path("new/api/CHANGELOG.md").exists(), "--dry-run writes nothing");
    let bump = p.atomic(&args);
    bump.assert_code(0);
    assert!(p.read("new/Cargo.toml").contains("version = \"2.0.0\""), "{}", p.read("new/Cargo.toml"));
    // A repository that keeps no changelog gets one for the group, not one per crate.
    for name in ["api", "extra", "tool"] {
        assert!(!p.path(&format!("new/{name}/CHANGELOG.md")).exists(), "{name}");
    }
    assert!(bump.stderr.contains("Created CHANGELOG.md: api, extra, tool 2.0.0 ("), "{}", bump.stderr);
    assert_data_eq!(p.read("new/CHANGELOG.md"), snapbox::file!["snapshots/changelog-group.md"]);

    // The release changes version (a maintainer's choice): its section is rewritten, not left.
    p.file("new/CHANGELOG.md", &p.read("new/CHANGELOG.md").replace("- `api`", "- A line a person added.\n- `api`"));
    let level = p.atomic(&[&args[..], &["--level", "major", "-p", "tool"]].concat());
    level.assert_code(0);
    let again = p.atomic(&[&args[..], &["--dry-run"]].concat());
    again.assert_code(0);
    let text = p.read("new/CHANGELOG.md");
    assert_eq!(text.matches("## [").count(), 1, "{text}");
    assert!(text.contains("- A line a person added."), "{text}");
}

/// A group's changelog already at the root (where the repository keeps it): the release goes there.
#[test]
fn a_group_s_notes_go_to_the_changelog_the_repository_keeps() {
    let p = Project::new();
    let workspace = "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n\n[workspace.package]\nversion = \"1.0.0\"\nedition = \"2021\"\n";
    for root in ["old", "new"] {
        p.file(&format!("{root}/Cargo.toml"), workspace);
        for name in ["a", "b"] {
            p.file(
                &format!("{root}/{name}/Cargo.toml"),
                &format!("[package]\nname = \"{name}\"\nversion.workspace = true\nedition.workspace = true\npublish = [\"local\"]\n"),
            )
            .file(&format!("{root}/{name}/src/lib.rs"), &format!("pub fn {name}() {{}}\n"));
        }
    }
    p.file("new/a/src/lib.rs", "pub fn a() {}\npub fn a_new() {}\n");
    p.file("new/CHANGELOG.md", "# Changes\n\n## 1.0.0\n\n- first\n");
    let run =
        p.atomic(&["changelog", "--date", "2026-12-07", "--manifest-path", "new/Cargo.toml", "--baseline-path", "old"]);
    run.assert_code(0);
    assert!(!p.path("new/a/CHANGELOG.md").exists() && !p.path("new/b/CHANGELOG.md").exists());
    assert_data_eq!(
        p.read("new/CHANGELOG.md"),
        "# Changes\n\n## 1.1.0 - 2026-12-07\n\n### Added\n\n- `a`: `fn a::a_new` was added\n\n### Changed\n\n- `b`: Released with its version group `workspace`, for `a`: `fn a::a_new` was added\n- `b`: No API change of its own\n\n## 1.0.0\n\n- first\n"
    );
}
