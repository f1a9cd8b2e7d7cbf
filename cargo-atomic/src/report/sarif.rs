//! SARIF 2.1.0 for code-scanning tools: one rule per cargo-atomic rule (the SemVer rules and the
//! train's problem kinds), one result per finding (`diff`) or per problem and breaking change
//! (`check`), with its physical location.

use serde_json::{json, Value};

use crate::diff::{Bump, CrateDiff, Finding, CHAPTER_URL, RULES};
use crate::train::{Problem, ProblemKind, Severity, Train};

/// Where the problem kinds are explained.
const PROBLEMS_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "#problems");

/// The rules of a run: every SemVer rule, then every problem kind (ids are distinct).
fn rules() -> Vec<Value> {
    let semver = RULES.iter().map(|r| {
        json!({
            "id": r.id,
            "shortDescription": { "text": r.summary },
            "helpUri": format!("{CHAPTER_URL}#{}", r.anchor),
            "defaultConfiguration": { "level": level(r.bump) },
            "properties": { "bump": r.bump.name() },
        })
    });
    let problems = ProblemKind::ALL.iter().map(|k| {
        json!({
            "id": k.as_str(),
            "shortDescription": { "text": k.summary() },
            "helpUri": PROBLEMS_URL,
        })
    });
    semver.chain(problems).collect()
}

/// The index of rule `id` in [`rules`] (SARIF's "unknown" is -1): SemVer rules first, then
/// problem kinds, as [`rules`] lists them.
fn rule_index(id: &str) -> i64 {
    let semver = RULES.iter().position(|r| r.id == id);
    let problem = || ProblemKind::ALL.iter().position(|k| k.as_str() == id).map(|i| RULES.len() + i);
    semver.or_else(problem).map_or(-1, |i| i as i64)
}

fn level(bump: Bump) -> &'static str {
    match bump {
        Bump::Major => "error",
        Bump::Minor => "warning",
        Bump::Patch => "note",
    }
}

fn location(file: &str, line: Option<usize>) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": file, "uriBaseId": "SRCROOT" } });
    if let Some(line) = line {
        physical["region"] = json!({ "startLine": line });
    }
    json!({ "physicalLocation": physical })
}

fn finding(package: &str, f: &Finding) -> Value {
    let mut result = json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index(f.rule),
        "level": if f.probably_not_breaking() { "note" } else { level(f.bump) },
        "message": { "text": format!("{package}: {}", f.message()) },
        "properties": { "package": package, "bump": f.bump.name(), "path": f.path },
    });
    if let Some(l) = &f.location {
        result["locations"] = json!([location(&l.file, Some(l.line))]);
    }
    // The maintainers' word: a result at the level it counts as, suppressed where it no longer
    // needs the rule's bump, with their reason (code scanning shows it as dismissed, and why).
    if let Some(a) = &f.accepted {
        result["level"] = json!(match a.level.bump() {
            Some(b) => level(b),
            None => "none",
        });
        result["properties"]["accepted"] = json!({ "level": a.level.name(), "reason": a.reason, "source": a.source });
        if a.level.bump() < Some(f.bump) {
            result["suppressions"] =
                json!([{ "kind": "external", "justification": format!("{} ({})", a.reason, a.source) }]);
        }
    }
    result
}

fn problem(p: &Problem) -> Value {
    let mut result = json!({
        "ruleId": p.kind.as_str(),
        "ruleIndex": rule_index(p.kind.as_str()),
        "level": if p.severity == Severity::Error { "error" } else { "warning" },
        "message": { "text": format!("{} — {}", p.message, p.help) },
        "properties": { "package": p.package },
    });
    if let Some(file) = &p.file {
        result["locations"] = json!([location(file, p.line)]);
    }
    result
}

fn document(results: Vec<Value>) -> String {
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "cargo-atomic",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules(),
            }},
            "originalUriBaseIds": { "SRCROOT": { "description": { "text": "the workspace root" } } },
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&doc).expect("serializable")
}

/// The findings standing for each root cause of a crate (its consequences are not results).
fn causes(d: &CrateDiff) -> impl Iterator<Item = &crate::diff::Finding> {
    d.changes.causes.iter().map(|c| &d.changes.findings[c.finding])
}

/// `diff`: one result per root cause.
pub fn diff(diffs: &[CrateDiff]) -> String {
    document(diffs.iter().flat_map(|d| causes(d).map(|f| finding(&d.package, f))).collect())
}

/// `check`: one result per problem, then one per root cause that requires a major or minor bump.
pub fn check(train: &Train, diffs: &[CrateDiff]) -> String {
    let problems = train.problems.iter().map(problem);
    let changes = diffs.iter().flat_map(|d| causes(d).filter(|f| f.bump > Bump::Patch).map(|f| finding(&d.package, f)));
    document(problems.chain(changes).collect())
}
