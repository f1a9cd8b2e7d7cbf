//! The toolchain the user has: every real toolchain's rustdoc JSON of the item-kind fixture
//! crates and of the bundled example (`tests/fixtures/rustdoc-json/<rustc version>.tar.xz`,
//! recorded by `scripts/rustdoc-json-fixtures.sh` from Debian's and rustup's toolchains) gives
//! the snapshots Rust 1.95's gives, byte for byte; and every format no reachable toolchain emits,
//! converted from real JSON of the nearest format as that format's changelog says, likewise.
//!
//! The JSON is replayed into the tool's own pipeline ([`build_apis`] with a replaying
//! [`JsonSource`]): what runs is what a run on that toolchain runs after rustdoc.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use cargo_atomic::rustdoc::source::{JsonSource, Provided};
use cargo_atomic::rustdoc::{build_apis, formats, DocOptions};
use cargo_atomic::workspace::Workspace;
use serde_json::{json, Value};

use crate::support::{copy_dir, Project, FIXTURES};

/// The toolchain whose snapshots the others are compared with.
const REFERENCE: &str = "1.95.0";

/// The recorded workspaces: the item-kind crates, and the bundled example (its crate `core`
/// shares its name with the standard library's).
const WORKSPACES: [&str; 2] = ["kinds", "gateway"];

/// One recorded toolchain: its rustdoc JSON by workspace and library name.
struct Recorded {
    toolchain: String,
    format: u32,
    json: BTreeMap<String, BTreeMap<String, Vec<u8>>>,
}

fn recorded(version: &str) -> Recorded {
    let path = Path::new(FIXTURES).join("rustdoc-json").join(format!("{version}.tar.xz"));
    let mut packed = std::io::BufReader::new(std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path:?}: {e}")));
    let mut tar = Vec::new();
    lzma_rs::xz_decompress(&mut packed, &mut tar).expect("xz");
    let mut json = BTreeMap::new();
    let mut toolchain = String::new();
    for entry in tar::Archive::new(&tar[..]).entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().to_string_lossy().trim_start_matches("./").to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        match name.strip_suffix(".json").and_then(|n| n.split_once('/')) {
            Some((ws, lib)) => {
                json.entry(ws.to_string()).or_insert_with(BTreeMap::new).insert(lib.to_string(), bytes);
            }
            None if name == "toolchain.txt" => toolchain = String::from_utf8(bytes).unwrap(),
            None => {}
        }
    }
    let format = toolchain
        .lines()
        .find_map(|l| l.strip_prefix("rustdoc JSON format: "))
        .and_then(|f| f.parse().ok())
        .expect("toolchain.txt names the format");
    Recorded { toolchain, format, json }
}

/// Every recorded toolchain's version, oldest first.
fn recorded_versions() -> Vec<String> {
    let mut versions: Vec<String> = std::fs::read_dir(Path::new(FIXTURES).join("rustdoc-json"))
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().to_string_lossy().strip_suffix(".tar.xz").map(str::to_string))
        .collect();
    versions.sort_by_key(|v| v.split(['.', '-']).map(|p| p.parse::<u32>().unwrap_or(0)).collect::<Vec<_>>());
    versions
}

/// A replaying source: each package's JSON, as a recorded run would provide it.
#[derive(Debug)]
struct Replay {
    by_package: BTreeMap<String, Vec<u8>>,
}

impl JsonSource for Replay {
    fn recording(&self) -> bool {
        false
    }
    fn documents(&self, _: &str) -> bool {
        false
    }
    fn role(&self, _: &Path) -> String {
        "replay".to_string()
    }
    fn provided(&self, _: &str, package: &str) -> anyhow::Result<Provided<'_>> {
        match self.by_package.get(package) {
            Some(json) => Ok(Provided::Json(json)),
            None => anyhow::bail!("nothing recorded for {package}"),
        }
    }
    fn keep_json(&self, _: &str, _: &str, _: Vec<u8>) -> anyhow::Result<()> {
        unreachable!("a replay records nothing")
    }
    fn keep_api(&self, _: &str, _: &str, _: &cargo_atomic::api::CrateApi) {
        unreachable!("a replay records nothing")
    }
}

/// The snapshot file of every crate of every recorded workspace (`workspace/package`), from
/// `json` (by workspace and library name).
fn snapshots(json: &BTreeMap<String, BTreeMap<String, Vec<u8>>>) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for name in WORKSPACES {
        let recorded = json.get(name).ok_or_else(|| anyhow::anyhow!("nothing recorded for {name}"))?;
        for (package, snapshot) in workspace_snapshots(name, recorded)? {
            out.insert(format!("{name}/{package}"), snapshot);
        }
    }
    Ok(out)
}

fn workspace_snapshots(name: &str, json: &BTreeMap<String, Vec<u8>>) -> anyhow::Result<BTreeMap<String, String>> {
    let p = Project::new();
    let dir = match name {
        "gateway" => Path::new(FIXTURES).join("../../examples/gateway"),
        _ => Path::new(FIXTURES).join(name),
    };
    copy_dir(&dir, p.root());
    let ws = Workspace::load(Some(&p.path("Cargo.toml")))?;
    let mut by_package = BTreeMap::new();
    for m in &ws.members {
        let lib = &m.lib.as_ref().expect("every fixture crate has a library").name;
        let bytes = json.get(lib).ok_or_else(|| anyhow::anyhow!("no JSON recorded for {lib}"))?;
        by_package.insert(m.name.clone(), bytes.clone());
    }
    let opts = DocOptions { source: Some(Arc::new(Replay { by_package })), ..Default::default() };
    let members: Vec<_> = ws.members.iter().collect();
    let apis = build_apis(&ws, &members, &opts, &mut |_| {})?;
    Ok(apis
        .by_package
        .into_iter()
        .map(|(name, api)| (name, cargo_atomic::api::snapshot::render(&api.snapshot)))
        .collect())
}

fn reference() -> BTreeMap<String, String> {
    static REF: std::sync::OnceLock<BTreeMap<String, String>> = std::sync::OnceLock::new();
    REF.get_or_init(|| snapshots(&recorded(REFERENCE).json).expect("the reference toolchain's JSON reads")).clone()
}

/// The lines where two toolchains' snapshots differ, by crate.
fn differences(got: &BTreeMap<String, String>, want: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (name, want) in want {
        let got = got.get(name).map(String::as_str).unwrap_or_default();
        if got != want {
            let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
            out.extend(w.iter().filter(|l| !g.contains(l)).map(|l| format!("{name}: - {l}")));
            out.extend(g.iter().filter(|l| !w.contains(l)).map(|l| format!("{name}: + {l}")));
        }
    }
    out
}

/// Every real toolchain recorded: Debian's 1.85.0 (bookworm's rustc-web), 1.85.1 (trixie),
/// 1.96 (bookworm-security's rustc-web), 1.97.1 (sid), 1.98.1 (trixie-backports), rustup's 1.95
/// and nightly — formats 37, 57 and 60 — gives the reference's snapshots.
#[test]
fn every_recorded_toolchain_gives_the_same_snapshots() {
    let versions = recorded_versions();
    for wanted in ["1.85.0", "1.85.1", "1.95.0", "1.96.0", "1.97.1", "1.98.1"] {
        assert!(versions.iter().any(|v| v == wanted), "{wanted} is recorded: {versions:?}");
    }
    let want = reference();
    assert_eq!(want.len(), 16, "every fixture crate and the example's three");
    let mut formats = BTreeMap::new();
    for version in &versions {
        let r = recorded(version);
        assert!(r.toolchain.contains(&format!("release: {version}")), "{version}: {}", r.toolchain);
        for (lib, json) in r.json.values().flatten() {
            assert_eq!(formats::format_version(json), Some(r.format), "{version} {lib}");
        }
        formats.insert(version.clone(), r.format);
        let got = snapshots(&r.json).unwrap_or_else(|e| panic!("{version} (format {}): {e:#}", r.format));
        let diff = differences(&got, &want);
        assert!(diff.is_empty(), "{version} (format {}) differs from {REFERENCE}:\n{}", r.format, diff.join("\n"));
    }
    for (version, format) in [("1.85.1", 37), ("1.95.0", 57), ("1.97.1", 57), ("1.98.1", 60)] {
        assert_eq!(formats[version], format, "{version}");
    }
}

/// A format no reachable toolchain emits is read through its own published definitions, from
/// real JSON of the nearest format converted as its changelog says: 38 to 45 up from 1.85.1's
/// 37, 46 to 56 down from 1.95's 57, 58 and 59 up from 57, 61 up from 1.98.1's 60.
#[test]
fn every_format_no_toolchain_here_emits_reads_as_its_neighbours_do() {
    let want = reference();
    let from_37 = recorded("1.85.1");
    let from_57 = recorded(REFERENCE);
    let from_60 = recorded("1.98.1");
    assert_eq!((from_37.format, from_57.format, from_60.format), (37, 57, 60));
    let mut read = Vec::new();
    for format in formats::supported() {
        let (source, name) = match format {
            37 | 57 | 60 => continue,
            38..=45 => (&from_37, "1.85.1 (format 37), converted up"),
            46..=56 => (&from_57, "1.95.0 (format 57), converted down"),
            58 | 59 => (&from_57, "1.95.0 (format 57), converted up"),
            _ => (&from_60, "1.98.1 (format 60), converted up"),
        };
        let mut json: BTreeMap<String, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
        for (ws, libs) in &source.json {
            for (lib, bytes) in libs {
                let mut value: Value = serde_json::from_slice(bytes).unwrap();
                convert(&mut value, source.format, format);
                published(format, &value).unwrap_or_else(|e| panic!("{lib} as format {format} ({name}): {e:#}"));
                json.entry(ws.clone()).or_default().insert(lib.clone(), serde_json::to_vec(&value).unwrap());
            }
        }
        let got = snapshots(&json).unwrap_or_else(|e| panic!("format {format} from {name}: {e:#}"));
        let diff = differences(&got, &want);
        assert!(diff.is_empty(), "format {format} from {name} differs from {REFERENCE}:\n{}", diff.join("\n"));
        read.push(format);
    }
    assert_eq!(read.len(), 21, "every format but the three recorded ones: {read:?}");
}

/// Formats 57 to 60 are read straight into the newest definitions: 58 to 61 only added optional
/// fields, so nothing a format says is lost. Real 57 and 60 JSON, read through their own
/// published definitions and through the newest, say the same.
#[test]
fn the_formats_read_straight_into_the_model_lose_nothing() {
    for (version, format) in [(REFERENCE, 57), ("1.98.1", 60)] {
        for (lib, bytes) in recorded(version).json.values().flatten() {
            let own: Value = match format {
                57 => serde_json::to_value(serde_json::from_slice::<rustdoc_types_57::Crate>(bytes).unwrap()),
                _ => serde_json::to_value(serde_json::from_slice::<rustdoc_types_60::Crate>(bytes).unwrap()),
            }
            .unwrap();
            let mut newest = serde_json::to_value(formats::read(bytes).unwrap()).unwrap();
            // The fields the newest definitions add, absent in the older format: `null`.
            cargo_atomic_each_object(&mut newest, &mut |map| {
                for key in ["stability", "const_stability", "default_unstable"] {
                    if map.get(key) == Some(&Value::Null) && !has_key(&own, key) {
                        map.remove(key);
                    }
                }
            });
            assert!(own == newest, "{version} {lib}: the newest definitions read format {format} differently");
        }
    }
}

fn has_key(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(map) => map.contains_key(key) || map.values().any(|v| has_key(v, key)),
        Value::Array(items) => items.iter().any(|v| has_key(v, key)),
        _ => false,
    }
}

/// Reads `value` through the published definitions of `format`.
fn published(format: u32, value: &Value) -> anyhow::Result<()> {
    use serde::Deserialize;
    match format {
        57 => drop(rustdoc_types_57::Crate::deserialize(value)?),
        58 => drop(rustdoc_types_58::Crate::deserialize(value)?),
        59 => drop(rustdoc_types_59::Crate::deserialize(value)?),
        60 => drop(rustdoc_types_60::Crate::deserialize(value)?),
        61 => drop(rustdoc_types::Crate::deserialize(value)?),
        _ => formats::validate(format, value)?,
    }
    anyhow::ensure!(value["format_version"] == json!(format), "the document says format {}", value["format_version"]);
    Ok(())
}

// ---- conversions, written from the rustdoc-types changelog, apart from the tool's upgrades ----

/// `value` (real JSON of format `from`) as format `to` would have written it.
fn convert(value: &mut Value, from: u32, to: u32) {
    match (from, to) {
        (37, 38..=45) => up_from_37(value, to),
        (57, 46..=56) => down_from_57(value, to),
        (57, 58 | 59) => {
            // 58 added `Item::stability`, 59 `Item::const_stability`: absent for this crate.
            items(value, &mut |item| {
                item.insert("stability".into(), Value::Null);
                if to == 59 {
                    item.insert("const_stability".into(), Value::Null);
                }
            });
        }
        (60, 61) => {} // 61 changed how `Stability` is derived for other serializations, not JSON.
        _ => panic!("no conversion from {from} to {to}"),
    }
    value["format_version"] = json!(to);
}

fn items(value: &mut Value, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    if let Some(Value::Object(index)) = value.get_mut("index") {
        for item in index.values_mut() {
            if let Value::Object(map) = item {
                f(map);
            }
        }
    }
}

fn cargo_atomic_each_object(value: &mut Value, f: &mut dyn FnMut(&mut serde_json::Map<String, Value>)) {
    match value {
        Value::Object(map) => {
            f(map);
            for v in map.values_mut() {
                cargo_atomic_each_object(v, f);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| cargo_atomic_each_object(v, f)),
        _ => {}
    }
}

fn up_from_37(value: &mut Value, to: u32) {
    // 38: `Path::name` is the item's name alone; 39 renames it `path` and restores the path.
    cargo_atomic_each_object(value, &mut |map| {
        if map.len() == 3 && map.contains_key("id") && map.contains_key("args") {
            if let Some(Value::String(name)) = map.remove("name") {
                if to == 38 {
                    let last = name.rsplit("::").next().unwrap_or(&name).to_string();
                    map.insert("name".into(), json!(last));
                } else {
                    map.insert("path".into(), json!(name));
                }
            }
        }
    });
    // 40 to 42: the attributes the compiler's new attribute system had, as it prints them.
    if (40..=42).contains(&to) {
        items(value, &mut |item| {
            if let Some(Value::Array(attrs)) = item.get_mut("attrs") {
                for a in attrs.iter_mut() {
                    if let Some(printed) = a.as_str().and_then(printed_attr) {
                        *a = json!(printed);
                    }
                }
            }
        });
    }
    // 41: `use<..>` bounds hold `PreciseCapturingArg`s.
    if to >= 41 {
        cargo_atomic_each_object(value, &mut |map| {
            if let (1, Some(Value::Array(args))) = (map.len(), map.get_mut("use")) {
                for arg in args.iter_mut() {
                    if let Some(s) = arg.as_str().map(str::to_string) {
                        *arg = if s.starts_with('\'') { json!({"lifetime": s}) } else { json!({"param": s}) };
                    }
                }
            }
        });
    }
    // 44: `Crate::target`.
    if to >= 44 {
        value["target"] = json!({"triple": "x86_64-unknown-linux-gnu", "target_features": []});
    }
    // 45: span columns counted from 1.
    if to >= 45 {
        cargo_atomic_each_object(value, &mut |map| {
            if map.contains_key("filename") {
                for key in ["begin", "end"] {
                    if let Some(c) = map.get(key).and_then(|b| b.get(1)).and_then(Value::as_u64) {
                        map.get_mut(key).unwrap()[1] = json!(c + 1);
                    }
                }
            }
        });
    }
}

/// `#[repr(C, packed(2))]` → `#[attr = Repr([ReprC, ReprPacked(Align(2 bytes))])]`; `#[inline]`
/// → `#[attr = Inline(Hint)]`, as formats 40 to 42 printed them.
fn printed_attr(attr: &str) -> Option<String> {
    if attr == "#[inline]" {
        return Some("#[attr = Inline(Hint)]".to_string());
    }
    let list = attr.strip_prefix("#[repr(")?.strip_suffix(")]")?;
    let hints: Vec<String> = list
        .split(',')
        .map(|h| {
            let h = h.trim();
            let n = |prefix: &str| h.strip_prefix(prefix).and_then(|r| r.strip_suffix(')')).map(str::to_string);
            match h {
                "C" => "ReprC".to_string(),
                "transparent" => "ReprTransparent".to_string(),
                _ if h.starts_with("packed(") => format!("ReprPacked(Align({} bytes))", n("packed(").unwrap()),
                _ if h.starts_with("align(") => format!("ReprAlign(Align({} bytes))", n("align(").unwrap()),
                _ if h.starts_with('u') => format!("ReprInt(UnsignedInt({}))", capitalize(h)),
                _ => format!("ReprInt(SignedInt({}))", capitalize(h)),
            }
        })
        .collect();
    Some(format!("#[attr = Repr([{}])]", hints.join(", ")))
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn down_from_57(value: &mut Value, to: u32) {
    // 57 added `ExternalCrate::path`.
    if let Some(Value::Object(crates)) = value.get_mut("external_crates") {
        for c in crates.values_mut() {
            c.as_object_mut().unwrap().remove("path");
        }
    }
    // 55 added `Attribute::MacroExport`; 54 made attributes values: before, strings as the
    // compiler printed or as they were written.
    items(value, &mut |item| {
        let Some(Value::Array(attrs)) = item.get_mut("attrs") else { return };
        for a in attrs.iter_mut() {
            if to < 55 && *a == json!("macro_export") {
                *a = json!({"other": "#[macro_export]"});
            }
            if to < 54 {
                *a = json!(attr_string(a, to));
            }
        }
    });
    // 51 made constraint and qualified-path args optional; before, empty brackets.
    if to < 51 {
        let empty = json!({"angle_bracketed": {"args": [], "constraints": []}});
        cargo_atomic_each_object(value, &mut |map| {
            let has = |k: &str| map.contains_key(k);
            if ((has("name") && has("binding")) || (has("self_type") && has("trait")))
                && map.get("args") == Some(&Value::Null)
            {
                map.insert("args".into(), empty.clone());
            }
        });
    }
}

/// An attribute value of format 54 as format `to` (46 to 53) wrote it.
fn attr_string(a: &Value, to: u32) -> String {
    if let Some(s) = a.get("other").and_then(Value::as_str) {
        // 48 printed `#[inline]` as the compiler does; the recorded 57 JSON has it so already.
        return if to < 48 && s == "#[attr = Inline(Hint)]" { "#[inline]".to_string() } else { s.to_string() };
    }
    match a.as_str() {
        Some("non_exhaustive") => return "#[non_exhaustive]".to_string(),
        Some("no_mangle") => return "#[no_mangle]".to_string(),
        Some("automatically_derived") => return "#[automatically_derived]".to_string(),
        Some(other) => panic!("an attribute of format 54 the conversion does not know: {other}"),
        None => {}
    }
    if let Some(m) = a.get("must_use") {
        let reason = m["reason"].as_str();
        return match (to >= 52, reason) {
            (true, Some(r)) => format!("#[attr = MustUse {{reason: {}}}]", json!(r)),
            (true, None) => "#[attr = MustUse]".to_string(),
            (false, Some(r)) => format!("#[must_use = {}]", json!(r)),
            (false, None) => "#[must_use]".to_string(),
        };
    }
    if let Some(r) = a.get("repr") {
        let mut hints = Vec::new();
        match r["kind"].as_str() {
            Some("c") => hints.push("C".to_string()),
            Some("transparent") => hints.push("transparent".to_string()),
            Some("simd") => hints.push("simd".to_string()),
            _ => {}
        }
        if let Some(int) = r["int"].as_str() {
            hints.push(int.to_string());
        }
        if let Some(n) = r["packed"].as_u64() {
            hints.push(format!("packed({n})"));
        }
        if let Some(n) = r["align"].as_u64() {
            hints.push(format!("align({n})"));
        }
        return format!("#[repr({})]", hints.join(", "));
    }
    if let Some(name) = a.get("export_name").and_then(Value::as_str) {
        return format!("#[export_name = {}]", json!(name));
    }
    if let Some(section) = a.get("link_section").and_then(Value::as_str) {
        return format!("#[link_section = {}]", json!(section));
    }
    if let Some(enable) = a.get("target_feature").and_then(|t| t["enable"].as_array()) {
        let features: Vec<&str> = enable.iter().filter_map(Value::as_str).collect();
        return format!("#[target_feature(enable = {})]", json!(features.join(",")));
    }
    panic!("an attribute of format 54 the conversion does not know: {a}")
}

/// The main job on a real Debian toolchain (Rust 1.85, format 37), pinned by the workspace's
/// `rust-toolchain.toml` as a user pins one: `check` documents with it, says so, and reaches the
/// verdict the default toolchain reaches; `--prove` compiles its witnesses with it. `.ci/run`
/// installs the toolchain (Debian 12's `rustc-web` 1.85) and runs this with
/// `CARGO_ATOMIC_DEBIAN_TOOLCHAIN=/usr`.
#[test]
#[ignore = "needs a Debian toolchain in CARGO_ATOMIC_DEBIAN_TOOLCHAIN (see .ci/run)"]
fn a_debian_toolchain_pinned_by_rust_toolchain_toml_documents_the_example() {
    let dir = std::env::var("CARGO_ATOMIC_DEBIAN_TOOLCHAIN").expect("CARGO_ATOMIC_DEBIAN_TOOLCHAIN names a toolchain");
    let rustc =
        std::process::Command::new(Path::new(&dir).join("bin").join("rustc")).arg("--version").output().unwrap();
    let release = String::from_utf8_lossy(&rustc.stdout).split_whitespace().nth(1).unwrap().to_string();
    let p = crate::support::example();
    // As `cargo atomic check` runs in the workspace: with the toolchain rustup picks there.
    let run = |extra: &[&str], pinned: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-atomic"));
        cmd.args(["atomic", "check", "--baseline-path", "../gateway-1.0.0", "--color", "never"])
            .args(extra)
            .current_dir(p.path("gateway"))
            .env("CARGO_TERM_COLOR", "never");
        if pinned {
            // Through rustup's proxies, which read the pin.
            for var in ["CARGO", "RUSTUP_TOOLCHAIN", "RUSTC", "RUSTDOC"] {
                cmd.env_remove(var);
            }
        }
        let out = cmd.output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, default) = run(&[], false);
    assert_eq!(code, Some(1), "{default}");
    p.file("gateway/rust-toolchain.toml", &format!("[toolchain]\npath = {dir:?}\n"));
    let (code, stderr) = run(&[], true);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(&format!("(rustc {release})")), "documented with the pinned toolchain:\n{stderr}");
    let format = formats::format_version(&std::fs::read(p.path("gateway/target/atomic/doc/core.json")).unwrap());
    assert_eq!(format, Some(37), "rustc {release} writes format 37");
    let verdict = |s: &str| s.lines().filter(|l| !l.contains("Documenting")).collect::<Vec<_>>().join("\n");
    assert_eq!(verdict(&stderr), verdict(&default), "the same verdict on both toolchains");
    let (code, stderr) = run(&["--prove"], true);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("major findings 1 proven"), "witnesses compile with rustc {release}:\n{stderr}");
}
