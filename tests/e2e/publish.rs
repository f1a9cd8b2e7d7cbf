//! `cargo atomic publish` and `rollback` against a real registry on 127.0.0.1, with faults
//! injected in front of it. Every test ends by reading the registry's index: the whole train
//! published, every version the run published yanked, or a journal that `--resume` completes.

use std::time::{Duration, Instant};

use crate::registry::{pairs, Fault, Registry};
use crate::support::{Project, Run};

/// The train: `base`, `left` and `right` on it, `top` on both (published in that order).
pub(crate) const CRATES: [&str; 4] = ["base", "left", "right", "top"];

pub(crate) fn train(registry: &Registry) -> (Project, Vec<(&'static str, String)>) {
    let p = Project::new();
    p.file("Cargo.toml", "[workspace]\nmembers = [\"base\", \"left\", \"right\", \"top\"]\nresolver = \"2\"\n")
        .file(".gitignore", "target/\n");
    let deps: [(&str, &[&str]); 4] =
        [("base", &[]), ("left", &["base"]), ("right", &["base"]), ("top", &["left", "right"])];
    for (name, on) in deps {
        let mut manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"1.0.0\"\nedition = \"2021\"\ndescription = \"the {name} crate\"\n\
             license = \"MIT\"\nrepository = \"https://example.invalid/{name}\"\npublish = [\"local\"]\n"
        );
        if !on.is_empty() {
            manifest.push_str("\n[dependencies]\n");
            for d in on {
                manifest
                    .push_str(&format!("{d} = {{ path = \"../{d}\", version = \"1.0.0\", registry = \"local\" }}\n"));
            }
        }
        // `no_std`: what the crates contain does not matter here, and rustdoc documents a crate
        // that links no `std` in half the time (it gathers only `core`'s impls); the fault
        // matrix documents this train over a hundred times.
        let uses: String = on.iter().map(|d| format!("pub use {d};\n")).collect();
        p.file(&format!("{name}/Cargo.toml"), &manifest)
            .file(&format!("{name}/src/lib.rs"), &format!("#![no_std]\n{uses}pub fn {name}() {{}}\n"));
    }
    let env: Vec<(&'static str, String)> = registry.env();
    let run = p.atomic_env(&["snapshot", "--workspace", "-q"], &pairs(&env));
    run.assert_code(0);
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["commit", "-q", "--allow-empty", "-m", "before the crates"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "train"]);
    (p, env)
}

pub(crate) fn publish(p: &Project, env: &[(&'static str, String)], extra: &[&str]) -> Run {
    let mut args = vec!["publish", "--index-timeout", "2"];
    args.extend_from_slice(extra);
    p.atomic_env(&args, &pairs(env))
}

/// `name → [(version, yanked)]` as the registry's index says.
pub(crate) fn index(registry: &Registry) -> Vec<(String, Vec<(String, bool)>)> {
    CRATES.iter().map(|c| (c.to_string(), registry.versions(c).into_iter().map(|(v, y, _)| (v, y)).collect())).collect()
}

pub(crate) fn state(registry: &Registry, live: &[&str], yanked: &[&str]) -> Vec<(String, Vec<(String, bool)>)> {
    CRATES
        .iter()
        .map(|c| {
            let v = if live.contains(c) {
                vec![("1.0.0".to_string(), false)]
            } else if yanked.contains(c) {
                vec![("1.0.0".to_string(), true)]
            } else {
                vec![]
            };
            let _ = registry;
            (c.to_string(), v)
        })
        .collect()
}

/// The run's last line names exactly these live versions.
#[track_caller]
pub(crate) fn assert_last_line_live(run: &Run, live: &str) {
    let last = run.stderr.lines().last().unwrap_or_default();
    assert!(last.contains(&format!("live versions from this train: {live} (journal: ")), "{}", run.stderr);
}

pub(crate) fn journal(p: &Project) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p.atomic_dir().join("journal.json")).unwrap()).unwrap()
}

#[test]
fn tags_without_a_git_identity_are_lightweight() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    let mut env: Vec<(&str, &str)> = pairs(&env);
    // As on a CI runner with no git identity configured.
    let no_config = p.path("no-gitconfig");
    std::fs::write(&no_config, "").unwrap();
    let no_config = no_config.to_str().unwrap().to_string();
    env.extend([
        ("GIT_CONFIG_GLOBAL", no_config.as_str()),
        ("GIT_COMMITTER_NAME", ""),
        ("GIT_COMMITTER_EMAIL", ""),
        ("EMAIL", ""),
    ]);
    p.git(&["commit", "-q", "--allow-empty", "-m", "keep the tree clean after writing no-gitconfig"]);
    let run = p.atomic_env(&["publish", "--allow-dirty"], &env);
    run.assert_code(0);
    assert!(run.stderr.contains("Tagged top-v1.0.0"), "{}", run.stderr);
    assert_eq!(p.git(&["cat-file", "-t", "top-v1.0.0"]).trim(), "commit", "a lightweight tag");
}

/// A tag format without `{crate}` (one tag per release, as pest, clap and futures do): the train
/// at one version makes one tag, which the plan lists, and no tag fails.
#[test]
fn a_tag_format_without_the_crate_makes_one_tag_per_version() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    p.file("Cargo.toml", &(p.read("Cargo.toml") + "\n[workspace.metadata.atomic]\ntag-format = \"v{version}\"\n"));
    p.git(&["commit", "-q", "-am", "one tag per release"]);
    let dry = publish(&p, &env, &["--dry-run"]);
    dry.assert_code(0);
    assert!(dry.stderr.contains("note: tags to create once the train is live: v1.0.0\n"), "{}", dry.stderr);
    let run = publish(&p, &env, &[]);
    run.assert_code(0);
    assert_eq!(run.stderr.matches("Tagged v1.0.0").count(), 1, "{}", run.stderr);
    assert!(!run.stderr.contains("could not be created"), "{}", run.stderr);
    assert_eq!(p.git(&["tag", "--list"]).trim(), "v1.0.0");
    let message = p.git(&["tag", "-l", "--format=%(contents:subject)", "v1.0.0"]);
    assert!(message.starts_with("base 1.0.0, left 1.0.0, right 1.0.0, top 1.0.0 (train "), "{message}");
}

#[test]
fn success_then_rollback_and_undo() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    let run = publish(&p, &env, &[]);
    run.assert_code(0);
    for line in [
        "Publishing base 1.0.0 (1 of 4)",
        "Publishing top 1.0.0 (4 of 4)",
        "Healthy a project depending on the whole train builds from the registry",
        "Tagged base-v1.0.0",
        "Done train completed; live versions from this train: base 1.0.0, left 1.0.0, right 1.0.0, top 1.0.0",
    ] {
        assert!(run.stderr.contains(line), "missing `{line}` in:\n{}", run.stderr);
    }
    assert_eq!(index(&registry), state(&registry, &CRATES, &[]));
    let tags = p.git(&["tag", "--list"]);
    assert_eq!(tags.lines().collect::<Vec<_>>(), ["base-v1.0.0", "left-v1.0.0", "right-v1.0.0", "top-v1.0.0"]);
    assert_eq!(journal(&p)["state"], "completed");
    assert_eq!(journal(&p)["health"], "passed");

    let rollback = p.atomic_env(&["rollback"], &pairs(&env));
    rollback.assert_code(0);
    let yanked: Vec<&str> = rollback.stderr.lines().filter(|l| l.contains("Yanked")).map(str::trim).collect();
    assert_eq!(
        yanked,
        ["Yanked top 1.0.0", "Yanked right 1.0.0", "Yanked left 1.0.0", "Yanked base 1.0.0"],
        "dependents first"
    );
    assert_eq!(index(&registry), state(&registry, &[], &CRATES));

    p.atomic_env(&["rollback", "--undo"], &pairs(&env)).assert_code(0);
    assert_eq!(index(&registry), state(&registry, &CRATES, &[]));

    // Without the journal (another machine), the train is found from the tags at HEAD.
    std::fs::remove_dir_all(p.atomic_dir()).unwrap();
    p.atomic_env(&["rollback", "-q"], &pairs(&env)).assert_code(0);
    assert_eq!(index(&registry), state(&registry, &[], &CRATES));
}

/// The n-th upload is refused (nothing stored): the run yanks what it published before.
pub(crate) fn nth_upload_fails(n: usize, fault: Fault) {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    registry.fail_upload(n, fault);
    let run = publish(&p, &env, &[]);
    run.assert_code(1);
    let before: Vec<&str> = CRATES[..n - 1].to_vec();
    assert_eq!(index(&registry), state(&registry, &[], &before), "after a failure at upload {n}:\n{}", run.stderr);
    assert_eq!(journal(&p)["state"], "rolled-back");
    assert_last_line_live(&run, "none");
    assert!(p.git(&["tag", "--list"]).is_empty(), "no tag for a failed train");
}

#[test]
fn second_upload_fails_with_a_server_error() {
    nth_upload_fails(2, Fault::ServerError);
}

#[test]
fn the_registry_stops_answering_during_rollback_then_rollback_finishes() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    registry.fail_upload(3, Fault::Down);
    let run = publish(&p, &env, &[]);
    run.assert_code(1);
    assert!(run.stderr.contains("could not yank left 1.0.0"), "{}", run.stderr);
    assert_last_line_live(&run, "base 1.0.0, left 1.0.0, right 1.0.0 (not confirmed by the registry)");
    assert_eq!(journal(&p)["state"], "rollback-incomplete");
    registry.recover();
    p.atomic_env(&["rollback"], &pairs(&env)).assert_code(0);
    assert_eq!(index(&registry), state(&registry, &[], &["base", "left"]));
}

/// Kills the run while upload `n` hangs (after or before the registry stored it), then resumes.
pub(crate) fn killed_then_resumed(n: usize, fault: Fault) {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    registry.fail_upload(n, fault);
    let mut child = p.spawn_atomic(&["publish", "--index-timeout", "2"], &pairs(&env));
    let start = Instant::now();
    while registry.uploads() < n {
        // Generous: the fault matrix runs four trains at once on a loaded machine.
        assert!(start.elapsed() < Duration::from_secs(600), "upload {n} never came");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(journal(&p)["steps"][n - 1]["state"], "uploading", "the journal shows the interrupted step");
    registry.recover();
    let resumed = publish(&p, &env, &["--resume"]);
    resumed.assert_code(0);
    if fault == Fault::HangAfterStore {
        assert!(
            resumed
                .stderr
                .contains(&format!("Skipping {} 1.0.0: already published with the planned checksum", CRATES[n - 1])),
            "{}",
            resumed.stderr
        );
    }
    assert_eq!(index(&registry), state(&registry, &CRATES, &[]));
    assert_eq!(journal(&p)["state"], "completed");
}

#[test]
fn killed_after_the_second_upload_then_resumed() {
    killed_then_resumed(3, Fault::Hang);
}

#[test]
fn killed_while_the_third_upload_was_being_confirmed_then_resumed() {
    killed_then_resumed(3, Fault::HangAfterStore);
}

#[test]
fn resume_refuses_a_version_published_with_another_checksum() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    registry.fail_upload(2, Fault::ServerError);
    publish(&p, &env, &["--on-failure", "stop"]).assert_code(1);
    // Someone else publishes `left 1.0.0` with other contents.
    let other = Project::new();
    other.file(
        "Cargo.toml",
        "[package]\nname = \"left\"\nversion = \"1.0.0\"\nedition = \"2021\"\ndescription = \"not ours\"\nlicense = \"MIT\"\npublish = [\"local\"]\n\n[workspace]\n",
    )
    .file("src/lib.rs", "pub fn impostor() {}\n");
    other.cargo(&["publish", "--registry", "local", "--allow-dirty", "--no-verify", "-q"], &pairs(&env)).assert_code(0);
    let resumed = publish(&p, &env, &["--resume"]);
    resumed.assert_code(1);
    assert!(resumed.stderr.contains("left 1.0.0 is already in the registry with checksum"), "{}", resumed.stderr);
    assert!(resumed.stderr.contains("refusing to continue"), "{}", resumed.stderr);
    assert_eq!(index(&registry), state(&registry, &["base", "left"], &[]));
    assert!(registry.versions("right").is_empty() && registry.versions("top").is_empty());
}

#[test]
fn preflight_refuses_a_version_that_already_exists() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    p.cargo(&["publish", "--registry", "local", "--no-verify", "-q", "-p", "base"], &pairs(&env)).assert_code(0);
    // Measured against the commit before the crates, the whole workspace is a first release
    // (against the registry, the published, unchanged `base 1.0.0` would be its own baseline).
    let uploads = registry.uploads();
    let run = publish(&p, &env, &["--baseline-rev", "HEAD~1"]);
    run.assert_code(1);
    assert!(run.stderr.contains("error[version-exists]: base 1.0.0 is already published"), "{}", run.stderr);
    assert!(run.stderr.contains("preflight refused the train; nothing was uploaded"), "{}", run.stderr);
    assert_eq!(registry.uploads(), uploads, "nothing uploaded");

    // Yanked versions count too: a version number is never reused.
    p.cargo(&["yank", "--registry", "local", "--version", "1.0.0", "base"], &pairs(&env)).assert_code(0);
    let run = publish(&p, &env, &["--baseline-rev", "HEAD~1"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("base 1.0.0 was published and yanked; a version number is never reused"),
        "{}",
        run.stderr
    );
}

#[test]
fn preflight_refuses_missing_metadata_and_a_dirty_tree() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    p.file("right/Cargo.toml", &p.read("right/Cargo.toml").replace("license = \"MIT\"\n", ""));
    // The cheapest check first, and the run stops at the first that fails: a dirty tree is
    // refused before any API is documented, and nothing that did not pass is said `Checked`.
    let run = publish(&p, &env, &["--dry-run"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("error[dirty-tree]: the git tree has uncommitted changes: right/Cargo.toml"),
        "{}",
        run.stderr
    );
    for said in ["Documenting", "Checked", "missing-metadata"] {
        assert!(!run.stderr.contains(said), "{said}:\n{}", run.stderr);
    }
    let run = publish(&p, &env, &["--allow-dirty"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("error[missing-metadata]: `right` has no `license` or `license-file`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("Checked release train"), "{}", run.stderr);
    for said in ["Checked package metadata", "Checked versions", "packaged", "Packaging"] {
        assert!(!run.stderr.contains(said), "{said}:\n{}", run.stderr);
    }
    assert_eq!(registry.uploads(), 0, "nothing uploaded");
}

#[test]
fn dry_run_plans_and_uploads_nothing_and_json_events() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    let run = publish(&p, &env, &["--dry-run", "--message-format", "json"]);
    run.assert_code(0);
    let schema = crate::schema::schemas_dir().join("publish-event.schema.json");
    for line in run.stdout.lines() {
        crate::schema::assert_valid(&schema, line);
    }
    let events: Vec<serde_json::Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let plan = events.iter().find(|e| e["event"] == "plan").expect("a plan event");
    assert_eq!(
        plan["steps"],
        serde_json::json!([["base", "1.0.0"], ["left", "1.0.0"], ["right", "1.0.0"], ["top", "1.0.0"]])
    );
    assert!(events
        .iter()
        .any(|e| e["event"] == "checked" && e["what"] == "every crate packaged and built against the others"));
    assert_eq!(registry.uploads(), 0);

    let run = publish(&p, &env, &["--message-format", "json", "-q"]);
    run.assert_code(0);
    for line in run.stdout.lines() {
        crate::schema::assert_valid(&schema, line);
    }
    let events: Vec<serde_json::Value> = run.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let uploads: Vec<(String, u64)> = events
        .iter()
        .filter(|e| e["event"] == "uploading")
        .map(|e| (e["package"].as_str().unwrap().to_string(), e["n"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        uploads,
        [("base".to_string(), 1), ("left".to_string(), 2), ("right".to_string(), 3), ("top".to_string(), 4)]
    );
    let done = events.last().unwrap();
    assert_eq!(done["event"], "done");
    assert_eq!(done["state"], "completed");
}

/// The registry's known limits (here: 2 new crates, then one a second) are waited out between
/// uploads, and the plan says how long the train takes; preflight refuses a train whose limits
/// need more than `--max-wait`, before anything is uploaded.
#[test]
fn known_rate_limits_are_waited_out_within_max_wait() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    let limited = p.read("Cargo.toml")
        + "\n[workspace.metadata.atomic.rate-limits.local]\nnew-crates = [2, 1]\nnew-versions = [30, 60]\n";
    p.file("Cargo.toml", &limited);
    p.git(&["commit", "-q", "-am", "limits"]);
    let run = publish(&p, &env, &["--max-wait", "1s"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(
            "error[rate-limit]: the registry's rate limits make the train wait about 2 seconds, more than --max-wait (1 second)"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("note: 4 new crates: about 2 seconds at local's rate (2 new crates, then one per 1 second; 30 new versions, then one a minute)"), "{}", run.stderr);
    assert!(run.stderr.contains("help: pass --max-wait 6m (or more)"), "{}", run.stderr);
    assert_eq!(registry.uploads(), 0);
    let bad = publish(&p, &env, &["--max-wait", "5 fortnights"]);
    bad.assert_code(2);
    assert!(bad.stderr.contains("unknown unit `fortnights`"), "{}", bad.stderr);

    // The default --max-wait (an hour) admits it; `--pace` is still accepted, and changes nothing.
    let started = Instant::now();
    let paced = publish(&p, &env, &["--pace"]);
    paced.assert_code(0);
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert!(paced.stderr.contains("note: 4 new crates: about 2 seconds at local's rate"), "{}", paced.stderr);
    assert_eq!(paced.stderr.matches("Waiting 1 s (rate limit for new crates; ").count(), 2, "{}", paced.stderr);
    assert!(
        paced.stderr.contains("Waiting 1 s (rate limit for new crates; 1 second waited of at most 60 minutes)"),
        "{}",
        paced.stderr
    );
    assert_eq!(index(&registry), state(&registry, &CRATES, &[]));
}

/// The registry's rate limit (429): the 2nd upload, and every upload for 4 s after it, is refused
/// with crates.io's "Please try again after <date>". The train waits as the registry says and
/// completes, nothing yanked; with a `--max-wait` shorter than that, it stops with nothing lost
/// and `--resume` completes it.
#[test]
fn a_rate_limited_train_waits_as_the_registry_says_and_completes() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    registry.fail_upload(2, Fault::RateLimitFor(4));
    let started = Instant::now();
    let run = publish(&p, &env, &[]);
    run.assert_code(0);
    assert!(started.elapsed() >= Duration::from_secs(4), "{:?}", started.elapsed());
    assert!(run.stderr.contains("(the registry's rate limit (429); at most 60 minutes in all)"), "{}", run.stderr);
    assert_last_line_live(&run, "base 1.0.0, left 1.0.0, right 1.0.0, top 1.0.0");
    assert_eq!(index(&registry), state(&registry, &CRATES, &[]));

    let registry = Registry::start();
    let (p, env) = train(&registry);
    registry.fail_upload(2, Fault::RateLimitFor(4));
    let run = publish(&p, &env, &["--max-wait", "2s"]);
    run.assert_code(1);
    assert!(run.stderr.contains("left 1.0.0 must wait "), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("of --max-wait 2 seconds; stopped with nothing lost: `cargo atomic publish --resume` goes on"),
        "{}",
        run.stderr
    );
    assert_last_line_live(&run, "base 1.0.0");
    assert_eq!(journal(&p)["state"], "stopped");
    assert_eq!(index(&registry), state(&registry, &["base"], &[]), "nothing yanked");
    let resumed = publish(&p, &env, &["--resume"]);
    resumed.assert_code(0);
    assert_eq!(index(&registry), state(&registry, &CRATES, &[]));
}

/// A short-lived token (each good for 2 uploads or yanks, then 403) expires mid-train: the train
/// stops for `--resume` whatever the failure policy (yanking with it would fail too). Rollback
/// with the same token says which versions are still live and what to run. `--resume` with a
/// token command (asked before each upload) completes the train.
#[test]
fn an_expired_token_stops_the_train_and_a_token_command_completes_it() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    registry.expire_tokens_after(2);
    let run = publish(&p, &env, &[]);
    run.assert_code(1);
    assert!(run.stderr.contains("the registry refused the token for right 1.0.0"), "{}", run.stderr);
    assert!(
        run.stderr.contains("with a fresh token, `cargo atomic publish --resume` completes the train"),
        "{}",
        run.stderr
    );
    assert_last_line_live(&run, "base 1.0.0, left 1.0.0");
    assert_eq!(journal(&p)["state"], "stopped");
    assert_eq!(index(&registry), state(&registry, &["base", "left"], &[]));

    let rollback = p.atomic_env(&["rollback"], &pairs(&env));
    rollback.assert_code(1);
    assert!(
        rollback.stderr.contains("could not yank left 1.0.0: the registry refused the token"),
        "{}",
        rollback.stderr
    );
    assert!(rollback.stderr.contains("with a fresh token, `cargo atomic rollback` again"), "{}", rollback.stderr);
    assert_last_line_live(&rollback, "base 1.0.0, left 1.0.0");
    assert_eq!(index(&registry), state(&registry, &["base", "left"], &[]), "nothing was yanked");

    // Each run of the command prints a new token: one per upload.
    let counter = registry.cargo_home().join("issued");
    let script = registry.cargo_home().join("fresh-token");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nn=$(cat '{0}' 2>/dev/null || echo 0)\nn=$((n+1))\necho $n > '{0}'\necho fresh-$n\n",
            counter.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let before = registry.tokens_seen().len();
    let resumed = publish(&p, &env, &["--resume", "--token-command", script.to_str().unwrap()]);
    resumed.assert_code(0);
    assert_eq!(index(&registry), state(&registry, &CRATES, &[]));
    let fresh: Vec<String> = registry.tokens_seen()[before..].to_vec();
    assert_eq!(fresh, ["fresh-1", "fresh-2"], "a new token for each upload, none from the environment");

    // Rollback with the token command: every yank gets its own token too.
    let rollback = p.atomic_env(&["rollback", "--token-command", script.to_str().unwrap()], &pairs(&env));
    rollback.assert_code(0);
    assert_eq!(index(&registry), state(&registry, &[], &CRATES));
    assert_eq!(registry.tokens_seen()[before + 2..], ["fresh-3", "fresh-4", "fresh-5", "fresh-6"]);
}

/// Trusted publishing: its token cannot create a crate, so preflight refuses a train with new
/// crates (saying how to publish them once); and a train longer than the token's 30 minutes
/// needs a token command. With existing crates and a token command, the train goes.
#[test]
fn trusted_publishing_refuses_new_crates_and_trains_that_outlive_the_token() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    let run = publish(&p, &env, &["--trusted-publishing", "--token-command", "echo tp"]);
    run.assert_code(1);
    for name in CRATES {
        assert!(
            run.stderr.contains(&format!(
                "error[new-crate-trusted-publishing]: `{name}` is not in local yet, and a trusted-publishing token cannot create a crate"
            )),
            "{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("publish this train once with a token that can create crates"), "{}", run.stderr);
    assert_eq!(registry.uploads(), 0);

    // Created once with a regular token; the next release goes by trusted publishing.
    publish(&p, &env, &[]).assert_code(0);
    p.file("base/src/lib.rs", &(p.read("base/src/lib.rs") + "pub fn more() {}\n"));
    p.atomic_env(&["snapshot", "--workspace", "-q"], &pairs(&env)).assert_code(0);
    p.atomic_env(&["bump", "-q"], &pairs(&env)).assert_code(0);
    p.git(&["commit", "-q", "-am", "more"]);
    // Three uploads at once, then one per 40 minutes: the train outlives a 30-minute token.
    let slow = p.read("Cargo.toml")
        + "\n[workspace.metadata.atomic.rate-limits.local]\nnew-crates = [5, 600]\nnew-versions = [3, 2400]\n";
    p.file("Cargo.toml", &slow);
    p.git(&["commit", "-q", "-am", "slow registry"]);
    let run = publish(&p, &env, &["--trusted-publishing", "--max-wait", "3h"]);
    run.assert_code(1);
    assert!(run.stderr.contains("error[token-expires-mid-train]: the train takes about 42 minutes at the registry's rate; a trusted-publishing token lasts 30 minutes"), "{}", run.stderr);
    assert!(run.stderr.contains("help: pass --token-command"), "{}", run.stderr);
    p.file("Cargo.toml", &slow.replace("[3, 2400]", "[30, 60]"));
    p.git(&["commit", "-q", "-am", "the registry is fast again"]);
    let run = publish(&p, &env, &["--trusted-publishing", "--token-command", "echo tp-token"]);
    run.assert_code(0);
    assert!(registry.versions("base").iter().any(|(v, yanked, _)| v == "1.1.0" && !yanked), "{}", run.stderr);
    assert_eq!(registry.tokens_seen().last().map(String::as_str), Some("tp-token"));
}

/// The registry goes away right after accepting the first upload: that version is live, and the
/// run never says otherwise; rollback (once the registry is back) yanks it.
#[test]
fn the_registry_goes_away_after_accepting_an_upload_and_the_version_counts_as_live() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    registry.fail_upload(1, Fault::DownAfterStore);
    let run = publish(&p, &env, &[]);
    run.assert_code(1);
    assert_last_line_live(&run, "base 1.0.0 (not confirmed by the registry)");
    assert_eq!(journal(&p)["state"], "rollback-incomplete", "{}", run.stderr);
    assert_eq!(journal(&p)["steps"][0]["state"], "unconfirmed");
    registry.recover();
    // Read from the registry itself: the upload went through.
    assert_eq!(index(&registry), state(&registry, &["base"], &[]));
    let rollback = p.atomic_env(&["rollback"], &pairs(&env));
    rollback.assert_code(0);
    assert!(rollback.stderr.contains("Yanked base 1.0.0"), "{}", rollback.stderr);
    assert_eq!(index(&registry), state(&registry, &[], &["base"]));
}

/// The same, stopping for `--resume`: the resumed run finds the version live and goes on.
#[test]
fn the_registry_goes_away_after_accepting_an_upload_then_resume_finishes() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    registry.fail_upload(2, Fault::DownAfterStore);
    let run = publish(&p, &env, &["--on-failure", "stop"]);
    run.assert_code(1);
    assert_last_line_live(&run, "base 1.0.0, left 1.0.0 (not confirmed by the registry)");
    assert_eq!(journal(&p)["state"], "stopped");
    registry.recover();
    assert_eq!(index(&registry), state(&registry, &["base", "left"], &[]));
    let resumed = publish(&p, &env, &["--resume"]);
    resumed.assert_code(0);
    assert_eq!(index(&registry), state(&registry, &CRATES, &[]));
}

/// The release after a rollback: the registry never takes a version number twice, yanked or not.
/// `check` reports the taken version before anyone tries to publish, `bump` moves the crate past
/// it (its dependents' requirements with it), and `publish` then just works.
#[test]
fn after_a_rollback_check_reports_the_taken_version_and_bump_moves_past_it() {
    let registry = Registry::start();
    let (p, env) = train(&registry);
    registry.fail_upload(2, Fault::ServerError);
    publish(&p, &env, &[]).assert_code(1);
    assert_eq!(index(&registry), state(&registry, &[], &["base"]), "the train was rolled back");
    registry.recover();

    let run = p.atomic_env(&["check", "--message-format", "json"], &pairs(&env));
    run.assert_code(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["taken"], serde_json::json!([{"package": "base", "version": "1.0.0", "yanked": true}]));
    // No release tag, and the registry has no live release of any: said, each crate's baseline.
    assert_eq!(
        doc["notes"],
        serde_json::json!(["no release tag in the repository (`{crate}-v{version}`, `{crate}-{version}`, `v{version}`, \
                            `{version}`): 4 crates without a baseline count as new; base: no baseline (a new crate, or its \
                            release was not found); left: no baseline (a new crate, or its release was not found); right: no \
                            baseline (a new crate, or its release was not found); top: no baseline (a new crate, or its release \
                            was not found)"])
    );
    let problems: Vec<(&str, &str)> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["kind"].as_str().unwrap(), p["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        problems,
        [("version-exists", "`base` 1.0.0 was published and yanked: a registry never takes a version number twice"),]
    );

    let bump = p.atomic_env(&["bump", "--color", "never"], &pairs(&env));
    bump.assert_code(0);
    assert!(bump.stderr.contains("`base` goes to 1.0.1: the registry already holds 1.0.0 (yanked)"), "{}", bump.stderr);
    assert!(p.read("base/Cargo.toml").contains("version = \"1.0.1\""));
    assert!(p.read("left/Cargo.toml").contains("base = { path = \"../base\", version = \"1.0.1\""));
    p.atomic_env(&["check"], &pairs(&env)).assert_code(0);
    // Past the taken version is where the train needs to be: a second bump writes nothing.
    let again = p.atomic_env(&["bump", "--color", "never"], &pairs(&env));
    again.assert_code(0);
    assert!(again.stderr.contains("nothing to write"), "{}", again.stderr);
    assert!(p.read("base/Cargo.toml").contains("version = \"1.0.1\""));
    p.git(&["commit", "-q", "-am", "past the rolled-back versions"]);
    publish(&p, &env, &[]).assert_code(0);
    // `bump` wrote the lockfile the release builds with: publishing left the tree clean.
    assert_eq!(p.git(&["status", "--porcelain"]), "", "the release leaves nothing to commit");
    let base: Vec<(String, bool)> = registry.versions("base").into_iter().map(|(v, y, _)| (v, y)).collect();
    assert_eq!(base, [("1.0.0".to_string(), true), ("1.0.1".to_string(), false)]);
    for name in ["left", "right", "top"] {
        assert_eq!(registry.versions(name).len(), 1, "{name} 1.0.0 is live");
    }
}

/// A member that is not published (an app, an example, a test harness) and depends on a crate
/// whose release breaks: `check` names it, and `publish` refuses before the first upload when
/// the workspace no longer builds with the train.
#[test]
fn an_unpublished_member_broken_by_the_train_is_named_and_stops_publish() {
    let registry = Registry::start();
    let env: Vec<(&'static str, String)> = registry.env();
    let p = Project::new();
    p.file("Cargo.toml", "[workspace]\nmembers = [\"core\", \"app\"]\nresolver = \"2\"\n")
        .file(".gitignore", "target/\n")
        .file(
            "core/Cargo.toml",
            "[package]\nname = \"core\"\nversion = \"1.0.0\"\nedition = \"2021\"\ndescription = \"core\"\nlicense = \"MIT\"\n\
             repository = \"https://example.invalid/core\"\npublish = [\"local\"]\n",
        )
        .file("core/src/lib.rs", "#![no_std]\npub fn kept() {}\npub fn gone() {}\n")
        .file(
            "app/Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n\
             core = { path = \"../core\", version = \"1.0.0\", registry = \"local\" }\n",
        )
        .file("app/src/main.rs", "fn main() { core::kept(); core::gone(); }\n");
    p.atomic_env(&["snapshot", "-q"], &pairs(&env)).assert_code(0);
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "core 1.0.0"]);
    publish(&p, &env, &[]).assert_code(0);

    p.file("core/src/lib.rs", "#![no_std]\npub fn kept() {}\n");
    p.atomic_env(&["snapshot", "-q"], &pairs(&env)).assert_code(0);
    p.atomic_env(&["bump", "-q"], &pairs(&env)).assert_code(0);
    let run = p.atomic_env(&["check", "--message-format", "json"], &pairs(&env));
    run.assert_code(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let problems: Vec<(&str, &str, &str)> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["kind"].as_str().unwrap(), p["severity"].as_str().unwrap(), p["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        problems,
        [(
            "unpublished-dependent",
            "warning",
            "`app` is not published but depends on `core` (1.0.0 → 2.0.0), whose release breaks: it must still build \
             with the train"
        )]
    );
    p.git(&["commit", "-q", "-am", "core 2.0.0"]);
    let run = publish(&p, &env, &["--dry-run"]);
    run.assert_code(1);
    assert!(
        run.stderr.contains("error[workspace-does-not-build]: the workspace does not build with the train"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("cannot find function `gone` in crate `core`"), "{}", run.stderr);
    assert_eq!(registry.versions("core").len(), 1, "nothing was uploaded");
}

/// Tests that do not build without features of their own (futures' refuse to compile without all
/// its features) are a warning, not a refusal: the libraries, binaries and examples build, and
/// the train is published.
#[test]
fn tests_that_need_features_of_their_own_warn_and_do_not_stop_publish() {
    let registry = Registry::start();
    let env: Vec<(&'static str, String)> = registry.env();
    let p = Project::new();
    p.file("Cargo.toml", "[workspace]\nmembers = [\"core\"]\nresolver = \"2\"\n")
        .file(".gitignore", "target/\n")
        .file(
            "core/Cargo.toml",
            "[package]\nname = \"core\"\nversion = \"1.0.0\"\nedition = \"2021\"\ndescription = \"core\"\nlicense = \"MIT\"\n\
             repository = \"https://example.invalid/core\"\npublish = [\"local\"]\n\n[features]\nall = []\n",
        )
        .file("core/src/lib.rs", "#![no_std]\npub fn kept() {}\n")
        .file(
            "core/tests/require_features.rs",
            "#[cfg(not(feature = \"all\"))]\ncompile_error!(\"run the tests with `--features all`\");\n",
        );
    p.atomic_env(&["snapshot", "-q"], &pairs(&env)).assert_code(0);
    p.git(&["init", "-q", "-b", "main"]);
    p.git(&["add", "-A"]);
    p.git(&["commit", "-q", "-m", "core 1.0.0"]);
    let run = publish(&p, &env, &["--dry-run"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains("warning[workspace-does-not-build]: the workspace's tests do not build with the train"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("run the tests with `--features all`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("Checked the whole workspace builds with the train (its tests aside)"),
        "{}",
        run.stderr
    );
    publish(&p, &env, &[]).assert_code(0);
    assert_eq!(registry.versions("core").len(), 1, "published");
}
