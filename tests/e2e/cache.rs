//! The API cache: a re-run with nothing changed documents nothing, and no change of an input of a
//! crate's API is ever served from the cache.

use crate::support::Project;

/// `base`, and `user` re-exporting all of it; `flagged` with a build script reading `flag.txt`,
/// `../outside.txt` and `FLAGGED_ENV`.
fn workspace() -> Project {
    let p = Project::new();
    p.file("Cargo.toml", "[workspace]\nmembers = [\"base\", \"user\", \"flagged\"]\nresolver = \"2\"\n");
    for (name, deps) in [("base", ""), ("user", "base = { path = \"../base\" }\n"), ("flagged", "")] {
        p.file(
            &format!("{name}/Cargo.toml"),
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = [\"local\"]\n\n\
                 [features]\nextra = []\n\n[dependencies]\n{deps}"
            ),
        );
    }
    p.file("base/src/lib.rs", "pub mod shapes;\npub fn base() {}\n#[cfg(feature = \"extra\")]\npub fn extra() {}\n")
        .file("base/src/shapes.rs", "pub struct Circle;\n")
        .file("user/src/lib.rs", "pub use base::*;\n")
        .file(
            "flagged/build.rs",
            "fn main() {\n    println!(\"cargo:rerun-if-changed=flag.txt\");\n    \
             println!(\"cargo:rerun-if-changed=../outside.txt\");\n    \
             println!(\"cargo:rerun-if-env-changed=FLAGGED_ENV\");\n    \
             println!(\"cargo::rustc-check-cfg=cfg(flagged, outside, from_env)\");\n    \
             let on = |f: &str| std::fs::read_to_string(f).is_ok_and(|s| s.trim() == \"on\");\n    \
             if on(\"flag.txt\") {\n        println!(\"cargo:rustc-cfg=flagged\");\n    }\n    \
             if on(\"../outside.txt\") {\n        println!(\"cargo:rustc-cfg=outside\");\n    }\n    \
             if std::env::var(\"FLAGGED_ENV\").is_ok_and(|v| v == \"on\") {\n        \
             println!(\"cargo:rustc-cfg=from_env\");\n    }\n}\n",
        )
        .file("flagged/flag.txt", "off\n")
        .file("outside.txt", "off\n")
        .file(
            "flagged/src/lib.rs",
            "pub fn always() {}\n#[cfg(flagged)]\npub fn flagged() {}\n#[cfg(outside)]\npub fn outside() {}\n\
             #[cfg(from_env)]\npub fn from_env() {}\n",
        );
    p
}

/// `api -v` for every member: the item lines, and how many crates came from the cache.
fn api(p: &Project, extra: &[&str], env: &[(&str, &str)]) -> (String, usize) {
    let mut args = vec!["api", "-v"];
    args.extend_from_slice(extra);
    let run = p.atomic_env(&args, env);
    run.assert_code(0);
    let timing = run.stderr.lines().find(|l| l.contains("Timing")).unwrap_or_else(|| panic!("{}", run.stderr));
    let reused = timing
        .split(" unchanged, from the cache")
        .next()
        .and_then(|s| s.rsplit('(').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{timing}"));
    (run.stdout, reused)
}

#[test]
fn nothing_changed_nothing_documented() {
    let p = workspace();
    let (first, reused) = api(&p, &[], &[]);
    assert_eq!(reused, 0);
    // Stored by the first run, the crate with a build script too: its inputs are known once the
    // script ran.
    for member in ["base", "user", "flagged"] {
        assert!(p.atomic_dir().join(format!("api-cache/{member}.json")).is_file(), "{member}");
    }
    let run = p.atomic(&["api", "-v"]);
    run.assert_code(0);
    assert_eq!(run.stdout, first);
    // Every crate from the cache, the one with a build script too (its run declared its inputs).
    assert!(!run.stderr.contains("Documenting"), "{}", run.stderr);
    assert!(run.stderr.contains("(3 unchanged, from the cache)"), "{}", run.stderr);

    // Bypassed on request.
    assert_eq!(api(&p, &["--no-cache"], &[]), (first.clone(), 0));
    assert_eq!(api(&p, &[], &[("CARGO_ATOMIC_NO_CACHE", "1")]), (first.clone(), 0));

    // A corrupt entry is ignored and rewritten.
    let entry = p.atomic_dir().join("api-cache/base.json");
    assert!(entry.is_file(), "the cache lives in the workspace's atomic dir");
    std::fs::write(&entry, "{ not json").unwrap();
    assert_eq!(api(&p, &[], &[]), (first.clone(), 2), "base re-documented; user, whose inputs did not change, reused");
    assert_eq!(api(&p, &[], &[]), (first, 3));
}

/// The API after a change: it has `new_line`, differs from `before` (which it replaces), and
/// nothing of base or user came from the cache (`flagged`, untouched, does when `flagged_reused`).
#[track_caller]
fn expect_new(
    p: &Project,
    before: &mut String,
    what: &str,
    (extra, env): (&[&str], &[(&str, &str)]),
    new_line: &str,
    flagged_reused: bool,
) {
    let (after, reused) = api(p, extra, env);
    assert!(after.contains(new_line), "after {what}, `{new_line}` is missing:\n{after}");
    assert_ne!(&after, before, "after {what}");
    assert_eq!(reused, usize::from(flagged_reused), "after {what}, nothing of base or user may be reused");
    *before = after;
}

#[test]
fn every_input_of_an_api_invalidates_it() {
    let p = workspace();
    let (mut before, _) = api(&p, &[], &[]);
    // A source file, then a module file: base changes, and user re-exports it.
    p.file(
        "base/src/lib.rs",
        "pub mod shapes;\npub fn base() {}\npub fn added() {}\n#[cfg(feature = \"extra\")]\npub fn extra() {}\n",
    );
    expect_new(&p, &mut before, "a source file", (&[], &[]), "pub fn user::added()", true);
    p.file("base/src/shapes.rs", "pub struct Circle;\npub struct Square;\n");
    expect_new(&p, &mut before, "a module file", (&[], &[]), "pub struct user::shapes::Square", true);
    // The manifest: a new feature.
    let manifest = p.read("base/Cargo.toml").replace("extra = []", "extra = []\nmore = []");
    p.file("base/Cargo.toml", &manifest);
    expect_new(&p, &mut before, "the manifest", (&[], &[]), "feature more = []", true);
    // A feature asked for.
    expect_new(&p, &mut before, "a feature", (&["--features", "base/extra"], &[]), "pub fn base::extra()", true);
    // The toolchain's variables.
    p.file(
        "base/src/lib.rs",
        "pub mod shapes;\npub fn base() {}\npub fn added() {}\n#[cfg(extra_cfg)]\npub fn configured() {}\n",
    );
    before = api(&p, &[], &[]).0;
    p.file("rustdoc-with-cfg.sh", "#!/bin/sh\nexec rustdoc --cfg extra_cfg \"$@\"\n");
    let script = p.path("rustdoc-with-cfg.sh");
    std::process::Command::new("chmod").arg("+x").arg(&script).status().unwrap();
    let env = [("RUSTDOC", script.to_str().unwrap())];
    expect_new(&p, &mut before, "RUSTDOC", (&[], &env), "pub fn base::configured()", false);

    // The lockfile: an edit Cargo keeps is an input like any other.
    let lock = p.read("Cargo.lock");
    p.file("Cargo.lock", &format!("{lock}\n# edited\n"));
    let (_, reused) = api(&p, &[], &[]);
    assert_eq!(reused, 0, "a changed lockfile re-documents");

    // A build script's inputs, as its runs declared them: a file of its package, a file outside
    // it, and a variable. Each is seen; with none changed, the crate comes from the cache.
    let (without, _) = api(&p, &[], &[]);
    assert!(!without.contains("flagged::flagged"));
    assert_eq!(api(&p, &[], &[]).1, 3, "nothing changed");
    p.file("flagged/flag.txt", "on\n");
    let (with, reused) = api(&p, &[], &[]);
    assert!(with.contains("pub fn flagged::flagged()"), "{with}");
    assert_eq!(reused, 2, "base and user are unchanged");
    p.file("outside.txt", "on\n");
    let (with, reused) = api(&p, &[], &[]);
    assert!(with.contains("pub fn flagged::outside()"), "a declared file outside the package: {with}");
    assert_eq!(reused, 2);
    let (with, reused) = api(&p, &[], &[("FLAGGED_ENV", "on")]);
    assert!(with.contains("pub fn flagged::from_env()"), "a declared variable: {with}");
    assert_eq!(reused, 2);
    assert_eq!(api(&p, &[], &[("FLAGGED_ENV", "on")]).1, 3, "the same variable again: nothing changed");
}

/// Cargo's lines for the packages rustdoc ran for (`Documenting base v0.1.0 (…)`).
fn cargo_documented(stderr: &str) -> Vec<String> {
    let mut out: Vec<String> = stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("Documenting "))
        .filter_map(|rest| rest.split_once(" v").map(|(name, _)| name.to_string()))
        .collect();
    out.sort();
    out
}

#[test]
fn cargo_documents_only_what_changed() {
    let p = workspace();
    let first = p.atomic(&["api", "-v"]);
    first.assert_code(0);
    assert_eq!(cargo_documented(&first.stderr), ["base", "flagged", "user"]);
    // Past the API cache, Cargo itself finds the JSON of unchanged crates fresh (it judges
    // rustdoc runs by an HTML file JSON output never writes).
    let again = p.atomic(&["api", "-v", "--no-cache"]);
    again.assert_code(0);
    assert_eq!(again.stdout, first.stdout);
    assert_eq!(cargo_documented(&again.stderr), Vec::<String>::new(), "{}", again.stderr);
    p.file("base/src/shapes.rs", "pub struct Circle;\npub struct Square;\n");
    let changed = p.atomic(&["api", "-v", "--no-cache"]);
    changed.assert_code(0);
    assert!(changed.stdout.contains("pub struct user::shapes::Square"), "{}", changed.stdout);
    assert_eq!(cargo_documented(&changed.stderr), ["base", "user"], "{}", changed.stderr);
}

#[test]
fn json_of_another_configuration_is_never_taken_for_fresh() {
    // One `doc/base.json` serves every configuration of `base`: with a fresh-mark per
    // configuration, documenting with, then without a feature would leave the first
    // configuration fresh to Cargo while the JSON is the second's.
    let p = workspace();
    let with = ["api", "--no-cache", "--features", "base/extra", "-p", "base"];
    let without = ["api", "--no-cache", "-p", "base"];
    for round in 0..2 {
        let run = p.atomic(&with);
        run.assert_code(0);
        assert!(run.stdout.contains("pub fn base::extra()"), "round {round}: {}", run.stdout);
        let run = p.atomic(&without);
        run.assert_code(0);
        assert!(!run.stdout.contains("pub fn base::extra()"), "round {round}: {}", run.stdout);
    }
}
