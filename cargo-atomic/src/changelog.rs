//! Release notes from the API itself: for each crate of the train, every root cause in plain
//! words under its Keep a Changelog section (consequences folded under it), and why a crate
//! without changes of its own is released. Written into each crate's `CHANGELOG.md` — under an
//! `## [Unreleased]` heading where there is one, keeping what a person wrote there — or printed.
//!
//! Plain data in, text out: nothing here reads or writes files ([`edit`] takes and returns text).

use std::collections::BTreeMap;

use semver::Version;
use serde::Serialize;

use crate::diff::{AcceptedBy, Bump, CrateDiff, Finding};
use crate::train::{CauseKind, Train};

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
        // Released because of other crates.
        let own = sections.values().any(|e| !e.is_empty());
        let mut joined = Vec::new();
        for cause in c.causes.iter().filter(|x| x.kind != CauseKind::Changes) {
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
                    format!("Released with `{dep}`{dep_version}: {why}")
                }
                (CauseKind::Group, _) => {
                    let group = c.group.as_deref().unwrap_or("its version group");
                    format!("Released with its version group `{group}` at {version}")
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

const HEADER: &str = "# Changelog

All notable changes to this project will be documented in this file.

The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),
and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).
";

/// A `## ` heading's version: `## [1.2.0] - 2024-01-01`, `## 1.2.0`, `## [Unreleased]`.
fn heading_version(line: &str) -> Option<String> {
    let rest = line.strip_prefix("## ")?.trim();
    let rest = rest.strip_prefix('[').map(|r| r.split(']').next().unwrap_or(r)).unwrap_or(rest);
    Some(rest.split_whitespace().next().unwrap_or(rest).trim_start_matches('v').to_string())
}

/// `text` (the file, `None` when it does not exist) with the release of `n` in it, dated `date`:
/// under `## [Unreleased]` where there is one (what a person wrote there moves into the release,
/// merged with the generated sections), else before the first release, else at the end.
/// Everything else is kept byte for byte; `None` when the release is already there.
pub fn edit(text: Option<&str>, n: &CrateNotes, date: &str) -> Option<String> {
    let version = n.version.to_string();
    let text = match text {
        Some(t) => t.to_string(),
        None => format!("{HEADER}\n"),
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if lines.iter().any(|l| heading_version(l).as_deref() == Some(version.as_str())) {
        return None;
    }
    let headings: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].starts_with("## ")).collect();
    let unreleased = headings
        .iter()
        .copied()
        .find(|&i| heading_version(lines[i]).is_some_and(|v| v.eq_ignore_ascii_case("unreleased")));
    // Link references at the end: `[1.0.0]: https://...`.
    let links = link_style(&lines);
    let bracketed = links.is_some()
        || lines.iter().any(|l| l.starts_with("## [") && !l.to_ascii_lowercase().starts_with("## [unreleased"));
    let title = if bracketed || headings.is_empty() { format!("[{version}]") } else { version.clone() };
    let mut release = format!("## {title} - {date}\n\n");
    let mut out = String::new();
    match unreleased {
        Some(u) => {
            let end = headings.iter().copied().find(|&h| h > u).unwrap_or_else(|| link_block_start(&lines).max(u + 1));
            let written: String = lines[u + 1..end].concat();
            out.push_str(&lines[..=u].concat());
            out.push('\n');
            release.push_str(&merge(&written, n));
            out.push_str(&release);
            out.push_str(&lines[end..].concat());
            if end == lines.len() {
                trim_end(&mut out);
            }
        }
        None => {
            let at = headings.first().copied().unwrap_or_else(|| link_block_start(&lines));
            let before = lines[..at].concat();
            out.push_str(&before);
            if !before.is_empty() && !before.ends_with("\n\n") {
                out.push('\n');
            }
            release.push_str(&sections_markdown(n));
            out.push_str(&release);
            out.push_str(&lines[at..].concat());
            if at == lines.len() {
                trim_end(&mut out);
            }
        }
    }
    if let Some(style) = links {
        out = add_link(&out, &style, n);
    }
    Some(out)
}

/// One newline at the end of the file.
fn trim_end(text: &mut String) {
    while text.ends_with("\n\n") {
        text.pop();
    }
}

/// Where the link references at the end of the file start (the end when there are none).
fn link_block_start(lines: &[&str]) -> usize {
    let mut at = lines.len();
    while at > 0 {
        let l = lines[at - 1].trim();
        if l.is_empty() || is_link(l) {
            at -= 1;
        } else {
            break;
        }
    }
    // Keep the blank lines before the links with the text above.
    while at < lines.len() && lines[at].trim().is_empty() {
        at += 1;
    }
    at
}

fn is_link(line: &str) -> bool {
    line.starts_with('[') && line.contains("]: ")
}

/// The compare-link template the file uses: `(unreleased link, release link template)` where the
/// template has `{previous}` and `{version}` in place of the versions.
struct LinkStyle {
    template: String,
}

fn link_style(lines: &[&str]) -> Option<LinkStyle> {
    let versions: Vec<String> =
        lines.iter().filter(|l| l.starts_with("## ")).filter_map(|l| heading_version(l)).collect();
    let released: Vec<&String> = versions.iter().filter(|v| !v.eq_ignore_ascii_case("unreleased")).collect();
    let (latest, previous) = (released.first()?, released.get(1)?);
    let url = lines.iter().find_map(|l| l.trim().strip_prefix(&format!("[{latest}]: ")))?;
    if !url.contains(latest.as_str()) || !url.contains(previous.as_str()) {
        return None;
    }
    // The later occurrence of the latest version is its own; the previous one is the base.
    let at = url.rfind(latest.as_str())?;
    let head = url[..at].replacen(previous.as_str(), "{previous}", 1);
    let template = format!("{head}{{version}}{}", &url[at + latest.len()..]);
    Some(LinkStyle { template })
}

/// The release's link, after the `[unreleased]` link (moved to compare from the new release) or
/// before the first link.
fn add_link(text: &str, style: &LinkStyle, n: &CrateNotes) -> String {
    let Some(previous) = &n.previous else { return text.to_string() };
    let version = n.version.to_string();
    let link = format!(
        "[{version}]: {}\n",
        style.template.replace("{previous}", &previous.to_string()).replace("{version}", &version)
    );
    let mut out = String::new();
    let mut added = false;
    for line in text.split_inclusive('\n') {
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("[unreleased]: ") && !added {
            out.push_str(&line.replace(&previous.to_string(), &version));
            out.push_str(&link);
            added = true;
            continue;
        }
        if !added && is_link(line.trim_start()) && line.starts_with('[') {
            out.push_str(&link);
            added = true;
        }
        out.push_str(line);
    }
    if !added {
        out.push_str(&link);
    }
    out
}

/// What a person wrote under `## [Unreleased]`, with the generated sections merged in: a
/// generated section whose heading they used goes first in theirs; the others in the usual order,
/// before their remaining sections.
fn merge(written: &str, n: &CrateNotes) -> String {
    let mut preamble = String::new();
    let mut theirs: Vec<(String, String)> = Vec::new();
    for line in written.split_inclusive('\n') {
        if let Some(title) = line.strip_prefix("### ") {
            theirs.push((title.trim().to_string(), String::new()));
        } else if let Some((_, body)) = theirs.last_mut() {
            body.push_str(line);
        } else {
            preamble.push_str(line);
        }
    }
    let mut out = String::new();
    let preamble = preamble.trim_matches('\n');
    if !preamble.is_empty() {
        out.push_str(preamble);
        out.push_str("\n\n");
    }
    let entries = |s: &Section| -> String {
        let mut t = String::new();
        for e in &s.entries {
            t.push_str(&format!("- {}\n", e.text));
            for c in &e.consequences {
                t.push_str(&format!("  - {c}\n"));
            }
        }
        t
    };
    let mut used = vec![false; theirs.len()];
    for title in SECTIONS {
        let ours = n.sections.iter().find(|s| s.title == title);
        let at = theirs.iter().position(|(t, _)| t.eq_ignore_ascii_case(title));
        match (ours, at) {
            (Some(s), Some(i)) => {
                used[i] = true;
                let body = theirs[i].1.trim_matches('\n');
                out.push_str(&format!("### {}\n\n{}{body}\n\n", theirs[i].0, entries(s)));
            }
            (Some(s), None) => out.push_str(&format!("### {title}\n\n{}\n", entries(s))),
            (None, Some(i)) => {
                used[i] = true;
                out.push_str(&format!("### {}\n\n{}\n\n", theirs[i].0, theirs[i].1.trim_matches('\n')));
            }
            (None, None) => {}
        }
    }
    for (i, (title, body)) in theirs.iter().enumerate() {
        if !used[i] {
            out.push_str(&format!("### {title}\n\n{}\n\n", body.trim_matches('\n')));
        }
    }
    out
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
mod tests {
    use super::*;

    fn notes(version: &str, previous: &str) -> CrateNotes {
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

    #[test]
    fn unreleased_lines_move_into_the_release_merged_with_the_generated_sections() {
        let file = "# Changelog\n\n## [Unreleased]\n\nA new era.\n\n### Added\n\n- a hand-written addition\n\n### Fixed\n\n- a bug\n\n## [1.0.0] - 2025-01-01\n\n- first\n\n[unreleased]: https://example.invalid/compare/core-v1.0.0...HEAD\n[1.0.0]: https://example.invalid/compare/core-v0.9.0...core-v1.0.0\n";
        let with_old = file.replace(
            "## [1.0.0] - 2025-01-01\n\n- first\n\n",
            "## [1.0.0] - 2025-01-01\n\n- first\n\n## [0.9.0] - 2024-01-01\n\n- older\n\n",
        );
        let out = edit(Some(&with_old), &notes("2.0.0", "1.0.0"), "2026-12-07").unwrap();
        let expected = "# Changelog\n\n## [Unreleased]\n\n## [2.0.0] - 2026-12-07\n\nA new era.\n\n### Breaking changes\n\n- `fn core::run` gained parameter `n: u8`\n  - `impl Send for core::S` was removed\n\n### Added\n\n- `fn core::more` was added\n- a hand-written addition\n\n### Fixed\n\n- a bug\n\n## [1.0.0] - 2025-01-01\n\n- first\n\n## [0.9.0] - 2024-01-01\n\n- older\n\n[unreleased]: https://example.invalid/compare/core-v2.0.0...HEAD\n[2.0.0]: https://example.invalid/compare/core-v1.0.0...core-v2.0.0\n[1.0.0]: https://example.invalid/compare/core-v0.9.0...core-v1.0.0\n";
        assert_eq!(out, expected);
        assert_eq!(edit(Some(&out), &notes("2.0.0", "1.0.0"), "2026-12-08"), None, "idempotent");
    }

    #[test]
    fn a_missing_changelog_is_created_and_one_without_unreleased_gets_the_release_first() {
        let created = edit(None, &notes("2.0.0", "1.0.0"), "2026-12-07").unwrap();
        assert!(created.starts_with(HEADER), "{created}");
        assert!(created.ends_with("\n## [2.0.0] - 2026-12-07\n\n### Breaking changes\n\n- `fn core::run` gained parameter `n: u8`\n  - `impl Send for core::S` was removed\n\n### Added\n\n- `fn core::more` was added\n"), "{created}");
        let plain = "# Changes\n\n## 1.0.0\n\n- first\n";
        let out = edit(Some(plain), &notes("2.0.0", "1.0.0"), "2026-12-07").unwrap();
        assert!(out.starts_with("# Changes\n\n## 2.0.0 - 2026-12-07\n\n### Breaking changes\n"), "{out}");
        assert!(out.ends_with("\n## 1.0.0\n\n- first\n"), "{out}");
    }
}
