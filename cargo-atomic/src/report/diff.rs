//! `cargo atomic diff` output.

use serde::Serialize;

use crate::diff::{Bump, CrateDiff, Finding};
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

/// One finding, Cargo-diagnostic style.
pub fn finding(shell: &mut Shell, f: &Finding, baseline_name: &str) {
    let style = bump_style(f.bump);
    let mut out = format!("{style}{}[{}]{style:#}{BOLD}: {}{BOLD:#}\n", f.bump, f.rule, f.message());
    if let Some(l) = &f.location {
        let side = match f.location_side {
            crate::diff::Side::Baseline => format!(" (in {baseline_name})"),
            crate::diff::Side::Current => String::new(),
        };
        out.push_str(&format!("  {CYAN}-->{CYAN:#} {}:{}{side}\n", l.file, l.line));
    }
    out.push_str(&format!("   {CYAN}|{CYAN:#}\n"));
    if let Some(old) = &f.old {
        out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}old{BOLD:#}: {old}\n"));
    }
    if let Some(new) = &f.new {
        out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}new{BOLD:#}: {new}\n"));
    }
    out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}rule{BOLD:#}: {}\n", f.summary));
    out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}see{BOLD:#}: {DIM}{}{DIM:#}\n\n", f.reference));
    shell.print_err(out);
}

/// All crates: findings grouped by crate, most severe first, then a summary.
pub fn human(shell: &mut Shell, diffs: &[CrateDiff]) {
    for d in diffs {
        let Some(b) = &d.baseline else { continue };
        let version = b.version.as_ref().map(|v| format!(" {v}")).unwrap_or_default();
        shell.status("Comparing", format!("{} {} with baseline{version} ({})", d.package, d.version, b.origin));
        for note in &d.changes.notes {
            shell.note(format!("{}: {note}", d.package));
        }
        for f in &d.changes.findings {
            finding(shell, f, &b.origin.to_string());
        }
    }
    let parts: Vec<String> = diffs.iter().map(summary).collect();
    shell.status("Summary", parts.join("; "));
}

/// `core: major bump required (1 major, 2 minor changes)`.
pub fn summary(d: &CrateDiff) -> String {
    if d.baseline.is_none() {
        return format!("{}: new crate, no baseline", d.package);
    }
    let Some(bump) = d.changes.required_bump else {
        return format!("{}: no API changes", d.package);
    };
    let count = |b: Bump| d.changes.findings.iter().filter(|f| f.bump == b).count();
    let mut counts = Vec::new();
    for b in [Bump::Major, Bump::Minor, Bump::Patch] {
        let n = count(b);
        if n > 0 {
            counts.push(format!("{n} {b}"));
        }
    }
    let total = d.changes.findings.len();
    format!("{}: {bump} bump required ({} change{})", d.package, counts.join(", "), if total == 1 { "" } else { "s" })
}
