//! `cargo atomic accept`: the maintainers' word on one finding, written beside the crate's
//! snapshot; `cargo atomic rules`: the rules, for levels and acceptances.

use clap::Args;

use super::{exit, AnalysisArgs, GlobalArgs};
use crate::accept::Entry;
use crate::analysis::Scope;
use crate::diff::Level;
use crate::shell::Shell;

#[derive(Args, Debug)]
pub struct AcceptArgs {
    /// The rule of the finding (`cargo atomic rules` lists them).
    rule: String,
    /// The item path the finding names (as `cargo atomic diff` prints it).
    path: String,
    /// What the finding counts as in this release.
    #[arg(long = "as", value_enum, value_name = "LEVEL")]
    level: Level,
    /// Why: shown with the finding wherever it is reported.
    #[arg(long)]
    reason: String,
    #[command(flatten)]
    analysis: AnalysisArgs,
}

pub fn run(global: &GlobalArgs, args: &AcceptArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    if args.reason.trim().is_empty() {
        anyhow::bail!("the reason is empty; say why the finding is accepted (it is shown wherever the finding is)");
    }
    if !crate::diff::RULES.iter().any(|r| r.id == args.rule) {
        anyhow::bail!("no rule `{}` (`cargo atomic rules` lists them)", args.rule);
    }
    let ws = super::load_workspace(global, shell)?;
    let mut analysis = args.analysis.clone();
    if analysis.selection.package.is_empty() {
        // The crate the path is in.
        let first = args.path.split("::").next().unwrap_or_default();
        match ws.members.iter().find(|m| m.lib.as_ref().is_some_and(|l| l.name == first)) {
            Some(m) => analysis.selection.package.push(m.name.clone()),
            None => anyhow::bail!("no member's library is `{first}`; name the crate with -p"),
        }
    }
    let a = super::assess(&ws, &analysis, Scope::Selected, false, shell)?;
    let mut written = 0;
    for d in &a.diffs {
        let found = d
            .changes
            .findings
            .iter()
            .find(|f| f.rule == args.rule && (f.path == args.path || f.also_at.contains(&args.path)));
        let Some(f) = found else { continue };
        let Some(baseline) = d.baseline.as_ref().and_then(|b| b.version.clone()) else {
            anyhow::bail!(
                "`{}`'s baseline has no version: an acceptance holds for the release after one; compare with a release (the default, or --baseline-version)",
                d.package
            );
        };
        let member = ws.member(&d.package).expect("diffs are of members");
        let entry = Entry {
            rule: args.rule.clone(),
            path: args.path.clone(),
            level: args.level,
            baseline,
            reason: args.reason.clone(),
        };
        let file = crate::accept::write(member, &entry)?;
        shell.status(
            "Accepted",
            format!(
                "{} ({}) as {} for the release after {} — {} ({})",
                f.message(),
                args.rule,
                args.level,
                entry.baseline,
                args.reason,
                ws.relative(&file)
            ),
        );
        written += 1;
    }
    if written == 0 {
        let packages = analysis.selection.package.join(", ");
        shell.error(format!(
            "no finding of rule `{}` at `{}` in {packages}: nothing accepted (`cargo atomic diff -p {packages}` lists the findings)",
            args.rule, args.path
        ));
        return Ok(exit::PROBLEMS);
    }
    shell
        .note("commit the file: the acceptance holds for the next release of the crate, and is shown with the finding");
    Ok(exit::OK)
}

/// Every rule: its id, the bump it requires, and what it finds.
pub fn rules(shell: &mut Shell) -> anyhow::Result<i32> {
    let width = crate::diff::RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in crate::diff::RULES {
        out.push_str(&format!("{:width$}  {:5}  {}\n", r.id, r.bump.name(), r.summary));
    }
    shell.print(out.trim_end());
    Ok(exit::OK)
}
