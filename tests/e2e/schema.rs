//! The JSON outputs against their schemas: the committed JSON Schemas match the types, the
//! outputs of `diff`, `check` and `publish` validate against them, and SARIF validates against
//! the SARIF 2.1.0 schema.

use std::path::{Path, PathBuf};

use crate::support::example;

pub fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

fn validator(schema: &Path) -> jsonschema::Validator {
    let text = std::fs::read_to_string(schema).unwrap_or_else(|e| panic!("{}: {e}", schema.display()));
    // The official SARIF 2.1.0 schema writes a literal `]` unescaped in run.language's pattern,
    // which ECMA-262 regexes accept and Rust's regex engines do not; escaping it keeps the
    // meaning and lets the schema itself be checked against its meta-schema.
    let text = text.replace(r#"[a-zA-Z]{2}]?$"#, r#"[a-zA-Z]{2}\\]?$"#);
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

/// Asserts that `document` validates against the JSON Schema file `schema`.
#[track_caller]
pub fn assert_valid(schema: &Path, document: &str) {
    let value: serde_json::Value = serde_json::from_str(document).unwrap_or_else(|e| panic!("{e}: {document}"));
    let errors: Vec<String> =
        validator(schema).iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(
        errors.is_empty(),
        "{} does not validate:\n{}\n--- document\n{document}",
        schema.display(),
        errors.join("\n")
    );
}

#[test]
fn committed_json_schemas_match_the_types() {
    let overwrite = std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite");
    for (name, generated) in cargo_atomic::report::schema::all() {
        let path = schemas_dir().join(name);
        if overwrite {
            std::fs::write(&path, &generated).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is not what the types generate; run the tests with SNAPSHOTS=overwrite and commit the result",
            path.display()
        );
    }
}

const EXAMPLE: [&str; 4] = ["--manifest-path", "gateway/Cargo.toml", "--baseline-path", "gateway-1.0.0"];

#[test]
fn diff_and_check_json_validate_against_their_schemas() {
    let p = example();
    let diff = p.atomic(&[&["diff", "-q", "--message-format", "json"][..], &EXAMPLE].concat());
    diff.assert_code(0);
    assert_valid(&schemas_dir().join("diff.schema.json"), &diff.stdout);
    let check = p.atomic(&[&["check", "-q", "--message-format", "json"][..], &EXAMPLE].concat());
    check.assert_code(1);
    assert_valid(&schemas_dir().join("check.schema.json"), &check.stdout);
    // A schema that accepted anything would prove nothing.
    let mut broken: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    broken["problems"][0]["kind"] = serde_json::json!("no-such-kind");
    assert!(!validator(&schemas_dir().join("check.schema.json")).is_valid(&broken));
}

#[test]
fn sarif_validates_against_the_sarif_schema() {
    let p = example();
    let schema = Path::new(crate::support::FIXTURES).join("sarif/sarif-schema-2.1.0.json");
    let check = p.atomic(&[&["check", "-q", "--message-format", "sarif"][..], &EXAMPLE].concat());
    check.assert_code(1);
    assert_valid(&schema, &check.stdout);
    let doc: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), cargo_atomic::diff::RULES.len() + cargo_atomic::train::ProblemKind::ALL.len());
    let results = run["results"].as_array().unwrap();
    let ids: Vec<&str> = results.iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "stale-snapshot",
            "bump-too-small",
            "left-out-of-train",
            "requirement-not-admitting",
            "left-out-of-train",
            "requirement-not-admitting",
            "requirement-not-admitting",
            "fn-params-changed"
        ]
    );
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"], "ruleIndex points at the rule");
    }
    let change = results.last().unwrap();
    assert_eq!(change["level"], "error");
    assert_eq!(change["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "core/src/lib.rs");
    assert_eq!(change["locations"][0]["physicalLocation"]["region"]["startLine"], 28);
    let fn_rule = &rules[change["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(fn_rule["helpUri"], "https://doc.rust-lang.org/cargo/reference/semver.html#fn-change-arity");

    let diff = p.atomic(&[&["diff", "-q", "--message-format", "sarif"][..], &EXAMPLE].concat());
    diff.assert_code(0);
    assert_valid(&schema, &diff.stdout);
    let doc: serde_json::Value = serde_json::from_str(&diff.stdout).unwrap();
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 1);
}
