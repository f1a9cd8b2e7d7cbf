//! `cargo atomic check` and `cargo atomic bump`: propagation through the workspace graph,
//! problems and their formats, manifest edits.

use snapbox::{assert_data_eq, str};

use crate::support::{example, Project, Run};

/// A member of a generated workspace.
struct Krate {
    name: &'static str,
    version: &'static str,
    /// `(dependency, kind, extra)`: kind is `dependencies`, `build-dependencies` or
    /// `dev-dependencies`; extra is inserted in the inline table (`optional = true`, ...).
    deps: &'static [(&'static str, &'static str, &'static str)],
    src: &'static str,
}

const fn k(
    name: &'static str,
    version: &'static str,
    deps: &'static [(&'static str, &'static str, &'static str)],
    src: &'static str,
) -> Krate {
    Krate { name, version, deps, src }
}

fn workspace(crates: &[Krate]) -> Project {
    let p = Project::new();
    let members: Vec<String> = crates.iter().map(|c| format!("\"{}\"", c.name)).collect();
    p.file("Cargo.toml", &format!("[workspace]\nmembers = [{}]\nresolver = \"2\"\n", members.join(", ")));
    for c in crates {
        let mut manifest = format!(
            "[package]\nname = \"{}\"\nversion = \"{}\"\nedition = \"2021\"\npublish = [\"local\"]\n",
            c.name, c.version
        );
        for table in ["dependencies", "build-dependencies", "dev-dependencies"] {
            let deps: Vec<&(&str, &str, &str)> = c.deps.iter().filter(|d| d.1 == table).collect();
            if deps.is_empty() {
                continue;
            }
            manifest.push_str(&format!("\n[{table}]\n"));
            for (dep, _, extra) in deps {
                let version = crates.iter().find(|x| x.name == *dep).unwrap().version;
                let (key, extra) = match extra.strip_prefix("as ") {
                    Some(rest) => {
                        let (alias, more) = rest.split_once(' ').unwrap_or((rest, ""));
                        (
                            alias.to_string(),
                            format!(
                                ", package = \"{dep}\"{}",
                                if more.is_empty() { String::new() } else { format!(", {more}") }
                            ),
                        )
                    }
                    None if extra.is_empty() => (dep.to_string(), String::new()),
                    None => (dep.to_string(), format!(", {extra}")),
                };
                manifest.push_str(&format!("{key} = {{ path = \"../{dep}\", version = \"{version}\"{extra} }}\n"));
            }
        }
        p.file(&format!("{}/Cargo.toml", c.name), &manifest);
        p.file(&format!("{}/src/lib.rs", c.name), c.src);
    }
    p
}

/// Runs `check` on `new` against `old` (committed snapshots written first, so only the train
/// speaks) and returns the JSON document.
fn check(old: &Project, new: &Project, code: i32) -> serde_json::Value {
    new.atomic(&["snapshot", "--workspace", "-q"]).assert_code(0);
    let run = new.atomic(&["check", "--baseline-path", old.root().to_str().unwrap(), "--message-format", "json"]);
    run.assert_code(code);
    serde_json::from_str(&run.stdout).unwrap()
}

fn krate<'a>(doc: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    doc["crates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["package"] == name)
        .unwrap_or_else(|| panic!("{name} not in {doc:#}"))
}

fn required(doc: &serde_json::Value, name: &str) -> (String, String) {
    let c = krate(doc, name);
    (
        c["required_bump"].as_str().unwrap_or("none").to_string(),
        c["required_version"].as_str().unwrap_or("-").to_string(),
    )
}

fn order(doc: &serde_json::Value) -> Vec<String> {
    doc["train"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{} {}", s["package"].as_str().unwrap(), s["to"].as_str().unwrap()))
        .collect()
}

fn kinds(doc: &serde_json::Value) -> Vec<String> {
    doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{} {}", p["kind"].as_str().unwrap(), p["package"].as_str().unwrap()))
        .collect()
}

const A_OLD: &str = "pub struct T;\npub fn make(n: u8) -> T { let _ = n; T }\n";
const A_BREAKS: &str = "pub struct T;\npub fn make(n: u16) -> T { let _ = n; T }\n";

#[test]
fn chain_of_three_exposing_crates_all_need_a_major_release() {
    let spec = |a: &'static str| {
        [
            k("a", "1.0.0", &[], a),
            k(
                "b",
                "1.0.0",
                &[("a", "dependencies", "")],
                "pub struct U;\npub fn wrap(t: a::T) -> U { let _ = t; U }\n",
            ),
            k("c", "1.0.0", &[("b", "dependencies", "")], "pub fn use_it(u: b::U) { let _ = u; }\n"),
        ]
    };
    let doc = check(&workspace(&spec(A_OLD)), &workspace(&spec(A_BREAKS)), 1);
    assert_eq!(required(&doc, "a"), ("major".into(), "2.0.0".into()));
    assert_eq!(required(&doc, "b"), ("major".into(), "2.0.0".into()));
    assert_eq!(required(&doc, "c"), ("major".into(), "2.0.0".into()));
    assert_eq!(order(&doc), ["a 2.0.0", "b 2.0.0", "c 2.0.0"]);
    let cause = &krate(&doc, "c")["causes"][0];
    assert_eq!(cause["dependency"], "b");
    assert_eq!(cause["exposes"], "pub fn c::use_it(u: b::U)");
    assert_eq!(
        cause["message"],
        "`c` must be released with `b`: `c` depends on `b` (c/Cargo.toml) and exposes it in `pub fn c::use_it(u: b::U)`, \
         and `b` breaks: it exposes `a` in `pub fn b::wrap(t: a::T) -> b::U`, which breaks: `fn a::make` changed the \
         type of parameter `n` from `u8` to `u16`"
    );
    // The root cause, and the crate it is in, travel with every reason.
    assert_eq!(cause["root"]["package"], "a");
    assert_eq!(cause["root"]["change"], "`fn a::make` changed the type of parameter `n` from `u8` to `u16`");
}

#[test]
fn a_crate_using_its_dependency_privately_needs_only_a_patch_release() {
    let spec = |a: &'static str| {
        [
            k("a", "1.0.0", &[], a),
            k("b", "1.0.0", &[("a", "dependencies", "")], "pub fn run() { let _ = a::make(1); }\n"),
        ]
    };
    let doc = check(&workspace(&spec(A_OLD)), &workspace(&spec(A_BREAKS)), 1);
    assert_eq!(required(&doc, "b"), ("patch".into(), "1.0.1".into()));
    assert_eq!(krate(&doc, "b")["causes"][0]["exposes"], serde_json::Value::Null);
    assert_eq!(kinds(&doc), ["bump-too-small a", "left-out-of-train b", "requirement-not-admitting b"]);
}

#[test]
fn diamond() {
    // d depends on b and c; b and c depend on a. b exposes a, c uses it privately, d exposes c.
    let spec = |a: &'static str| {
        [
            k("a", "1.0.0", &[], a),
            k("b", "1.0.0", &[("a", "dependencies", "")], "pub fn b(t: a::T) { let _ = t; }\n"),
            k("c", "1.0.0", &[("a", "dependencies", "")], "pub struct C;\npub fn c() -> C { let _ = a::make(1); C }\n"),
            k(
                "d",
                "1.0.0",
                &[("b", "dependencies", ""), ("c", "dependencies", "")],
                "pub fn d(c: c::C) { let _ = c; b::b(a_free()); }\nfn a_free() -> a::T { a::T }\n",
            ),
        ]
    };
    // (d's private use of a is through b's signature; d lists only b and c.)
    let old = workspace(&spec(A_OLD));
    let new = workspace(&spec(A_BREAKS));
    for p in [&old, &new] {
        let m = p.read("d/Cargo.toml") + "a = { path = \"../a\", version = \"1.0.0\" }\n";
        p.file("d/Cargo.toml", &m);
    }
    let doc = check(&old, &new, 1);
    assert_eq!(required(&doc, "a").0, "major");
    assert_eq!(required(&doc, "b").0, "major");
    assert_eq!(required(&doc, "c").0, "patch");
    assert_eq!(required(&doc, "d").0, "patch", "d exposes only c, whose release is compatible");
    assert_eq!(order(&doc), ["a 2.0.0", "b 2.0.0", "c 1.0.1", "d 1.0.1"]);
}

#[test]
fn zero_versions_follow_cargo_rules() {
    let spec = |a: &'static str| {
        [
            k("a", "0.3.1", &[], a),
            k("b", "0.1.0", &[("a", "dependencies", "")], "pub fn run() { let _ = a::make(1); }\n"),
        ]
    };
    let doc = check(&workspace(&spec(A_OLD)), &workspace(&spec(A_BREAKS)), 1);
    assert_eq!(required(&doc, "a"), ("major".into(), "0.4.0".into()));
    assert_eq!(required(&doc, "b"), ("patch".into(), "0.1.1".into()));

    // An addition in 0.y.z is released as a patch; dependents stay out of the train.
    let added = "pub struct T;\npub fn make(n: u8) -> T { let _ = n; T }\npub fn more() {}\n";
    let doc = check(&workspace(&spec(A_OLD)), &workspace(&spec(added)), 1);
    assert_eq!(required(&doc, "a"), ("minor".into(), "0.3.2".into()));
    assert_eq!(required(&doc, "b"), ("none".into(), "-".into()));
    assert_eq!(order(&doc), ["a 0.3.2"]);
}

#[test]
fn build_dependencies_propagate_and_dev_dependency_cycles_do_not_loop() {
    let spec = |a: &'static str| {
        [
            k("a", "1.0.0", &[("c", "dev-dependencies", "")], a),
            k("b", "1.0.0", &[("a", "build-dependencies", "")], "pub fn b() {}\n"),
            k("c", "1.0.0", &[("a", "dependencies", "")], "pub fn c() { let _ = a::make(1); }\n"),
        ]
    };
    let old = workspace(&spec(A_OLD));
    let new = workspace(&spec(A_BREAKS));
    for p in [&old, &new] {
        p.file("b/build.rs", "fn main() {}\n");
    }
    let doc = check(&old, &new, 1);
    assert_eq!(required(&doc, "b").0, "patch", "a build dependency in the train pulls its dependent in");
    assert_eq!(required(&doc, "c").0, "patch");
    assert_eq!(required(&doc, "a").0, "major", "a's dev-dependency on c does not feed back");
}

#[test]
fn renamed_and_optional_dependencies_propagate() {
    let spec = |a: &'static str| {
        [
            k("a", "1.0.0", &[], a),
            k(
                "b",
                "1.0.0",
                &[("a", "dependencies", "as alpha optional = true")],
                "#[cfg(feature = \"alpha\")]\npub fn wrap(t: alpha::T) { let _ = t; }\npub fn always() {}\n",
            ),
        ]
    };
    let old = workspace(&spec(A_OLD));
    let new = workspace(&spec(A_BREAKS));
    for p in [&old, &new] {
        let m = p.read("b/Cargo.toml") + "\n[package.metadata.atomic]\nall-features = true\n";
        p.file("b/Cargo.toml", &m);
    }
    let doc = check(&old, &new, 1);
    assert_eq!(required(&doc, "b").0, "major");
    assert_eq!(krate(&doc, "b")["causes"][0]["exposes"], "pub fn b::wrap(t: a::T)");
    let not_admitting =
        doc["problems"].as_array().unwrap().iter().find(|p| p["kind"] == "requirement-not-admitting").unwrap();
    assert_eq!(not_admitting["file"], "b/Cargo.toml");
    assert_eq!(not_admitting["line"], 8);
}

#[test]
fn every_problem_kind_with_exit_codes() {
    let spec = |a: &'static str| {
        [
            k("a", "1.0.0", &[], a),
            k("b", "1.0.0", &[("a", "dependencies", "")], "pub fn b(t: a::T) { let _ = t; }\n"),
            k("quiet", "1.0.0", &[], "pub fn q() {}\n"),
        ]
    };
    let old = workspace(&spec(A_OLD));
    let new = workspace(&spec(A_BREAKS));
    new.atomic(&["snapshot", "--workspace", "-q"]).assert_code(0);
    // a declares a minor bump for a breaking change; quiet is bumped for nothing; b is stale.
    new.file("a/Cargo.toml", &new.read("a/Cargo.toml").replace("1.0.0", "1.1.0"));
    new.file("quiet/Cargo.toml", &new.read("quiet/Cargo.toml").replace("1.0.0", "1.0.1"));
    new.file("b/src/lib.rs", "pub fn b(t: a::T) { let _ = t; }\npub fn extra() {}\n");
    let run = new.atomic(&["check", "--baseline-path", old.root().to_str().unwrap(), "--message-format", "json"]);
    run.assert_code(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["consistent"], false);
    assert_eq!(
        kinds(&doc),
        [
            "stale-snapshot b",
            "bump-too-small a",
            "unneeded-bump quiet",
            "bump-too-small b",
            "requirement-not-admitting b"
        ]
    );
    let p = &doc["problems"][1];
    assert_eq!(p["message"], "`a` needs a major bump (1.0.0 → 2.0.0) but declares 1.1.0");
    assert_eq!(p["severity"], "error");
    assert_eq!(p["file"], "a/Cargo.toml");
    assert_eq!(p["line"], 3);
    assert_eq!(p["help"], "run `cargo atomic bump`");
    assert_eq!(doc["problems"][2]["severity"], "warning");

    // Warnings alone do not fail the check.
    let lone = workspace(&[k("quiet", "1.0.0", &[], "pub fn q() {}\n")]);
    let bumped = workspace(&[k("quiet", "1.0.1", &[], "pub fn q() {}\n")]);
    let doc = check(&lone, &bumped, 0);
    assert_eq!(kinds(&doc), ["unneeded-bump quiet"]);
    assert_eq!(order(&doc), ["quiet 1.0.1"]);
}

#[test]
fn bump_writes_versions_and_requirements_then_check_passes() {
    let spec = |a: &'static str| {
        [
            k("a", "1.0.0", &[], a),
            k("b", "1.0.0", &[("a", "dependencies", "")], "pub fn b(t: a::T) { let _ = t; }\n"),
            k("c", "1.0.0", &[("a", "dev-dependencies", "")], "pub fn c() {}\n"),
        ]
    };
    let old = workspace(&spec(A_OLD));
    let new = workspace(&spec(A_BREAKS));
    let base = old.root().to_str().unwrap();
    // Comments and odd formatting survive the edit byte for byte.
    let b_manifest = "[package]\nname = \"b\"   # the b crate\nversion    =    \"1.0.0\"   # keep me\nedition = \"2021\"\npublish = [\"local\"]\n\n[dependencies]\n# a is our upstream\na = { path = \"../a\",   version = \"1.0.0\" } # trailing\n";
    new.file("b/Cargo.toml", b_manifest);
    new.atomic(&["snapshot", "--workspace", "-q"]).assert_code(0);
    new.atomic(&["check", "-q", "--baseline-path", base]).assert_code(1);

    let dry = new.atomic(&["bump", "--baseline-path", base, "--dry-run"]);
    dry.assert_code(0);
    assert!(dry.stderr.contains("Would edit b/Cargo.toml:3: `version    =    \"1.0.0\"   # keep me` → `version    =    \"2.0.0\"   # keep me`"), "{}", dry.stderr);
    assert_eq!(new.read("b/Cargo.toml"), b_manifest, "a dry run writes nothing");

    new.atomic(&["bump", "--baseline-path", base]).assert_code(0);
    assert_eq!(
        new.read("b/Cargo.toml"),
        b_manifest
            .replace("\"1.0.0\"   # keep me", "\"2.0.0\"   # keep me")
            .replace("version = \"1.0.0\" }", "version = \"2.0.0\" }")
    );
    assert!(new.read("a/Cargo.toml").contains("version = \"2.0.0\""));
    assert!(
        new.read("c/Cargo.toml").contains("a = { path = \"../a\", version = \"2.0.0\" }"),
        "dev-dependency requirements follow"
    );
    assert!(new.read("c/Cargo.toml").contains("version = \"1.0.0\"\n"), "c itself is not released");
    new.atomic(&["check", "--baseline-path", base]).assert_code(0);
}

#[test]
fn bump_level_raises_versions_but_never_below_the_requirement() {
    let spec = |a: &'static str| {
        [k("a", "1.0.0", &[], a), k("b", "1.0.0", &[("a", "dependencies", "")], "pub fn b() { let _ = a::make(1); }\n")]
    };
    let old = workspace(&spec(A_OLD));
    let new = workspace(&spec(A_BREAKS));
    let base = old.root().to_str().unwrap();
    let run = new.atomic(&["bump", "--baseline-path", base, "-p", "a", "--level", "minor"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("warning: `a` needs a major bump; --level minor is not enough, using major"),
        "{}",
        run.stderr
    );
    assert!(new.read("a/Cargo.toml").contains("version = \"2.0.0\""));
    // A chosen level above the requirement, and what it pulls in.
    let quiet_old = workspace(&spec(A_OLD));
    let quiet_new = workspace(&spec(A_OLD));
    quiet_new
        .atomic(&["bump", "--baseline-path", quiet_old.root().to_str().unwrap(), "-p", "a", "--level", "major", "-q"])
        .assert_code(0);
    assert!(quiet_new.read("a/Cargo.toml").contains("version = \"2.0.0\""));
    assert!(quiet_new.read("b/Cargo.toml").contains("version = \"1.0.1\""), "b must follow a's new major version");
    assert!(quiet_new.read("b/Cargo.toml").contains("a = { path = \"../a\", version = \"2.0.0\" }"));
}

#[test]
fn workspace_inherited_versions_and_dependencies() {
    let make = |a_src: &str| {
        let p = Project::new();
        p.file(
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n\n[workspace.package]\nversion = \"1.0.0\" # shared\nedition = \"2021\"\n\n[workspace.dependencies]\na = { path = \"a\", version = \"1.0.0\" }\n",
        )
        .file("a/Cargo.toml", "[package]\nname = \"a\"\nversion.workspace = true\nedition.workspace = true\npublish = [\"local\"]\n")
        .file("a/src/lib.rs", a_src)
        .file("b/Cargo.toml", "[package]\nname = \"b\"\nversion.workspace = true\nedition.workspace = true\npublish = [\"local\"]\n\n[dependencies]\na = { workspace = true }\n")
        .file("b/src/lib.rs", "pub fn b(t: a::T) { let _ = t; }\n");
        p
    };
    let old = make(A_OLD);
    let new = make(A_BREAKS);
    let base = old.root().to_str().unwrap();
    new.atomic(&["snapshot", "--workspace", "-q"]).assert_code(0);
    let run = new.atomic(&["check", "--baseline-path", base, "--message-format", "json"]);
    run.assert_code(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let too_small = doc["problems"].as_array().unwrap().iter().find(|p| p["kind"] == "bump-too-small").unwrap();
    assert_eq!(too_small["file"], "Cargo.toml", "the version lives in [workspace.package]");
    assert_eq!(too_small["line"], 6);
    assert_eq!(
        too_small["message"],
        "the version group `workspace` (a, b) needs a major bump (1.0.0 → 2.0.0) but declares 1.0.0"
    );
    let req = doc["problems"].as_array().unwrap().iter().find(|p| p["kind"] == "requirement-not-admitting").unwrap();
    assert_eq!(req["file"], "Cargo.toml", "the requirement lives in [workspace.dependencies]");
    assert_eq!(req["line"], 10);

    new.atomic(&["bump", "--baseline-path", base, "-q"]).assert_code(0);
    let root = new.read("Cargo.toml");
    assert!(root.contains("version = \"2.0.0\" # shared"), "{root}");
    assert!(root.contains("a = { path = \"a\", version = \"2.0.0\" }"), "{root}");
    assert!(new.read("b/Cargo.toml").contains("a = { workspace = true }"));
    new.atomic(&["check", "--baseline-path", base]).assert_code(0);
}

#[test]
fn a_failed_write_leaves_every_manifest_as_it_was() {
    let spec = |a: &'static str| {
        [k("a", "1.0.0", &[], a), k("b", "1.0.0", &[("a", "dependencies", "")], "pub fn b(t: a::T) { let _ = t; }\n")]
    };
    let old = workspace(&spec(A_OLD));
    let new = workspace(&spec(A_BREAKS));
    let before: Vec<String> = ["Cargo.toml", "a/Cargo.toml", "b/Cargo.toml"].iter().map(|f| new.read(f)).collect();
    let path = new.path("b/Cargo.toml");
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms).unwrap();
    let run = new.atomic(&["bump", "--baseline-path", old.root().to_str().unwrap()]);
    run.assert_code(2);
    assert!(run.stderr.contains("b/Cargo.toml is read-only; nothing was written"), "{}", run.stderr);
    let after: Vec<String> = ["Cargo.toml", "a/Cargo.toml", "b/Cargo.toml"].iter().map(|f| new.read(f)).collect();
    assert_eq!(before, after);
    assert!(!new.files().iter().any(|f| f.contains(".atomic-")), "no temporary file is left: {:?}", new.files());
}

fn run_example(p: &Project, args: &[&str]) -> Run {
    let mut all = args.to_vec();
    all.extend(["--manifest-path", "gateway/Cargo.toml", "--baseline-path", "gateway-1.0.0"]);
    p.atomic(&all)
}

#[test]
fn example_check_fails_then_bump_and_snapshot_make_it_pass() {
    let p = example();
    let run = run_example(&p, &["check"]);
    run.assert_code(1);
    assert_data_eq!(
        run.stderr,
        str![[r#"
 Documenting core, gateway, interface (rustc [..])
Release train (publish in this order):
  1. core       1.0.0 → 2.0.0  major  1 API change: `fn core::execute_operation` gained parameter `timeout: std::time::Duration`
  2. interface  1.0.0 → 2.0.0  major  depends on `core` and exposes it in `pub use interface::Error`
  3. gateway    1.0.0 → 2.0.0  major  depends on `core` and exposes it in `pub fn gateway::serve(request: &gateway::Request) -> Result<(), core::Error>`

note: the registry `example-registry` could not be asked whether the train's versions are free (registry index was not found in any configuration: `example-registry`); `cargo atomic publish` asks again before the first upload
note: core: optional features `tracing` are not checked; include them with `features = ["tracing"]` or `all-features = true` under `[package.metadata.atomic]`

error[stale-snapshot]: the committed API snapshot of `core` is out of date (core/atomic-api.txt)
  --> core/atomic-api.txt
   = help: run `cargo atomic snapshot` and commit the result

error[bump-too-small]: `core` needs a major bump (1.0.0 → 2.0.0) but declares 1.0.0
  --> core/Cargo.toml:3
   = note: because `fn core::execute_operation` gained parameter `timeout: std::time::Duration`
   = help: run `cargo atomic bump`

error[left-out-of-train]: `interface` must be released with `core`: `interface` depends on `core` (interface/Cargo.toml) and exposes it in `pub use interface::Error`, and `core` breaks: `fn core::execute_operation` gained parameter `timeout: std::time::Duration`
  --> interface/Cargo.toml:3
   = note: its version is still 1.0.0; the train needs 2.0.0 (major)
   = help: run `cargo atomic bump`

error[left-out-of-train]: `gateway` must be released with `core`: `gateway` depends on `core` (gateway/Cargo.toml) and exposes it in `pub fn gateway::serve(request: &gateway::Request) -> Result<(), core::Error>`, and `core` breaks: `fn core::execute_operation` gained parameter `timeout: std::time::Duration`
  --> gateway/Cargo.toml:3
   = note: its version is still 1.0.0; the train needs 2.0.0 (major)
   = help: run `cargo atomic bump`

error[requirement-not-admitting]: 3 requirements on crates of the train do not admit their new versions
   = note: at interface/Cargo.toml:11, gateway/Cargo.toml:11, gateway/Cargo.toml:12
   = help: run `cargo atomic bump`: it rewrites every one

error: the release train is not consistent: 5 errors, 0 warnings

"#]]
    );
    run_example(&p, &["bump", "-q"]).assert_code(0);
    p.atomic(&["snapshot", "-q", "--manifest-path", "gateway/Cargo.toml"]).assert_code(0);
    let ok = run_example(&p, &["check"]);
    ok.assert_code(0);
    assert!(ok.stderr.contains("Finished the release train is consistent"), "{}", ok.stderr);
}

#[test]
fn github_and_markdown_formats() {
    let p = example();
    let gh = run_example(&p, &["check", "--message-format", "github"]);
    gh.assert_code(1);
    let lines: Vec<&str> = gh.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "::notice title=cargo atomic: release train::publish in this order: core 2.0.0, interface 2.0.0, gateway 2.0.0"
    );
    assert_eq!(lines[1], "::error file=core/atomic-api.txt,title=cargo atomic%3A stale-snapshot::the committed API snapshot of `core` is out of date (core/atomic-api.txt) — run `cargo atomic snapshot` and commit the result");
    assert_eq!(lines[2], "::error file=core/Cargo.toml,line=3,title=cargo atomic%3A bump-too-small::`core` needs a major bump (1.0.0 → 2.0.0) but declares 1.0.0 — run `cargo atomic bump`");
    assert_eq!(lines.len(), 8);

    let md = run_example(&p, &["check", "--message-format", "markdown"]);
    md.assert_code(1);
    assert_data_eq!(
        md.stdout,
        str![[r#"
## cargo atomic check

❌ The release train is not consistent.

| # | crate | version | bump | why |
|---|---|---|---|---|
| 1 | `core` | 1.0.0 → 2.0.0 | major | 1 API change: `fn core::execute_operation` gained parameter `timeout: std::time::Duration` |
| 2 | `interface` | 1.0.0 → 2.0.0 | major | depends on `core` and exposes it in `pub use interface::Error` |
| 3 | `gateway` | 1.0.0 → 2.0.0 | major | depends on `core` and exposes it in `pub fn gateway::serve(request: &gateway::Request) -> Result<(), core::Error>` |

### Problems

- **error** `stale-snapshot`: the committed API snapshot of `core` is out of date (core/atomic-api.txt) (`core/atomic-api.txt`) — run `cargo atomic snapshot` and commit the result
- **error** `bump-too-small`: `core` needs a major bump (1.0.0 → 2.0.0) but declares 1.0.0 (`core/Cargo.toml:3`) — run `cargo atomic bump`
- **error** `left-out-of-train`: `interface` must be released with `core`: `interface` depends on `core` (interface/Cargo.toml) and exposes it in `pub use interface::Error`, and `core` breaks: `fn core::execute_operation` gained parameter `timeout: std::time::Duration` (`interface/Cargo.toml:3`) — run `cargo atomic bump`
- **error** `requirement-not-admitting`: `interface` requires `core = "^1.0.0"`, which does not admit core 2.0.0 (`interface/Cargo.toml:11`) — run `cargo atomic bump`
- **error** `left-out-of-train`: `gateway` must be released with `core`: `gateway` depends on `core` (gateway/Cargo.toml) and exposes it in `pub fn gateway::serve(request: &gateway::Request) -> Result<(), core::Error>`, and `core` breaks: `fn core::execute_operation` gained parameter `timeout: std::time::Duration` (`gateway/Cargo.toml:3`) — run `cargo atomic bump`
- **error** `requirement-not-admitting`: `gateway` requires `core = "^1.0.0"`, which does not admit core 2.0.0 (`gateway/Cargo.toml:11`) — run `cargo atomic bump`
- **error** `requirement-not-admitting`: `gateway` requires `interface = "^1.0.0"`, which does not admit interface 2.0.0 (`gateway/Cargo.toml:12`) — run `cargo atomic bump`

<details><summary>API changes</summary>

**core**

- major `fn-params-changed`: `fn core::execute_operation` gained parameter `timeout: std::time::Duration`

</details>

"#]]
    );
}

#[test]
fn example_diff_shows_the_one_change_in_full() {
    let p = example();
    let run = run_example(&p, &["diff", "--workspace", "--color", "never"]);
    run.assert_code(0);
    assert_data_eq!(
        run.stderr,
        str![[r#"
 Documenting core, gateway, interface (rustc [..])
   Comparing core 1.0.0 with baseline 1.0.0 (path gateway-1.0.0)
major[fn-params-changed]: `fn core::execute_operation` gained parameter `timeout: std::time::Duration`
  --> core/src/lib.rs:28
   = old: pub fn core::execute_operation(interface: &str, operation: &str) -> Result<(), core::Error>
   = new: pub fn core::execute_operation(interface: &str, operation: &str, timeout: std::time::Duration) -> Result<(), core::Error>
   = rule: function parameters were added or removed
   = see: https://doc.rust-lang.org/cargo/reference/semver.html#fn-change-arity

   Comparing gateway 1.0.0 with baseline 1.0.0 (path gateway-1.0.0)
   Comparing interface 1.0.0 with baseline 1.0.0 (path gateway-1.0.0)
     Summary core: major bump required (1 cause, 1 finding: 1 major); gateway: no API changes; interface: no API changes

"#]]
    );
    let deny = run_example(&p, &["diff", "--workspace", "-q", "--deny", "major"]);
    deny.assert_code(1);
}

#[test]
fn example_diff_json_in_full() {
    let p = example();
    let run = run_example(&p, &["diff", "-q", "-p", "core", "--message-format", "json"]);
    run.assert_code(0);
    assert_data_eq!(
        run.stdout,
        str![[r#"
{
  "schema": 2,
  "crates": [
    {
      "package": "core",
      "version": "1.0.0",
      "baseline": {
        "kind": "path",
        "reference": "gateway-1.0.0",
        "from": "snapshot",
        "version": "1.0.0"
      },
      "required_bump": "major",
      "findings": [
        {
          "rule": "fn-params-changed",
          "bump": "major",
          "path": "core::execute_operation",
          "kind": "function",
          "subject": "fn core::execute_operation",
          "detail": "gained parameter `timeout: std::time::Duration`",
          "summary": "function parameters were added or removed",
          "reference": "https://doc.rust-lang.org/cargo/reference/semver.html#fn-change-arity",
          "old": "pub fn core::execute_operation(interface: &str, operation: &str) -> Result<(), core::Error>",
          "new": "pub fn core::execute_operation(interface: &str, operation: &str, timeout: std::time::Duration) -> Result<(), core::Error>",
          "location": {
            "file": "core/src/lib.rs",
            "line": 28
          },
          "location_side": "current",
          "cause": 0
        }
      ],
      "causes": [
        {
          "id": 0,
          "kind": "change",
          "bump": "major",
          "finding": 0,
          "consequences": 0
        }
      ],
      "notes": []
    }
  ]
}

"#]]
    );
}

#[test]
fn example_check_json_names_every_problem() {
    let p = example();
    let run = run_example(&p, &["check", "-q", "--message-format", "json"]);
    run.assert_code(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let problems: Vec<String> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{} {}", p["kind"].as_str().unwrap(), p["package"].as_str().unwrap()))
        .collect();
    assert_data_eq!(
        problems.join("\n"),
        str![[r#"
stale-snapshot core
bump-too-small core
left-out-of-train interface
requirement-not-admitting interface
left-out-of-train gateway
requirement-not-admitting gateway
requirement-not-admitting gateway
"#]]
    );
    let causes: Vec<String> = doc["crates"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| {
            c["causes"].as_array().unwrap().iter().map(move |k| {
                format!(
                    "{} {} {}",
                    c["package"].as_str().unwrap(),
                    k["kind"].as_str().unwrap(),
                    k["bump"].as_str().unwrap()
                )
            })
        })
        .collect();
    assert_data_eq!(
        causes.join("\n"),
        str![[r#"
core changes major
interface dependency major
gateway dependency major
gateway dependency patch
"#]]
    );
}

/// A kill at any instant of `bump`'s multi-file write loses nothing: the next command finishes
/// it (every manifest new) or undoes it (every manifest old), and no temporary file remains.
#[test]
fn a_kill_during_bump_is_rolled_forward_or_back_by_the_next_command() {
    // The three manifests and the lockfile: one all-or-none write.
    let manifests =
        ["gateway/core/Cargo.toml", "gateway/interface/Cargo.toml", "gateway/gateway/Cargo.toml", "gateway/Cargo.lock"];
    let stray = |p: &Project| -> Vec<String> {
        let mut found = Vec::new();
        for dir in ["gateway", "gateway/core", "gateway/interface", "gateway/gateway"] {
            for e in std::fs::read_dir(p.path(dir)).unwrap() {
                let name = e.unwrap().file_name().to_string_lossy().into_owned();
                if name.starts_with(".atomic-") {
                    found.push(format!("{dir}/{name}"));
                }
            }
        }
        found
    };
    let reference = example();
    run_example(&reference, &["bump", "-q"]).assert_code(0);
    let bumped: Vec<String> = manifests.iter().map(|m| reference.read(m)).collect();
    let original = example();
    let before: Vec<String> = manifests.iter().map(|m| original.read(m)).collect();

    for (fault, forward) in
        [("stage:1", false), ("stage:3", false), ("rename:0", true), ("rename:2", true), ("rename:3", true)]
    {
        let p = example();
        let killed = p.atomic_env(
            &["bump", "-q", "--manifest-path", "gateway/Cargo.toml", "--baseline-path", "gateway-1.0.0"],
            &[("CARGO_ATOMIC_TEST_ABORT", fault)],
        );
        assert_ne!(killed.code, 0, "{fault}: the run was killed");
        assert!(p.exists("gateway/.atomic-transaction.json"), "{fault}: the intent record is left: {}", killed.stderr);
        assert!(!stray(&p).is_empty(), "{fault}: staged files are left");

        let next = p.atomic(&["snapshot", "--check", "--manifest-path", "gateway/Cargo.toml"]);
        let said =
            if forward { "completed an interrupted write of 4 files" } else { "undid an interrupted write of 4 files" };
        assert!(next.stderr.contains(said), "{fault}: {}", next.stderr);
        let now: Vec<String> = manifests.iter().map(|m| p.read(m)).collect();
        assert_eq!(now, if forward { bumped.clone() } else { before.clone() }, "{fault}: all or none");
        assert!(stray(&p).is_empty(), "{fault}: {:?}", stray(&p));
        assert!(!p.exists("gateway/.atomic-transaction.json"), "{fault}");
    }
}

/// A released binary-only member that depends on a breaking member needs a release too (its
/// requirement must move), like any dependent: at least a patch.
#[test]
fn a_binary_only_dependent_of_a_breaking_member_joins_the_train() {
    let p = Project::new();
    p.file("Cargo.toml", "[workspace]\nmembers = [\"core\", \"app\"]\nresolver = \"2\"\n")
        .file(".gitignore", "target/\n")
        // Named so the manifests parse; the baselines are release tags, nothing asks a registry.
        .file(".cargo/config.toml", "[registries.local]\nindex = \"sparse+http://127.0.0.1:9/index/\"\n")
        .file(
            "core/Cargo.toml",
            "[package]\nname = \"core\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = [\"local\"]\n",
        )
        .file("core/src/lib.rs", "pub fn run() {}\n")
        .file(
            "app/Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"1.0.0\"\nedition = \"2021\"\npublish = [\"local\"]\n\n\
             [dependencies]\ncore = { path = \"../core\", version = \"1.0.0\", registry = \"local\" }\n",
        )
        .file("app/src/main.rs", "fn main() { core::run(); }\n");
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release"]);
    p.git(&["tag", "core-v1.0.0"]);
    p.git(&["tag", "app-v1.0.0"]);
    p.file("core/src/lib.rs", "pub fn run(fast: bool) { let _ = fast; }\n")
        .file("app/src/main.rs", "fn main() { core::run(true); }\n");
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    let run = p.atomic(&["check", "-q", "--message-format", "json"]);
    run.assert_code(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let app = doc["crates"].as_array().unwrap().iter().find(|c| c["package"] == "app").expect("app is analyzed");
    assert_eq!(app["required_bump"], "patch", "{}", run.stdout);
    assert_eq!(app["required_version"], "1.0.1");
    let problems: Vec<String> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{} {}", p["kind"].as_str().unwrap(), p["package"].as_str().unwrap()))
        .collect();
    assert!(problems.contains(&"left-out-of-train app".to_string()), "{problems:?}");
    // After `bump`, the train holds both and is consistent.
    p.atomic(&["bump", "-q"]).assert_code(0);
    let ok = p.atomic(&["check", "-q", "--message-format", "json"]);
    ok.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&ok.stdout).unwrap();
    assert_eq!(
        doc["train"],
        serde_json::json!([{ "package": "core", "from": "1.0.0", "to": "2.0.0" }, { "package": "app", "from": "1.0.0", "to": "1.0.1" }])
    );
}

/// A workspace whose members share `[workspace.package] version` (lockstep): the group moves as
/// one. A break in `core` moves every member to 2.0.0, the train and `check` speak of the group
/// (one problem, not one per member; no member is "bumped though nothing requires it"), `bump`
/// writes the shared version once and the lockfile with it.
#[test]
fn a_lockstep_version_group_moves_as_one_and_bump_writes_the_lockfile() {
    let p = Project::new();
    p.file(
        "Cargo.toml",
        "[workspace]\nmembers = [\"core\", \"app\", \"util\"]\nresolver = \"2\"\n\n[workspace.package]\nversion = \"1.2.0\"\n\
         edition = \"2021\"\npublish = [\"local\"]\n",
    );
    for (name, deps, src) in [
        ("core", "", "pub fn run(a: u8) -> u8 { a }\n"),
        ("app", "core = { path = \"../core\", version = \"1.2.0\" }\n", "pub fn app() -> u8 { core::run(1) }\n"),
        ("util", "", "pub fn util() {}\n"),
    ] {
        p.file(
            &format!("{name}/Cargo.toml"),
            &format!(
                "[package]\nname = \"{name}\"\nversion.workspace = true\nedition.workspace = true\npublish.workspace = true\n\n\
                 [dependencies]\n{deps}"
            ),
        )
        .file(&format!("{name}/src/lib.rs"), src);
    }
    p.file(".gitignore", "target/\n");
    p.git(&["init", "-q", "-b", "main"]);
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release 1.2.0"]);
    for name in ["core", "app", "util"] {
        p.git(&["tag", &format!("{name}-v1.2.0")]);
    }
    p.file("core/src/lib.rs", "pub fn run(a: u8, b: u8) -> u8 { a + b }\n")
        .file("app/src/lib.rs", "pub fn app() -> u8 { core::run(1, 2) }\n");
    p.atomic(&["snapshot", "-q"]).assert_code(0);

    let run = p.atomic(&["check", "--message-format", "json"]);
    run.assert_code(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    for name in ["core", "app", "util"] {
        assert_eq!(krate(&doc, name)["release_version"], "2.0.0", "{name} moves with the group: {doc:#}");
        assert_eq!(krate(&doc, name)["group"], "workspace");
    }
    let group = &doc["groups"][0];
    assert_eq!(group["name"], "workspace");
    assert_eq!(group["kind"], "inherited");
    assert_eq!(group["members"], serde_json::json!(["app", "core", "util"]));
    assert_eq!(group["release_version"], "2.0.0");
    assert_eq!(group["moved_by"], "core");
    assert_eq!(
        kinds(&doc),
        ["requirement-not-admitting app", "bump-too-small core"],
        "one problem for the group, named for the member that moves it: {doc:#}"
    );
    let problem = &doc["problems"].as_array().unwrap().iter().find(|p| p["kind"] == "bump-too-small").unwrap().clone();
    assert_eq!(
        problem["message"],
        "the version group `workspace` (app, core, util) needs a major bump (1.2.0 → 2.0.0) but declares 1.2.0"
    );
    assert_eq!((problem["file"].as_str(), problem["line"].as_u64()), (Some("Cargo.toml"), Some(6)));
    let human = p.atomic(&["check", "--color", "never"]);
    assert!(
        human.stderr.contains("version group `workspace` (app, core, util) moves as one, 1.2.0 → 2.0.0"),
        "{}",
        human.stderr
    );
    assert!(
        human.stderr.contains("util  1.2.0 → 2.0.0  major  moves with its version group `workspace`, for `core`"),
        "{}",
        human.stderr
    );

    let bump = p.atomic(&["bump", "--color", "never"]);
    bump.assert_code(0);
    assert!(
        bump.stderr.contains("Bumping version group `workspace` 1.2.0 → 2.0.0 (major, for `core`): app, core, util"),
        "{}",
        bump.stderr
    );
    assert!(!bump.stderr.contains("Bumping app"), "members are not bumped one by one: {}", bump.stderr);
    assert!(p.read("Cargo.toml").contains("version = \"2.0.0\""));
    assert!(p.read("app/Cargo.toml").contains("core = { path = \"../core\", version = \"2.0.0\" }"));
    let lock = p.read("Cargo.lock");
    assert_eq!(lock.matches("version = \"2.0.0\"").count(), 3, "{lock}");
    p.cargo(&["metadata", "--locked", "--format-version", "1"], &[]).assert_code(0);

    let after = p.atomic(&["check", "--color", "never"]);
    after.assert_code(0);
    assert!(!after.stderr.contains("warning"), "no member is bumped for nothing: {}", after.stderr);
}

/// Crates kept at one version by hand, named in `[workspace.metadata.atomic] version-groups`:
/// the group moves together, and a member that leaves it fails `check`.
#[test]
fn a_configured_version_group_moves_together_and_a_member_may_not_leave_it() {
    let old = workspace(&[
        k("a", "1.0.0", &[], "pub fn a() {}\n"),
        k("b", "1.0.0", &[], "pub fn b() {}\n"),
        k("c", "1.0.0", &[], "pub fn c() {}\n"),
    ]);
    let new = workspace(&[
        k("a", "1.0.0", &[], "pub fn a() {}\npub fn more() {}\n"),
        k("b", "1.0.0", &[], "pub fn b() {}\n"),
        k("c", "1.0.0", &[], "pub fn c() {}\n"),
    ]);
    new.file(
        "Cargo.toml",
        &(new.read("Cargo.toml") + "\n[workspace.metadata.atomic]\nversion-groups = { runtime = [\"a\", \"b\"] }\n"),
    );
    let doc = check(&old, &new, 1);
    assert_eq!(krate(&doc, "a")["release_version"], "1.1.0");
    assert_eq!(krate(&doc, "b")["release_version"], "1.1.0", "b moves with a: {doc:#}");
    assert_eq!(krate(&doc, "c")["in_train"], false);
    assert_eq!(doc["groups"][0]["kind"], "configured");
    assert_eq!(doc["groups"][0]["moved_by"], "a");
    let base = old.root().to_str().unwrap();
    new.atomic(&["bump", "--baseline-path", base, "-q"]).assert_code(0);
    assert!(new.read("b/Cargo.toml").contains("version = \"1.1.0\""));
    new.atomic(&["check", "--baseline-path", base]).assert_code(0);
    // `b` leaves the group.
    new.file("b/Cargo.toml", &new.read("b/Cargo.toml").replace("version = \"1.1.0\"", "version = \"1.2.0\""));
    let run = new.atomic(&["check", "--baseline-path", base, "--message-format", "json"]);
    run.assert_code(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let split = doc["problems"].as_array().unwrap().iter().find(|p| p["kind"] == "version-group-split").cloned();
    let split = split.unwrap_or_else(|| panic!("{doc:#}"));
    assert_eq!(split["message"], "the version group `runtime` (a, b) declares more than one version: a 1.1.0, b 1.2.0");
    // A group naming a crate that is no member is refused when the workspace is read.
    new.file("Cargo.toml", &new.read("Cargo.toml").replace("[\"a\", \"b\"]", "[\"a\", \"zz\"]"));
    let run = new.atomic(&["check", "--baseline-path", base]);
    run.assert_code(2);
    assert!(run.stderr.contains("version-groups.runtime` names `zz`, which is not a member"), "{}", run.stderr);
}

/// A crate of the train that dev-depends, with a version, on a crate that depends on it: neither
/// can be published first. `check` says so, and what to do.
#[test]
fn a_versioned_dev_dependency_cycle_is_named_with_what_to_do() {
    let crates = |core_src: &'static str| {
        workspace(&[
            k("core", "1.0.0", &[("testkit", "dev-dependencies", "")], core_src),
            k("testkit", "1.0.0", &[("core", "dependencies", "")], "pub fn kit() -> u8 { core::one() }\n"),
        ])
    };
    let old = crates("pub fn one() -> u8 { 1 }\n");
    let new = crates("pub fn one() -> u8 { 1 }\npub fn two() -> u8 { 2 }\n");
    // A requirement testkit's release (1.0.0, in the registry) meets resolves as it is: no cycle.
    let doc = check(&old, &new, 1);
    assert!(!kinds(&doc).iter().any(|k| k.starts_with("dev-dependency-cycle")), "{doc:#}");
    // One only the train's testkit meets waits for an upload that waits for it.
    new.file(
        "testkit/Cargo.toml",
        &new.read("testkit/Cargo.toml").replacen("version = \"1.0.0\"", "version = \"1.1.0\"", 1),
    );
    new.file("core/Cargo.toml", &new.read("core/Cargo.toml").replace("version = \"1.0.0\" }", "version = \"1.1.0\" }"));
    let run = new.atomic(&["check", "--baseline-path", old.root().to_str().unwrap(), "--message-format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stderr));
    let cycle = doc["problems"].as_array().unwrap().iter().find(|p| p["kind"] == "dev-dependency-cycle").cloned();
    let cycle = cycle.unwrap_or_else(|| panic!("{doc:#}"));
    assert_eq!(
        cycle["message"],
        "`core` dev-depends on `testkit` with a version (`testkit = \"^1.1.0\"`), and `testkit` depends on `core`: \
         neither can be published before the other"
    );
    assert!(cycle["help"].as_str().unwrap().starts_with("make the dev-dependency path-only"), "{cycle:#}");
    assert_eq!(cycle["file"], "core/Cargo.toml");
    // Path-only, as the help says: no cycle.
    new.file("core/Cargo.toml", &new.read("core/Cargo.toml").replace(", version = \"1.1.0\"", ""));
    let run = new.atomic(&["check", "--baseline-path", old.root().to_str().unwrap(), "--message-format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(!kinds(&doc).iter().any(|k| k.starts_with("dev-dependency-cycle")), "{doc:#}");
}

/// A shallow clone without the release tags (most CI checkouts): `check` says what baseline each
/// crate got and why the result may be wrong — a warning, an error in CI or with `--deny
/// warnings`.
#[test]
fn a_shallow_clone_without_release_tags_is_said_and_fails_in_ci() {
    let origin = crate::support::released_then_broken();
    let clone = Project::new();
    let url = format!("file://{}", origin.root().display());
    clone.git(&["clone", "-q", "--depth", "1", &url, "."]);
    // The registry the crate publishes to answers, and has never seen it: without the tags, the
    // crate looks new — the silent pass this warning is for.
    let registry = crate::registry::Registry::start();
    let env: Vec<(&str, String)> = registry.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let with_ci: Vec<(&str, &str)> = env.iter().copied().chain([("CI", "true")]).collect();
    let run = clone.atomic_env(&["check", "--message-format", "json"], &env);
    run.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let p = doc["problems"].as_array().unwrap().iter().find(|p| p["kind"] == "no-release-tags").cloned();
    let p = p.unwrap_or_else(|| panic!("{doc:#}"));
    assert_eq!(p["severity"], "warning");
    assert_eq!(
        p["message"],
        "the repository is a shallow clone: release tags may be missing, and with them the baselines"
    );
    assert_eq!(p["notes"], serde_json::json!(["demo: no baseline (a new crate, or its release was not found)"]));
    assert!(p["help"].as_str().unwrap().contains("git fetch --tags --unshallow"), "{p:#}");
    clone.atomic_env(&["check"], &with_ci).assert_code(1);
    clone.atomic_env(&["check", "--deny", "warnings"], &env).assert_code(1);
    // With the tags, the break is found.
    clone.git(&["fetch", "-q", "--tags", "--unshallow"]);
    let run = clone.atomic_env(&["check", "--message-format", "json"], &env);
    run.assert_code(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(kinds(&doc), ["bump-too-small demo"], "{doc:#}");
}

/// Optional features the API is not documented with are named once per crate by `check` (as by
/// `snapshot`), in the human output and in JSON.
#[test]
fn check_names_the_optional_features_it_does_not_check() {
    let p = example();
    let run = run_example(&p, &["check", "--message-format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(krate(&doc, "core")["unchecked_features"], serde_json::json!(["tracing"]));
    assert_eq!(krate(&doc, "gateway").get("unchecked_features"), None);
    let human = run_example(&p, &["check", "--color", "never"]);
    let notes: Vec<&str> = human.stderr.lines().filter(|l| l.contains("are not checked")).collect();
    assert_eq!(
        notes,
        ["note: core: optional features `tracing` are not checked; include them with `features = [\"tracing\"]` or \
          `all-features = true` under `[package.metadata.atomic]`"]
    );
}
