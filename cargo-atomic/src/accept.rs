//! The maintainers' word on findings: rule levels (`[workspace.metadata.atomic.rules]`, and
//! `[package.metadata.atomic.rules]`, which wins) and accepted findings, one at a time, in
//! `<crate>/atomic-accepted.toml` beside the crate's snapshot (written by `cargo atomic accept`).
//!
//! An acceptance names a rule, an item path, the level the finding counts as, a reason, and the
//! baseline release it was written against: it holds for the release after that one only. Once a
//! later release is the baseline it is stale — reported and ignored — so it never hides a later
//! break of the same item. An acceptance takes the root cause the finding belongs to with it
//! (its consequences count at most at the accepted level), and a crate whose findings are only
//! a sibling's changes re-exported follows the sibling's accepted level.
//!
//! Accepted findings stay findings: every output shows them with their level and reason.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Context};

use crate::diff::{Accepted, AcceptedBy, CrateDiff, Finding, Level, RULES};
use crate::workspace::{Member, RuleSetting, Workspace};

/// The file beside each crate's snapshot.
pub const FILE_NAME: &str = "atomic-accepted.toml";

const HEADER: &str = "\
# Findings of this crate its maintainers accept (`cargo atomic accept` writes them). Each counts
# at its `level` in the release after `baseline`, and no longer once a later release is the
# baseline; `cargo atomic check` shows each with its reason.
";

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub level: Level,
    /// The baseline release it was written against.
    pub baseline: semver::Version,
    pub reason: String,
}

pub fn path(member: &Member) -> PathBuf {
    member.dir.join(FILE_NAME)
}

fn level(text: &str) -> Option<Level> {
    match text {
        "major" => Some(Level::Major),
        "minor" => Some(Level::Minor),
        "patch" => Some(Level::Patch),
        "allow" => Some(Level::Allow),
        _ => None,
    }
}

fn known_rule(rule: &str) -> bool {
    RULES.iter().any(|r| r.id == rule)
}

/// The acceptances of a crate (none without the file).
pub fn load(member: &Member) -> anyhow::Result<Vec<Entry>> {
    let file = path(member);
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", file.display())),
    };
    parse(&text).with_context(|| format!("in {}", file.display()))
}

fn parse(text: &str) -> anyhow::Result<Vec<Entry>> {
    let doc: toml_edit::DocumentMut = text.parse().context("not valid TOML")?;
    let mut out = Vec::new();
    for (key, _) in doc.iter() {
        if key != "accept" {
            bail!("unknown key `{key}` (the file holds `[[accept]]` tables)");
        }
    }
    let Some(item) = doc.get("accept") else { return Ok(out) };
    let tables = item.as_array_of_tables().context("`accept` must be `[[accept]]` tables")?;
    for (i, t) in tables.iter().enumerate() {
        let n = i + 1;
        let field = |name: &str| -> anyhow::Result<String> {
            t.get(name)
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .with_context(|| format!("[[accept]] #{n} lacks `{name}` (a string)"))
        };
        for (key, _) in t.iter() {
            if !["rule", "path", "level", "baseline", "reason"].contains(&key) {
                bail!("[[accept]] #{n}: unknown key `{key}` (rule, path, level, baseline, reason)");
            }
        }
        let rule = field("rule")?;
        let path = field("path")?;
        if !known_rule(&rule) {
            bail!("[[accept]] #{n}: no rule `{rule}` (`cargo atomic rules` lists them)");
        }
        let level_text = field("level")?;
        let level = level(&level_text)
            .with_context(|| format!("[[accept]] #{n}: level `{level_text}` is not major, minor, patch or allow"))?;
        let baseline_text = field("baseline")?;
        let baseline = semver::Version::parse(&baseline_text)
            .with_context(|| format!("[[accept]] #{n}: baseline `{baseline_text}` is not a version"))?;
        let reason = field("reason")?;
        if reason.trim().is_empty() {
            bail!("[[accept]] #{n}: the reason is empty; say why the finding is accepted");
        }
        out.push(Entry { rule, path, level, baseline, reason });
    }
    Ok(out)
}

/// The file's text with `entry` in it: replacing an acceptance of the same rule, path and
/// baseline, else appended; everything else kept as written.
pub fn with_entry(text: Option<&str>, entry: &Entry) -> anyhow::Result<String> {
    let new_file = text.is_none();
    let text = text.unwrap_or("");
    parse(text)?;
    let mut doc: toml_edit::DocumentMut = text.parse()?;
    if doc.get("accept").is_none() {
        doc.insert("accept", toml_edit::Item::ArrayOfTables(toml_edit::ArrayOfTables::new()));
    }
    let tables = doc["accept"].as_array_of_tables_mut().expect("checked by parse");
    let same = |t: &toml_edit::Table| {
        t.get("rule").and_then(|v| v.as_str()) == Some(entry.rule.as_str())
            && t.get("path").and_then(|v| v.as_str()) == Some(entry.path.as_str())
            && t.get("baseline").and_then(|v| v.as_str()) == Some(entry.baseline.to_string().as_str())
    };
    let fill = |t: &mut toml_edit::Table| {
        t["rule"] = toml_edit::value(entry.rule.as_str());
        t["path"] = toml_edit::value(entry.path.as_str());
        t["level"] = toml_edit::value(entry.level.name());
        t["baseline"] = toml_edit::value(entry.baseline.to_string());
        t["reason"] = toml_edit::value(entry.reason.as_str());
    };
    let at = tables.iter().position(same);
    if let Some(t) = at.and_then(|i| tables.get_mut(i)) {
        fill(t);
    } else {
        let mut t = toml_edit::Table::new();
        fill(&mut t);
        tables.push(t);
    }
    Ok(if new_file { format!("{HEADER}\n{doc}") } else { doc.to_string() })
}

/// A rule's level, where it is set, and why.
struct RuleLevel {
    level: Level,
    reason: String,
    source: String,
}

/// The rule levels for `member`: the workspace's, then the package's over them.
fn rule_levels(ws: &Workspace, member: &Member) -> anyhow::Result<BTreeMap<String, RuleLevel>> {
    let mut out = BTreeMap::new();
    let sets: [(&BTreeMap<String, RuleSetting>, String); 2] = [
        (&ws.config.rules, "Cargo.toml [workspace.metadata.atomic.rules]".to_string()),
        (&member.config.rules, format!("{} [package.metadata.atomic.rules]", ws.relative(&member.manifest_path))),
    ];
    for (set, source) in sets {
        for (rule, setting) in set {
            if !known_rule(rule) {
                bail!("{source}: no rule `{rule}` (`cargo atomic rules` lists them)");
            }
            let level = level(setting.level()).with_context(|| {
                format!("{source}: `{rule} = \"{}\"` is not major, minor, patch or allow", setting.level())
            })?;
            let reason =
                setting.reason().map(str::to_string).unwrap_or_else(|| format!("the rule's level, set in {source}"));
            out.insert(rule.clone(), RuleLevel { level, reason, source: source.clone() });
        }
    }
    Ok(out)
}

/// What [`apply`] found to say about the maintainers' word, crate by crate.
#[derive(Debug, Default)]
pub struct Applied {
    /// Per crate: the accepted findings (root causes) and rule levels that changed a count, as
    /// lines to show.
    pub notes: Vec<String>,
    /// `(crate, file, message)`: acceptances written for an earlier release.
    pub stale: Vec<(String, String, String)>,
    /// `(crate, file, message)`: acceptances that match no finding.
    pub unmatched: Vec<(String, String, String)>,
}

/// Applies rule levels and acceptances to every crate's findings, then recounts: each finding
/// the maintainers spoke of carries their word (`Finding::accepted`), causes and required bumps
/// go by what findings count as, and stale or unmatched acceptances are the crate's warnings.
pub fn apply(ws: &Workspace, diffs: &mut [CrateDiff]) -> anyhow::Result<Applied> {
    let mut applied = Applied::default();
    // Each crate's own word.
    let mut accepted_crates: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in diffs.iter_mut() {
        let Some(member) = ws.member(&d.package) else { continue };
        let levels = rule_levels(ws, member)?;
        let entries = load(member)?;
        let file = ws.relative(&path(member));
        let mut touched = BTreeMap::<&str, usize>::new();
        for f in d.changes.findings.iter_mut() {
            if let Some(l) = levels.get(f.rule) {
                f.accepted = Some(Accepted {
                    level: l.level,
                    reason: l.reason.clone(),
                    source: l.source.clone(),
                    by: AcceptedBy::Rule,
                });
                *touched.entry(f.rule).or_default() += 1;
            }
        }
        for (rule, n) in touched {
            let l = &levels[rule];
            let what = if l.level == Level::Allow {
                "not counted nor shown".to_string()
            } else {
                format!("counted as {}", l.level)
            };
            let why = if l.reason.starts_with("the rule's level, set in") {
                String::new()
            } else {
                format!(": {}", l.reason)
            };
            applied.notes.push(format!(
                "{}: {n} finding{} of rule `{rule}` {what} ({}{why})",
                d.package,
                if n == 1 { "" } else { "s" },
                l.source
            ));
        }
        let baseline = d.baseline.as_ref().and_then(|b| b.version.clone());
        for e in &entries {
            if baseline.as_ref() != Some(&e.baseline) {
                let now = baseline
                    .as_ref()
                    .map(|v| format!("the baseline is now {v}"))
                    .unwrap_or_else(|| "the crate has no baseline now".to_string());
                let message = format!(
                    "the acceptance of `{}` at `{}` was written for the release after {}, and {now}: it no longer applies (remove it)",
                    e.rule, e.path, e.baseline
                );
                d.changes.warnings.push(format!("{file}: {message}"));
                applied.stale.push((d.package.clone(), file.clone(), message));
                continue;
            }
            let matched: Vec<usize> = d
                .changes
                .findings
                .iter()
                .enumerate()
                .filter(|(_, f)| f.rule == e.rule && (f.path == e.path || f.also_at.contains(&e.path)))
                .map(|(i, _)| i)
                .collect();
            if matched.is_empty() {
                let message = format!(
                    "the acceptance of `{}` at `{}` matches no finding: the change went away, or the path is wrong (`cargo atomic diff -p {}` lists the findings)",
                    e.rule, e.path, d.package
                );
                d.changes.warnings.push(format!("{file}: {message}"));
                applied.unmatched.push((d.package.clone(), file.clone(), message));
                continue;
            }
            let word = |level: Level| Accepted {
                level,
                reason: e.reason.clone(),
                source: file.clone(),
                by: AcceptedBy::Finding,
            };
            let causes: Vec<usize> = matched.iter().map(|&i| d.changes.findings[i].cause).collect();
            for (i, f) in d.changes.findings.iter_mut().enumerate() {
                if matched.contains(&i) {
                    f.accepted = Some(word(e.level));
                } else if causes.contains(&f.cause) {
                    // A consequence of the accepted cause: at most the accepted level.
                    let own = f.accepted.as_ref().map(|a| a.level).unwrap_or_else(|| bump_level(f));
                    f.accepted = Some(word(own.min(e.level)));
                }
            }
            let f = &d.changes.findings[matched[0]];
            applied.notes.push(format!(
                "{}: {} ({}) accepted as {} for the release after {}: {} ({file})",
                d.package,
                f.message(),
                e.rule,
                e.level,
                e.baseline,
                e.reason
            ));
            accepted_crates.entry(d.package.clone()).or_default().push(e.reason.clone());
        }
        d.changes.recount();
    }
    // A crate's findings that are a sibling's changes re-exported follow the sibling's word: the
    // sibling's maintainers spoke of those changes. The same rule at the same path takes the
    // sibling's acceptance; anything else of the sibling's counts at most as the sibling's bump.
    struct Sibling {
        package: String,
        required: Option<crate::diff::Bump>,
        accepted: Vec<(&'static str, String, Accepted)>,
        reasons: String,
    }
    let siblings: BTreeMap<String, Sibling> = diffs
        .iter()
        .filter(|d| accepted_crates.contains_key(&d.package))
        .filter_map(|d| {
            let lib = ws.member(&d.package)?.lib.as_ref()?.name.clone();
            let accepted = d
                .changes
                .findings
                .iter()
                .filter_map(|f| {
                    Some((f.rule, f.path.clone(), f.accepted.clone().filter(|a| a.by == AcceptedBy::Finding)?))
                })
                .collect();
            let reasons = accepted_crates[&d.package].join("; ");
            Some((lib, Sibling { package: d.package.clone(), required: d.changes.required_bump, accepted, reasons }))
        })
        .collect();
    for d in diffs.iter_mut() {
        let sibling_causes: Vec<(usize, String)> =
            d.changes.causes.iter().filter_map(|c| Some((c.id, c.sibling.clone()?))).collect();
        let mut changed = false;
        for (cause, lib) in sibling_causes {
            let Some(s) = siblings.get(&lib) else { continue };
            let cap = s.required.map(bump_to_level).unwrap_or(Level::Allow);
            for f in d.changes.findings.iter_mut().filter(|f| f.cause == cause && f.accepted.is_none()) {
                let same = s.accepted.iter().find(|(rule, path, _)| *rule == f.rule && *path == f.path);
                let (level, reason, source) = match same {
                    Some((_, _, a)) => (a.level, format!("`{}` accepts it: {}", s.package, a.reason), a.source.clone()),
                    None if bump_level(f) > cap => (
                        cap,
                        format!("follows `{}`, whose changes are accepted: {}", s.package, s.reasons),
                        ws.member(&s.package).map(|m| ws.relative(&path(m))).unwrap_or_default(),
                    ),
                    None => continue,
                };
                f.accepted = Some(Accepted { level, reason, source, by: AcceptedBy::Finding });
                changed = true;
            }
        }
        if changed {
            d.changes.recount();
        }
    }
    Ok(applied)
}

fn bump_to_level(b: crate::diff::Bump) -> Level {
    match b {
        crate::diff::Bump::Major => Level::Major,
        crate::diff::Bump::Minor => Level::Minor,
        crate::diff::Bump::Patch => Level::Patch,
    }
}

fn bump_level(f: &Finding) -> Level {
    bump_to_level(f.bump)
}

/// Writes (or replaces) an acceptance in `member`'s file, atomically; returns the file.
pub fn write(member: &Member, entry: &Entry) -> anyhow::Result<PathBuf> {
    let file = path(member);
    let old = match std::fs::read_to_string(&file) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", file.display())),
    };
    let text = with_entry(old.as_deref(), entry).with_context(|| format!("in {}", file.display()))?;
    if old.as_deref() != Some(text.as_str()) {
        crate::fsutil::write_atomic(&file, text.as_bytes())?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(reason: &str) -> Entry {
        Entry {
            rule: "auto-trait-impl-removed".to_string(),
            path: "k::Stream".to_string(),
            level: Level::Minor,
            baseline: semver::Version::new(1, 4, 0),
            reason: reason.to_string(),
        }
    }

    #[test]
    fn an_acceptance_is_written_replaced_and_read_back_with_the_rest_kept() {
        let first = with_entry(None, &entry("soundness fix")).unwrap();
        assert!(first.starts_with(HEADER), "{first}");
        assert_eq!(parse(&first).unwrap(), [entry("soundness fix")]);
        // The same rule, path and baseline: replaced, not repeated; a person's comment stays.
        let commented = first.replace("[[accept]]", "# keep this\n[[accept]]");
        let again = with_entry(Some(&commented), &entry("soundness fix (issue 12)")).unwrap();
        assert!(again.contains("# keep this"), "{again}");
        assert_eq!(parse(&again).unwrap(), [entry("soundness fix (issue 12)")]);
        // Writing what is there changes nothing.
        assert_eq!(with_entry(Some(&again), &entry("soundness fix (issue 12)")).unwrap(), again);
    }

    #[test]
    fn a_broken_acceptance_file_says_what_is_wrong() {
        let cases = [
            ("[[accept]]\nrule = \"no-such-rule\"\npath = \"k::S\"\nlevel = \"minor\"\nbaseline = \"1.0.0\"\nreason = \"x\"\n", "no rule `no-such-rule`"),
            ("[[accept]]\nrule = \"item-removed\"\npath = \"k::S\"\nlevel = \"tiny\"\nbaseline = \"1.0.0\"\nreason = \"x\"\n", "level `tiny`"),
            ("[[accept]]\nrule = \"item-removed\"\npath = \"k::S\"\nlevel = \"minor\"\nbaseline = \"1.0.0\"\n", "lacks `reason`"),
            ("[[accept]]\nrule = \"item-removed\"\npath = \"k::S\"\nlevel = \"minor\"\nbaseline = \"one\"\nreason = \"x\"\n", "baseline `one`"),
            ("[[accept]]\nrule = \"item-removed\"\npath = \"k::S\"\nlevel = \"minor\"\nbaseline = \"1.0.0\"\nreason = \" \"\n", "the reason is empty"),
            ("accept = 3\n", "`[[accept]]` tables"),
            ("[other]\n", "unknown key `other`"),
            ("[[accept\n", "not valid TOML"),
        ];
        for (text, says) in cases {
            let e = format!("{:#}", parse(text).unwrap_err());
            assert!(e.contains(says), "{text}: {e}");
        }
    }
}
