//! `atomic-build`: an `interface` crate embeds its identity; a `plugin` and a `host` built
//! separately, against different versions of `interface`, check each other at run time.

use crate::support::{Project, Run};

const ATOMIC_BUILD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../atomic-build");

const V1: &str = r#"include!(concat!(env!("OUT_DIR"), "/atomic_identity.rs"));

/// The identity of this `interface`, as the part using it was built.
pub fn identity() -> atomic_build::Identity {
    ATOMIC_IDENTITY.identity()
}

pub fn execute_operation(interface: &str, operation: &str) -> Result<(), String> {
    let _ = (interface, operation);
    Ok(())
}
"#;

fn interface(p: &Project, dir: &str, version: &str, src: &str) {
    interface_with(p, dir, version, src, &format!("{{ path = \"{ATOMIC_BUILD}\" }}"));
}

/// `dep`: how the interface depends on atomic-build.
fn interface_with(p: &Project, dir: &str, version: &str, src: &str, dep: &str) {
    p.file(
        &format!("{dir}/Cargo.toml"),
        &format!(
            "[package]\nname = \"interface\"\nversion = \"{version}\"\nedition = \"2021\"\npublish = [\"local\"]\n\
             description = \"shared interface\"\nlicense = \"MIT\"\n\n[workspace]\n\n\
             [dependencies]\natomic-build = {dep}\n\n[build-dependencies]\natomic-build = {dep}\n"
        ),
    )
    .file(&format!("{dir}/build.rs"), "fn main() {\n    atomic_build::embed();\n}\n")
    .file(&format!("{dir}/src/lib.rs"), src);
}

/// A binary using `interface` from `dir`.
fn part(p: &Project, name: &str, interface_dir: &str, main: &str) {
    p.file(
        &format!("{name}/Cargo.toml"),
        &format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n\
             [dependencies]\ninterface = {{ path = \"../{interface_dir}\" }}\natomic-build = {{ path = \"{ATOMIC_BUILD}\" }}\n"
        ),
    )
    .file(&format!("{name}/src/main.rs"), main);
}

fn cargo(p: &Project, dir: &str, args: &[&str]) -> Run {
    p.cargo_in(dir, args, &[])
}

const PLUGIN: &str = r#"fn main() {
    // The plugin announces the interface it was built against.
    println!("{}", interface::identity());
}
"#;

const HOST: &str = r#"fn main() {
    let announced = std::env::args().nth(1).expect("the plugin's identity");
    let plugin: atomic_build::Identity = match announced.parse() {
        Ok(id) => id,
        Err(e) => { eprintln!("{e}"); std::process::exit(2); }
    };
    match atomic_build::check_compatible(&plugin, &interface::identity()) {
        Ok(()) => println!("plugin accepted"),
        Err(e) => { eprintln!("plugin refused: {e}"); std::process::exit(1); }
    }
}
"#;

#[test]
fn separately_built_parts_check_each_other() {
    let p = Project::new();
    interface(&p, "interface-1.0", "1.0.0", V1);
    interface(&p, "interface-1.1", "1.1.0", &format!("{V1}\npub fn ping() {{}}\n"));
    interface(
        &p,
        "interface-2.0",
        "2.0.0",
        &V1.replace("operation: &str) -> Result", "operation: &str, timeout: std::time::Duration) -> Result")
            .replace("let _ = (interface, operation);", "let _ = (interface, operation, timeout);"),
    );
    for dir in ["interface-1.0", "interface-1.1", "interface-2.0"] {
        p.atomic(&["snapshot", "-q", "--manifest-path", &format!("{dir}/Cargo.toml")]).assert_code(0);
    }
    part(&p, "plugin", "interface-1.0", PLUGIN);
    part(&p, "host-additive", "interface-1.1", HOST);
    part(&p, "host-breaking", "interface-2.0", HOST);

    let plugin = cargo(&p, "plugin", &["run", "-q"]);
    plugin.assert_code(0);
    let announced = plugin.stdout.trim().to_string();
    assert!(announced.starts_with("atomic-id1."), "{announced}");

    let additive = cargo(&p, "host-additive", &["run", "-q", "--", &announced]);
    additive.assert_code(0);
    assert_eq!(additive.stdout.trim(), "plugin accepted");

    let breaking = cargo(&p, "host-breaking", &["run", "-q", "--", &announced]);
    breaking.assert_code(1);
    assert_eq!(
        breaking.stderr.trim(),
        "plugin refused: built against interface 1.0.0, but found interface 2.0.0, which is not compatible; \
         changed: fn interface::execute_operation"
    );

    // A garbled handshake is an error, not a panic.
    let garbled = cargo(&p, "host-additive", &["run", "-q", "--", &announced[..announced.len() - 7]]);
    garbled.assert_code(2);
    assert!(garbled.stderr.contains("invalid API identity"), "{}", garbled.stderr);
}

#[test]
fn the_build_script_reruns_only_when_the_snapshot_changes() {
    let p = Project::new();
    interface(&p, "interface", "1.0.0", V1);
    p.atomic(&["snapshot", "-q", "--manifest-path", "interface/Cargo.toml"]).assert_code(0);
    let ran = |run: &Run| run.stderr.contains("interface-") && run.stderr.contains("/build-script-build`");
    let first = cargo(&p, "interface", &["build", "-v"]);
    first.assert_code(0);
    assert!(ran(&first), "{}", first.stderr);

    p.file("interface/src/lib.rs", &format!("{V1}\n// a comment\nfn private() {{}}\n"));
    let second = cargo(&p, "interface", &["build", "-v"]);
    second.assert_code(0);
    assert!(!ran(&second), "a source change must not rerun the build script:\n{}", second.stderr);

    p.file("interface/src/lib.rs", &format!("{V1}\npub fn ping() {{}}\n"));
    p.atomic(&["snapshot", "-q", "--manifest-path", "interface/Cargo.toml"]).assert_code(0);
    let third = cargo(&p, "interface", &["build", "-v"]);
    third.assert_code(0);
    assert!(ran(&third), "a new snapshot must rerun the build script:\n{}", third.stderr);
}

#[test]
fn a_missing_or_corrupt_snapshot_fails_the_build_with_the_command_to_run() {
    let p = Project::new();
    interface(&p, "interface", "1.0.0", V1);
    let missing = cargo(&p, "interface", &["build"]);
    assert_ne!(missing.code, 0);
    let expected = format!(
        "error: atomic-build: cannot embed the API identity of `interface`: {} does not exist; \
         run `cargo atomic snapshot -p interface` to write it, and commit it",
        p.path("interface/atomic-api.txt").display()
    );
    assert!(missing.stderr.contains(&expected), "{}", missing.stderr);

    // cargo atomic can document the crate before its first snapshot exists.
    p.atomic(&["snapshot", "-q", "--manifest-path", "interface/Cargo.toml"]).assert_code(0);
    cargo(&p, "interface", &["build", "-q"]).assert_code(0);

    let text = p.read("interface/atomic-api.txt");
    p.file("interface/atomic-api.txt", &text[..text.len() / 2]);
    let corrupt = cargo(&p, "interface", &["build"]);
    assert_ne!(corrupt.code, 0);
    assert!(corrupt.stderr.contains("is not a valid snapshot: it is truncated"), "{}", corrupt.stderr);

    // As a warning instead, by option.
    p.file(
        "interface/build.rs",
        "fn main() {\n    atomic_build::Embed::new().on_missing(atomic_build::MissingSnapshot::Warn).run();\n}\n",
    );
    let warned = cargo(&p, "interface", &["build"]);
    warned.assert_code(0);
    assert!(
        warned.stderr.contains("warning: interface@1.0.0: cannot embed the API identity of `interface`"),
        "{}",
        warned.stderr
    );
}

#[test]
fn the_snapshot_ships_in_the_package_and_builds_from_it() {
    // atomic-build from a registry, as a published `interface` would get it.
    let registry = crate::registry::Registry::start();
    let env = registry.env();
    let env = crate::registry::pairs(&env);
    let scratch = tempfile::tempdir().unwrap();
    let p = Project::new();
    let manifest = format!("{ATOMIC_BUILD}/Cargo.toml");
    let target = scratch.path().to_str().unwrap();
    let publish = ["publish", "--registry", "local", "--no-verify", "--allow-dirty", "-q"];
    p.cargo(&[&publish[..], &["--manifest-path", &manifest, "--target-dir", target]].concat(), &env).assert_code(0);

    let version = env!("CARGO_PKG_VERSION");
    interface_with(&p, "interface", "1.0.0", V1, &format!("{{ version = \"{version}\", registry = \"local\" }}"));
    p.atomic_env(&["snapshot", "-q", "--manifest-path", "interface/Cargo.toml"], &env).assert_code(0);
    let list = p.cargo_in("interface", &["package", "--list", "--allow-dirty"], &env);
    list.assert_code(0);
    assert!(list.stdout.lines().any(|l| l == "atomic-api.txt"), "{}", list.stdout);
    // `cargo package` verifies by building the packaged crate: its build script finds the
    // snapshot inside the package.
    let packaged = p.cargo_in("interface", &["package", "--allow-dirty"], &env);
    packaged.assert_code(0);
    assert!(packaged.stderr.contains("Verifying interface v1.0.0"), "{}", packaged.stderr);
    assert!(packaged.stderr.contains("Compiling interface v1.0.0"), "{}", packaged.stderr);
}
