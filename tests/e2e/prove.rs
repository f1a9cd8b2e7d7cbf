//! `--prove`: witness programs compiled against the baseline's source and the current one.
//! (Every rule's generator is checked on the rule fixtures, in `rules.rs`.)

use crate::registry::Registry;
use crate::support::{single_crate, Project, Run};

const V1: &str = "pub fn execute_operation(interface: &str, operation: &str) -> bool {\n    \
                  interface == operation\n}\n\npub fn touch<T: Copy>(x: &mut T) -> T {\n    *x\n}\n";

const V2: &str = "pub fn execute_operation(interface: &str, operation: &str, retries: u8) -> bool {\n    \
                  interface == operation && retries > 0\n}\n\npub fn touch<T: Copy>(x: &T) -> T {\n    *x\n}\n";

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout, run.stderr))
}

/// `(rule, path, verdict, witness, error)` of each finding that has a proof.
fn proofs(doc: &serde_json::Value) -> Vec<(String, String, String, String, String)> {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let mut out = Vec::new();
    for f in doc["crates"][0]["findings"].as_array().unwrap() {
        if let Some(p) = f.get("proof") {
            out.push((s(&f["rule"]), s(&f["path"]), s(&p["verdict"]), s(&p["witness"]), s(&p["error"])));
        }
    }
    out.sort();
    out
}

/// `demo` 1.0.0 tagged with a committed snapshot into which an item the source never had was
/// written (its witness cannot compile against the tagged source), then V2 in the working tree.
fn released_then_changed() -> Project {
    let p = single_crate(V1);
    p.file("Cargo.toml", &p.read("Cargo.toml").replace("version = \"0.1.0\"", "version = \"1.0.0\""));
    p.git(&["init", "-q", "-b", "main"]);
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    let snapshot = p.read("atomic-api.txt");
    let count: usize =
        snapshot.lines().find_map(|l| l.strip_prefix("end ")?.strip_suffix(" items")?.parse().ok()).unwrap();
    let tampered = snapshot
        .replace("pub fn demo::touch", "pub fn demo::phantom(a: u8)\npub fn demo::touch")
        .replace(&format!("end {count} items"), &format!("end {} items", count + 1));
    p.file("atomic-api.txt", &tampered);
    p.file(".gitignore", "target/\n");
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release 1.0.0"]);
    p.git(&["tag", "demo-v1.0.0"]);
    p.file("src/lib.rs", V2);
    p
}

#[test]
fn findings_get_verdicts_from_witnesses_compiled_against_the_tagged_tree() {
    let p = released_then_changed();
    let plain = json(p.atomic(&["diff", "--message-format", "json"]).assert_code(0));
    assert!(proofs(&plain).is_empty(), "no proof without --prove: {plain:#}");

    let doc = json(p.atomic(&["diff", "--prove", "--message-format", "json"]).assert_code(0));
    let got = proofs(&doc);
    let verdicts: Vec<(&str, &str, &str)> =
        got.iter().map(|(r, path, v, ..)| (r.as_str(), path.as_str(), v.as_str())).collect();
    assert_eq!(
        verdicts,
        [
            ("fn-param-type-changed", "demo::touch", "unproven"),
            ("fn-params-changed", "demo::execute_operation", "proven"),
            ("item-removed", "demo::phantom", "weak"),
        ],
        "{doc:#}"
    );
    let (_, _, _, witness, error) = &got[1];
    assert!(witness.contains("fn(&str, &str) -> bool = demo::execute_operation"), "{witness}");
    assert!(!error.is_empty(), "a proven witness carries the compiler's error against the current source");
    assert!(got[2].4.contains("phantom"), "the weak witness's baseline error names the item: {:?}", got[2]);

    // Human: proven causes marked, the unproven one prominent with its witness, the weak one
    // only with -v.
    let human = p.atomic(&["diff", "--prove"]);
    human.assert_code(0);
    let err = &human.stderr;
    assert!(err.contains("gained parameter `retries: u8` (proven)"), "{err}");
    assert!(err.contains("unproven: its witness compiles against the current API too"), "{err}");
    assert!(err.contains("fn w<T>(a0: &mut T) -> T where T: Copy { demo::touch(a0) }"), "{err}");
    assert!(!err.contains("proves nothing"), "{err}");
    assert!(err.contains("majors: 1 proven, 1 unproven, 1 weak"), "{err}");
    let verbose = p.atomic(&["diff", "--prove", "-v"]);
    assert!(
        verbose.stderr.contains("does not compile against the baseline either (proves nothing)"),
        "{}",
        verbose.stderr
    );

    // check: the unproven finding warned about; the JSON lists every verdict.
    let check = p.atomic(&["check", "--prove"]);
    check.assert_code(1);
    assert!(check.stderr.contains("warning: unproven: `fn demo::touch`"), "{}", check.stderr);
    assert!(check.stderr.contains("Proofs demo: major findings 1 proven, 1 unproven, 1 weak"), "{}", check.stderr);
    let check = json(p.atomic(&["check", "--prove", "--message-format", "json"]).assert_code(1));
    let listed = check["proofs"][0]["findings"].as_array().unwrap();
    assert_eq!(listed.len(), 3, "{check:#}");
    assert!(listed.iter().any(|f| f["proof"]["verdict"] == "unproven" && f["path"] == "demo::touch"), "{check:#}");

    // Nothing tracked changed: the scratch crates live under the target directory.
    assert_eq!(p.git(&["status", "--porcelain"]), " M src/lib.rs\n", "only V2 differs from the release");
}

#[test]
fn a_registry_baseline_is_compiled_from_its_published_package() {
    let registry = Registry::start();
    let env: Vec<(&str, String)> = registry.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let p = single_crate(V1);
    p.file(
        "Cargo.toml",
        &p.read("Cargo.toml")
            .replace("version = \"0.1.0\"", "version = \"1.0.0\"\nlicense = \"MIT\"\ndescription = \"demo\""),
    );
    p.cargo(&["publish", "--registry", "local", "--allow-dirty", "--no-verify", "-q"], &env).assert_code(0);
    p.file("src/lib.rs", V2);
    let doc = json(p.atomic_env(&["diff", "--prove", "--message-format", "json"], &env).assert_code(0));
    assert_eq!(doc["crates"][0]["baseline"]["reference"], "local 1.0.0", "{doc:#}");
    let verdicts: Vec<(String, String)> = proofs(&doc).into_iter().map(|(r, _, v, ..)| (r, v)).collect();
    assert_eq!(
        verdicts,
        [
            ("fn-param-type-changed".to_string(), "unproven".to_string()),
            ("fn-params-changed".to_string(), "proven".to_string())
        ],
        "{doc:#}"
    );
}

/// A major finding whose witness compiles on both sides (`&mut T` → `&T`: every old call still
/// compiles) is reported as probably not breaking and does not count: `--deny major` passes and
/// the train needs no release for it; without `--prove` it is a major change.
#[test]
fn an_unproven_finding_never_raises_the_required_bump() {
    const OLD: &str = "pub fn touch<T: Copy>(x: &mut T) -> T {\n    *x\n}\n";
    const NEW: &str = "pub fn touch<T: Copy>(x: &T) -> T {\n    *x\n}\n";
    let p = single_crate(OLD);
    p.file("Cargo.toml", &p.read("Cargo.toml").replace("version = \"0.1.0\"", "version = \"1.0.0\""));
    p.file(".gitignore", "target/\n");
    p.git(&["init", "-q", "-b", "main"]);
    p.atomic(&["snapshot", "-q"]).assert_code(0);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "release 1.0.0"]);
    p.git(&["tag", "demo-v1.0.0"]);
    p.file("src/lib.rs", NEW);
    p.atomic(&["snapshot", "-q"]).assert_code(0);

    let plain = json(p.atomic(&["diff", "--deny", "major", "--message-format", "json"]).assert_code(1));
    assert_eq!(plain["crates"][0]["required_bump"], "major", "{plain:#}");
    p.atomic(&["check"]).assert_code(1);

    let proved = json(p.atomic(&["diff", "--prove", "--deny", "major", "--message-format", "json"]).assert_code(0));
    let crate_ = &proved["crates"][0];
    assert_eq!(crate_["required_bump"], serde_json::Value::Null, "{proved:#}");
    assert_eq!(crate_["findings"][0]["proof"]["verdict"], "unproven", "{proved:#}");
    assert_eq!(crate_["findings"][0]["bump"], "major", "the rule's level is kept: {proved:#}");

    let human = p.atomic(&["diff", "--prove"]);
    human.assert_code(0);
    let header = human.stderr.lines().find(|l| l.starts_with("probably not breaking[")).unwrap_or_default();
    assert!(header.starts_with("probably not breaking[fn-param-type-changed]: `fn demo::touch`"), "{}", human.stderr);
    assert!(header.ends_with("(the witness compiled on both sides)"), "{header}");
    assert!(!human.stderr.contains("major[fn-param-type-changed]"), "{}", human.stderr);
    assert!(
        human.stderr.contains("demo: no change that needs a release (1 probably not breaking)"),
        "{}",
        human.stderr
    );

    let check = p.atomic(&["check", "--prove"]);
    check.assert_code(0);
    assert!(check.stderr.contains("does not count toward the required bump"), "{}", check.stderr);
    let train = json(p.atomic(&["check", "--prove", "--message-format", "json"]).assert_code(0));
    let demo = train["crates"].as_array().unwrap().iter().find(|c| c["package"] == "demo").unwrap();
    assert_eq!(demo["required_bump"], serde_json::Value::Null, "{train:#}");
    assert_eq!(demo["in_train"], false, "{train:#}");
}
