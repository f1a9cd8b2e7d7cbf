//! The GitHub Action's shell steps (`action/run.sh`), run with a simulated GitHub environment:
//! step summary, outputs and runner temp in temporary files, the built binary on `PATH`.

use std::path::{Path, PathBuf};
use std::process::Command;

use snapbox::{assert_data_eq, str};

use crate::support::{example, Run};

struct Github {
    dir: tempfile::TempDir,
}

impl Github {
    fn new() -> Github {
        Github { dir: tempfile::tempdir().unwrap() }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.file(name)).unwrap_or_default()
    }

    /// Runs `action/run.sh <step>` with the `INPUT_*` variables given.
    fn step(&self, step: &str, inputs: &[(&str, &str)]) -> Run {
        self.step_env(step, inputs, &[])
    }

    /// The same, with more environment (the runner's, a registry's).
    fn step_env(&self, step: &str, inputs: &[(&str, &str)], env: &[(&str, &str)]) -> Run {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../action/run.sh");
        let bin = Path::new(env!("CARGO_BIN_EXE_cargo-atomic")).parent().unwrap().to_path_buf();
        let path =
            std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())))
                .unwrap();
        let mut cmd = Command::new("bash");
        cmd.arg(script)
            .arg(step)
            .env("PATH", path)
            .env("GITHUB_ACTIONS", "true")
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_TEMP", self.dir.path())
            .env("GITHUB_STEP_SUMMARY", self.file("summary.md"))
            .env("GITHUB_OUTPUT", self.file("output"))
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("RUSTDOCFLAGS")
            .env_remove("CI");
        for (k, v) in inputs {
            cmd.env(format!("INPUT_{k}"), v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("bash runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

#[test]
fn the_action_annotates_summarizes_and_fails_an_inconsistent_train() {
    let p = example();
    let gh = Github::new();
    let dir = p.path("gateway");
    let inputs = [
        ("COMMAND", "check"),
        ("ARGS", "--baseline-path ../gateway-1.0.0 -q"),
        ("WORKING_DIRECTORY", dir.to_str().unwrap()),
    ];
    let run = gh.step("run", &inputs);
    run.assert_code(1);
    assert_data_eq!(
        run.stdout,
        str![[r#"
::notice title=cargo atomic: release train::publish in this order: core 2.0.0, interface 2.0.0, gateway 2.0.0
::error file=core/atomic-api.txt,title=cargo atomic%3A stale-snapshot::the committed API snapshot of `core` is out of date (core/atomic-api.txt) — run `cargo atomic snapshot` and commit the result
::error file=core/Cargo.toml,line=3,title=cargo atomic%3A bump-too-small::`core` needs a major bump (1.0.0 → 2.0.0) but declares 1.0.0 — run `cargo atomic bump`
::error file=interface/Cargo.toml,line=3,title=cargo atomic%3A left-out-of-train::`interface` must be released with `core`: `interface` depends on `core` (interface/Cargo.toml) and exposes it in `pub use interface::Error`, and `core` breaks: `fn core::execute_operation` gained parameter `timeout: std::time::Duration` — run `cargo atomic bump`
::error file=interface/Cargo.toml,line=11,title=cargo atomic%3A requirement-not-admitting::`interface` requires `core = "^1.0.0"`, which does not admit core 2.0.0 — run `cargo atomic bump`
::error file=gateway/Cargo.toml,line=3,title=cargo atomic%3A left-out-of-train::`gateway` must be released with `core`: `gateway` depends on `core` (gateway/Cargo.toml) and exposes it in `pub fn gateway::serve(request: &gateway::Request) -> Result<(), core::Error>`, and `core` breaks: `fn core::execute_operation` gained parameter `timeout: std::time::Duration` — run `cargo atomic bump`
::error file=gateway/Cargo.toml,line=11,title=cargo atomic%3A requirement-not-admitting::`gateway` requires `core = "^1.0.0"`, which does not admit core 2.0.0 — run `cargo atomic bump`
::error file=gateway/Cargo.toml,line=12,title=cargo atomic%3A requirement-not-admitting::`gateway` requires `interface = "^1.0.0"`, which does not admit interface 2.0.0 — run `cargo atomic bump`

"#]]
    );
    let summary = gh.read("summary.md");
    assert!(summary.starts_with("## cargo atomic check\n\n❌ The release train is not consistent."), "{summary}");
    assert!(summary.contains("| 1 | `core` | 1.0.0 → 2.0.0 | major |"), "{summary}");
    assert_eq!(gh.read("output"), "exit-code=1\nconsistent=false\n");

    // Fixed as the annotations say, the same step passes and appends to the same summary.
    p.atomic(&["bump", "-q", "--manifest-path", "gateway/Cargo.toml", "--baseline-path", "gateway-1.0.0"])
        .assert_code(0);
    p.atomic(&["snapshot", "-q", "--manifest-path", "gateway/Cargo.toml"]).assert_code(0);
    let run = gh.step("run", &inputs);
    run.assert_code(0);
    assert!(!run.stdout.contains("::error"), "{}", run.stdout);
    let summary = gh.read("summary.md");
    assert!(summary.contains("\n## cargo atomic check\n\n✅ The release train is consistent."), "{summary}");
    assert_eq!(gh.read("output"), "exit-code=1\nconsistent=false\nexit-code=0\nconsistent=true\n");
}

#[test]
fn the_action_keeps_an_installed_version_and_keys_its_cache() {
    let p = example();
    let gh = Github::new();
    let run = gh.step("install", &[("VERSION", env!("CARGO_PKG_VERSION"))]);
    run.assert_code(0);
    assert_eq!(run.stdout.trim(), format!("using the installed cargo-atomic {}", env!("CARGO_PKG_VERSION")));

    let dir = p.path("gateway");
    gh.step("cache-key", &[("WORKING_DIRECTORY", dir.to_str().unwrap())]).assert_code(0);
    let output = gh.read("output");
    let get = |name: &str| {
        output
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{output}"))
            .to_string()
    };
    let (key, restore) = (get("key"), get("restore-key"));
    assert!(
        key.starts_with("cargo-atomic-Linux-") && key.starts_with(&restore) && key.len() > restore.len(),
        "{output}"
    );
    assert!(get("path").ends_with("/atomic"), "{output}");

    let unknown = gh.step("deploy", &[]);
    unknown.assert_code(2);
    assert!(unknown.stderr.contains("usage: run.sh cache-key|install|run|token"), "{}", unknown.stderr);
}

/// `cargo binstall` finds what the release workflow uploads: the archive and directory names of
/// `[package.metadata.binstall]` are the ones the workflow builds.
#[test]
fn binstall_metadata_names_what_the_release_workflow_uploads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest: toml_edit::DocumentMut = std::fs::read_to_string(root.join("Cargo.toml")).unwrap().parse().unwrap();
    let binstall = &manifest["package"]["metadata"]["binstall"];
    assert_eq!(
        binstall["pkg-url"].as_str(),
        Some("{ repo }/releases/download/v{ version }/{ name }-{ target }{ archive-suffix }")
    );
    assert_eq!(binstall["bin-dir"].as_str(), Some("{ name }-{ target }/{ bin }{ binary-ext }"));
    assert_eq!(binstall["pkg-fmt"].as_str(), Some("tgz"));
    assert_eq!(binstall["overrides"]["x86_64-pc-windows-msvc"]["pkg-fmt"].as_str(), Some("zip"));
    let workflow = std::fs::read_to_string(root.join("../.github/workflows/release.yml")).unwrap();
    for expected in [
        "tags: [\"v*\"]",
        "name=cargo-atomic-${{ matrix.target }}",
        "tar czf \"$name.tar.gz\" \"$name\"",
        "7z a \"$name.zip\" \"$name\"",
        "gh release upload \"$GITHUB_REF_NAME\" cargo-atomic-${{ matrix.target }}.*",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(workflow.contains(expected), "release.yml lost `{expected}`");
    }
}

/// The two-stage recipe: each shard of a matrix writes its partial where the action uploads it
/// from; the merge job, given every downloaded partial, reports exactly what a whole run does
/// (annotations and summary). A merge job without partials fails (exit 2) with an annotation.
#[test]
fn shards_on_a_matrix_then_a_merge_report_as_one_whole_run() {
    let p = example();
    let dir = p.path("gateway");
    let base = [
        ("COMMAND", "check"),
        ("ARGS", "--baseline-path ../gateway-1.0.0 -q"),
        ("WORKING_DIRECTORY", dir.to_str().unwrap()),
    ];
    let whole = Github::new();
    let reference = whole.step("run", &base);
    reference.assert_code(1);

    let gh = Github::new();
    let partials = gh.file("cargo-atomic-partials");
    for shard in ["1/2", "hash:2/2"] {
        gh.step("cache-key", &[("WORKING_DIRECTORY", dir.to_str().unwrap()), ("PARTITION", shard)]).assert_code(0);
    }
    let output = gh.read("output");
    assert!(output.contains("-count-1-of-2\n") && output.contains("-hash-2-of-2\n"), "a cache per shard: {output}");
    // Both shards of one split: `1/2` and `2/2` (count).
    std::fs::remove_file(gh.file("output")).unwrap();
    for shard in ["1/2", "2/2"] {
        let mut inputs = base.to_vec();
        inputs.push(("PARTITION", shard));
        let run = gh.step("run", &inputs);
        run.assert_code(0);
        assert!(run.stdout.is_empty(), "a shard prints no verdict: {}", run.stdout);
    }
    let output = gh.read("output");
    let k2 = partials.join("partial-count-2-of-2.json");
    assert!(output.contains(&format!("partial={}\n", k2.display())), "{output}");
    assert!(output.contains("shard=count-1-of-2\n") && k2.is_file(), "{output}");
    assert!(!gh.file("summary.md").exists(), "a shard writes no summary");

    let mut merge = base.to_vec();
    merge.push(("MERGE", "true"));
    let merged = gh.step("run", &merge);
    assert_eq!(merged.code, reference.code, "{}", merged.stderr);
    assert_eq!(merged.stdout, reference.stdout);
    assert_eq!(gh.read("summary.md"), whole.read("summary.md"));
    assert!(gh.read("output").ends_with("exit-code=1\nconsistent=false\n"), "{}", gh.read("output"));

    let empty = Github::new();
    let none = empty.step("run", &merge);
    none.assert_code(2);
    assert!(none.stdout.contains("::error title=cargo atomic::no shard partials in"), "{}", none.stdout);
}

/// A shallow checkout (actions/checkout's default) has no release tags: the action fetches them
/// itself, so the baseline is the last release and a committed break does not pass silently.
#[test]
fn the_action_fetches_the_release_tags_of_a_shallow_checkout() {
    let origin = crate::support::released_then_broken();
    let gh = Github::new();
    let clone = gh.file("clone");
    let url = format!("file://{}", origin.root().display());
    let out = Command::new("git").args(["clone", "-q", "--depth", "1", &url]).arg(&clone).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shallow = Command::new("git").args(["tag", "--list"]).current_dir(&clone).output().unwrap();
    assert!(shallow.stdout.is_empty(), "the shallow clone has no tags");
    let run = gh.step("run", &[("COMMAND", "check"), ("WORKING_DIRECTORY", clone.to_str().unwrap())]);
    run.assert_code(1);
    assert!(run.stdout.contains("git fetch --tags --unshallow"), "{}", run.stdout);
    assert!(
        run.stdout.contains("title=cargo atomic%3A bump-too-small::`demo` needs a major bump (0.1.0 → 0.2.0)"),
        "the baseline is the tagged release: {}",
        run.stdout
    );
}

/// GitHub's OIDC token endpoint and a registry's trusted-publishing exchange, on 127.0.0.1: each
/// exchange of a job token the OIDC endpoint issued gives a new registry token (`tp-1`, ...).
struct TrustedPublishing {
    runtime: tokio::runtime::Runtime,
    url: String,
    exchanged: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl TrustedPublishing {
    fn start() -> TrustedPublishing {
        use axum::routing::{get, post};
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let exchanged = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = exchanged.clone();
        let app = axum::Router::new()
            .route(
                "/oidc",
                get(|headers: axum::http::HeaderMap, query: axum::extract::RawQuery| async move {
                    let authorized = headers.get("authorization").is_some_and(|v| v == "bearer request-token");
                    let audience = query.0.unwrap_or_default().contains("&audience=127.0.0.1");
                    if !(authorized && audience) {
                        return (axum::http::StatusCode::UNAUTHORIZED, String::new());
                    }
                    (axum::http::StatusCode::OK, r#"{"count":1,"value":"job-jwt"}"#.to_string())
                }),
            )
            .route(
                "/api/v1/trusted_publishing/tokens",
                post(move |body: String| {
                    let seen = seen.clone();
                    async move {
                        let body: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                        if body["jwt"] != "job-jwt" {
                            return (axum::http::StatusCode::BAD_REQUEST, String::new());
                        }
                        let mut seen = seen.lock().unwrap();
                        let token = format!("tp-{}", seen.len() + 1);
                        seen.push(token.clone());
                        (axum::http::StatusCode::OK, serde_json::json!({ "token": token }).to_string())
                    }
                }),
            );
        runtime.spawn(async move { axum::serve(listener, app).await.unwrap() });
        TrustedPublishing { runtime, url, exchanged }
    }
}

/// The documented publish job with `id-token: write`: the action exchanges the job's OIDC token
/// for a fresh registry token before each upload, and refuses crates the registry does not have
/// yet. Without the job's OIDC token, the token step says what the job lacks.
#[test]
fn the_action_publishes_with_trusted_publishing_a_fresh_token_per_upload() {
    use crate::publish::{train, CRATES};
    use crate::registry::{pairs, Registry};
    let tp = TrustedPublishing::start();
    let registry = Registry::start();
    let (p, env) = train(&registry);
    let dir = p.root().to_str().unwrap().to_string();
    let oidc = format!("{}/oidc?api-version=2.0", tp.url);
    let mut runner: Vec<(&str, &str)> = pairs(&env);
    runner
        .extend([("ACTIONS_ID_TOKEN_REQUEST_URL", oidc.as_str()), ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-token")]);
    let inputs = [
        ("COMMAND", "publish"),
        ("ARGS", "--index-timeout 2"),
        ("WORKING_DIRECTORY", dir.as_str()),
        ("TRUSTED_PUBLISHING", "true"),
        ("REGISTRY_URL", tp.url.as_str()),
    ];

    // New crates: refused before any token is asked for.
    let gh = Github::new();
    let refused = gh.step_env("run", &inputs, &runner);
    refused.assert_code(1);
    assert!(
        refused.stderr.contains("error[new-crate-trusted-publishing]: `base` is not in local yet"),
        "{}",
        refused.stderr
    );
    assert_eq!(registry.uploads(), 0);

    // Created once with a regular token; the next release goes through the action.
    crate::publish::publish(&p, &env, &[]).assert_code(0);
    p.file("base/src/lib.rs", &(p.read("base/src/lib.rs") + "pub fn more() {}\n"));
    p.atomic_env(&["snapshot", "--workspace", "-q"], &pairs(&env)).assert_code(0);
    p.atomic_env(&["bump", "-q"], &pairs(&env)).assert_code(0);
    p.git(&["commit", "-q", "-am", "more"]);
    let before = registry.tokens_seen().len();
    let run = gh.step_env("run", &inputs, &runner);
    run.assert_code(0);
    assert!(gh.read("output").ends_with("exit-code=0\nconsistent=true\n"), "{}", gh.read("output"));
    let used: Vec<String> = registry.tokens_seen()[before..].to_vec();
    assert_eq!(used, *tp.exchanged.lock().unwrap(), "each upload with a token just exchanged");
    assert_eq!(used.len(), CRATES.len(), "{}", run.stderr);
    assert_eq!(used.iter().collect::<std::collections::BTreeSet<_>>().len(), CRATES.len(), "{used:?}");

    // A job without `id-token: write` has no OIDC request variables.
    let lacking = gh.step_env("token", &inputs, &pairs(&env));
    lacking.assert_code(1);
    assert!(lacking.stderr.contains("give the job `permissions: id-token: write`"), "{}", lacking.stderr);
    let _ = &tp.runtime;
}

/// `changelog: true`: the release notes next to the verdict, in a file for a release step (output
/// `changelog`) and in the job summary.
#[test]
fn the_action_writes_the_release_notes_to_a_file_and_the_summary() {
    let p = example();
    let dir = p.path("gateway");
    let gh = Github::new();
    let run = gh.step(
        "run",
        &[
            ("COMMAND", "check"),
            ("ARGS", "--baseline-path ../gateway-1.0.0"),
            ("WORKING_DIRECTORY", dir.to_str().unwrap()),
            ("CHANGELOG", "true"),
            ("CHANGELOG_ARGS", "--baseline-path ../gateway-1.0.0 --date 2026-12-07"),
        ],
    );
    run.assert_code(1);
    let notes = gh.file("cargo-atomic-changelog.md");
    assert!(gh.read("output").contains(&format!("changelog={}\n", notes.display())), "{}", gh.read("output"));
    let text = std::fs::read_to_string(&notes).unwrap();
    assert!(
        text.starts_with(
            "## core 2.0.0 - 2026-12-07\n\n### Breaking changes\n\n- `fn core::execute_operation` gained parameter"
        ),
        "{text}"
    );
    let summary = gh.read("summary.md");
    assert!(summary.contains("## Release notes\n\n## core 2.0.0 - 2026-12-07"), "{summary}");
    assert!(summary.contains("## cargo atomic check"), "the verdict's summary stays: {summary}");
}
