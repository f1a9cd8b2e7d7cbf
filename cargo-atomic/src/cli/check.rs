//! `cargo atomic check`: the CI gate. Snapshots up to date, changes classified, bumps propagated
//! through the workspace, declared versions against required ones, the release train shown.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;

use super::{exit, AnalysisArgs, GlobalArgs};
use crate::api::snapshot;
use crate::diff::CrateDiff;
use crate::manifest::Manifests;
use crate::rustdoc::Apis;
use crate::shell::Shell;
use crate::train::Train;
use crate::workspace::{Member, Selection, Workspace};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CheckFormat {
    #[default]
    Human,
    Json,
    /// GitHub Actions workflow commands (`::error file=...,line=...::...`).
    Github,
    /// A Markdown summary for a pull request comment or a job summary.
    Markdown,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub analysis: AnalysisArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub message_format: CheckFormat,
}

/// Everything `check` establishes; `bump` and `publish` start from it.
pub struct Assessment {
    pub ws: Workspace,
    pub apis: Apis,
    pub diffs: Vec<CrateDiff>,
    pub train: Train,
}

/// The crates a check covers: the selection (default: every publishable member) plus every
/// publishable member that depends on it, so that the train is complete.
pub fn covered<'a>(ws: &'a Workspace, selection: &Selection) -> anyhow::Result<Vec<&'a Member>> {
    let mut names: Vec<String> = if selection.packages.is_empty() && !selection.workspace {
        ws.select(&Selection { workspace: true, ..selection.clone() })?.iter().map(|m| m.name.clone()).collect()
    } else {
        ws.select(selection)?.iter().map(|m| m.name.clone()).collect()
    };
    loop {
        let dependents: Vec<String> = ws
            .members
            .iter()
            .filter(|m| m.is_publishable() && !names.contains(&m.name))
            .filter(|m| m.deps.iter().any(|d| d.member.as_ref().is_some_and(|t| names.contains(t))))
            .map(|m| m.name.clone())
            .collect();
        if dependents.is_empty() {
            break;
        }
        names.extend(dependents);
    }
    Ok(ws.members.iter().filter(|m| names.contains(&m.name)).collect())
}

pub fn assess(global: &GlobalArgs, analysis: &AnalysisArgs, shell: &mut Shell) -> anyhow::Result<Assessment> {
    let (build, baseline) = (&analysis.build, &analysis.baseline);
    let ws = super::load_workspace(global)?;
    let members = covered(&ws, &analysis.selection.selection())?;
    let libs: Vec<&Member> = members.iter().filter(|m| m.lib.is_some()).copied().collect();
    let opts = build.doc_options(shell);
    shell.status("Documenting", super::names(&libs));
    let apis = crate::rustdoc::build_apis(&ws, &libs, &opts)?;
    super::report_timings(shell, &apis);

    let mut stale = Vec::new();
    for m in &libs {
        let path = m.snapshot_path();
        let shown = ws.relative(&path);
        let text = snapshot::render(&apis[&m.name].snapshot);
        match std::fs::read_to_string(&path) {
            Ok(committed) if committed == text => {}
            Ok(committed) => {
                snapshot::parse(&committed, &shown)?;
                stale.push((m.name.clone(), shown, false));
            }
            Err(_) => stale.push((m.name.clone(), shown, true)),
        }
    }
    let baselines = crate::baseline::resolve(&ws, &libs, &baseline.spec(), &opts)?;
    let versions: BTreeMap<String, semver::Version> =
        libs.iter().map(|m| (m.name.clone(), m.version.clone())).collect();
    let manifests: BTreeMap<String, PathBuf> = libs.iter().map(|m| (m.name.clone(), m.manifest_path.clone())).collect();
    let diffs = crate::diff::diff_crates(&apis.by_package, &versions, &baselines, &manifests, &ws.root);
    let train = crate::train::plan(&ws, &diffs, &apis.by_package, &stale, &Manifests { ws: &ws });
    Ok(Assessment { ws, apis, diffs, train })
}

pub fn run(global: &GlobalArgs, args: &CheckArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let a = assess(global, &args.analysis, shell)?;
    let report = crate::report::check::Report { train: &a.train, diffs: &a.diffs };
    match args.message_format {
        CheckFormat::Human => report.human(shell),
        CheckFormat::Json => shell.print(report.json()),
        CheckFormat::Github => shell.print(report.github()),
        CheckFormat::Markdown => shell.print(report.markdown()),
    }
    Ok(if a.train.consistent() { exit::OK } else { exit::PROBLEMS })
}
