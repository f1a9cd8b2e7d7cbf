//! `cargo atomic publish` / `rollback` progress, for humans.

use crate::publish::Event;
use crate::shell::{Shell, BOLD, CYAN, RED, YELLOW};
use crate::train::Severity;

pub fn human(shell: &mut Shell, event: &Event) {
    match event {
        Event::Checked { what } => shell.status("Checked", what),
        Event::Problem { problem: p } => {
            let (style, label) = if p.severity == Severity::Error { (RED, "error") } else { (YELLOW, "warning") };
            let mut out = format!("{style}{label}[{}]{style:#}{BOLD}: {}{BOLD:#}\n", p.kind, p.message);
            for note in &p.notes {
                out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}note{BOLD:#}: {note}\n"));
            }
            out.push_str(&format!("   {CYAN}={CYAN:#} {BOLD}help{BOLD:#}: {}\n", p.help));
            shell.print_err(out);
        }
        Event::Plan { train, steps, groups, rate, tags } => {
            let list: Vec<String> = steps.iter().map(|(n, v)| format!("{n} {v}")).collect();
            shell.status("Planned", format!("train {train}: {}", list.join(", ")));
            if !tags.is_empty() {
                shell.note(format!("tags to create once the train is live: {}", tags.join(", ")));
            }
            for r in rate {
                shell.note(r.describe());
            }
            for g in groups {
                let to = g.release_version.as_ref().map(|v| v.to_string()).unwrap_or_default();
                shell.note(format!("version group `{}` moves as one, at {to}: {}", g.name, g.members.join(", ")));
            }
        }
        Event::Waiting { seconds, reason, waited, max_wait } => {
            let budget = if *waited == 0 {
                format!("at most {} in all", crate::publish::minutes(*max_wait))
            } else {
                format!("{} waited of at most {}", crate::publish::minutes(*waited), crate::publish::minutes(*max_wait))
            };
            shell.status("Waiting", format!("{seconds} s ({reason}; {budget})"))
        }
        Event::Uploading { package, version, n, of } => {
            shell.status("Publishing", format!("{package} {version} ({n} of {of})"))
        }
        Event::WaitingForIndex { package, version } => {
            shell.status("Waiting", format!("for {package} {version} to appear in the index"))
        }
        Event::Published { package, version } => shell.status("Published", format!("{package} {version}")),
        Event::AlreadyPublished { package, version } => {
            shell.status("Skipping", format!("{package} {version}: already published with the planned checksum"))
        }
        Event::Failed { error, .. } => shell.error(error),
        Event::Yanked { package, version } => shell.status("Yanked", format!("{package} {version}")),
        Event::Unyanked { package, version } => shell.status("Unyanked", format!("{package} {version}")),
        Event::YankFailed { package, version, error } => {
            shell.error(format!("could not yank {package} {version}: {error}"))
        }
        Event::Health { ok: true, .. } => {
            shell.status("Healthy", "a project depending on the whole train builds from the registry")
        }
        Event::Health { ok: false, detail } => {
            shell.error(format!("health check failed: {}", detail.as_deref().unwrap_or("")))
        }
        Event::Tagged { tag } => shell.status("Tagged", tag),
        Event::TagFailed { tag, error } => {
            shell.warn(format!("the train is published, but tag `{tag}` could not be created: {error}"))
        }
        Event::Nothing { reason } => shell.note(reason),
        Event::Done { state, live, unconfirmed, journal } => {
            let live: Vec<String> = live
                .iter()
                .map(|(n, v)| {
                    let unknown = unconfirmed.iter().any(|(un, uv)| un == n && uv == v);
                    if unknown {
                        format!("{n} {v} (not confirmed by the registry)")
                    } else {
                        format!("{n} {v}")
                    }
                })
                .collect();
            let live = if live.is_empty() { "none".to_string() } else { live.join(", ") };
            shell.status("Done", format!("train {state}; live versions from this train: {live} (journal: {journal})"));
        }
    }
}
