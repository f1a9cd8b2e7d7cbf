//! `cargo atomic changelog` output (and the notes `bump --changelog` writes): each file written
//! with what it got, a section rewritten for a release whose version changed, files that have
//! the release already.

use crate::changelog::Plan;
use crate::shell::Shell;

pub fn human(shell: &mut Shell, plan: &Plan, dry_run: bool) {
    for p in &plan.present {
        shell.status("Skipping", p);
    }
    for w in &plan.written {
        let verb = match (dry_run, w.created) {
            (true, true) => "Would create",
            (true, false) => "Would update",
            (false, true) => "Created",
            (false, false) => "Updated",
        };
        shell.status(verb, format!("{}: {}", w.file, w.summary));
        if let Some(old) = &w.replaced {
            shell.note(format!("{}: the section of {old}, never released, is this release's now", w.file));
        }
    }
}
