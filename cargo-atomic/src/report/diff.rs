//! `cargo atomic diff` output.

use serde::Serialize;

use crate::diff::{Bump, Cause, CrateDiff, Finding, Proof, Verdict};
use crate::shell::{Shell, BOLD, CYAN, DIM, GREEN, RED, YELLOW};

/// The document `cargo atomic diff --message-format json` prints.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "DiffDocument")]
struct Document<'a> {
    schema: u32,
    crates: &'a [CrateDiff],
}

/// The JSON Schema of [`json`]'s document.
pub fn schema() -> schemars::Schema {
    schemars::schema_for!(Document<'static>)
}

pub fn json(diffs: &[CrateDiff]) -> String {
    serde_json::to_string_pretty(&Document { schema: super::JSON_SCHEMA, crates: diffs }).expect("serializable")
}

pub fn bump_style(bump: Bump) -> anstyle::Style {
    match bump {
        Bump::Major => RED,
        Bump::Minor => YELLOW,
        Bump::Patch => GREEN,
    }
}

/// One finding, Cargo-diagnostic style; `consequences` are the other findings of its cause (all
/// of them listed when `verbose`, else their count and up to three examples). The rule's summary
/// and reference are printed with the first finding of each rule only (`rule_shown`), as rustc
/// notes a lint's level once.
pub fn finding(
    shell: &mut Shell,
    f: &Finding,
    consequences: &[&Finding],
    baseline_name: &str,
    sibling: Option<&str>,
    rule_shown: bool,
) {
    let proven = f.proof.as_ref().is_some_and(|p| p.verdict == Verdict::Proven);
    let mark = if proven { format!(" {GREEN}(proven){GREEN:#}") } else { String::new() };
    let mut out = if let Some(a) = f.accepted.as_ref().filter(|a| a.level.bump() != Some(f.bump)) {
        let style = match a.level.bump() {
            Some(b) => bump_style(b),
            None => GREEN,
        };
        format!(
            "{style}{}[{}]{style:#}{BOLD}: {}{BOLD:#}{mark} (accepted as {}; the rule says {})\n",
            a.level,
            f.rule,
            f.message(),
            a.level,
            f.bump
        )
    } else if f.probably_not_breaking() {
        format!(
            "{YELLOW}probably not breaking[{}]{YELLOW:#}{BOLD}: {}{BOLD:#} (the witness compiled on both sides)\n",
            f.rule,
            f.message()
        )
    } else {
        let style = bump_style(f.bump);
        format!("{style}{}[{}]{style:#}{BOLD}: {}{BOLD:#}{mark}\n", f.bump, f.rule, f.message())
    };
    if let Some(at) = location(f, baseline_name) {
        out.push_str(&format!("  {CYAN}-->{CYAN:#} {at}\n"));
    }
    if let Some(old) = &f.old {
        out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}old{BOLD:#}: {old}\n"));
    }
    if let Some(new) = &f.new {
        out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}new{BOLD:#}: {new}\n"));
    }
    if !f.also_at.is_empty() {
        let paths: Vec<String> = f.also_at.iter().map(|p| format!("`{p}`")).collect();
        out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}also at{BOLD:#}: {}\n", paths.join(", ")));
    }
    if !consequences.is_empty() {
        let n = consequences.len();
        let s = if n == 1 { "" } else { "s" };
        if shell.verbose {
            out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}with it{BOLD:#}: {n} more finding{s}:\n"));
            for c in consequences {
                out.push_str(&format!("       {}[{}] {}\n", c.bump, c.rule, c.message()));
            }
        } else {
            let examples: Vec<String> = consequences.iter().take(3).map(|c| c.message()).collect();
            let more = if n > 3 { ", ... (-v lists all)" } else { "" };
            out.push_str(&format!(
                "   {CYAN}={CYAN:#} {BOLD}with it{BOLD:#}: {n} more finding{s}, e.g. {}{more}\n",
                examples.join("; ")
            ));
        }
    }
    if let Some(s) = sibling {
        out.push_str(&format!(
            "   {CYAN}={CYAN:#} {BOLD}cause{BOLD:#}: `{s}` changed these, and its own findings report them (its items re-exported here, or paths into it that it moved or removed)\n"
        ));
    }
    if let Some(a) = &f.accepted {
        out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}accepted{BOLD:#}: {} ({})\n", a.reason, a.source));
    }
    if let Some(p) = &f.proof {
        out.push_str(&proof_lines(p, shell.verbose));
    }
    for c in consequences.iter().filter(|c| c.proof.as_ref().is_some_and(|p| p.verdict == Verdict::Unproven)) {
        out.push_str(&format!(
            "   {CYAN}={CYAN:#} {YELLOW}{BOLD}unproven{BOLD:#}{YELLOW:#}: {} — probably not breaking (the witness compiled on both sides); it does not count toward the bump\n",
            c.message()
        ));
    }
    if !rule_shown {
        out.push_str(&rule_lines(f));
    }
    out.push('\n');
    shell.print_err(out);
}

/// `file:line`, and which tree when it is the baseline's.
fn location(f: &Finding, baseline_name: &str) -> Option<String> {
    let l = f.location.as_ref()?;
    let side = match f.location_side {
        crate::diff::Side::Baseline => format!(" (in {baseline_name})"),
        crate::diff::Side::Current => String::new(),
    };
    Some(format!("{}:{}{side}", l.file, l.line))
}

fn rule_lines(f: &Finding) -> String {
    format!(
        "   {CYAN}={CYAN:#} {BOLD}rule{BOLD:#}: {}\n   {CYAN}={CYAN:#} {BOLD}see{BOLD:#}: {DIM}{}{DIM:#}\n",
        f.summary, f.reference
    )
}

/// Findings of one rule on members of one item (methods of a type, variants of an enum, items of
/// a module), each its own cause and standing alone, as one diagnostic with a line each.
fn group(shell: &mut Shell, findings: &[&Finding], parent: &str, baseline_name: &str, rule_shown: bool) {
    let f = findings[0];
    let kind = f.kind.as_str();
    let what = match findings.iter().all(|g| g.kind == f.kind) {
        true => format!("{kind}s"),
        false => "items".to_string(),
    };
    let style = bump_style(f.bump);
    let mut out = format!(
        "{style}{}[{}]{style:#}{BOLD}: {} {what} of `{parent}`: {}{BOLD:#}\n",
        f.bump,
        f.rule,
        findings.len(),
        f.summary
    );
    // One detail for all (`was removed ...`): the header's summary says it; each line names its item.
    let same = findings.iter().all(|g| g.detail == f.detail);
    for g in findings {
        let what = if same { format!("`{}`", g.subject) } else { g.message() };
        match location(g, baseline_name) {
            Some(at) => out.push_str(&format!("  {CYAN}-->{CYAN:#} {at}: {what}\n")),
            None => out.push_str(&format!("   {CYAN}={CYAN:#} {what}\n")),
        }
    }
    if !rule_shown {
        out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}see{BOLD:#}: {DIM}{}{DIM:#}\n", f.reference));
    }
    out.push('\n');
    shell.print_err(out);
}

/// What the shown causes are printed as: one diagnostic each, or a group.
enum Shown<'a> {
    One(&'a Cause),
    /// The item the members are of, and the findings standing for their causes.
    Group(String, Vec<&'a Finding>),
}

/// The causes in order, those that stand alone (no consequences, no sibling behind them, no
/// witness to show) grouped by rule, bump and the item they are members of, at the place of the
/// group's first; `-v` shows each in full.
fn arrange<'a>(changes: &'a crate::diff::Changes, causes: Vec<&'a Cause>, verbose: bool) -> Vec<Shown<'a>> {
    let mut out: Vec<Shown> = Vec::new();
    let mut at: std::collections::HashMap<(&str, Bump, &str), usize> = std::collections::HashMap::new();
    for cause in causes {
        let f = &changes.findings[cause.finding];
        let alone = !verbose
            && cause.sibling.is_none()
            && f.proof.is_none()
            && f.kind != crate::api::ItemKind::TraitImpl
            && f.accepted.is_none()
            && cause.consequences == 0;
        let parent = f.path.rsplit_once("::").map(|(p, _)| p);
        let (true, Some(parent)) = (alone, parent) else {
            out.push(Shown::One(cause));
            continue;
        };
        match at.get(&(f.rule, f.bump, parent)) {
            Some(&i) => match &mut out[i] {
                Shown::Group(_, members) => members.push(f),
                Shown::One(first) => {
                    out[i] = Shown::Group(parent.to_string(), vec![&changes.findings[first.finding], f])
                }
            },
            None => {
                at.insert((f.rule, f.bump, parent), out.len());
                out.push(Shown::One(cause));
            }
        }
    }
    out
}

/// What the witness program of a finding showed (`weak` and `none` only when `verbose`; the
/// witness's source too).
fn proof_lines(p: &Proof, verbose: bool) -> String {
    let first_line = |e: &Option<String>| e.as_deref().and_then(|e| e.lines().next()).unwrap_or_default().to_string();
    let mut out = match p.verdict {
        Verdict::Proven => {
            format!("   {CYAN}={CYAN:#} {BOLD}proof{BOLD:#}: a witness compiles against the baseline and fails now: {}\n", first_line(&p.error))
        }
        Verdict::Unproven => format!(
            "   {CYAN}={CYAN:#} {YELLOW}{BOLD}unproven{BOLD:#}{YELLOW:#}: its witness compiles against the current API too: probably not breaking; it does not count toward the bump\n"
        ),
        Verdict::Weak if verbose => format!(
            "   {CYAN}={CYAN:#} {BOLD}proof{BOLD:#}: the witness does not compile against the baseline either (proves nothing): {}\n",
            first_line(&p.error)
        ),
        Verdict::None if verbose => match &p.error {
            Some(e) => format!("   {CYAN}={CYAN:#} {BOLD}proof{BOLD:#}: not checked: {e}\n"),
            None => format!("   {CYAN}={CYAN:#} {BOLD}proof{BOLD:#}: no witness program for this rule\n"),
        },
        _ => String::new(),
    };
    if let (true, Some(w)) = (verbose || p.verdict == Verdict::Unproven, &p.witness) {
        out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}witness{BOLD:#}:\n"));
        for line in w.lines() {
            out.push_str(&format!("       {DIM}{line}{DIM:#}\n"));
        }
    }
    out
}

/// `3 proven, 1 unproven, 2 without a witness` over the findings that have a proof.
pub fn proof_counts(findings: &[Finding]) -> Option<String> {
    let count = |v: Verdict| findings.iter().filter(|f| f.proof.as_ref().is_some_and(|p| p.verdict == v)).count();
    if findings.iter().all(|f| f.proof.is_none()) {
        return None;
    }
    let mut parts = vec![format!("{} proven", count(Verdict::Proven))];
    for (v, word) in [(Verdict::Unproven, "unproven"), (Verdict::Weak, "weak"), (Verdict::None, "without a witness")] {
        let n = count(v);
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    Some(parts.join(", "))
}

/// The findings of a cause other than the one standing for it.
pub fn consequences<'a>(changes: &'a crate::diff::Changes, cause: &Cause) -> Vec<&'a Finding> {
    changes
        .findings
        .iter()
        .enumerate()
        .filter(|(i, f)| f.cause == cause.id && *i != cause.finding)
        .map(|(_, f)| f)
        .collect()
}

/// All crates: causes by crate, most significant first, each with its consequences; changes that
/// need no major bump summed up in one line per crate (`-v` shows them all). Then a summary.
pub fn human(shell: &mut Shell, diffs: &[CrateDiff]) {
    for d in diffs {
        let Some(b) = &d.baseline else { continue };
        let version = b.version.as_ref().map(|v| format!(" {v}")).unwrap_or_default();
        shell.status("Comparing", format!("{} {} with baseline{version} ({})", d.package, d.version, b.origin));
        if let Some(note) = &b.origin.note {
            shell.note(format!("{}: baseline {note}", d.package));
        }
        if let Some(newer) = &b.origin.newer {
            let from = if newer.from == "the registry" { String::new() } else { format!(" ({})", newer.from) };
            shell.note(format!(
                "{}: {} is out{from}, newer than this checkout's release and not in its history; the baseline stays \
                 at the checkout's (`--baseline-version {}` compares with it)",
                d.package, newer.version, newer.version
            ));
        }
        for note in &d.changes.notes {
            shell.note(format!("{}: {note}", d.package));
        }
        let c = &d.changes;
        for warning in &d.changes.warnings {
            shell.warn(format!("{}: {warning}", d.package));
        }
        // Findings of a rule set to `allow` are counted, not shown; a finding the maintainers
        // accepted is shown in full, with their reason, as a major one is.
        let of = |cause: &Cause| {
            let id = cause.id;
            c.findings.iter().filter(move |f| f.cause == id)
        };
        let allowed: Vec<&Cause> = c.causes.iter().filter(|cause| of(cause).all(Finding::allowed)).collect();
        let (shown, summed): (Vec<&Cause>, Vec<&Cause>) =
            c.causes.iter().filter(|cause| !allowed.iter().any(|a| a.id == cause.id)).partition(|cause| {
                shell.verbose
                    || cause.bump == Bump::Major
                    || of(cause).any(|f| {
                        f.bump == Bump::Major
                            || f.accepted.as_ref().is_some_and(|a| a.by == crate::diff::AcceptedBy::Finding)
                    })
            });
        let mut rules_shown = std::collections::HashSet::new();
        for shown in arrange(c, shown, shell.verbose) {
            match shown {
                Shown::One(cause) => {
                    let f = &c.findings[cause.finding];
                    let sibling = cause.sibling.as_deref();
                    let rule_shown = !rules_shown.insert(f.rule);
                    finding(shell, f, &consequences(c, cause), &b.origin.to_string(), sibling, rule_shown);
                }
                Shown::Group(parent, members) => {
                    let rule_shown = !rules_shown.insert(members[0].rule);
                    group(shell, &members, &parent, &b.origin.to_string(), rule_shown);
                }
            }
        }
        for bump in [Bump::Minor, Bump::Patch] {
            let mut by_rule: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
            for f in c.findings.iter().filter(|f| f.counted() == Some(bump) && summed.iter().any(|s| s.id == f.cause)) {
                *by_rule.entry(f.rule).or_default() += 1;
            }
            if by_rule.is_empty() {
                continue;
            }
            let mut parts: Vec<(usize, String)> = by_rule.into_iter().map(|(r, n)| (n, noun(r, n))).collect();
            parts.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            let parts: Vec<String> = parts.into_iter().map(|(_, p)| p).collect();
            let style = bump_style(bump);
            shell.print_err(format!("{style}{bump}{style:#}: {} (-v lists them)\n\n", parts.join(", ")));
        }
        let hidden: usize = allowed.iter().map(|cause| of(cause).count()).sum();
        if hidden > 0 {
            let rules: std::collections::BTreeSet<&str> =
                allowed.iter().flat_map(|cause| of(cause).map(|f| f.rule)).collect();
            let rules: Vec<String> = rules.into_iter().map(|r| format!("`{r}`")).collect();
            shell.note(format!(
                "{}: {hidden} finding{} of rules set to `allow` not shown ({})",
                d.package,
                if hidden == 1 { "" } else { "s" },
                rules.join(", ")
            ));
        }
    }
    let parts: Vec<String> = diffs.iter().map(summary).collect();
    shell.status("Summary", parts.join("; "));
}

/// `42 items added`, `2 deprecations`: what findings of one rule amount to.
fn noun(rule: &str, n: usize) -> String {
    let (one, many) = match rule {
        "item-added" => ("item added", "items added"),
        "item-unhidden" => ("item no longer hidden", "items no longer hidden"),
        "trait-impl-added" => ("trait impl added", "trait impls added"),
        "inherent-item-added" => ("inherent item added", "inherent items added"),
        "deprecated-added" => ("deprecation", "deprecations"),
        "must-use-added" => ("`#[must_use]` added", "`#[must_use]` added"),
        "cargo-feature-added" => ("feature added", "features added"),
        "trait-item-added-default" => ("provided trait item added", "provided trait items added"),
        "enum-variant-added-non-exhaustive" => ("variant added", "variants added"),
        "struct-pub-field-added" => ("field added", "fields added"),
        other => return format!("{n} × {other}"),
    };
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `core: major bump required (1 cause, 3 findings: 2 major, 1 minor)`.
pub fn summary(d: &CrateDiff) -> String {
    if d.baseline.is_none() {
        return format!("{}: new crate, no baseline", d.package);
    }
    let unproven = d.changes.findings.iter().filter(|f| f.probably_not_breaking()).count();
    let allowed = d.changes.findings.iter().filter(|f| f.allowed()).count();
    let Some(bump) = d.changes.required_bump else {
        if allowed > 0 {
            let s = if allowed == 1 { "" } else { "s" };
            return format!(
                "{}: no change that needs a release ({allowed} finding{s} of rules set to `allow`)",
                d.package
            );
        }
        if unproven > 0 {
            return format!("{}: no change that needs a release ({unproven} probably not breaking)", d.package);
        }
        return format!("{}: no API changes", d.package);
    };
    let count = |b: Bump| d.changes.findings.iter().filter(|f| f.counted() == Some(b)).count();
    let accepted = d.changes.findings.iter().filter(|f| f.accepted.is_some() && !f.allowed()).count();
    let mut counts = Vec::new();
    for b in [Bump::Major, Bump::Minor, Bump::Patch] {
        let n = count(b);
        if n > 0 {
            counts.push(format!("{n} {b}"));
        }
    }
    if unproven > 0 {
        counts.push(format!("{unproven} probably not breaking"));
    }
    if accepted > 0 {
        counts.push(format!("{accepted} accepted"));
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let proofs = proof_counts(&d.changes.findings).map(|p| format!("; majors: {p}")).unwrap_or_default();
    format!(
        "{}: {bump} bump required ({}, {}: {}{proofs})",
        d.package,
        plural(d.changes.causes.len(), "cause"),
        plural(d.changes.findings.len(), "finding"),
        counts.join(", ")
    )
}
