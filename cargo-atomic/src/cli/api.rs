//! `cargo atomic api`: print the current public API of the selected crates.

use clap::Args;

use super::{exit, BuildArgs, GlobalArgs, MessageFormat, SelectionArgs};
use crate::analysis::Scope;
use crate::shell::Shell;

#[derive(Args, Debug)]
pub struct ApiArgs {
    #[command(flatten)]
    selection: SelectionArgs,
    #[command(flatten)]
    build: BuildArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

pub fn run(global: &GlobalArgs, args: &ApiArgs, shell: &mut Shell) -> anyhow::Result<i32> {
    let ws = super::load_workspace(global, shell)?;
    let selected = crate::analysis::covered(&ws, &args.selection.selection(), Scope::Selected)?;
    let libs = crate::analysis::libraries(&selected, Some(&mut super::progress(shell)));
    if libs.is_empty() {
        shell.warn("no selected package has a library target");
        return Ok(exit::OK);
    }
    let apis = crate::analysis::document(&ws, &libs, &args.build.doc_options(shell), &mut super::progress(shell))?;
    match args.message_format {
        MessageFormat::Json => {
            let snapshots: Vec<&crate::api::Snapshot> = libs.iter().map(|m| &apis[&m.name].snapshot).collect();
            shell.print(serde_json::to_string_pretty(&snapshots)?);
        }
        MessageFormat::Human => {
            for (i, member) in libs.iter().enumerate() {
                if libs.len() > 1 {
                    if i > 0 {
                        shell.print("");
                    }
                    shell.print(format!("# {}", member.name));
                }
                for line in apis[&member.name].snapshot.lines() {
                    shell.print(line);
                }
            }
        }
    }
    Ok(exit::OK)
}
