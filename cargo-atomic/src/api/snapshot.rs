//! The committed snapshot file: a header, the crate's features, one item per line, a trailer.
//!
//! ```text
//! # cargo-atomic API snapshot: ...
//! schema 2
//! package core
//! lib core
//! checked-features default
//!
//! feature default = []
//! dependency serde 1
//! export core_init = #[no_mangle] extern "C" fn core::ffi::core_init()
//! pub mod core
//! pub fn core::execute_operation(interface: &str, operation: &str) -> Result<(), core::Error>
//! end 2 items
//! ```
//!
//! The trailer makes a truncated file an error instead of a smaller API.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use anyhow::{bail, Context};

use super::{parse_export, parse_item, Decl, FeatureSelection, Snapshot, OLDEST_SCHEMA, SCHEMA};

/// The snapshot's file name inside each package directory.
pub const FILE_NAME: &str = "atomic-api.txt";

const HEADER: &str = "\
# cargo-atomic API snapshot: one public item per line, so a diff of this file reviews the API change.
# Written by `cargo atomic snapshot`, checked by `cargo atomic check`. Do not edit by hand.
";

/// The state of one committed snapshot file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Byte for byte what the current API renders to (line endings aside).
    Fresh,
    /// A valid snapshot of another API.
    Stale,
    /// No file.
    Missing,
    /// A file that is not a snapshot (unreadable, not UTF-8, or does not parse): the reason.
    Corrupt(String),
}

#[derive(Clone, Debug)]
pub struct SnapshotState {
    pub package: String,
    /// The file, relative to the workspace root.
    pub file: String,
    pub freshness: Freshness,
    /// What the file should contain.
    pub expected: String,
    /// Items in the current API.
    pub items: usize,
}

impl SnapshotState {
    /// A corrupt snapshot as an error naming the file.
    pub fn corrupt(&self) -> Option<anyhow::Error> {
        match &self.freshness {
            Freshness::Corrupt(why) => Some(anyhow::anyhow!("{why}")),
            _ => None,
        }
    }
}

/// The file's full text. Deterministic: equal snapshots give byte-identical text.
pub fn render(snapshot: &Snapshot) -> String {
    let mut out = String::from(HEADER);
    out.push_str(&format!("schema {SCHEMA}\n"));
    out.push_str(&format!("package {}\n", snapshot.package));
    out.push_str(&format!("lib {}\n", snapshot.lib));
    out.push_str(&format!("checked-features {}\n\n", snapshot.checked_features.render()));
    for line in snapshot.lines() {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!("end {} items\n", snapshot.items.len()));
    debug_assert_eq!(
        parse(&out, "rendered snapshot").map_err(|e| e.to_string()).as_ref(),
        Ok(snapshot),
        "a snapshot must read back as the model it was written from"
    );
    out
}

/// [`render`], checked to read back as the same model (in release builds too): a snapshot that
/// cannot be read back must never be written.
pub fn render_checked(snapshot: &Snapshot) -> anyhow::Result<String> {
    let text = render(snapshot);
    verify(&text, snapshot)?;
    Ok(text)
}

/// Checks that `text`, rendered from `snapshot`, reads back as it.
pub fn verify(text: &str, snapshot: &Snapshot) -> anyhow::Result<()> {
    let back = parse(text, &format!("the new snapshot of {}", snapshot.package))
        .context("internal error: a snapshot would not read back; please report it")?;
    if &back != snapshot {
        let first = snapshot.items.iter().zip(&back.items).find(|(a, b)| a != b).map(|(a, _)| a.render());
        bail!(
            "internal error: the snapshot of {} does not read back as written (first difference at `{}`); please report it",
            snapshot.package,
            first.unwrap_or_default()
        );
    }
    Ok(())
}

/// Parses a snapshot file's text; `origin` names it in errors (a path, or `REV:path`).
pub fn parse(text: &str, origin: &str) -> anyhow::Result<Snapshot> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.starts_with("# "));
    let mut header = |key: &str| -> anyhow::Result<String> {
        match lines.next() {
            Some((n, line)) => match line.strip_prefix(key).and_then(|r| r.strip_prefix(' ')) {
                Some(value) => Ok(value.to_string()),
                None => bail!("{origin}:{}: expected `{key} ...`, found `{line}`", n + 1),
            },
            None => bail!("{origin}: the file ends before its `{key}` line"),
        }
    };
    let schema = header("schema").context("this is not a cargo-atomic snapshot")?;
    let schema: u32 = schema.parse().with_context(|| format!("{origin}: schema `{schema}` is not a number"))?;
    if schema > SCHEMA {
        bail!(
            "{origin} was written with snapshot schema {schema}, newer than this cargo-atomic reads \
             (schema {SCHEMA}); upgrade cargo-atomic"
        );
    }
    if schema < OLDEST_SCHEMA {
        bail!("{origin} uses snapshot schema {schema}, which this cargo-atomic no longer reads");
    }
    let package = header("package")?;
    let lib = header("lib")?;
    let checked_features = parse_selection(&header("checked-features")?)
        .with_context(|| format!("{origin}: unreadable `checked-features` line"))?;

    let mut snapshot = Snapshot {
        package,
        lib,
        checked_features,
        features: BTreeMap::new(),
        dependencies: BTreeMap::new(),
        items: Vec::new(),
        exports: BTreeMap::new(),
    };
    let mut types: HashSet<String> = HashSet::new();
    let mut ended = None;
    for (n, line) in lines {
        if line.is_empty() {
            continue;
        }
        let at = || format!("{origin}:{}", n + 1);
        if ended.is_some() {
            bail!("{}: content after the `end` line", at());
        }
        if let Some(count) = line.strip_prefix("end ").and_then(|r| r.strip_suffix(" items")) {
            ended = Some(count.parse::<usize>().with_context(|| format!("{}: malformed `end` line", at()))?);
        } else if let Some(dep) = line.strip_prefix("dependency ") {
            let (name, series) = dep.split_once(' ').with_context(|| format!("{}: malformed dependency", at()))?;
            snapshot.dependencies.insert(name.to_string(), series.to_string());
        } else if line.starts_with("export ") {
            let (symbol, item) = parse_export(line).map_err(|e| anyhow::anyhow!("{}: {e}: `{line}`", at()))?;
            snapshot.exports.insert(symbol, item);
        } else if let Some(feature) = line.strip_prefix("feature ") {
            let (name, values) = parse_feature(feature).with_context(|| format!("{}: malformed feature", at()))?;
            snapshot.features.insert(name, values);
        } else {
            let is_type = |p: &str| types.contains(p);
            let item = parse_item(line, &is_type).map_err(|e| anyhow::anyhow!("{}: {e}: `{line}`", at()))?;
            if matches!(item.decl, Decl::Struct(_) | Decl::Enum(_) | Decl::Union(_)) {
                types.insert(item.path.clone());
            }
            snapshot.items.push(item);
        }
    }
    match ended {
        None => bail!("{origin} is truncated: its `end` line is missing"),
        Some(count) if count != snapshot.items.len() => {
            bail!("{origin} is corrupt: its `end` line counts {count} items, the file has {}", snapshot.items.len())
        }
        Some(_) => Ok(snapshot),
    }
}

/// Reads and parses a snapshot file.
pub fn read(path: &Path) -> anyhow::Result<Snapshot> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read snapshot {}", path.display()))?;
    parse(&text, &path.display().to_string())
}

fn parse_selection(s: &str) -> anyhow::Result<FeatureSelection> {
    let list = |rest: &str| rest.split(", ").filter(|f| !f.is_empty()).map(str::to_string).collect();
    Ok(match s {
        "all" => FeatureSelection::All,
        "default" => FeatureSelection::Default(Vec::new()),
        "none" => FeatureSelection::NoDefault(Vec::new()),
        _ => {
            if let Some(rest) = s.strip_prefix("default, ") {
                FeatureSelection::Default(list(rest))
            } else if let Some(rest) = s.strip_prefix("no-default, ") {
                FeatureSelection::NoDefault(list(rest))
            } else {
                bail!("unknown feature selection `{s}`")
            }
        }
    })
}

fn parse_feature(s: &str) -> anyhow::Result<(String, Vec<String>)> {
    let (name, list) = s.split_once(" = ").context("expected `name = [...]`")?;
    let values: Vec<String> = serde_json::from_str(list).context("expected a list of strings")?;
    Ok((name.to_string(), values))
}

/// A snapshot of crate `k` from item lines (and `feature` / `dependency` lines), for tests.
#[cfg(test)]
pub(crate) fn from_lines(lines: &str) -> Snapshot {
    let lines: Vec<&str> = lines.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let items = lines.iter().filter(|l| !l.starts_with("feature ") && !l.starts_with("dependency ")).count();
    let text = format!(
        "schema {SCHEMA}\npackage k\nlib k\nchecked-features default\n\n{}\nend {items} items\n",
        lines.join("\n")
    );
    parse(&text, "test").expect("a test snapshot parses")
}

#[cfg(test)]
mod fuzz {
    //! The snapshot parser and the canonicalizer against generated input: item lines built from
    //! the grammar with arbitrary (non-ASCII included) identifiers read back as written, and no
    //! input, however malformed, panics them.

    use proptest::prelude::*;

    use crate::api::{canonical::canonical, parse_item};

    /// An identifier: ASCII or not (Rust identifiers are Unicode).
    fn ident() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z][a-z0-9_]{0,6}",
            "[A-Z][a-zA-Z0-9]{0,6}",
            "[a-zäöüßéçαβγ][a-zäöüßéçαβγ0-9_]{0,5}",
            "[ÄÖÜÇŤ][a-zäöü]{0,5}",
        ]
    }

    fn ty() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("u8".to_string()),
            Just("&str".to_string()),
            Just("String".to_string()),
            ident().prop_map(|i| format!("k::{i}")),
        ];
        leaf.prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                inner.clone().prop_map(|t| format!("Option<{t}>")),
                inner.clone().prop_map(|t| format!("&{t}")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}, {b})")),
                inner.prop_map(|t| format!("Vec<{t}>")),
            ]
        })
    }

    /// Item lines of several kinds, as `render` writes them.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            (ident(), prop::collection::vec((ident(), ty()), 0..4), prop::option::of(ty())).prop_map(|(n, ps, out)| {
                let params: Vec<String> = ps.iter().map(|(p, t)| format!("{p}: {t}")).collect();
                let out = out.map(|o| format!(" -> {o}")).unwrap_or_default();
                format!("pub fn k::{n}({}){out}", params.join(", "))
            }),
            (ident(), prop::collection::vec((ident(), ty()), 1..4)).prop_map(|(n, fs)| {
                let fields: Vec<String> = fs.iter().map(|(f, t)| format!("pub {f}: {t}")).collect();
                format!("pub struct k::{n} {{ {} }}", fields.join(", "))
            }),
            (ident(), ty()).prop_map(|(n, t)| format!("pub const k::{n}: {t}")),
            (ident(), ty()).prop_map(|(n, t)| format!("pub static k::{n}: {t}")),
            (ident(), ident()).prop_map(|(n, g)| format!("pub fn k::{n}<{g}: Clone>(x: {g}) -> {g}")),
            (ident(), ident()).prop_map(|(t, s)| format!("impl Clone for k::{t}{s}")),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn generated_lines_read_back_as_written(line in line()) {
            let item = parse_item(&line, &|_| false).map_err(|e| TestCaseError::fail(format!("{e}: {line}")))?;
            prop_assert_eq!(item.render(), line.clone());
            // Canonical forms of valid items never panic and keep the path.
            let (c, _) = canonical(&item, &[]);
            prop_assert_eq!(c.path, item.path);
        }

        #[test]
        fn arbitrary_lines_never_panic(line in "\\PC{0,80}") {
            if let Ok(item) = parse_item(&line, &|_| false) {
                let _ = canonical(&item, &[]);
                let _ = item.render();
            }
        }

        #[test]
        fn arbitrary_files_never_panic(body in prop::collection::vec("\\PC{0,40}", 0..8)) {
            let text = format!("schema 2\npackage k\nlib k\nchecked-features default\n\n{}\nend 1 items\n", body.join("\n"));
            let _ = super::parse(&text, "fuzz");
        }
    }
}
