//! Command-line interface: argument parsing (clap derive), dispatch, exit codes.
//!
//! A command is a short function: parse → build options → call one library function → render →
//! exit code. Decisions about APIs, versions, trains and publishing are made in the library
//! (`analysis`, `publish`), never here.

mod accept;
mod api;
mod bump;
mod changelog;
mod check;
mod diff;
mod init;
mod publish;
mod snapshot;

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::analysis::{Progress, Scope};
use crate::rustdoc::DocOptions;
use crate::shell::{ColorChoice, Shell};
use crate::workspace::{FeatureFlags, Selection, Workspace};

/// Exit codes, as documented in the README.
pub mod exit {
    /// Success: everything consistent.
    pub const OK: i32 = 0;
    /// A check found a problem (stale snapshot, missing bump, incomplete train, failed publish).
    pub const PROBLEMS: i32 = 1;
    /// Usage or environment error (bad flags, workspace does not build, unsupported format).
    pub const ERROR: i32 = 2;
}

#[derive(Parser, Debug)]
#[command(name = "cargo", bin_name = "cargo")]
enum CargoCli {
    /// Release a workspace as one unit: API snapshots, SemVer checks across crates, atomic publish.
    #[command(name = "atomic", version = env!("CARGO_PKG_VERSION"))]
    Atomic(AtomicCli),
}

#[derive(Args, Debug)]
struct AtomicCli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    global: GlobalArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Set the repository up: snapshots, its release tag pattern and version groups in
    /// `[workspace.metadata.atomic]`, a CI workflow (all or none; `--dry-run` shows the plan).
    Init(init::InitArgs),
    /// Write the committed API snapshot of each selected crate (`--check`: fail if one is stale).
    Snapshot(snapshot::SnapshotArgs),
    /// Print a crate's public API, one item per line.
    Api(api::ApiArgs),
    /// Show the API changes since each crate's baseline (last release), classified by SemVer rule.
    Diff(diff::DiffArgs),
    /// The CI gate: check snapshots, changes, required bumps and the release train.
    Check(check::CheckArgs),
    /// Write the versions the release train requires into every affected manifest.
    Bump(bump::BumpArgs),
    /// Write each crate's release notes — its API changes in plain words — into its
    /// `CHANGELOG.md` (or print them: `--message-format markdown|json`).
    Changelog(changelog::ChangelogArgs),
    /// Verify the whole train, then publish it in dependency order; roll back on failure.
    Publish(publish::PublishArgs),
    /// Yank a published train's versions, dependents first (`--undo`: unyank them).
    Rollback(publish::RollbackArgs),
    /// Accept one finding at another level for the next release, with a reason
    /// (`<crate>/atomic-accepted.toml`).
    Accept(accept::AcceptArgs),
    /// List the rules: id, the bump each requires, what it finds.
    Rules,
    /// Print a shell completion script (`cargo atomic completions bash > ...`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), generated from these definitions.
    Man,
}

#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Path to Cargo.toml.
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Coloring.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// No output but errors and data.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Show Cargo's and rustdoc's output.
    #[arg(short, long, global = true)]
    pub verbose: bool,
}

/// Cargo's package selection flags. Every command covers the whole workspace (its publishable
/// members) unless `-p` or `--exclude` narrows it.
#[derive(Args, Debug, Clone, Default)]
pub struct SelectionArgs {
    /// Package(s) to work on [default: every publishable member of the workspace].
    #[arg(short, long, value_name = "SPEC")]
    pub package: Vec<String>,
    /// Every publishable member (the default; accepted for Cargo compatibility).
    #[arg(long)]
    pub workspace: bool,
    /// Leave package(s) out.
    #[arg(long, value_name = "SPEC")]
    pub exclude: Vec<String>,
}

impl SelectionArgs {
    pub fn selection(&self) -> Selection {
        Selection { packages: self.package.clone(), workspace: self.workspace, exclude: self.exclude.clone() }
    }
}

/// Cargo's feature and target flags: which API is documented.
#[derive(Args, Debug, Clone, Default)]
pub struct BuildArgs {
    /// Features to document (`pkg/feat` for one package), overriding `[package.metadata.atomic]`.
    #[arg(short = 'F', long, value_name = "FEATURES")]
    pub features: Vec<String>,
    /// Document all features.
    #[arg(long)]
    pub all_features: bool,
    /// Do not document the `default` feature.
    #[arg(long)]
    pub no_default_features: bool,
    /// Document for this target triple.
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,
    /// Document every crate, reusing no stored API (also `CARGO_ATOMIC_NO_CACHE=1`).
    #[arg(long)]
    pub no_cache: bool,
}

impl BuildArgs {
    pub fn doc_options(&self, shell: &Shell) -> DocOptions {
        DocOptions {
            target: self.target.clone(),
            features: FeatureFlags {
                features: self.features.clone(),
                all_features: self.all_features,
                no_default_features: self.no_default_features,
            },
            verbose: shell.verbose,
            color: Some(shell.color().cargo_value().to_string()),
            no_cache: self.no_cache,
            source: None,
        }
    }
}

/// What `diff`, `check`, `bump` and `publish` analyze: which crates, built how, compared with what.
#[derive(Args, Debug, Clone, Default)]
pub struct AnalysisArgs {
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[command(flatten)]
    pub build: BuildArgs,
    #[command(flatten)]
    pub baseline: diff::BaselineArgs,
}

/// Sharded runs (see [`crate::partition`]): a shard of the members on each machine of a CI
/// matrix, then one merge.
#[derive(Args, Debug, Clone, Default)]
pub struct ShardArgs {
    /// Run rustdoc for shard K of N only (`K/N` or `count:K/N`: members in name order, dealt out in
    /// turn; `hash:K/N`: by a hash of the name; `graph:K/N`: consecutive slices of the dependency
    /// order, balanced on what each shard builds) and write what it documented to `--emit-partial`.
    /// The verdict is the merge's (`--from-partials`).
    #[arg(long, value_name = "K/N", requires = "emit_partial")]
    pub partition: Option<crate::partition::Partition>,
    /// The file a shard writes (JSON, versioned), for the merge.
    #[arg(long, value_name = "FILE", requires = "partition")]
    pub emit_partial: Option<PathBuf>,
    /// Merge the partial files of every shard of one run (same commit, toolchain, command and
    /// options): prints what one whole run prints, running no rustdoc.
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with = "partition")]
    pub from_partials: Vec<PathBuf>,
}

/// Prepares a sharded run of `command` (`key`: its options, see [`crate::analysis::Options::key`]).
/// A shard runs `collect` — rustdoc for its members — writes its partial and returns its exit
/// code; a merge gets the partials into `doc` and returns `None`: the command goes on as a whole
/// run would. Without shard flags, nothing changes.
pub(crate) fn shard(
    ws: &Workspace,
    args: &ShardArgs,
    command: &str,
    key: String,
    doc: &mut DocOptions,
    shell: &mut Shell,
    collect: impl FnOnce(&DocOptions, &mut Shell) -> anyhow::Result<()>,
) -> anyhow::Result<Option<i32>> {
    use crate::partition::{identity, Shards};
    if let (Some(partition), Some(file)) = (args.partition, &args.emit_partial) {
        // Taken before rustdoc runs: a Cargo run may write a missing lockfile.
        let id = identity(ws, command, key, doc.target.as_deref())?;
        let shards = Shards::collect(ws, partition);
        doc.source = Some(shards.clone());
        collect(doc, shell)?;
        let held = shards.write(file, id)?;
        shell.status("Wrote", format!("{} (shard {partition}: {held} documented members)", file.display()));
        return Ok(Some(exit::OK));
    }
    if !args.from_partials.is_empty() {
        let id = identity(ws, command, key, doc.target.as_deref())?;
        doc.source = Some(Shards::merge(ws, &args.from_partials, &id)?);
    }
    Ok(None)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum MessageFormat {
    #[default]
    Human,
    Json,
}

/// Runs `cargo atomic` with the process arguments; returns the exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> i32 {
    let mut args: Vec<OsString> = args.into_iter().collect();
    // Cargo runs `cargo-atomic atomic <args>`; allow `cargo-atomic <args>` too.
    if args.get(1).is_none_or(|a| a != "atomic") {
        args.insert(1.min(args.len()), "atomic".into());
    }
    let CargoCli::Atomic(cli) = match CargoCli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { exit::ERROR } else { exit::OK };
        }
    };
    let mut shell = Shell::new(cli.global.color, cli.global.quiet, cli.global.verbose);
    let result = match &cli.command {
        Command::Init(args) => init::run(&cli.global, args, &mut shell),
        Command::Snapshot(args) => snapshot::run(&cli.global, args, &mut shell),
        Command::Api(args) => api::run(&cli.global, args, &mut shell),
        Command::Diff(args) => diff::run(&cli.global, args, &mut shell),
        Command::Check(args) => check::run(&cli.global, args, &mut shell),
        Command::Bump(args) => bump::run(&cli.global, args, &mut shell),
        Command::Changelog(args) => changelog::run(&cli.global, args, &mut shell),
        Command::Publish(args) => publish::run(&cli.global, args, &mut shell),
        Command::Rollback(args) => publish::rollback(&cli.global, args, &mut shell),
        Command::Accept(args) => accept::run(&cli.global, args, &mut shell),
        Command::Rules => accept::rules(&mut shell),
        Command::Completions { shell: which } => {
            let mut cmd = atomic_command();
            let mut out = Vec::new();
            clap_complete::generate(*which, &mut cmd, "cargo-atomic", &mut out);
            shell.print(String::from_utf8_lossy(&out).trim_end());
            Ok(exit::OK)
        }
        Command::Man => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(atomic_command()).render(&mut out) {
                Ok(()) => {
                    shell.print(String::from_utf8_lossy(&out).trim_end());
                    Ok(exit::OK)
                }
                Err(e) => Err(anyhow::Error::new(e).context("cannot render the man page")),
            }
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            shell.error(format_error(&e));
            exit::ERROR
        }
    }
}

/// The `cargo atomic` command as the user types it, for completions and the man page.
fn atomic_command() -> clap::Command {
    use clap::CommandFactory;
    let cargo = CargoCli::command();
    cargo
        .find_subcommand("atomic")
        .expect("the atomic subcommand")
        .clone()
        .name("cargo-atomic")
        .bin_name("cargo-atomic")
}

/// An error and its causes, Cargo style.
fn format_error(e: &anyhow::Error) -> String {
    let mut out = e.to_string();
    for cause in e.chain().skip(1) {
        out.push_str(&format!("\n\nCaused by:\n  {}", cause.to_string().replace('\n', "\n  ")));
    }
    out
}

/// Loads the workspace and finishes a multi-file write a kill interrupted there.
pub(crate) fn load_workspace(global: &GlobalArgs, shell: &mut Shell) -> anyhow::Result<Workspace> {
    let ws = Workspace::load(global.manifest_path.as_deref())?;
    match crate::fsutil::recover(&ws.root)? {
        Some(crate::fsutil::Recovered::RolledForward(n)) => {
            shell.warn(format!("completed an interrupted write of {n} files (all of them are new now)"))
        }
        Some(crate::fsutil::Recovered::RolledBack(n)) => {
            shell.warn(format!("undid an interrupted write of {n} files (none of them had been replaced)"))
        }
        None => {}
    }
    Ok(ws)
}

/// Prints the analysis' progress: the packages documented, timings with `-v`, members without
/// a library.
pub(crate) fn progress(shell: &mut Shell) -> impl FnMut(Progress) + '_ {
    move |p| match p {
        Progress::Documenting { packages, toolchain } => {
            shell.status("Documenting", format!("{} ({toolchain})", packages.join(", ")))
        }
        Progress::Documented(apis) => report_timings(shell, apis),
        Progress::NoLibrary(name) => shell.note(format!("`{name}` has no library target: it has no API to snapshot")),
        Progress::Proving => shell.status("Proving", "major findings with witness programs (cargo check, both sides)"),
    }
}

/// The analysis options of `diff`, `check`, `bump` and `publish`.
pub(crate) fn analysis_options(
    args: &AnalysisArgs,
    scope: Scope,
    prove: bool,
    shell: &Shell,
) -> crate::analysis::Options {
    crate::analysis::Options {
        selection: args.selection.selection(),
        scope,
        doc: args.build.doc_options(shell),
        baseline: args.baseline.spec(),
        prove,
    }
}

/// Runs the analysis `diff`, `check`, `bump` and `publish` start from.
pub(crate) fn assess(
    ws: &Workspace,
    args: &AnalysisArgs,
    scope: Scope,
    prove: bool,
    shell: &mut Shell,
) -> anyhow::Result<crate::analysis::Assessment> {
    let opts = analysis_options(args, scope, prove, shell);
    crate::analysis::assess(ws, &opts, &mut progress(shell))
}

/// `diff` and `check`, whole or sharded: `None` when this run was a shard (its partial written).
pub(crate) fn assess_sharded(
    ws: &Workspace,
    args: &AnalysisArgs,
    shards: &ShardArgs,
    command: &str,
    scope: Scope,
    prove: bool,
    shell: &mut Shell,
) -> anyhow::Result<Option<crate::analysis::Assessment>> {
    let mut opts = analysis_options(args, scope, prove, shell);
    let key = opts.key();
    let mut doc = opts.doc.clone();
    let collect = |doc: &DocOptions, shell: &mut Shell| {
        let opts = crate::analysis::Options { doc: doc.clone(), ..opts.clone() };
        crate::analysis::collect(ws, &opts, &mut progress(shell))
    };
    if shard(ws, shards, command, key, &mut doc, shell, collect)?.is_some() {
        return Ok(None);
    }
    opts.doc = doc;
    crate::analysis::assess(ws, &opts, &mut progress(shell)).map(Some)
}

/// With `-v`: how long rustdoc and normalization took, and the process's peak memory.
fn report_timings(shell: &mut Shell, apis: &crate::rustdoc::Apis) {
    if !shell.verbose {
        return;
    }
    let items: usize = apis.by_package.values().map(|a| a.snapshot.items.len()).sum();
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l[6..].trim().to_string()))
        .map(|kb| format!(", peak memory {kb}"))
        .unwrap_or_default();
    shell.status(
        "Timing",
        format!(
            "rustdoc {:.3}s, normalization {:.3}s for {} crates ({} unchanged, from the cache), {items} items{peak}",
            apis.rustdoc.as_secs_f64(),
            apis.normalize.as_secs_f64(),
            apis.by_package.len(),
            apis.reused
        ),
    );
}
