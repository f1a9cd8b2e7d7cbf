//! Release notes from the API itself: for each crate of the train, every root cause in plain
//! words under its Keep a Changelog section (consequences folded under it), and why a crate
//! without changes of its own is released. Written into each crate's `CHANGELOG.md` — under an
//! `## [Unreleased]` heading where there is one, keeping what a person wrote there — or printed.
//!
//! Plain data in, text out: nothing here reads or writes files ([`edit`] takes and returns text).

mod file;
mod plan;

use std::collections::BTreeMap;

use semver::Version;
use serde::Serialize;

use crate::diff::{AcceptedBy, Bump, CrateDiff, Finding};
use crate::train::{CauseKind, Train};

pub use file::{edit, Edited};
pub use plan::{plan, summary, Plan, Written, FILE};

/// Sections in the order they are written.
const SECTIONS: [&str; 5] = ["Breaking changes", "Added", "Changed", "Deprecated", "Removed"];

/// Rules whose findings are additions.
const ADDED: &[&str] = &[
    "item-added",
    "item-unhidden",
    "trait-impl-added",
    "inherent-item-added",
    "cargo-feature-added",
    "trait-item-added-default",
    "enum-variant-added-non-exhaustive",
    "struct-pub-field-added",
];

/// How many consequences are listed under a cause.
const CONSEQUENCES: usize = 8;

/// One crate's notes for one release.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct CrateNotes {
    pub package: String,
    pub version: Version,
    /// The release it follows (its baseline).
    pub previous: Option<Version>,
    pub sections: Vec<Section>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Section {
    pub title: String,
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Entry {
    /// The line, in Markdown.
    pub text: String,
    /// The rule of the finding it stands for (none for a release caused by another crate's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The findings that follow from it, as lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consequences: Vec<String>,
}

/// The section a cause goes under, by what its finding counts as.
fn section_of(f: &Finding, counted: Option<Bump>) -> &'static str {
    if counted == Some(Bump::Major) {
        return "Breaking changes";
    }
    if f.rule == "deprecated-added" {
        "Deprecated"
    } else if ADDED.contains(&f.rule) {
        "Added"
    } else if f.rule.contains("removed") || f.rule == "item-made-hidden" {
        "Removed"
    } else {
        "Changed"
    }
}

/// What is said after a finding's words: the maintainers' word, or a witness that compiled.
fn marks(f: &Finding) -> String {
    let mut out = String::new();
    if f.probably_not_breaking() {
        out.push_str(" (probably not breaking: code written for the previous API still compiles)");
    }
    if let Some(a) = f.accepted.as_ref().filter(|a| a.by == AcceptedBy::Finding && a.level.bump() != Some(f.bump)) {
        out.push_str(&format!(" (a {} change by the SemVer rules, released as {}: {})", f.bump, a.level, a.reason));
    }
    out
}

/// The notes of every crate of the train released at `versions` (the train's release versions,
/// or what `bump` writes).
pub fn notes(diffs: &[CrateDiff], train: &Train, versions: &BTreeMap<String, Version>) -> Vec<CrateNotes> {
    let mut out = Vec::new();
    for step in &train.order {
        let Some(version) = versions.get(&step.package).cloned() else { continue };
        let Some(c) = train.crates.iter().find(|c| c.package == step.package) else { continue };
        let mut sections: BTreeMap<&str, Vec<Entry>> = BTreeMap::new();
        if let Some(d) = diffs.iter().find(|d| d.package == step.package) {
            let changes = &d.changes;
            for cause in &changes.causes {
                let f = &changes.findings[cause.finding];
                if f.allowed() {
                    continue;
                }
                let of: Vec<&Finding> = changes.findings.iter().filter(|g| g.cause == cause.id).collect();
                let counted = of.iter().filter_map(|g| g.counted()).max();
                let mut consequences: Vec<String> = changes
                    .findings
                    .iter()
                    .enumerate()
                    .filter(|(i, g)| g.cause == cause.id && *i != cause.finding)
                    .map(|(_, g)| g.message())
                    .collect();
                if consequences.len() > CONSEQUENCES {
                    let more = consequences.len() - CONSEQUENCES;
                    consequences.truncate(CONSEQUENCES);
                    consequences.push(format!("… and {more} more"));
                }
                let from =
                    cause.sibling.as_ref().map(|s| format!(" (`{s}`'s change, re-exported)")).unwrap_or_default();
                sections.entry(section_of(f, counted)).or_default().push(Entry {
                    text: format!("{}{from}{}", f.message(), marks(f)),
                    rule: Some(f.rule.to_string()),
                    path: Some(f.path.clone()),
                    consequences,
                });
            }
        }
        // Released because of other crates: why, down to the root cause; a major release says
        // why it is one where its own API does not break.
        let own = sections.values().any(|e| !e.is_empty());
        let own_major = sections.contains_key("Breaking changes");
        let major = c.baseline_version.as_ref().is_some_and(|from| crate::train::breaking(from, &version));
        let mut joined = Vec::new();
        for cause in c.causes.iter().filter(|x| x.kind != CauseKind::Changes) {
            let root = |other: Option<&str>| match &cause.root {
                Some(r) if Some(r.package.as_str()) != other && r.package != c.package => format!(", for {}", r.told()),
                _ => String::new(),
            };
            let text = match (cause.kind, &cause.dependency) {
                (CauseKind::Dependency, Some(dep)) => {
                    let dep_version = versions.get(dep).map(|v| format!(" {v}")).unwrap_or_default();
                    let why = match cause.exposes.as_deref() {
                        Some(item) => match item.strip_prefix("pub use ") {
                            Some(path) => format!("re-exports it as `{path}`"),
                            None => format!("its API exposes `{dep}`'s types (`{item}`)"),
                        },
                        None => "requires the new version".to_string(),
                    };
                    let breaks = match &cause.root {
                        Some(r) if r.package == *dep && cause.exposes.is_some() => {
                            format!(", which breaks: {}", r.change)
                        }
                        _ => root(Some(dep)),
                    };
                    format!("Released with `{dep}`{dep_version}: {why}{breaks}")
                }
                (CauseKind::Group, _) => {
                    let group = c.group.as_deref().unwrap_or("its version group");
                    let kind = if major && !own_major { "A major release" } else { "Released" };
                    format!("{kind} with its version group `{group}`{}", root(None))
                }
                _ => continue,
            };
            joined.push(text);
        }
        if !joined.is_empty() && !own {
            joined.push("No API change of its own".to_string());
        }
        for text in joined {
            sections.entry("Changed").or_default().push(Entry {
                text,
                rule: None,
                path: None,
                consequences: Vec::new(),
            });
        }
        if sections.is_empty() {
            sections.entry("Changed").or_default().push(Entry {
                text: "No change to the public API".to_string(),
                rule: None,
                path: None,
                consequences: Vec::new(),
            });
        }
        let sections = SECTIONS
            .iter()
            .filter_map(|t| sections.remove(t).map(|entries| Section { title: t.to_string(), entries }))
            .collect();
        out.push(CrateNotes { package: step.package.clone(), version, previous: c.baseline_version.clone(), sections });
    }
    out
}

/// The sections of one release as Markdown (`###` headings, a bullet per cause, its consequences
/// indented under it).
pub fn sections_markdown(n: &CrateNotes) -> String {
    let mut out = String::new();
    for s in &n.sections {
        out.push_str(&format!("### {}\n\n", s.title));
        for e in &s.entries {
            out.push_str(&format!("- {}\n", e.text));
            for c in &e.consequences {
                out.push_str(&format!("  - {c}\n"));
            }
        }
        out.push('\n');
    }
    out
}

/// Every crate's notes, for a release pull request or a GitHub release.
pub fn markdown(notes: &[CrateNotes], date: &str) -> String {
    let mut out = String::new();
    for n in notes {
        out.push_str(&format!("## {} {} - {date}\n\n", n.package, n.version));
        out.push_str(&sections_markdown(n));
    }
    out
}

/// The document `cargo atomic changelog --message-format json` prints.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "ChangelogDocument")]
pub struct Document<'a> {
    pub schema: u32,
    pub date: &'a str,
    pub crates: &'a [CrateNotes],
}

pub fn schema() -> schemars::Schema {
    schemars::schema_for!(Document<'static>)
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    let days =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() / 86_400).unwrap_or(0);
    civil(days as i64)
}

/// The calendar date of a day count since 1970-01-01 (the proleptic Gregorian calendar).
fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Checks a `--date` argument.
pub fn parse_date(text: &str) -> Result<String, String> {
    let parts: Vec<&str> = text.split('-').collect();
    let ok = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && (1..=12).contains(&parts[1].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&parts[2].parse::<u32>().unwrap_or(0));
    if ok {
        Ok(text.to_string())
    } else {
        Err(format!("`{text}` is not a date (YYYY-MM-DD)"))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn notes(version: &str, previous: &str) -> CrateNotes {
        CrateNotes {
            package: "core".into(),
            version: Version::parse(version).unwrap(),
            previous: Some(Version::parse(previous).unwrap()),
            sections: vec![
                Section {
                    title: "Breaking changes".into(),
                    entries: vec![Entry {
                        text: "`fn core::run` gained parameter `n: u8`".into(),
                        rule: None,
                        path: None,
                        consequences: vec!["`impl Send for core::S` was removed".into()],
                    }],
                },
                Section {
                    title: "Added".into(),
                    entries: vec![Entry {
                        text: "`fn core::more` was added".into(),
                        rule: None,
                        path: None,
                        consequences: vec![],
                    }],
                },
            ],
        }
    }

    #[test]
    fn each_cause_goes_under_its_section_marked_as_it_counts() {
        use crate::api::snapshot::from_lines as snap;
        let old = "pub mod k\npub fn k::run(a: u8)\npub fn k::gone()\npub fn k::old()";
        let new = "pub mod k\npub fn k::run(a: u8, b: u8)\n#[deprecated] pub fn k::old()\npub struct k::More;";
        let mut changes = crate::diff::compare(&snap(old), &snap(new));
        let sections = |changes: &crate::diff::Changes| -> Vec<(&'static str, String)> {
            changes
                .causes
                .iter()
                .map(|c| {
                    let f = &changes.findings[c.finding];
                    (section_of(f, f.counted()), format!("{}{}", f.message(), marks(f)))
                })
                .collect()
        };
        let found = sections(&changes);
        assert!(
            found.iter().any(|(s, t)| *s == "Breaking changes" && t.starts_with("`fn k::gone` was removed")),
            "{found:?}"
        );
        assert!(found.iter().any(|(s, t)| *s == "Added" && t.contains("k::More")), "{found:?}");
        assert!(found.iter().any(|(s, t)| *s == "Deprecated" && t.contains("k::old")), "{found:?}");
        // A witness that compiled on both sides: not a breaking change, and said so.
        let i = changes.findings.iter().position(|f| f.rule == "fn-params-changed").unwrap();
        changes.findings[i].proof =
            Some(crate::diff::Proof { verdict: crate::diff::Verdict::Unproven, witness: None, error: None });
        let f = &changes.findings[i];
        assert_eq!(section_of(f, f.counted()), "Changed");
        assert!(marks(f).contains("probably not breaking"), "{}", marks(f));
    }

    #[test]
    fn days_are_dates() {
        assert_eq!(civil(0), "1970-01-01");
        assert_eq!(civil(20_794), "2026-12-07");
        assert_eq!(civil(11_016), "2000-02-29");
        assert!(parse_date("2026-12-07").is_ok());
        assert!(parse_date("2026-13-07").is_err());
        assert!(parse_date("07.12.2026").is_err());
    }
}
