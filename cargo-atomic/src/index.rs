//! A registry's index, read for the tool's own questions: every version of a crate the registry
//! lists, yanked or not, with its checksum.
//!
//! Read directly where the index is a sparse one this module can reach as Cargo would (one HTTP
//! request per crate, conditional on what was read last time, crates in parallel); otherwise
//! Cargo answers: a resolution in a scratch project, then Cargo's own cache of the index file it
//! fetched. Either way the answer is what Cargo itself would see. Decides nothing about releases.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use crate::workspace::Workspace;

/// One version the index lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub version: semver::Version,
    pub yanked: bool,
    pub checksum: String,
}

/// What the index says of a crate: its versions (oldest first as listed), or nothing at all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    pub entries: Vec<Entry>,
}

impl Listing {
    /// Whether the crate is in the registry at all.
    pub fn exists(&self) -> bool {
        !self.entries.is_empty()
    }

    /// The entry of `version` (build metadata counts: a registry takes `1.0.0+a` and `1.0.0+b` as
    /// one version, and so does this).
    pub fn get(&self, version: &semver::Version) -> Option<&Entry> {
        self.entries.iter().find(|e| e.version.cmp_precedence(version).is_eq())
    }

    /// The live (not yanked) versions.
    pub fn live(&self) -> impl Iterator<Item = &semver::Version> {
        self.entries.iter().filter(|e| !e.yanked).map(|e| &e.version)
    }

    /// The highest live version `req` admits.
    pub fn highest(&self, req: &semver::VersionReq) -> Option<&semver::Version> {
        self.live().filter(|v| req.matches(v)).max_by(|a, b| a.cmp_precedence(b))
    }
}

/// The index of each `(package, registry)` (`None`: crates.io), asked in parallel.
pub fn listings(ws: &Workspace, crates: &[(String, Option<String>)]) -> Vec<anyhow::Result<Listing>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = crates.iter().map(|(p, r)| scope.spawn(move || listing(ws, p, r.as_deref()))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

/// The index of `package` in `registry` (`None`: crates.io), asked once per run: the questions
/// of one command (baselines, taken versions, what `bump` passes over) get one answer. (A
/// publish asks Cargo after each upload, not this.)
pub fn listing(ws: &Workspace, package: &str, registry: Option<&str>) -> anyhow::Result<Listing> {
    type Memo = std::sync::Mutex<BTreeMap<(PathBuf, String, Option<String>), Listing>>;
    static MEMO: std::sync::OnceLock<Memo> = std::sync::OnceLock::new();
    let key = (ws.root.clone(), package.to_string(), registry.map(str::to_string));
    let memo = MEMO.get_or_init(Default::default);
    if let Some(known) = memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(known);
    }
    let answer = ask(ws, package, registry)?;
    if let Ok(mut m) = memo.lock() {
        m.insert(key, answer.clone());
    }
    Ok(answer)
}

fn ask(ws: &Workspace, package: &str, registry: Option<&str>) -> anyhow::Result<Listing> {
    let shown = registry.unwrap_or("crates-io");
    // A registry no configuration names is one Cargo cannot ask either (in its words).
    if let Some(r) = registry.filter(|r| config_value(&ws.root, &format!("registries.{r}.index")).is_none()) {
        if !source_replaced(&ws.root, r) {
            bail!("registry index was not found in any configuration: `{r}`");
        }
    }
    match Direct::for_registry(&ws.root, registry) {
        Some(direct) => match direct.fetch(&ws.atomic_dir(), package) {
            Ok(Some(listing)) => Ok(listing),
            // The index asks for a token (Cargo has it; this tool never handles one), or Cargo
            // reaches it by ways of its own.
            Ok(None) => via_cargo(ws, package, registry),
            Err(e) => Err(e.context(format!("cannot read the index of `{shown}` for {package}"))),
        },
        None => via_cargo(ws, package, registry),
    }
}

/// A sparse index read over HTTP.
struct Direct {
    /// With a trailing `/`.
    url: String,
    timeout: Duration,
    proxy: Option<String>,
}

/// The settings of Cargo's configuration this module reads: `(dotted key, value)`, the
/// environment first, then the files Cargo reads for the workspace, nearest first.
fn config_value(root: &Path, key: &str) -> Option<String> {
    let env = format!("CARGO_{}", key.to_uppercase().replace(['.', '-'], "_"));
    if let Some(v) = std::env::var_os(&env) {
        return Some(v.to_string_lossy().into_owned());
    }
    for file in crate::cargo::config_files(root) {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else { continue };
        let mut item: Option<&toml_edit::Item> = Some(doc.as_item());
        for part in key.split('.') {
            item = item.and_then(|i| i.get(part));
        }
        if let Some(i) = item {
            return Some(match i.as_value() {
                Some(toml_edit::Value::String(s)) => s.value().clone(),
                _ => i.to_string().trim().to_string(),
            });
        }
    }
    None
}

impl Direct {
    /// The sparse index of `registry`, when nothing in Cargo's configuration would make Cargo read
    /// it otherwise (source replacement, a git index, offline, a certificate authority of its own).
    fn for_registry(root: &Path, registry: Option<&str>) -> Option<Direct> {
        if std::env::var_os("CARGO_ATOMIC_INDEX").is_some_and(|v| v == "cargo") {
            return None;
        }
        let name = registry.unwrap_or("crates-io");
        let offline = config_value(root, "net.offline").is_some_and(|v| v == "true" || v == "1");
        if offline || config_value(root, "http.cainfo").is_some() || source_replaced(root, name) {
            return None;
        }
        let index = match registry {
            None => match config_value(root, "registries.crates-io.protocol").as_deref() {
                Some("git") => return None,
                _ => "sparse+https://index.crates.io/".to_string(),
            },
            Some(r) => config_value(root, &format!("registries.{r}.index"))?,
        };
        let url = index.strip_prefix("sparse+")?;
        let url = if url.ends_with('/') { url.to_string() } else { format!("{url}/") };
        let timeout = config_value(root, "http.timeout").and_then(|t| t.parse().ok()).unwrap_or(30);
        Some(Direct { url, timeout: Duration::from_secs(timeout), proxy: config_value(root, "http.proxy") })
    }

    /// The listing; `None` when Cargo must answer: the index wants credentials, or cannot be
    /// reached directly.
    fn fetch(&self, atomic_dir: &Path, package: &str) -> anyhow::Result<Option<Listing>> {
        let path = index_path(package);
        let cache = atomic_dir.join("index").join(&crate::fsutil::sha256_hex(self.url.as_bytes())[..16]).join(&path);
        let cached: Option<Cached> = std::fs::read(&cache).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok());
        let mut config = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            .user_agent(concat!("cargo-atomic/", env!("CARGO_PKG_VERSION")))
            // The system's certificates, as Cargo trusts them (a company's proxy included).
            .tls_config(ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::PlatformVerifier).build());
        if let Some(proxy) = &self.proxy {
            config = config.proxy(Some(ureq::Proxy::new(proxy).with_context(|| format!("the proxy `{proxy}`"))?));
        }
        let agent: ureq::Agent = config.build().into();
        let url = format!("{}{path}", self.url);
        let mut request = agent.get(&url);
        if let Some(c) = &cached {
            if let Some(etag) = &c.etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(modified) = &c.last_modified {
                request = request.header("If-Modified-Since", modified);
            }
        }
        // A request that does not reach the index (a network Cargo reaches otherwise: a proxy
        // of its own, certificates of its own) is Cargo's to answer; an address that answered
        // "no" answers Cargo alike, so it is said here rather than after Cargo's retries.
        let mut response = match request.call() {
            Ok(response) => response,
            Err(e) if refused(&e) => bail!("GET {url}: the connection was refused"),
            Err(_) => return Ok(None),
        };
        let status = response.status().as_u16();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        match status {
            304 => match cached {
                Some(c) => Ok(Some(parse(&c.body)?)),
                None => bail!("GET {url}: 304 Not Modified to a request that was not conditional"),
            },
            200 => {
                let (etag, last_modified) = (header("etag"), header("last-modified"));
                let body = response.body_mut().read_to_string().with_context(|| format!("GET {url}: the body"))?;
                let listing = parse(&body)?;
                let record = Cached { etag, last_modified, body };
                let _ = crate::fsutil::replace_cache_file(&cache, &serde_json::to_vec(&record).expect("serializable"));
                Ok(Some(listing))
            }
            // crates.io answers 403 (its CDN) or 404 for a crate it does not have.
            404 | 410 | 451 => Ok(Some(Listing::default())),
            403 if self.url.starts_with("https://index.crates.io/") => Ok(Some(Listing::default())),
            401 | 403 => Ok(None),
            _ => bail!("GET {url}: HTTP {status}"),
        }
    }
}

/// Whether the index's address answered and refused the connection.
fn refused(e: &ureq::Error) -> bool {
    matches!(e, ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused)
}

/// Whether Cargo reads `registry` through a replacement source (a mirror, vendored sources).
fn source_replaced(root: &Path, registry: &str) -> bool {
    config_value(root, &format!("source.{registry}.replace-with")).is_some()
}

#[derive(Serialize, Deserialize)]
struct Cached {
    etag: Option<String>,
    last_modified: Option<String>,
    body: String,
}

/// A crate's file in an index: `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd…`, lowercase.
pub fn index_path(package: &str) -> String {
    let name = package.to_lowercase();
    match name.len() {
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", &name[..1]),
        _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
    }
}

/// An index file: one JSON object per line.
fn parse(body: &str) -> anyhow::Result<Listing> {
    #[derive(Deserialize)]
    struct Line {
        vers: String,
        #[serde(default)]
        yanked: bool,
        #[serde(default)]
        cksum: String,
    }
    let mut entries = Vec::new();
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        let l: Line = serde_json::from_str(line).context("an index line that is not the index's JSON")?;
        // A version this tool cannot read is one no requirement it writes can match.
        if let Ok(version) = semver::Version::parse(&l.vers) {
            entries.push(Entry { version, yanked: l.yanked, checksum: l.cksum });
        }
    }
    Ok(Listing { entries })
}

/// Cargo's answer: a resolution of the crate in a scratch project makes Cargo fetch its index
/// file, which it keeps in its own cache (`$CARGO_HOME/registry/index/*/.cache/<path>`).
fn via_cargo(ws: &Workspace, package: &str, registry: Option<&str>) -> anyhow::Result<Listing> {
    let dep = crate::cargo::Dependency {
        package: package.to_string(),
        req: ">=0.0.0-0".to_string(),
        registry: registry.map(str::to_string),
        extra: String::new(),
    };
    let dir = crate::cargo::scratch(&ws.atomic_dir(), &format!("index-{package}"), &[dep])?;
    let started = std::time::SystemTime::now();
    let out = std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(&ws.root)
        .args(["generate-lockfile", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .context("cannot run `cargo generate-lockfile`")?;
    let err = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && crate::cargo::no_such_package(&err, package) {
        return Ok(Listing::default());
    }
    let file = cargo_cache_file(package, started).with_context(|| {
        format!(
            "cannot read the registry's index of {package} through Cargo{}",
            if out.status.success() { String::new() } else { format!(":\n{}", crate::cargo::messages(&err)) }
        )
    })?;
    let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
    parse_cargo_cache(&bytes).with_context(|| format!("{} is not an index cache Cargo writes", file.display()))
}

/// The index cache file Cargo wrote for `package` since `since` (the newest, should several
/// registries hold one).
fn cargo_cache_file(package: &str, since: std::time::SystemTime) -> Option<PathBuf> {
    let home = match std::env::var_os("CARGO_HOME") {
        Some(h) => PathBuf::from(h),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cargo"),
    };
    let path = index_path(package);
    let mut best: Option<(std::time::SystemTime, PathBuf)> = None;
    for dir in std::fs::read_dir(home.join("registry").join("index")).ok()?.flatten() {
        let file = dir.path().join(".cache").join(&path);
        let Some(modified) = std::fs::metadata(&file).and_then(|m| m.modified()).ok() else { continue };
        // A second of slack: file systems keep coarse times.
        if modified + Duration::from_secs(1) >= since && best.as_ref().is_none_or(|(t, _)| modified > *t) {
            best = Some((modified, file));
        }
    }
    best.map(|(_, f)| f)
}

/// Cargo's index cache file: a version byte, the index schema version (4 bytes), the index
/// file's own version and a NUL, then `version NUL json NUL` pairs.
fn parse_cargo_cache(bytes: &[u8]) -> anyhow::Result<Listing> {
    let rest = bytes.get(5..).context("too short")?;
    let mut parts = rest.split(|b| *b == 0);
    parts.next().context("no index version")?;
    let mut body = String::new();
    while let (Some(_version), Some(json)) = (parts.next(), parts.next()) {
        body.push_str(&String::from_utf8_lossy(json));
        body.push('\n');
    }
    parse(&body)
}

/// Versions of several crates at once, keyed by package, for callers that ask many questions of
/// one train: each crate's registry is the one its manifest publishes to.
pub fn for_members(ws: &Workspace, members: &[&crate::workspace::Member]) -> BTreeMap<String, anyhow::Result<Listing>> {
    let crates: Vec<(String, Option<String>)> =
        members.iter().map(|m| (m.name.clone(), crate::analysis::registry_of(m))).collect();
    crates.iter().map(|(p, _)| p.clone()).zip(listings(ws, &crates)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_that_refuses_the_connection_is_an_error_at_once() {
        // A port nothing listens on any more.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let direct = Direct { url: format!("http://127.0.0.1:{port}/"), timeout: Duration::from_secs(30), proxy: None };
        let dir = tempfile::tempdir().unwrap();
        // An error, not `None` (which hands the question to Cargo and its retries).
        let err = direct.fetch(dir.path(), "anything").expect_err("refused");
        assert!(err.to_string().contains("refused"), "{err:#}");
    }

    #[test]
    fn index_paths_follow_the_registry_layout() {
        assert_eq!(index_path("a"), "1/a");
        assert_eq!(index_path("ab"), "2/ab");
        assert_eq!(index_path("abc"), "3/a/abc");
        assert_eq!(index_path("Pest_Meta"), "pe/st/pest_meta");
    }

    #[test]
    fn an_index_file_lists_versions_with_yanked_flags() {
        let body = "{\"name\":\"a\",\"vers\":\"1.0.0\",\"cksum\":\"x\",\"yanked\":false}\n\
                    {\"name\":\"a\",\"vers\":\"1.1.0+meta\",\"cksum\":\"y\",\"yanked\":true}\n";
        let l = parse(body).unwrap();
        assert_eq!(l.entries.len(), 2);
        assert!(l.get(&semver::Version::parse("1.1.0").unwrap()).unwrap().yanked);
        let any = semver::VersionReq::parse("*").unwrap();
        assert_eq!(l.highest(&any), Some(&semver::Version::new(1, 0, 0)));
    }

    #[test]
    fn cargo_s_cache_file_reads_as_the_index_it_holds() {
        let mut bytes = vec![3u8, 2, 0, 0, 0];
        bytes.extend_from_slice(b"etag-1\0");
        bytes.extend_from_slice(b"1.0.0\0{\"vers\":\"1.0.0\",\"cksum\":\"c\"}\0");
        bytes.extend_from_slice(b"2.0.0\0{\"vers\":\"2.0.0\",\"cksum\":\"d\",\"yanked\":true}\0");
        let l = parse_cargo_cache(&bytes).unwrap();
        assert_eq!(l.entries.len(), 2);
        assert!(l.entries[1].yanked);
    }
}
