//! The publish fault matrix: every fault at every position of the four-crate train, each ending
//! in one of three states read from the registry's own index — the whole train live, every
//! version the run published yanked, or a journal that `--resume` (or `rollback`, once the
//! registry answers again) completes — and a last line that names exactly the live versions.
//!
//! The four positions of one fault run side by side (each with its own registry and workspace);
//! a failure names its position.

use crate::publish::{
    assert_last_line_live, index, journal, killed_then_resumed, nth_upload_fails, publish, state, train, CRATES,
};
use crate::registry::{pairs, Fault, Registry};
use crate::support::{Project, Run};

/// Runs `scenario` for n = 1..=4 at once; a panic names the position it happened at.
fn at_every_position(scenario: fn(usize)) {
    std::thread::scope(|s| {
        let runs: Vec<_> = (1..=4).map(|n| (n, s.spawn(move || scenario(n)))).collect();
        let failed: Vec<usize> = runs.into_iter().filter_map(|(n, h)| h.join().is_err().then_some(n)).collect();
        assert!(failed.is_empty(), "the scenario failed at upload position(s) {failed:?} (messages above)");
    });
}

/// `a 1.0.0, b 1.0.0 (not confirmed by the registry)`, or `none`: the last line's list, with the
/// versions whose fate the registry could not tell (counted as live) marked.
fn live(confirmed: &[&str], unconfirmed: &[&str]) -> String {
    let mut all: Vec<String> = confirmed.iter().map(|c| format!("{c} 1.0.0")).collect();
    all.extend(unconfirmed.iter().map(|c| format!("{c} 1.0.0 (not confirmed by the registry)")));
    if all.is_empty() {
        return "none".to_string();
    }
    all.join(", ")
}

#[test]
fn a_server_error_at_every_upload_rolls_back() {
    at_every_position(|n| nth_upload_fails(n, Fault::ServerError));
}

#[test]
fn a_conflict_at_every_upload_rolls_back() {
    at_every_position(|n| nth_upload_fails(n, Fault::Conflict));
}

/// A train published with `fault` at upload `n`: the run fails, and its last line counts the n-th
/// version as live but not confirmed.
fn gone_at(n: usize, fault: Fault, extra: &[&str]) -> (Registry, Project, Vec<(&'static str, String)>, Run) {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    registry.fail_upload(n, fault);
    let run = publish(&p, &env, extra);
    run.assert_code(1);
    assert_last_line_live(&run, &live(&CRATES[..n - 1], &CRATES[n - 1..n]));
    (registry, p, env, run)
}

/// The registry goes away at the n-th upload, before (`Down`) or after (`DownAfterStore`) it
/// stored it. The run cannot tell whether the n-th arrived, so it counts as live, marked as not
/// confirmed; rolling back cannot yank while the registry is away, and `rollback` finishes once it
/// answers (asking it about the n-th). With `--on-failure stop`, `--resume` finishes the train.
fn gone(n: usize, fault: Fault) {
    let stored = if fault == Fault::DownAfterStore { n } else { n - 1 };
    let (registry, p, env, run) = gone_at(n, fault, &[]);
    assert_eq!(journal(&p)["state"], "rollback-incomplete", "{fault:?} at upload {n}:\n{}", run.stderr);
    registry.recover();
    assert_eq!(index(&registry), state(&registry, &CRATES[..stored], &[]), "{fault:?} at upload {n}:\n{}", run.stderr);
    let rollback = p.atomic_env(&["rollback"], &pairs(&env));
    rollback.assert_code(0);
    assert_eq!(index(&registry), state(&registry, &[], &CRATES[..stored]), "{fault:?} at upload {n}, rolled back");

    let (registry, p, env, run) = gone_at(n, fault, &["--on-failure", "stop"]);
    assert_eq!(journal(&p)["state"], "stopped", "{fault:?} at upload {n}:\n{}", run.stderr);
    registry.recover();
    let resumed = publish(&p, &env, &["--resume"]);
    resumed.assert_code(0);
    assert_eq!(
        index(&registry),
        state(&registry, &CRATES, &[]),
        "{fault:?} at upload {n}, resumed:\n{}",
        resumed.stderr
    );
    assert_eq!(journal(&p)["state"], "completed");
}

#[test]
fn the_registry_gone_before_each_upload_then_rollback_or_resume_finishes() {
    at_every_position(|n| gone(n, Fault::Down));
}

#[test]
fn the_registry_gone_after_each_upload_then_rollback_or_resume_finishes() {
    at_every_position(|n| gone(n, Fault::DownAfterStore));
}

/// The n-th version is stored but never shows in the index: Cargo's own wait runs out, and the
/// run yanks it with the ones before (it is stored, and may appear any time). Cargo's wait is
/// `publish.timeout` (60 s by default, an unstable key that `RUSTC_BOOTSTRAP` unlocks), here
/// 3 s: the same run, Cargo's timeout message included, without a minute of waiting.
#[test]
fn a_version_never_indexed_at_every_position_is_rolled_back() {
    at_every_position(|n| {
        let registry = Registry::start();
        let (p, mut env) = train(&registry);
        env.extend([
            ("RUSTC_BOOTSTRAP", "1".to_string()),
            ("CARGO_UNSTABLE_PUBLISH_TIMEOUT", "true".to_string()),
            ("CARGO_PUBLISH_TIMEOUT", "3".to_string()),
        ]);
        registry.fail_upload(n, Fault::Invisible);
        let run = publish(&p, &env, &[]);
        run.assert_code(1);
        let name = CRATES[n - 1];
        assert!(
            run.stderr.contains(&format!("{name} 1.0.0 was uploaded but did not appear in the index")),
            "{}",
            run.stderr
        );
        assert_eq!(index(&registry), state(&registry, &[], &CRATES[..n]), "invisible at upload {n}:\n{}", run.stderr);
        assert_last_line_live(&run, "none");
    });
}

#[test]
fn killed_during_each_upload_then_resumed() {
    at_every_position(|n| killed_then_resumed(n, Fault::Hang));
}

#[test]
fn killed_after_each_upload_was_stored_then_resumed() {
    at_every_position(|n| killed_then_resumed(n, Fault::HangAfterStore));
}
