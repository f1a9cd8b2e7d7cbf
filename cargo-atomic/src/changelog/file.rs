//! Release notes in a `CHANGELOG.md` text: where a release goes (under `## [Unreleased]`, else
//! before the first release, else at the end), in the file's heading and compare-link style,
//! merging what a person wrote; a section this train wrote for a version it no longer releases is
//! rewritten for the new one. Text in, text out.

use super::{sections_markdown, CrateNotes, Section, SECTIONS};

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

/// What [`edit`] made of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edited {
    pub text: String,
    /// The version whose section, written for this release before its version changed, is now
    /// this release's.
    pub replaced: Option<String>,
}

/// `text` (the file, `None` when it does not exist) with the release of `n` in it, dated `date`:
/// in place of a section of a version after `n.previous` that is not `n.version` (this release,
/// written before its version changed: what a person added there is kept), else under
/// `## [Unreleased]` where there is one (what a person wrote there moves into the release, merged
/// with the generated sections), else before the first release, else at the end. Everything
/// else is kept byte for byte; `None` when the release is already there.
pub fn edit(text: Option<&str>, n: &CrateNotes, date: &str) -> Option<Edited> {
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
    let stale = headings.iter().copied().find(|&i| {
        let Some(w) = heading_version(lines[i]).and_then(|v| semver::Version::parse(&v).ok()) else { return false };
        n.previous.as_ref().is_some_and(|p| w.cmp_precedence(p).is_gt())
    });
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
    let replaced = stale.and_then(|i| heading_version(lines[i]));
    match stale.or(unreleased) {
        Some(u) => {
            let end = headings.iter().copied().find(|&h| h > u).unwrap_or_else(|| link_block_start(&lines).max(u + 1));
            let mut written: String = lines[u + 1..end].concat();
            // What this tool wrote there before is written anew; what a person added stays.
            if stale.is_some() {
                written = without_generated(&written, n);
                out.push_str(&lines[..u].concat());
            } else {
                out.push_str(&lines[..=u].concat());
                out.push('\n');
            }
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
    if let Some(old) = &replaced {
        out = out
            .split_inclusive('\n')
            .filter(|l| !l.starts_with(&format!("[{old}]: ")))
            .map(|l| {
                if l.to_ascii_lowercase().starts_with("[unreleased]: ") {
                    l.replace(old.as_str(), &n.previous.as_ref().map(|p| p.to_string()).unwrap_or_default())
                } else {
                    l.to_string()
                }
            })
            .collect();
    }
    if let Some(style) = links {
        out = add_link(&out, &style, n);
    }
    Some(Edited { text: out, replaced })
}

/// A section's text without the entries `n` generates (and the lines under them): those are
/// written again, as they are now.
fn without_generated(written: &str, n: &CrateNotes) -> String {
    let generated: Vec<String> =
        n.sections.iter().flat_map(|s| s.entries.iter().map(|e| format!("- {}", e.text))).collect();
    let mut out = String::new();
    let mut skipping = false;
    for line in written.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if skipping && line.starts_with("  ") {
            continue;
        }
        skipping = generated.iter().any(|g| g == trimmed);
        if !skipping {
            out.push_str(line);
        }
    }
    // Section headings left with nothing under them go too.
    let mut kept = String::new();
    let parts: Vec<&str> = out.split_inclusive('\n').collect();
    for (i, line) in parts.iter().enumerate() {
        if line.starts_with("### ") {
            let next = parts[i + 1..].iter().find(|l| !l.trim().is_empty());
            if next.is_none_or(|l| l.starts_with("### ")) {
                continue;
            }
        }
        kept.push_str(line);
    }
    kept
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changelog::tests::notes;

    #[test]
    fn unreleased_lines_move_into_the_release_merged_with_the_generated_sections() {
        let file = "# Changelog\n\n## [Unreleased]\n\nA new era.\n\n### Added\n\n- a hand-written addition\n\n### Fixed\n\n- a bug\n\n## [1.0.0] - 2025-01-01\n\n- first\n\n[unreleased]: https://example.invalid/compare/core-v1.0.0...HEAD\n[1.0.0]: https://example.invalid/compare/core-v0.9.0...core-v1.0.0\n";
        let with_old = file.replace(
            "## [1.0.0] - 2025-01-01\n\n- first\n\n",
            "## [1.0.0] - 2025-01-01\n\n- first\n\n## [0.9.0] - 2024-01-01\n\n- older\n\n",
        );
        let out = edit(Some(&with_old), &notes("2.0.0", "1.0.0"), "2026-12-07").unwrap().text;
        let expected = "# Changelog\n\n## [Unreleased]\n\n## [2.0.0] - 2026-12-07\n\nA new era.\n\n### Breaking changes\n\n- `fn core::run` gained parameter `n: u8`\n  - `impl Send for core::S` was removed\n\n### Added\n\n- `fn core::more` was added\n- a hand-written addition\n\n### Fixed\n\n- a bug\n\n## [1.0.0] - 2025-01-01\n\n- first\n\n## [0.9.0] - 2024-01-01\n\n- older\n\n[unreleased]: https://example.invalid/compare/core-v2.0.0...HEAD\n[2.0.0]: https://example.invalid/compare/core-v1.0.0...core-v2.0.0\n[1.0.0]: https://example.invalid/compare/core-v0.9.0...core-v1.0.0\n";
        assert_eq!(out, expected);
        assert_eq!(edit(Some(&out), &notes("2.0.0", "1.0.0"), "2026-12-08"), None, "idempotent");
    }

    #[test]
    fn a_missing_changelog_is_created_and_one_without_unreleased_gets_the_release_first() {
        let created = edit(None, &notes("2.0.0", "1.0.0"), "2026-12-07").unwrap().text;
        assert!(created.starts_with(HEADER), "{created}");
        assert!(created.ends_with("\n## [2.0.0] - 2026-12-07\n\n### Breaking changes\n\n- `fn core::run` gained parameter `n: u8`\n  - `impl Send for core::S` was removed\n\n### Added\n\n- `fn core::more` was added\n"), "{created}");
        let plain = "# Changes\n\n## 1.0.0\n\n- first\n";
        let out = edit(Some(plain), &notes("2.0.0", "1.0.0"), "2026-12-07").unwrap().text;
        assert!(out.starts_with("# Changes\n\n## 2.0.0 - 2026-12-07\n\n### Breaking changes\n"), "{out}");
        assert!(out.ends_with("\n## 1.0.0\n\n- first\n"), "{out}");
    }

    #[test]
    fn a_release_whose_version_changed_rewrites_its_own_section_keeping_what_a_person_added() {
        let before = "# Changelog\n\n## [2.1.0] - 2026-12-01\n\n### Breaking changes\n\n- `fn core::run` gained parameter `n: u8`\n  - `impl Send for core::S` was removed\n\n### Fixed\n\n- a bug a person wrote about\n\n## [1.0.0] - 2025-01-01\n\n- first\n\n[unreleased]: https://example.invalid/compare/core-v2.1.0...HEAD\n[2.1.0]: https://example.invalid/compare/core-v1.0.0...core-v2.1.0\n[1.0.0]: https://example.invalid/compare/core-v0.9.0...core-v1.0.0\n";
        let out = edit(Some(before), &notes("2.0.0", "1.0.0"), "2026-12-07").unwrap();
        assert_eq!(out.replaced.as_deref(), Some("2.1.0"));
        let expected = "# Changelog\n\n## [2.0.0] - 2026-12-07\n\n### Breaking changes\n\n- `fn core::run` gained parameter `n: u8`\n  - `impl Send for core::S` was removed\n\n### Added\n\n- `fn core::more` was added\n\n### Fixed\n\n- a bug a person wrote about\n\n## [1.0.0] - 2025-01-01\n\n- first\n\n[unreleased]: https://example.invalid/compare/core-v2.0.0...HEAD\n[2.0.0]: https://example.invalid/compare/core-v1.0.0...core-v2.0.0\n[1.0.0]: https://example.invalid/compare/core-v0.9.0...core-v1.0.0\n";
        assert_eq!(out.text, expected);
        assert_eq!(edit(Some(&out.text), &notes("2.0.0", "1.0.0"), "2026-12-08"), None, "idempotent");
    }
}
