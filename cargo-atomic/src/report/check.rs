//! `cargo atomic check` output: the train, then the problems, in four formats.

use serde::Serialize;

use crate::diff::{CrateDiff, Verdict};
use crate::shell::{Shell, BOLD, CYAN, GREEN, RED, YELLOW};
use crate::train::{CauseKind, CrateTrain, Problem, Severity, Train};

pub struct Report<'a> {
    pub train: &'a Train,
    pub diffs: &'a [CrateDiff],
    /// Whether the repository is set up for the tool (`[workspace.metadata.atomic]`): first-run
    /// advice is not repeated then.
    pub configured: bool,
}

/// The problems as a person reads them: what one command fixes is one diagnostic (every
/// requirement `bump` rewrites, every stale snapshot `snapshot` rewrites), in the place of the
/// first. JSON and annotations keep each one.
fn fold(problems: &[Problem]) -> Vec<Problem> {
    use crate::train::ProblemKind;
    let folds = |p: &Problem| match p.kind {
        ProblemKind::RequirementNotAdmitting | ProblemKind::VersionExists | ProblemKind::UnpublishedDependent => true,
        ProblemKind::StaleSnapshot => p.file.is_some(),
        _ => false,
    };
    let mut out: Vec<Problem> = Vec::new();
    let mut folded: Vec<Problem> = Vec::new();
    for p in problems {
        let same: Vec<&Problem> =
            problems.iter().filter(|q| q.kind == p.kind && q.severity == p.severity && folds(q)).collect();
        if !folds(p) || same.len() < 2 {
            out.push(p.clone());
            continue;
        }
        if !std::ptr::eq(same[0], p) {
            continue;
        }
        let at: Vec<String> = same
            .iter()
            .filter_map(|q| {
                let file = q.file.as_ref()?;
                Some(q.line.map(|l| format!("{file}:{l}")).unwrap_or_else(|| file.clone()))
            })
            .collect();
        let message = match p.kind {
            ProblemKind::RequirementNotAdmitting => {
                format!("{} requirements on crates of the train do not admit their new versions", same.len())
            }
            ProblemKind::StaleSnapshot => {
                let names: Vec<String> = same.iter().map(|q| format!("`{}`", q.package)).collect();
                format!("the committed API snapshots of {} are out of date", names.join(", "))
            }
            ProblemKind::UnpublishedDependent => {
                let names: Vec<String> = same.iter().map(|q| format!("`{}`", q.package)).collect();
                format!(
                    "{} members that are not published depend on crates whose release breaks: {}; they must still build \
                     with the train",
                    same.len(),
                    names.join(", ")
                )
            }
            _ => {
                let each: Vec<&str> = same.iter().map(|q| q.message.as_str()).collect();
                format!("{} versions of the train are taken: {}", same.len(), each.join("; "))
            }
        };
        let help = match p.kind {
            ProblemKind::RequirementNotAdmitting => "run `cargo atomic bump`: it rewrites every one".to_string(),
            ProblemKind::UnpublishedDependent => "build them against the train (`cargo check --workspace --lib --bins \
                --tests --examples`); `cargo atomic publish` builds the whole workspace before the first upload"
                .to_string(),
            _ => p.help.clone(),
        };
        folded.push(Problem {
            kind: p.kind,
            severity: p.severity.clone(),
            package: String::new(),
            message,
            file: None,
            line: None,
            notes: vec![format!("at {}", at.join(", "))],
            help,
        });
    }
    // What the main diagnostics' command fixes comes after them.
    out.extend(folded);
    out
}

/// The document `cargo atomic check --message-format json` prints.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "CheckDocument")]
struct Document<'a> {
    schema: u32,
    consistent: bool,
    crates: &'a [CrateTrain],
    train: &'a [crate::train::TrainStep],
    /// The version groups of the crates checked: one version for their members.
    groups: &'a [crate::train::GroupTrain],
    /// Versions of the train the registry already holds.
    taken: &'a [crate::train::Taken],
    /// How the train was checked, where a reader should know (a registry not asked).
    notes: &'a [String],
    problems: &'a [Problem],
    /// Findings the maintainers spoke of (an acceptance, or their rule's level): each root cause
    /// once, with what it counts as and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: Option<Vec<AcceptedFinding<'a>>>,
    /// With `--prove`: the witness verdict of every major finding, by crate.
    #[serde(skip_serializing_if = "Option::is_none")]
    proofs: Option<Vec<CrateProofs<'a>>>,
}

/// A crate's major findings and what their witness programs showed.
#[derive(Serialize, schemars::JsonSchema)]
struct CrateProofs<'a> {
    package: &'a str,
    findings: Vec<ProvenFinding<'a>>,
}

#[derive(Serialize, schemars::JsonSchema)]
struct ProvenFinding<'a> {
    rule: &'a str,
    path: &'a str,
    message: String,
    proof: &'a crate::diff::Proof,
}

/// A finding the maintainers accepted at another level, or whose rule's level they set.
#[derive(Serialize, schemars::JsonSchema)]
struct AcceptedFinding<'a> {
    package: &'a str,
    rule: &'a str,
    path: &'a str,
    message: String,
    /// The bump the rule requires.
    bump: crate::diff::Bump,
    accepted: &'a crate::diff::Accepted,
}

/// The root causes the maintainers spoke of, crate by crate.
fn accepted(diffs: &[CrateDiff]) -> Vec<AcceptedFinding<'_>> {
    diffs
        .iter()
        .flat_map(|d| {
            d.changes.causes.iter().filter_map(move |c| {
                let f = &d.changes.findings[c.finding];
                Some(AcceptedFinding {
                    package: &d.package,
                    rule: f.rule,
                    path: &f.path,
                    message: f.message(),
                    bump: f.bump,
                    accepted: f.accepted.as_ref()?,
                })
            })
        })
        .collect()
}

fn proofs(diffs: &[CrateDiff]) -> Vec<CrateProofs<'_>> {
    diffs
        .iter()
        .filter_map(|d| {
            let findings: Vec<ProvenFinding> = d
                .changes
                .findings
                .iter()
                .filter_map(|f| {
                    Some(ProvenFinding { rule: f.rule, path: &f.path, message: f.message(), proof: f.proof.as_ref()? })
                })
                .collect();
            (!findings.is_empty()).then_some(CrateProofs { package: &d.package, findings })
        })
        .collect()
}

/// A crate's place in the train in a few words: its own change, or what pulls it in, with the
/// crate the root cause is in.
fn why(c: &CrateTrain) -> String {
    let Some(cause) = c.top_cause() else {
        return if c.new_crate { "first release".to_string() } else { "version bumped".to_string() };
    };
    let root = cause.root.as_ref().filter(|r| r.package != c.package);
    match (cause.kind, &cause.dependency, &cause.exposes, root) {
        (CauseKind::Changes, ..) => {
            let s = if c.changes == 1 { "" } else { "s" };
            format!("{} API change{s}: {}", c.changes, cause.message)
        }
        (CauseKind::Group, _, _, Some(root)) => match &c.group {
            Some(group) => format!("moves with its version group `{group}`, for `{}`", root.package),
            None => cause.message.clone(),
        },
        (_, Some(dep), Some(item), root) => {
            let root = root.filter(|r| r.package != *dep).map(|r| format!(", for `{}`", r.package)).unwrap_or_default();
            format!("depends on `{dep}` and exposes it in `{item}`{root}")
        }
        (_, Some(dep), None, root) => {
            let root = root.filter(|r| r.package != *dep).map(|r| format!(", for `{}`", r.package)).unwrap_or_default();
            format!("depends on `{dep}`, whose new version it must require{root}")
        }
        _ => cause.message.clone(),
    }
}

fn arrow(c: &CrateTrain) -> String {
    let from = c.baseline_version.as_ref().map(|v| v.to_string()).unwrap_or_else(|| "(new)".to_string());
    let to = c.release_version.as_ref().unwrap_or(&c.declared_version);
    format!("{from} → {to}")
}

fn level(c: &CrateTrain) -> String {
    match (c.required_bump, c.new_crate) {
        (Some(b), _) => b.to_string(),
        (None, true) => "new".to_string(),
        (None, false) => c.declared_bump.map(|b| b.to_string()).unwrap_or_default(),
    }
}

/// The JSON Schema of [`Report::json`]'s document.
pub fn schema() -> schemars::Schema {
    schemars::schema_for!(Document<'static>)
}

impl Report<'_> {
    pub fn json(&self) -> String {
        let t = self.train;
        serde_json::to_string_pretty(&Document {
            schema: super::JSON_SCHEMA,
            consistent: t.consistent(),
            crates: &t.crates,
            train: &t.order,
            groups: &t.groups,
            taken: &t.taken,
            notes: &t.notes,
            problems: &t.problems,
            accepted: Some(accepted(self.diffs)).filter(|a| !a.is_empty()),
            proofs: Some(proofs(self.diffs)).filter(|p| !p.is_empty()),
        })
        .expect("serializable")
    }

    pub fn human(&self, shell: &mut Shell) {
        let t = self.train;
        let in_train: Vec<&CrateTrain> =
            t.order.iter().filter_map(|s| t.crates.iter().find(|c| c.package == s.package)).collect();
        if in_train.is_empty() {
            shell.status("Train", "empty: no crate needs a release");
        } else {
            let width = in_train.iter().map(|c| c.package.len()).max().unwrap_or(0);
            let arrows: Vec<String> = in_train.iter().map(|c| arrow(c)).collect();
            let aw = arrows.iter().map(|a| a.chars().count()).max().unwrap_or(0);
            let mut out = format!("{BOLD}Release train{BOLD:#} (publish in this order):\n");
            for (i, c) in in_train.iter().enumerate() {
                out.push_str(&format!(
                    "  {}. {:width$}  {:aw$}  {:5}  {}\n",
                    i + 1,
                    c.package,
                    arrows[i],
                    level(c),
                    why(c),
                ));
            }
            for g in t.groups.iter().filter(|g| g.release_version.is_some()) {
                // From the group's last release (its members' baseline), else what they declare.
                let from = t
                    .crates
                    .iter()
                    .filter(|c| g.members.contains(&c.package))
                    .filter_map(|c| c.baseline_version.clone())
                    .max()
                    .unwrap_or_else(|| g.declared_version.clone())
                    .to_string();
                let to = g.release_version.as_ref().map(|v| v.to_string()).unwrap_or_default();
                let why = match (&g.root, &g.moved_by, &g.reason) {
                    (Some(root), ..) => format!(", for {}", root.told()),
                    (None, Some(by), Some(reason)) => format!(": `{by}` needs it ({reason})"),
                    _ => String::new(),
                };
                out.push_str(&format!(
                    "  version group `{}` ({}) moves as one, {from} → {to}{why}\n",
                    g.name,
                    g.members.join(", ")
                ));
            }
            out.push('\n');
            shell.print_err(out);
        }
        // A first run (no snapshot committed yet), or `-v`: where each crate's baseline came from.
        if shell.verbose || t.crates.iter().any(|c| c.snapshot.as_deref() == Some("missing")) {
            let width = t.crates.iter().map(|c| c.package.len()).max().unwrap_or(0);
            let mut out = format!("{BOLD}Baselines{BOLD:#} (the last release of each crate, compared with):\n");
            for c in &t.crates {
                let line = match (&c.baseline_version, &c.baseline) {
                    (Some(v), Some(origin)) => format!("{v} from {origin}"),
                    (None, Some(origin)) => format!("from {origin}"),
                    _ => "none: a new crate (no release tag, and no release in its registry)".to_string(),
                };
                out.push_str(&format!("  {:width$}  {line}\n", c.package));
            }
            out.push('\n');
            shell.print_err(out);
        }
        for d in self.diffs {
            let Some(counts) = super::diff::proof_counts(&d.changes.findings) else { continue };
            shell.status("Proofs", format!("{}: major findings {counts}", d.package));
            for f in
                d.changes.findings.iter().filter(|f| f.proof.as_ref().is_some_and(|p| p.verdict == Verdict::Unproven))
            {
                shell.warn(format!(
                    "unproven: {} — probably not breaking (the witness compiled on both sides): it does not count \
                     toward the required bump \
                     (`cargo atomic diff -p {} --prove -v` shows the witness)",
                    f.message(),
                    d.package
                ));
            }
        }
        // Optional features not checked: said until the repository is set up (`init` says it
        // once, with what to configure), and with `-v`.
        let features: Vec<String> = if shell.verbose || !self.configured {
            t.crates
                .iter()
                .filter(|c| !c.unchecked_features.is_empty())
                .map(|c| super::unchecked_note(&c.package, &c.unchecked_features))
                .collect()
        } else {
            Vec::new()
        };
        for note in t.notes.iter().chain(&features) {
            shell.note(note);
        }
        if !t.notes.is_empty() || !features.is_empty() {
            shell.print_err("\n");
        }
        let shown = fold(&t.problems);
        for p in &shown {
            let style = if p.severity == Severity::Error { RED } else { YELLOW };
            let label = if p.severity == Severity::Error { "error" } else { "warning" };
            let mut out = format!("{style}{label}[{}]{style:#}{BOLD}: {}{BOLD:#}\n", p.kind, p.message);
            if let Some(file) = &p.file {
                let line = p.line.map(|l| format!(":{l}")).unwrap_or_default();
                out.push_str(&format!("  {CYAN}-->{CYAN:#} {file}{line}\n"));
            }
            for note in &p.notes {
                out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}note{BOLD:#}: {note}\n"));
            }
            out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}help{BOLD:#}: {}\n\n", p.help));
            shell.print_err(out);
        }
        let errors = shown.iter().filter(|p| p.severity == Severity::Error).count();
        let warnings = shown.len() - errors;
        if errors == 0 {
            let w = if warnings > 0 { format!(" ({warnings} warning{})", plural(warnings)) } else { String::new() };
            shell.status("Finished", format!("{GREEN}the release train is consistent{GREEN:#}{w}"));
        } else {
            shell.error(format!(
                "the release train is not consistent: {errors} error{}, {warnings} warning{}",
                plural(errors),
                plural(warnings)
            ));
        }
    }

    /// GitHub Actions workflow commands: one annotation per problem, and a notice with the train.
    pub fn github(&self) -> String {
        let mut out = String::new();
        let steps: Vec<String> = self.train.order.iter().map(|s| format!("{} {}", s.package, s.to)).collect();
        if !steps.is_empty() {
            out.push_str(&format!(
                "::notice title=cargo atomic: release train::{}\n",
                escape_data(&format!("publish in this order: {}", steps.join(", ")))
            ));
        }
        for a in accepted(self.diffs).iter().filter(|a| a.accepted.level != crate::diff::Level::Allow) {
            out.push_str(&format!(
                "::notice file={},title={}::{}\n",
                escape_property(&a.accepted.source),
                escape_property(&format!("cargo atomic: accepted {}", a.rule)),
                escape_data(&format!(
                    "{}: {} — counted as {} (the rule says {}): {}",
                    a.package, a.message, a.accepted.level, a.bump, a.accepted.reason
                ))
            ));
        }
        for p in &self.train.problems {
            let command = if p.severity == Severity::Error { "error" } else { "warning" };
            let mut props = Vec::new();
            if let Some(file) = &p.file {
                props.push(format!("file={}", escape_property(file)));
                if let Some(line) = p.line {
                    props.push(format!("line={line}"));
                }
            }
            props.push(format!("title={}", escape_property(&format!("cargo atomic: {}", p.kind))));
            out.push_str(&format!(
                "::{command} {}::{}\n",
                props.join(","),
                escape_data(&format!("{} — {}", p.message, p.help))
            ));
        }
        out.trim_end().to_string()
    }

    /// A Markdown summary for a pull request comment or `$GITHUB_STEP_SUMMARY`.
    pub fn markdown(&self) -> String {
        let t = self.train;
        let mut out = String::from("## cargo atomic check\n\n");
        let status = if t.consistent() {
            "✅ The release train is consistent."
        } else {
            "❌ The release train is not consistent."
        };
        out.push_str(status);
        out.push_str("\n\n");
        if t.order.is_empty() {
            out.push_str("No crate needs a release.\n");
        } else {
            out.push_str("| # | crate | version | bump | why |\n|---|---|---|---|---|\n");
            for (i, s) in t.order.iter().enumerate() {
                let c = t.crates.iter().find(|c| c.package == s.package).expect("train crates are planned");
                out.push_str(&format!(
                    "| {} | `{}` | {} | {} | {} |\n",
                    i + 1,
                    c.package,
                    arrow(c),
                    level(c),
                    why(c).replace('|', "\\|")
                ));
            }
        }
        if !t.problems.is_empty() {
            out.push_str("\n### Problems\n\n");
            for p in &t.problems {
                let label = if p.severity == Severity::Error { "**error**" } else { "warning" };
                let at = p
                    .file
                    .as_ref()
                    .map(|f| format!(" (`{f}{}`)", p.line.map(|l| format!(":{l}")).unwrap_or_default()))
                    .unwrap_or_default();
                out.push_str(&format!("- {label} `{}`: {}{at} — {}\n", p.kind, p.message, p.help));
            }
        }
        let accepted = accepted(self.diffs);
        if !accepted.is_empty() {
            out.push_str("\n### Accepted by the maintainers\n\n");
            for a in &accepted {
                out.push_str(&format!(
                    "- `{}`: {} — counted as **{}** (the rule `{}` says {}): {} (`{}`)\n",
                    a.package, a.message, a.accepted.level, a.rule, a.bump, a.accepted.reason, a.accepted.source
                ));
            }
        }
        let changes: usize = self.diffs.iter().map(|d| d.changes.findings.len()).sum();
        if changes > 0 {
            out.push_str("\n<details><summary>API changes</summary>\n\n");
            for d in self.diffs.iter().filter(|d| !d.changes.findings.is_empty()) {
                out.push_str(&format!("**{}**\n\n", d.package));
                for c in &d.changes.causes {
                    let f = &d.changes.findings[c.finding];
                    let with = match c.consequences {
                        0 => String::new(),
                        n => format!(" (and {n} finding{} with it)", plural(n)),
                    };
                    out.push_str(&format!("- {} `{}`: {}{with}\n", f.bump, f.rule, f.message()));
                }
                out.push('\n');
            }
            out.push_str("</details>\n");
        }
        out.trim_end().to_string()
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Escaping of workflow command data (`%`, CR, LF).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escaping of workflow command properties (data escaping plus `:` and `,`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
