//! The `build.rs` side: read the committed snapshot, write the identity into `OUT_DIR`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::{snapshot, Identity};

/// The snapshot's file name, as `cargo atomic snapshot` writes it in the package directory.
pub const SNAPSHOT_FILE: &str = "atomic-api.txt";
/// The file `embed` writes into `OUT_DIR`.
pub const GENERATED_FILE: &str = "atomic_identity.rs";
/// Set by `cargo atomic` for its own rustdoc runs: the snapshot may not exist yet (it is what
/// those runs produce), and the identity's contents do not change the crate's API.
pub const DOCUMENTING_ENV: &str = "CARGO_ATOMIC_DOCUMENTING";

/// What [`Embed`] does when the snapshot is missing or unreadable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MissingSnapshot {
    /// Fail the build with a message naming the file and the command that writes it.
    #[default]
    Error,
    /// Warn, and embed an identity with no items (compatible with nothing but itself).
    Warn,
}

/// Embeds the crate's API identity; call it from `build.rs`. Fails the build, naming the file
/// and the command that writes it, when the snapshot is missing or corrupt.
///
/// ```no_run
/// // build.rs
/// fn main() {
///     atomic_build::embed();
/// }
/// ```
///
/// The crate then includes the generated file, which defines `ATOMIC_IDENTITY`:
///
/// ```ignore
/// include!(concat!(env!("OUT_DIR"), "/atomic_identity.rs"));
///
/// pub fn identity() -> atomic_build::Identity {
///     ATOMIC_IDENTITY.identity()
/// }
/// ```
pub fn embed() {
    Embed::new().run();
}

/// [`embed`] with options.
///
/// ```no_run
/// // build.rs: a missing snapshot is a warning, not an error
/// fn main() {
///     atomic_build::Embed::new().on_missing(atomic_build::MissingSnapshot::Warn).run();
/// }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Embed {
    snapshot: Option<PathBuf>,
    on_missing: MissingSnapshot,
}

impl Embed {
    /// Defaults: the snapshot in the package directory, a missing one fails the build.
    pub fn new() -> Embed {
        Embed::default()
    }

    /// Reads the snapshot from `path` instead of `<package>/atomic-api.txt`.
    pub fn snapshot(mut self, path: impl Into<PathBuf>) -> Embed {
        self.snapshot = Some(path.into());
        self
    }

    /// What a missing or corrupt snapshot does.
    pub fn on_missing(mut self, on_missing: MissingSnapshot) -> Embed {
        self.on_missing = on_missing;
        self
    }

    /// Runs in `build.rs`: prints Cargo directives, writes the identity, and exits the build
    /// script with an error message when it cannot.
    pub fn run(self) {
        if let Err(message) = self.try_run() {
            eprintln!("error: atomic-build: {message}");
            std::process::exit(1);
        }
    }

    /// Like [`Embed::run`], returning the error instead of exiting.
    pub fn try_run(self) -> Result<PathBuf, String> {
        let var =
            |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set; call atomic-build from build.rs"));
        let manifest_dir = PathBuf::from(var("CARGO_MANIFEST_DIR")?);
        let out_dir = PathBuf::from(var("OUT_DIR")?);
        let package = var("CARGO_PKG_NAME")?;
        let version = var("CARGO_PKG_VERSION")?;
        let path = self.snapshot.clone().unwrap_or_else(|| manifest_dir.join(SNAPSHOT_FILE));
        // Rebuild the identity when, and only when, the snapshot changes.
        println!("cargo:rerun-if-changed={}", path.display());
        println!("cargo:rerun-if-env-changed={DOCUMENTING_ENV}");
        let documenting = std::env::var_os(DOCUMENTING_ENV).is_some();
        let identity = match read_identity(&path, &package, &version) {
            Ok(identity) => identity,
            Err(_) if documenting => Identity::from_items(&package, &version, &[]),
            Err(problem) => {
                let message = format!(
                    "cannot embed the API identity of `{package}`: {} {problem}; run `cargo atomic snapshot -p {package}` \
                     to write it, and commit it",
                    path.display()
                );
                match self.on_missing {
                    MissingSnapshot::Error => return Err(message),
                    MissingSnapshot::Warn => {
                        println!("cargo:warning={message}");
                        Identity::from_items(&package, &version, &[])
                    }
                }
            }
        };
        let out = out_dir.join(GENERATED_FILE);
        std::fs::write(&out, generated_code(&identity, &path))
            .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
        Ok(out)
    }
}

fn read_identity(path: &Path, package: &str, version: &str) -> Result<Identity, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err("does not exist".to_string()),
        Err(e) => return Err(format!("cannot be read ({e})")),
    };
    let snapshot = snapshot::parse(&text).map_err(|e| format!("is not a valid snapshot: {e}"))?;
    if snapshot.package != package {
        return Err(format!("is the snapshot of `{}`, not of `{package}`", snapshot.package));
    }
    let items: Vec<(&str, &str)> = snapshot.items.iter().map(|(k, d)| (k.as_str(), d.as_str())).collect();
    Ok(Identity::from_items(package, version, &items))
}

fn generated_code(id: &Identity, source: &Path) -> String {
    let file = source.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(out, "// Generated by atomic-build from {file}. Do not edit.");
    let _ =
        writeln!(out, "/// The API identity of `{}` {}, from its committed API snapshot.", id.crate_name, id.version);
    let _ = writeln!(
        out,
        "pub static ATOMIC_IDENTITY: ::atomic_build::EmbeddedIdentity = ::atomic_build::EmbeddedIdentity {{"
    );
    let _ = writeln!(out, "    crate_name: {:?},", id.crate_name);
    let _ = writeln!(out, "    version: {:?},", id.version);
    let _ = writeln!(out, "    fingerprint: 0x{:016x},", id.fingerprint);
    out.push_str("    items: &[");
    for i in &id.items {
        let _ = write!(out, "(0x{:08x}, 0x{:08x}), ", i.key, i.digest);
    }
    out.push_str("],\n    names: &[");
    for i in &id.items {
        let _ = write!(out, "{:?}, ", i.name.as_deref().unwrap_or(""));
    }
    out.push_str("],\n};\n");
    out
}
