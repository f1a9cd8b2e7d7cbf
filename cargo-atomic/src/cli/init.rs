//! `cargo atomic init`: set a repository up — snapshots, the release tag pattern, version groups,
//! a CI workflow — as one all-or-none change, saying what it wrote and why.

use clap::Args;

use super::{exit, BuildArgs, GlobalArgs};
use crate::analysis::Scope;
use crate::shell::Shell;

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Print the plan; write nothing.
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    build: BuildArgs,
}

pub fn run(global: &GlobalArgs, args: &InitArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let ws = super::load_workspace(global, shell)?;
    let members = crate::analysis::covered(&ws, &Default::default(), Scope::Selected)?;
    let libs = crate::analysis::libraries(&members, Some(&mut super::progress(shell)));
    let doc = args.build.doc_options(shell);
    let apis = crate::analysis::document(&ws, &libs, &doc, &mut super::progress(shell))?;
    let states = crate::analysis::freshness(&ws, &libs, &apis);
    let plan = crate::init::plan(&ws, &states)?;
    for d in &plan.detected {
        shell.status("Detected", d);
    }
    if !plan.baselines.is_empty() {
        let width = plan.baselines.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        let mut out = String::from("Baselines (each crate's last release, which `check` compares with):\n");
        for (name, from) in &plan.baselines {
            out.push_str(&format!("  {name:width$}  {from}\n"));
        }
        shell.print_err(out);
    }
    for k in &plan.kept {
        shell.warn(k);
    }
    for n in &plan.notes {
        shell.note(n);
    }
    if plan.writes.is_empty() {
        shell.status("Nothing", "to write: the repository is set up (`cargo atomic check` is the gate)");
        return Ok(exit::OK);
    }
    if !args.dry_run {
        crate::init::apply(&ws, &plan)?;
    }
    for w in &plan.writes {
        let verb = match (args.dry_run, w.created) {
            (true, true) => "Would create",
            (true, false) => "Would update",
            (false, true) => "Created",
            (false, false) => "Updated",
        };
        shell.status(verb, format!("{}: {}", w.file, w.why));
    }
    if !args.dry_run {
        shell.note(
            "commit these files: `cargo atomic check` is the gate, and the workflow runs it on every pull request",
        );
    }
    Ok(exit::OK)
}
