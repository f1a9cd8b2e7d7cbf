//! A kill at any instant of a train: `publish` killed — at every step it reports, every journal
//! write and every index poll (each followed both ways), and at random instants in between (with everything it started,
//! as a CI runner cancels a job) — then `publish --resume` or `rollback`: the follow-up always
//! exits 0 and leaves the whole train live or none of it, as the registry's own index says.
//!
//! The points are enumerated from an uninterrupted run (`CARGO_ATOMIC_TEST_POINTS`); the random
//! instants come from a seed printed by the test (`CARGO_ATOMIC_KILL_SEED` replays one).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::publish::{index, journal, state, train, CRATES};
use crate::registry::{pairs, Registry};

/// Where a trial kills the run.
#[derive(Clone, Debug)]
enum Kill {
    /// At a reported point (`uploading#2`, `journal-write#5`, ...).
    At(String),
    /// After this long, with everything it started.
    After(Duration),
}

/// How a killed train is finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Then {
    Resume,
    Rollback,
}

/// A small xorshift: the trials' instants, reproducible from the printed seed.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

const ARGS: [&str; 3] = ["publish", "--index-timeout", "2"];

/// One trial: a fresh registry and train, the run killed, then finished; returns what happened.
fn trial(kill: &Kill, then: Then) -> Result<String, String> {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    let mut killed_env = pairs(&env);
    let points_path = p.path("target/points.txt");
    std::fs::create_dir_all(points_path.parent().unwrap()).unwrap();
    let points_path = points_path.to_string_lossy().into_owned();
    let spec;
    match kill {
        Kill::At(point) => {
            spec = point.clone();
            killed_env.push(("CARGO_ATOMIC_TEST_KILL", &spec));
            let run = p.atomic_env(&ARGS, &killed_env);
            if run.code == 0 {
                return Err(format!("{kill:?}: the run was not killed (point never reached)"));
            }
        }
        Kill::After(after) => {
            killed_env.push(("CARGO_ATOMIC_TEST_POINTS", &points_path));
            let mut child = p.spawn_atomic_group(&ARGS, &killed_env);
            std::thread::sleep(*after);
            let _ = std::process::Command::new("kill").args(["-s", "KILL", "--", &format!("-{}", child.id())]).status();
            let _ = child.wait();
        }
    }
    let has_journal = p.atomic_dir().join("journal.json").is_file();
    // Where a random kill landed: the last point the run passed.
    let reached = match kill {
        Kill::At(point) => point.split('#').next().unwrap_or_default().to_string(),
        Kill::After(_) => std::fs::read_to_string(&points_path)
            .ok()
            .and_then(|t| t.lines().last().map(|l| format!("after {}", l.split('#').next().unwrap_or_default())))
            .unwrap_or_else(|| "before any point".to_string()),
    };
    let follow = match then {
        Then::Resume => p.atomic_env(&["publish", "--resume", "--index-timeout", "2"], &pairs(&env)),
        Then::Rollback => p.atomic_env(&["rollback"], &pairs(&env)),
    };
    let all = state(&registry, &CRATES, &[]);
    let now = index(&registry);
    let none_live = now.iter().all(|(_, versions)| versions.iter().all(|(_, yanked)| *yanked));
    let outcome = if now == all {
        "all live"
    } else if none_live {
        "none live"
    } else {
        "some live"
    };
    let journal_state =
        if has_journal { journal(&p)["state"].as_str().unwrap_or_default().to_string() } else { "none".into() };
    let said = format!("{kill:?} ({reached}) then {then:?}: exit {}, {outcome} (journal {journal_state})", follow.code);
    let expected = match then {
        Then::Resume => outcome == "all live",
        Then::Rollback => outcome == "none live",
    };
    if follow.code != 0 || !expected {
        return Err(format!("{said}\n{}", follow.stderr));
    }
    Ok(said)
}

#[test]
fn a_kill_at_any_instant_then_resume_or_rollback_ends_with_the_whole_train_live_or_none() {
    // Every point an uninterrupted run passes, and how long it takes.
    let registry = Registry::start();
    let (p, env) = train(&registry);
    let log = p.path("target/points.txt");
    // Ignored by git, and there even when the builds go to a shared CARGO_TARGET_DIR.
    std::fs::create_dir_all(log.parent().unwrap()).unwrap();
    let mut with_log = pairs(&env);
    let log_path = log.to_string_lossy().into_owned();
    with_log.push(("CARGO_ATOMIC_TEST_POINTS", &log_path));
    let started = Instant::now();
    p.atomic_env(&ARGS, &with_log).assert_code(0);
    let duration = started.elapsed();
    assert_eq!(index(&registry), state(&registry, &CRATES, &[]));
    let points: Vec<String> = std::fs::read_to_string(&log).unwrap().lines().map(str::to_string).collect();
    for kind in [
        "checked",
        "plan",
        "uploading",
        "waiting-for-index",
        "index-poll",
        "published",
        "health",
        "tagged",
        "journal-write",
    ] {
        assert!(points.iter().any(|p| p.starts_with(&format!("{kind}#"))), "no `{kind}` point in {points:?}");
    }

    let seed: u64 = std::env::var("CARGO_ATOMIC_KILL_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1
    });
    println!("kill trials: seed {seed} (CARGO_ATOMIC_KILL_SEED={seed} replays them), an uninterrupted run takes {duration:?}");
    let mut rng = seed;
    let mut trials: Vec<(Kill, Then)> = Vec::new();
    for point in &points {
        trials.push((Kill::At(point.clone()), Then::Resume));
        trials.push((Kill::At(point.clone()), Then::Rollback));
    }
    // Random instants over the whole run (which runs slower with trials side by side), until
    // there are at least 50 trials and 15 of these.
    let random = 15.max(50usize.saturating_sub(trials.len()));
    for i in 0..random {
        let at = Duration::from_millis(next(&mut rng) % (3 * duration.as_millis().max(1) as u64));
        trials.push((Kill::After(at), if i % 2 == 0 { Then::Resume } else { Then::Rollback }));
    }
    let total = trials.len();
    assert!(total >= 50, "{total} trials");

    let queue = Mutex::new(trials.into_iter());
    let failures = Mutex::new(Vec::new());
    let done = AtomicUsize::new(0);
    let outcomes = Mutex::new(std::collections::BTreeMap::<String, usize>::new());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| loop {
                let Some((kill, then)) = queue.lock().unwrap().next() else { break };
                match trial(&kill, then) {
                    Ok(said) => {
                        // "At(..) (uploading) then Resume: exit 0, all live (...)": where, then what.
                        let place = said.split(" (").nth(1).and_then(|r| r.split(')').next()).unwrap_or_default();
                        let then = said.split(" then ").nth(1).unwrap_or_default();
                        let key = format!(
                            "{:28} then {then}",
                            if matches!(kill, Kill::At(_)) { format!("at {place}") } else { place.to_string() }
                        );
                        *outcomes.lock().unwrap().entry(key).or_default() += 1;
                    }
                    Err(e) => failures.lock().unwrap().push(e),
                }
                done.fetch_add(1, Ordering::Relaxed);
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    println!("{total} trials ({} at reported points, {random} at random instants):", total - random);
    for (outcome, n) in outcomes.into_inner().unwrap() {
        println!("  {n:3} × {outcome}");
    }
    assert!(
        failures.is_empty(),
        "seed {seed}: {} of {total} trials failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
