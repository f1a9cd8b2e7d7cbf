//! Conventions every Cargo subcommand follows: `--version`, completions, the man page, and one
//! default scope (the whole workspace) for every command.

use crate::support::Project;

#[test]
fn version_flags_print_the_version() {
    let p = Project::new();
    let expected = format!("cargo-atomic {}\n", env!("CARGO_PKG_VERSION"));
    for args in [&["--version"][..], &["-V"][..]] {
        let run = p.atomic(args);
        run.assert_code(0);
        assert_eq!(run.stdout, expected);
    }
    // `cargo-atomic --version`, as a binary rather than through `cargo atomic`.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-atomic")).arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}

#[test]
fn completions_and_man_page_come_from_the_definitions() {
    let p = Project::new();
    let bash = p.atomic(&["completions", "bash"]);
    bash.assert_code(0);
    assert!(bash.stdout.contains("complete -F _cargo__atomic"), "{}", bash.stdout);
    for sub in ["snapshot", "diff", "check", "bump", "publish", "rollback", "--baseline-rev", "--message-format"] {
        assert!(bash.stdout.contains(sub), "bash completions lack `{sub}`");
    }
    let zsh = p.atomic(&["completions", "zsh"]);
    zsh.assert_code(0);
    assert!(zsh.stdout.starts_with("#compdef cargo-atomic"), "{}", &zsh.stdout[..80.min(zsh.stdout.len())]);
    p.atomic(&["completions", "tcsh"]).assert_code(2);
    let man = p.atomic(&["man"]);
    man.assert_code(0);
    assert!(man.stdout.contains(".TH cargo-atomic 1"), "{}", &man.stdout[..200.min(man.stdout.len())]);
    assert!(man.stdout.contains("snapshot"), "the man page lists the commands");
}

/// At the root of a workspace that is also a package, every command covers every member: a
/// newcomer's `snapshot` then `check` finds nothing stale.
#[test]
fn every_command_covers_the_whole_workspace_by_default() {
    let p = Project::new();
    p.file(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = [\"local\"]\n\n\
         [dependencies]\nhelper = { path = \"helper\", version = \"1.0.0\", registry = \"local\" }\n\n\
         [workspace]\nmembers = [\"helper\", \"tool\"]\ndefault-members = [\".\"]\n",
    )
    // Named so the manifests parse; nothing here asks a registry (the baseline is a path).
    .file(".cargo/config.toml", "[registries.local]\nindex = \"sparse+http://127.0.0.1:9/index/\"\n")
    .file("src/lib.rs", "pub fn app() -> helper::Helper { helper::Helper }\n")
    .file(
        "helper/Cargo.toml",
        "[package]\nname = \"helper\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = [\"local\"]\n",
    )
    .file("helper/src/lib.rs", "pub struct Helper;\n")
    .file("tool/Cargo.toml", "[package]\nname = \"tool\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n")
    .file("tool/src/lib.rs", "pub fn internal() {}\n");
    let run = p.atomic(&["snapshot", "-q"]);
    run.assert_code(0);
    assert!(p.exists("atomic-api.txt") && p.exists("helper/atomic-api.txt"), "{}", run.stderr);
    assert!(!p.exists("tool/atomic-api.txt"), "a `publish = false` member is not released");
    p.atomic(&["snapshot", "--check", "-q"]).assert_code(0);
    let api = p.atomic(&["api", "-q"]);
    api.assert_code(0);
    assert!(api.stdout.contains("# app\n") && api.stdout.contains("# helper\n"), "{}", api.stdout);
    let check = p.atomic(&["check", "--baseline-path", "."]);
    check.assert_code(0);
    assert!(check.stderr.contains("Finished the release train is consistent"), "{}", check.stderr);
    // `-p` and `--exclude` narrow it; `-p` reaches a `publish = false` member too.
    let only = p.atomic(&["api", "-q", "-p", "tool"]);
    only.assert_code(0);
    assert_eq!(only.stdout, "pub mod tool\npub fn tool::internal()\n");
    let without = p.atomic(&["api", "-q", "--exclude", "app"]);
    without.assert_code(0);
    assert!(!without.stdout.contains("app") && without.stdout.contains("helper::Helper"), "{}", without.stdout);
}
