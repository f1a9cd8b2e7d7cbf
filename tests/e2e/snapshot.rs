//! `cargo atomic snapshot` and `cargo atomic api`: files, determinism, selection, bad input.

use snapbox::{assert_data_eq, str};

use crate::support::{items, single_crate, Project};

const LIB: &str = r#"
pub struct Config { pub name: String, retries: u32 }
impl Config {
    pub fn new(name: &str) -> Self { Config { name: name.into(), retries: 3 } }
    pub fn retries(&self) -> u32 { self.retries }
}
pub fn execute_operation(interface: &str, operation: &str) -> Result<(), String> {
    let _ = (interface, operation);
    Ok(())
}
pub const LIMIT: usize = 8;
"#;

#[test]
fn snapshot_writes_the_file_and_api_prints_the_same_lines() {
    let p = single_crate(LIB);
    let run = p.atomic(&["snapshot"]);
    run.assert_code(0);
    assert!(run.stderr.contains("Created atomic-api.txt (11 items)"), "{}", run.stderr);
    let file = p.read("atomic-api.txt");
    assert_data_eq!(
        file.clone(),
        str![[r#"
# cargo-atomic API snapshot: one public item per line, so a diff of this file reviews the API change.
# Written by `cargo atomic snapshot`, checked by `cargo atomic check`. Do not edit by hand.
schema 2
package demo
lib demo
checked-features default

pub mod demo
pub struct demo::Config { pub name: String, .. }
pub fn demo::Config::new(name: &str) -> demo::Config
pub fn demo::Config::retries(&self) -> u32
impl Send for demo::Config
impl Sync for demo::Config
impl Unpin for demo::Config
impl std::panic::RefUnwindSafe for demo::Config
impl std::panic::UnwindSafe for demo::Config
pub const demo::LIMIT: usize
pub fn demo::execute_operation(interface: &str, operation: &str) -> Result<(), String>
end 11 items

"#]]
    );
    let api = p.atomic(&["api"]);
    api.assert_code(0);
    assert_eq!(api.stdout, items(&file));
}

#[test]
fn two_runs_in_different_directories_are_byte_identical() {
    let a = Project::fixture("kinds");
    let b = Project::fixture("kinds");
    a.atomic(&["snapshot", "--workspace", "-q"]).assert_code(0);
    b.atomic(&["snapshot", "--workspace", "-q"]).assert_code(0);
    let first: Vec<String> =
        ["traits", "structs", "facade"].iter().map(|c| a.read(&format!("{c}/atomic-api.txt"))).collect();
    // A second run in the same place rewrites nothing.
    let again = a.atomic(&["snapshot", "--workspace"]);
    again.assert_code(0);
    assert!(!again.stderr.contains("Updated"), "{}", again.stderr);
    for (i, c) in ["traits", "structs", "facade"].iter().enumerate() {
        assert_eq!(a.read(&format!("{c}/atomic-api.txt")), first[i]);
        assert_eq!(b.read(&format!("{c}/atomic-api.txt")), first[i], "{c} differs between directories");
    }
}

#[test]
fn reordering_items_in_the_source_leaves_the_snapshot_unchanged() {
    let p = single_crate(LIB);
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    let reordered = r#"
pub const LIMIT: usize = 8;
pub fn execute_operation(interface: &str, operation: &str) -> Result<(), String> {
    let _ = (interface, operation);
    Ok(())
}
impl Config {
    pub fn retries(&self) -> u32 { self.retries }
    pub fn new(name: &str) -> Config { Config { retries: 3, name: name.into() } }
}
pub struct Config { retries: u32, pub name: String }
"#;
    p.file("src/lib.rs", reordered);
    p.atomic(&["snapshot", "--check"]).assert_code(0);
}

#[test]
fn moving_an_item_into_a_private_module_and_reexporting_it_leaves_the_snapshot_unchanged() {
    let p = single_crate(LIB);
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    let moved = r#"
mod config {
    pub struct Config { pub name: String, pub(crate) retries: u32 }
    impl Config {
        pub fn new(name: &str) -> Self { Config { name: name.into(), retries: 3 } }
        pub fn retries(&self) -> u32 { self.retries }
    }
}
pub use config::Config;
pub fn execute_operation(interface: &str, operation: &str) -> Result<(), String> {
    let _ = (interface, operation);
    Ok(())
}
pub const LIMIT: usize = 8;
"#;
    p.file("src/lib.rs", moved);
    p.atomic(&["snapshot", "--check"]).assert_code(0);
}

#[test]
fn bounds_written_inline_or_in_where_clauses_are_the_same_api() {
    let p = single_crate("pub fn f<T: Clone + Send>(t: T) -> T { t }\n");
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    p.file("src/lib.rs", "pub fn f<T>(t: T) -> T where T: Send, T: Clone { t }\n");
    p.atomic(&["snapshot", "--check"]).assert_code(0);
}

#[test]
fn check_names_each_stale_crate_and_writes_nothing() {
    let p = Project::fixture("kinds");
    p.atomic(&["snapshot", "-p", "values", "-p", "attrs", "-p", "unions", "-q"]).assert_code(0);
    let before = p.read("values/atomic-api.txt");
    p.file("values/src/lib.rs", "pub const LIMIT: u64 = 10;\n");
    p.file("attrs/src/lib.rs", "pub fn only() {}\n");
    let run = p.atomic(&["snapshot", "--check", "-p", "values", "-p", "attrs", "-p", "unions"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("the API snapshot of `values` is out of date: values/atomic-api.txt"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("the API snapshot of `attrs` is out of date: attrs/atomic-api.txt"), "{}", run.stderr);
    assert!(!run.stderr.contains("`unions` is out of date"), "{}", run.stderr);
    assert!(run.stderr.contains("run `cargo atomic snapshot`"), "{}", run.stderr);
    assert_eq!(p.read("values/atomic-api.txt"), before);
}

#[test]
fn check_reports_a_missing_snapshot() {
    let p = single_crate(LIB);
    let run = p.atomic(&["snapshot", "--check"]);
    run.assert_code(1);
    assert!(run.stderr.contains("the API snapshot of `demo` is missing: atomic-api.txt"), "{}", run.stderr);
    assert!(!p.exists("atomic-api.txt"));
}

#[test]
fn workspace_skips_unpublishable_members_unless_named() {
    let p = Project::new();
    p.file("Cargo.toml", "[workspace]\nmembers = [\"open\", \"internal\", \"tool\"]\nresolver = \"2\"\n")
        .file(
            "open/Cargo.toml",
            "[package]\nname = \"open\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = [\"local\"]\n",
        )
        .file("open/src/lib.rs", "pub fn open() {}\n")
        .file(
            "internal/Cargo.toml",
            "[package]\nname = \"internal\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n",
        )
        .file("internal/src/lib.rs", "pub fn internal() {}\n")
        .file(
            "tool/Cargo.toml",
            "[package]\nname = \"tool\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = [\"local\"]\n",
        )
        .file("tool/src/main.rs", "fn main() {}\n");
    let run = p.atomic(&["snapshot"]);
    run.assert_code(0);
    assert!(p.exists("open/atomic-api.txt"));
    assert!(!p.exists("internal/atomic-api.txt"));
    assert!(run.stderr.contains("`tool` has no library target"), "{}", run.stderr);

    p.atomic(&["snapshot", "-p", "internal", "-q"]).assert_code(0);
    assert!(p.exists("internal/atomic-api.txt"));

    // From inside a package directory too, the whole workspace is covered: the release train is
    // a workspace matter, and `-p` names a package.
    let inside = p.atomic(&["snapshot", "--check", "--manifest-path", "internal/Cargo.toml"]);
    inside.assert_code(0);
    assert!(inside.stderr.contains("Fresh open/atomic-api.txt"), "{}", inside.stderr);
    assert!(!inside.stderr.contains("internal/atomic-api.txt"), "{}", inside.stderr);
}

#[test]
fn features_default_config_and_flags() {
    let p = Project::fixture("kinds");
    let run = p.atomic(&["snapshot", "-p", "features"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("features: optional features `full`, `serde` are not checked; include them with `features = [\"full\", \"serde\"]` or `all-features = true` under `[package.metadata.atomic]`"),
        "{}",
        run.stderr
    );
    assert!(!p.read("features/atomic-api.txt").contains("with_serde"));

    let api = p.atomic(&["api", "-p", "features", "--features", "serde"]);
    api.assert_code(0);
    assert!(api.stdout.contains("pub fn features::with_serde()"), "{}", api.stdout);
    let none = p.atomic(&["api", "-p", "features", "--no-default-features"]);
    assert!(!none.stdout.contains("with_std"), "{}", none.stdout);

    let manifest = p.read("features/Cargo.toml") + "\n[package.metadata.atomic]\nfeatures = [\"serde\"]\n";
    p.file("features/Cargo.toml", &manifest);
    let run = p.atomic(&["snapshot", "-p", "features"]);
    run.assert_code(0);
    let file = p.read("features/atomic-api.txt");
    assert!(file.contains("checked-features default, serde\n"), "{file}");
    assert!(file.contains("pub fn features::with_serde()\n"), "{file}");
    assert!(run.stderr.contains("optional features `full` are not checked"), "{}", run.stderr);
}

#[test]
fn a_crate_that_does_not_compile_is_an_error_with_the_compiler_message() {
    let p = single_crate("pub fn broken() -> Missing { todo!() }\n");
    let run = p.atomic(&["snapshot"]);
    run.assert_code(2);
    assert!(run.stderr.contains("error: rustdoc failed for demo; the compiler said:"), "{}", run.stderr);
    assert!(run.stderr.contains("cannot find type `Missing`"), "{}", run.stderr);
    assert_eq!(p.files(), ["Cargo.lock", "Cargo.toml", "src/lib.rs"]);
}

/// rustdoc does not type-check function bodies, but documenting a member's dependents compiles
/// it: `-p` and `--workspace` agree on a member whose bodies do not compile (an error when
/// another member depends on it, as documenting that member needs it built; a leaf documents).
#[test]
fn snapshot_of_one_member_and_of_the_workspace_agree_on_bodies_that_do_not_compile() {
    let p = Project::new();
    p.file("Cargo.toml", "[workspace]\nmembers = [\"base\", \"user\", \"leaf\"]\nresolver = \"2\"\n");
    for (name, deps) in [("base", ""), ("user", "base = { path = \"../base\" }\n"), ("leaf", "")] {
        p.file(
            &format!("{name}/Cargo.toml"),
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = [\"local\"]\n\n[dependencies]\n{deps}"
            ),
        );
    }
    p.file("base/src/lib.rs", "pub fn base() -> u32 { \"not a number\" }\n")
        .file("user/src/lib.rs", "pub use base::base;\n")
        .file("leaf/src/lib.rs", "pub fn leaf() -> u32 { \"not a number\" }\n");
    for args in [&["snapshot", "-p", "base"][..], &["snapshot", "--workspace"]] {
        let run = p.atomic(args);
        run.assert_code(2);
        assert!(run.stderr.contains("expected `u32`, found `&str`"), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("base/src/lib.rs:1"), "{args:?}: {}", run.stderr);
        assert!(!p.exists("base/atomic-api.txt"), "{args:?}");
    }
    let one = p.atomic(&["snapshot", "-p", "base"]);
    assert!(
        one.stderr.contains("error: base did not compile (members depending on it need it built)"),
        "{}",
        one.stderr
    );

    // A member nothing depends on is never compiled by either run: both document it.
    p.file("base/src/lib.rs", "pub fn base() -> u32 { 1 }\n");
    p.atomic(&["snapshot", "-p", "leaf", "-q"]).assert_code(0);
    let alone = p.read("leaf/atomic-api.txt");
    p.atomic(&["snapshot", "--workspace", "-q"]).assert_code(0);
    assert_eq!(p.read("leaf/atomic-api.txt"), alone);
    assert!(alone.contains("pub fn leaf::leaf() -> u32"), "{alone}");
}

#[test]
fn a_manifest_that_does_not_parse_is_an_error() {
    let p = single_crate(LIB);
    p.file("Cargo.toml", "[package]\nname = \"demo\"\nversion = \n");
    let run = p.atomic(&["snapshot"]);
    run.assert_code(2);
    assert!(run.stderr.contains("error: cannot read the workspace at "), "{}", run.stderr);
    assert!(run.stderr.contains("Caused by:\n  string values must be quoted"), "{}", run.stderr);
    assert!(run.stderr.contains("--> Cargo.toml:3:11"), "{}", run.stderr);
    assert_eq!(p.files(), ["Cargo.toml", "src/lib.rs"]);
}

#[test]
fn an_unsupported_rustdoc_format_is_an_error_naming_the_supported_ones() {
    let p = single_crate(LIB);
    // A rustdoc that writes a newer format: the real one, with its output's version rewritten.
    p.file(
        "fake-rustdoc.sh",
        r#"#!/bin/sh
rustdoc "$@" || exit $?
out=""; prev=""
for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done
for f in "$out"/*.json; do
  [ -f "$f" ] && sed -i 's/"format_version":[0-9]*/"format_version":99/' "$f"
done
exit 0
"#,
    );
    let script = p.path("fake-rustdoc.sh");
    std::process::Command::new("chmod").arg("+x").arg(&script).status().unwrap();
    let run = p.atomic_env(&["snapshot"], &[("RUSTDOC", script.to_str().unwrap())]);
    run.assert_code(2);
    assert!(
        run.stderr.contains(
            "rustdoc JSON format 99 is newer than this cargo-atomic reads (formats 37 to 61, from Rust 1.85 on): \
             document with an older toolchain"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("or use a cargo-atomic release that reads format 99"), "{}", run.stderr);
    assert!(!p.exists("atomic-api.txt"));
}

#[test]
fn a_truncated_or_corrupt_snapshot_is_an_error() {
    let p = single_crate(LIB);
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    let good = p.read("atomic-api.txt");
    p.file("src/lib.rs", &format!("{LIB}\npub fn added() {{}}\n"));

    p.file("atomic-api.txt", &good[..good.len() / 2]);
    let run = p.atomic(&["snapshot", "--check"]);
    run.assert_code(2);
    assert!(run.stderr.contains("atomic-api.txt is truncated: its `end` line is missing"), "{}", run.stderr);

    p.file("atomic-api.txt", &good.replace("pub const demo::LIMIT: usize", "pub const demo::LIMIT usize"));
    let run = p.atomic(&["snapshot", "--check"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("atomic-api.txt:17: const without a type: `pub const demo::LIMIT usize`"),
        "{}",
        run.stderr
    );

    p.file("atomic-api.txt", &good.replace("schema 2", "schema 7"));
    let run = p.atomic(&["snapshot", "--check"]);
    run.assert_code(2);
    assert!(
        run.stderr.contains("newer than this cargo-atomic reads (schema 2); upgrade cargo-atomic"),
        "{}",
        run.stderr
    );

    // Writing replaces a corrupt file with a good one.
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    assert!(p.read("atomic-api.txt").contains("pub fn demo::added()"));
}

#[test]
fn snapshots_are_written_all_or_none() {
    let p = Project::fixture("kinds");
    p.file("values/atomic-api.txt", "stale\n");
    let path = p.path("values/atomic-api.txt");
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms).unwrap();
    let run = p.atomic(&["snapshot", "-p", "attrs", "-p", "values", "-p", "unions"]);
    run.assert_code(2);
    assert!(run.stderr.contains("values/atomic-api.txt is read-only; nothing was written"), "{}", run.stderr);
    assert!(!p.exists("attrs/atomic-api.txt") && !p.exists("unions/atomic-api.txt"), "no snapshot is written");
    assert_eq!(p.read("values/atomic-api.txt"), "stale\n");
}

#[test]
fn unknown_package_and_bad_flags_are_usage_errors() {
    let p = single_crate(LIB);
    let run = p.atomic(&["snapshot", "-p", "nope"]);
    run.assert_code(2);
    assert!(run.stderr.contains("package `nope` is not a member of the workspace (members: demo)"), "{}", run.stderr);
    p.atomic(&["snapshot", "--frobnicate"]).assert_code(2);
}

/// A member manifest of the feature tests: `rest` after the `[package]` table.
fn member_manifest(name: &str, edition: &str, rest: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"1.0.0\"\nedition = \"{edition}\"\npublish = [\"local\"]\n\n{rest}"
    )
}

/// `base`'s snapshot written with the whole workspace, after checking that `-p base` alone writes
/// the same bytes.
fn base_snapshot_whole_and_alone(p: &Project) -> String {
    p.atomic(&["snapshot", "--workspace"]).assert_code(0);
    let whole = p.read("base/atomic-api.txt");
    std::fs::remove_file(p.path("base/atomic-api.txt")).unwrap();
    p.atomic(&["snapshot", "-p", "base"]).assert_code(0);
    assert_eq!(p.read("base/atomic-api.txt"), whole, "the same bytes for `-p base` and the workspace");
    whole
}

/// A member's snapshot depends on the member alone: a sibling that turns on one of its features
/// (and, through it, an optional dependency) does not change what is documented for it, and the
/// snapshot written with the whole workspace is the one written for the member alone.
#[test]
fn a_sibling_enabling_a_feature_does_not_change_a_members_snapshot() {
    let p = Project::new();
    p.file("Cargo.toml", "[workspace]\nmembers = [\"base\", \"app\", \"extra\"]\nresolver = \"2\"\n")
        .file(
            "base/Cargo.toml",
            &member_manifest(
                "base",
                "2021",
                "[dependencies]\nextra = { path = \"../extra\", optional = true }\n\n[features]\nmore = [\"dep:extra\"]\n",
            ),
        )
        .file("base/src/lib.rs", "pub fn always() {}\n#[cfg(feature = \"more\")]\npub fn gated(_: extra::Thing) {}\n")
        .file(
            "extra/Cargo.toml",
            "[package]\nname = \"extra\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = false\n",
        )
        .file("extra/src/lib.rs", "pub struct Thing;\n")
        .file(
            "app/Cargo.toml",
            &member_manifest("app", "2021", "[dependencies]\nbase = { path = \"../base\", features = [\"more\"] }\n"),
        )
        .file("app/src/lib.rs", "pub use base::always;\n");
    let whole = base_snapshot_whole_and_alone(&p);
    assert!(whole.contains("checked-features default"), "{whole}");
    assert!(whole.contains("pub fn base::always()"), "{whole}");
    assert!(!whole.contains("gated"), "only the sibling turns `more` on:\n{whole}");
    assert!(!whole.contains("dependency extra"), "{whole}");
    p.atomic(&["snapshot", "--check", "-p", "base"]).assert_code(0);
    p.atomic(&["check", "--baseline-path", "."]).assert_code(0);
}

/// Under resolver 1 (a virtual workspace that names none, as many older workspaces are), Cargo
/// unifies the features the dev-dependencies of the packages of one `cargo doc` call ask for: a
/// sibling's test-only `features = ["more"]` must not reach what is documented for `base`.
#[test]
fn a_siblings_dev_dependency_features_do_not_change_a_members_snapshot_under_resolver_1() {
    let p = Project::new();
    p.file("Cargo.toml", "[workspace]\nmembers = [\"base\", \"app\"]\n")
        .file("base/Cargo.toml", &member_manifest("base", "2018", "[features]\nmore = []\n"))
        .file("base/src/lib.rs", "pub fn always() {}\n#[cfg(feature = \"more\")]\npub fn gated() {}\n")
        .file(
            "app/Cargo.toml",
            &member_manifest(
                "app",
                "2018",
                "[dependencies]\nbase = { path = \"../base\" }\n\n\
                 [dev-dependencies]\nbase = { path = \"../base\", features = [\"more\"] }\n",
            ),
        )
        .file("app/src/lib.rs", "pub use base::always;\n");
    let whole = base_snapshot_whole_and_alone(&p);
    assert!(whole.contains("pub fn base::always()"), "{whole}");
    assert!(!whole.contains("gated"), "only a dev-dependency turns `more` on:\n{whole}");
    p.atomic(&["snapshot", "--check", "--workspace"]).assert_code(0);
}

/// The same through a chain: `app` turns on `mid/std`, which turns on `base/std`; documented
/// with the whole workspace, `base` still has only its own features.
#[test]
fn a_feature_turned_on_through_another_member_does_not_change_a_members_snapshot() {
    let p = Project::new();
    let manifest = |name: &str, rest: &str| member_manifest(name, "2021", rest);
    p.file("Cargo.toml", "[workspace]\nmembers = [\"base\", \"mid\", \"app\"]\nresolver = \"2\"\n")
        .file("base/Cargo.toml", &manifest("base", "[features]\nstd = []\n"))
        .file("base/src/lib.rs", "pub fn always() {}\n#[cfg(feature = \"std\")]\npub fn with_std() {}\n")
        .file(
            "mid/Cargo.toml",
            &manifest("mid", "[dependencies]\nbase = { path = \"../base\" }\n\n[features]\nstd = [\"base/std\"]\n"),
        )
        .file("mid/src/lib.rs", "pub fn mid() {}\n")
        .file("app/Cargo.toml", &manifest("app", "[dependencies]\nmid = { path = \"../mid\", features = [\"std\"] }\n"))
        .file("app/src/lib.rs", "pub fn app() {}\n");
    let whole = base_snapshot_whole_and_alone(&p);
    assert!(!whole.contains("with_std"), "only `app`, through `mid`, turns `std` on:\n{whole}");
}

/// rustdoc runs with private items (for exported symbols); a crate denying a rustdoc lint in docs
/// it never renders itself, a private item's broken link, still gets its snapshot.
#[test]
fn rustdoc_lints_on_private_docs_do_not_fail_the_snapshot() {
    let p = single_crate("#![deny(rustdoc::broken_intra_doc_links)]\n/// See [nowhere].\nfn private() {}\npub fn public() { private() }\n");
    let run = p.atomic(&["snapshot"]);
    run.assert_code(0);
    assert!(p.read("atomic-api.txt").contains("pub fn demo::public()"));
}
