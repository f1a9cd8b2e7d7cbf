//! Sharded runs: a workspace documented in `n` shares on `n` machines (a CI job matrix), merged
//! into the verdict of one whole run.
//!
//! rustdoc is the cost of a run, so rustdoc is what is split. A shard (`--partition k/n
//! --emit-partial FILE`) runs the command's pipeline up to rustdoc — the current workspace and
//! every baseline that is documented from source — and runs rustdoc only for the members it
//! owns; it writes each owned member's rustdoc JSON (or, when its API cache already holds the
//! member, the stored API) into its partial file and stops. The merge (`--from-partials FILE...`)
//! runs the whole pipeline again with rustdoc replaced by the partials: normalization, baselines,
//! diffs, source locations, witnesses and the train are the code of a single run, on the same
//! bytes, so the merged output is the single run's by construction. A member another shard owns
//! is never documented twice: its JSON comes from its owner's partial.
//!
//! Ownership is by package name, the same for every workspace a run documents (the current one,
//! a revision's tree, a checkout, a published package): `count` numbers the current workspace's
//! members in name order and deals them out in turn, `hash` puts a name in the share its hash
//! falls in (stable as members come and go), `graph` cuts the current workspace's dependency
//! order into consecutive slices of balanced cost. Names the current workspace does not have fall
//! back to `hash`.
//!
//! Why `graph`: before rustdoc documents a member, Cargo checks every workspace crate it depends
//! on, so a shard builds the dependency closure of its share. Shares dealt by name each reach
//! across the whole graph (on a chain of 300 crates, every shard checks nearly all of them, and
//! that part does not shrink as shards are added); consecutive slices of the dependency order keep
//! each closure to what comes before the slice, and the later slices, whose closures are larger,
//! get fewer members to document.
//!
//! A partial names the command, its options, the toolchain, the tool's version and the identity
//! of the sources (every member's files, the lockfile, the manifests, the build environment). The
//! merge refuses — exit 2, never a partial verdict — a missing or repeated shard, shards of
//! different splits, commands, options, toolchains or trees, and a checkout that is not the one
//! the shards documented.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::api::CrateApi;
use crate::rustdoc::cache::Stored;
use crate::rustdoc::source::{JsonSource, Provided};
use crate::workspace::{DepKind, Workspace};

/// The file format's name and version, checked before anything else is read.
const FORMAT: &str = "cargo-atomic-partial";
const VERSION: u32 = 1;

/// How members are dealt out to shards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// The current workspace's members in name order, dealt out in turn.
    Count,
    /// By a stable hash of the package name.
    Hash,
    /// Consecutive slices of the current workspace's dependency order, balanced on what each
    /// shard builds (see [`graph_slices`]).
    Graph,
}

/// `--partition k/n`: this run is shard `k` of `n` (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partition {
    pub k: usize,
    pub n: usize,
    pub split: Split,
}

impl std::str::FromStr for Partition {
    type Err = String;
    fn from_str(s: &str) -> Result<Partition, String> {
        let (split, rest) = match s.split_once(':') {
            Some(("count", rest)) => (Split::Count, rest),
            Some(("hash", rest)) => (Split::Hash, rest),
            Some(("graph", rest)) => (Split::Graph, rest),
            Some((other, _)) => return Err(format!("unknown split `{other}` (expected `count`, `hash` or `graph`)")),
            None => (Split::Count, s),
        };
        let parse = |x: &str| x.trim().parse::<usize>().ok();
        let Some((k, n)) = rest.split_once('/').and_then(|(k, n)| Some((parse(k)?, parse(n)?))) else {
            return Err(format!("`{s}` is not a shard: expected `k/n`, `count:k/n`, `hash:k/n` or `graph:k/n`"));
        };
        if n == 0 || k == 0 || k > n {
            return Err(format!("`{s}` is not a shard: k must be between 1 and n"));
        }
        Ok(Partition { k, n, split })
    }
}

impl std::fmt::Display for Partition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let split = match self.split {
            Split::Count => "count",
            Split::Hash => "hash",
            Split::Graph => "graph",
        };
        write!(f, "{split}:{}/{}", self.k, self.n)
    }
}

impl Partition {
    /// The shard (1-based) of each member of the current workspace, given as `(name, documented,
    /// member dependencies)` (normal and build) in dependency order.
    pub fn owners(&self, members: &[(String, bool, Vec<String>)]) -> HashMap<String, usize> {
        match self.split {
            Split::Count => {
                let mut names: Vec<&str> = members.iter().map(|m| m.0.as_str()).collect();
                names.sort();
                names.into_iter().enumerate().map(|(i, name)| (name.to_string(), i % self.n + 1)).collect()
            }
            Split::Hash => HashMap::new(),
            Split::Graph => graph_slices(members, self.n),
        }
    }

    /// The shard (1-based) that owns `package`, given [`Partition::owners`]: names the current
    /// workspace does not have by their hash.
    pub fn owner(&self, owners: &HashMap<String, usize>, package: &str) -> usize {
        match owners.get(package) {
            Some(&k) => k,
            None => (fnv1a(package.as_bytes()) % self.n as u64) as usize + 1,
        }
    }
}

/// What checking a crate costs against documenting it, in the units of [`graph_slices`]:
/// rustdoc's JSON of a crate takes a few times its check (it gathers the standard library's
/// impls for every type).
const CHECK: u64 = 1;
const DOCUMENT: u64 = 4;

/// `members` (in dependency order) cut into at most `n` consecutive slices; the largest cost of a
/// slice is the least it can be. A slice costs what its shard builds: each documented member
/// once checked and once documented, and every crate of the slice's dependency closure outside
/// it checked.
fn graph_slices(members: &[(String, bool, Vec<String>)], n: usize) -> HashMap<String, usize> {
    let index: HashMap<&str, usize> = members.iter().enumerate().map(|(i, m)| (m.0.as_str(), i)).collect();
    // Each member's dependency closure (itself excluded), as indices.
    let mut closure: Vec<Vec<usize>> = Vec::with_capacity(members.len());
    for (i, (_, _, deps)) in members.iter().enumerate() {
        let mut seen = vec![false; members.len()];
        for d in deps.iter().filter_map(|d| index.get(d.as_str())).filter(|&&d| d != i) {
            seen[*d] = true;
            for &e in closure.get(*d).into_iter().flatten() {
                seen[e] = true;
            }
        }
        closure.push((0..members.len()).filter(|&j| seen[j]).collect());
    }
    let check = |i: usize| if members[i].1 { CHECK } else { 0 };
    let document = |i: usize| if members[i].1 { DOCUMENT } else { 0 };
    // What adding member `i` to a slice that has `checked` costs: documenting it, and checking it
    // and the part of its closure the slice does not check yet.
    let adding = |i: usize, checked: &[bool]| -> u64 {
        document(i) + closure[i].iter().chain([&i]).filter(|&&j| !checked[j]).map(|&j| check(j)).sum::<u64>()
    };
    // Greedy slices of cost at most `limit`; where each starts.
    let cut = |limit: u64| -> Vec<usize> {
        let mut starts = vec![0];
        let mut checked = vec![false; members.len()];
        let mut cost = 0;
        for (i, deps) in closure.iter().enumerate() {
            let mut added = adding(i, &checked);
            if cost + added > limit && i > *starts.last().expect("one slice") {
                starts.push(i);
                checked.fill(false);
                cost = 0;
                added = adding(i, &checked);
            }
            cost += added;
            for &j in deps.iter().chain([&i]) {
                checked[j] = true;
            }
        }
        starts
    };
    let total: u64 = (0..members.len()).map(|i| check(i) + document(i)).sum();
    let (mut low, mut high) = (0, total.max(1));
    while low < high {
        let mid = (low + high) / 2;
        if cut(mid).len() <= n {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    let starts = cut(high);
    let mut owners = HashMap::new();
    for (k, window) in starts.iter().chain([&members.len()]).collect::<Vec<_>>().windows(2).enumerate() {
        for m in &members[*window[0]..*window[1]] {
            owners.insert(m.0.clone(), k + 1);
        }
    }
    owners
}

/// FNV-1a, 64 bits: a hash that is the same on every machine and every Rust release.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// What a shard holds for one member of one documented workspace: rustdoc's JSON as rustdoc
/// wrote it, or the API its cache held (normalized already). (Plain optional fields: rustdoc's
/// JSON is embedded raw, which serde's tagged and flattened forms cannot carry.)
#[derive(Serialize, Deserialize)]
struct Entry {
    /// Which documented workspace (see [`Shards::role`]).
    workspace: String,
    package: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    json: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    api: Option<Stored>,
}

enum Held {
    Json(Box<RawValue>),
    Api(Stored),
}

/// What a shard's run was: every partial of one merge must say the same, but for `partition.k`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// `snapshot`, `diff` or `check`.
    pub command: String,
    /// The options that decide what is documented and compared (selection, features, target,
    /// baseline).
    pub options: String,
    /// This tool's version.
    pub tool: String,
    /// `rustc -vV`.
    pub toolchain: String,
    /// A hash of everything the members are built from (see [`source_identity`]).
    pub sources: String,
    /// The git commit, when the workspace is in a repository (for messages).
    pub commit: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct PartialFile {
    format: String,
    version: u32,
    partition: Partition,
    identity: Identity,
    entries: Vec<Entry>,
}

/// What every partial of a merge is compared with: the first one's split and identity.
struct PartialHead {
    partition: Partition,
    identity: Identity,
}

/// Only the header, to name a file's format before reading the rest.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

/// A sharded run in progress: a shard collecting, or a merge reading partials. Given to rustdoc as
/// its [`JsonSource`]: a shard records, a merge replays.
pub struct Shards {
    mode: Mode,
    /// The current workspace's root and tool dir, against which documented workspaces are named.
    root: PathBuf,
    atomic: PathBuf,
    target: PathBuf,
}

impl std::fmt::Debug for Shards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.mode {
            Mode::Collect { partition, .. } => write!(f, "Shards(collect {partition})"),
            Mode::Merge { split, held, .. } => write!(f, "Shards(merge of {} shards, {} members)", split.n, held.len()),
        }
    }
}

enum Mode {
    Collect { partition: Partition, owners: HashMap<String, usize>, held: Mutex<BTreeMap<(String, String), Held>> },
    Merge { split: Partition, owners: HashMap<String, usize>, held: HashMap<(String, String), Held> },
}

impl Shards {
    /// A shard's run: rustdoc for the members `partition` gives it.
    pub fn collect(ws: &Workspace, partition: Partition) -> Arc<Shards> {
        Arc::new(Shards {
            mode: Mode::Collect { partition, owners: owners(ws, partition), held: Mutex::new(BTreeMap::new()) },
            root: ws.root.clone(),
            atomic: ws.atomic_dir(),
            target: ws.target_dir.clone(),
        })
    }

    /// A merge of `files`, after checking they are every shard of one run of `identity` (and
    /// that run's workspace is `ws`).
    pub fn merge(ws: &Workspace, files: &[PathBuf], identity: &Identity) -> anyhow::Result<Arc<Shards>> {
        let mut partials: Vec<(PathBuf, PartialFile)> = Vec::new();
        for file in files {
            partials.push((file.clone(), read(file)?));
        }
        let (first_file, first) = partials.first().context("no partial files given")?;
        let (first_file, first_partition, first_identity) =
            (first_file.clone(), first.partition, first.identity.clone());
        let (first_file, first) = (&first_file, &PartialHead { partition: first_partition, identity: first_identity });
        let n = first.partition.n;
        for (file, p) in &partials {
            if p.partition.n != n || p.partition.split != first.partition.split {
                bail!(
                    "{} is shard {} but {} is shard {}: the partials come from different splits",
                    file.display(),
                    p.partition,
                    first_file.display(),
                    first.partition
                );
            }
            check_same(&first.identity, &p.identity, first_file, file)?;
        }
        let mut by_k: BTreeMap<usize, &PathBuf> = BTreeMap::new();
        for (file, p) in &partials {
            if let Some(other) = by_k.insert(p.partition.k, file) {
                bail!("shard {} is given twice: {} and {}", p.partition, other.display(), file.display());
            }
        }
        let missing: Vec<String> = (1..=n).filter(|k| !by_k.contains_key(k)).map(|k| format!("{k}/{n}")).collect();
        if !missing.is_empty() {
            bail!(
                "shard {} of this run {} missing: a verdict needs every shard (given: {})",
                missing.join(", "),
                if missing.len() == 1 { "is" } else { "are" },
                by_k.keys().map(|k| format!("{k}/{n}")).collect::<Vec<_>>().join(", ")
            );
        }
        let here = identity;
        if here.command != first.identity.command {
            bail!(
                "the partials were written by `cargo atomic {}`; they cannot be merged by `cargo atomic {}`",
                first.identity.command,
                here.command
            );
        }
        if here.options != first.identity.options {
            bail!(
                "the partials were written with other options than this merge's: give the merge the \
                 shards' selection, feature, target and baseline flags\n  shards: {}\n  merge:  {}",
                first.identity.options,
                here.options
            );
        }
        check_same(&first.identity, here, first_file, Path::new("this checkout"))?;
        let mut held = HashMap::new();
        for (_, p) in partials {
            for e in p.entries {
                let entry = match (e.json, e.api) {
                    (Some(json), None) => Held::Json(json),
                    (None, Some(api)) => Held::Api(api),
                    _ => {
                        bail!("the partial's entry for `{}` ({}) holds neither JSON nor an API", e.package, e.workspace)
                    }
                };
                held.insert((e.workspace, e.package), entry);
            }
        }
        let split = Partition { k: 1, n, split: first.partition.split };
        Ok(Arc::new(Shards {
            mode: Mode::Merge { split, owners: owners(ws, split), held },
            root: ws.root.clone(),
            atomic: ws.atomic_dir(),
            target: ws.target_dir.clone(),
        }))
    }

    /// Writes what a shard collected, with the run's identity, atomically to `file`; returns how
    /// many members it holds.
    pub fn write(&self, file: &Path, identity: Identity) -> anyhow::Result<usize> {
        let Mode::Collect { partition, held, .. } = &self.mode else {
            bail!("only a shard writes a partial");
        };
        let held = std::mem::take(&mut *held.lock().unwrap_or_else(|e| e.into_inner()));
        let count = held.len();
        let entries = held
            .into_iter()
            .map(|((workspace, package), held)| {
                let (json, api) = match held {
                    Held::Json(json) => (Some(json), None),
                    Held::Api(api) => (None, Some(api)),
                };
                Entry { workspace, package, json, api }
            })
            .collect();
        let partial =
            PartialFile { format: FORMAT.to_string(), version: VERSION, partition: *partition, identity, entries };
        let json = serde_json::to_vec(&partial).context("cannot serialize the partial")?;
        crate::fsutil::write_atomic(file, &json).with_context(|| format!("cannot write {}", file.display()))?;
        Ok(count)
    }
}

impl JsonSource for Shards {
    fn recording(&self) -> bool {
        matches!(self.mode, Mode::Collect { .. })
    }

    /// A shard documents the members it owns; a merge, none.
    fn documents(&self, package: &str) -> bool {
        match &self.mode {
            Mode::Collect { partition, owners, .. } => partition.owner(owners, package) == partition.k,
            Mode::Merge { .. } => false,
        }
    }

    /// Relative to the current workspace's tool dir, target dir or root, so that shards on other
    /// machines (or another target dir) name a documented workspace alike.
    fn role(&self, root: &Path) -> String {
        for (base, tag) in [(&self.atomic, "atomic"), (&self.target, "target"), (&self.root, "root")] {
            if let Ok(rel) = root.strip_prefix(base) {
                return format!("{tag}:{}", rel.to_string_lossy().replace('\\', "/"));
            }
        }
        root.to_string_lossy().into_owned()
    }

    fn keep_json(&self, workspace: &str, package: &str, json: Vec<u8>) -> anyhow::Result<()> {
        let text = String::from_utf8(json)
            .map_err(|_| anyhow::anyhow!("rustdoc wrote JSON for `{package}` that is not UTF-8"))?;
        let json =
            RawValue::from_string(text).with_context(|| format!("rustdoc wrote invalid JSON for `{package}`"))?;
        self.keep(workspace, package, Held::Json(json));
        Ok(())
    }

    fn keep_api(&self, workspace: &str, package: &str, api: &CrateApi) {
        self.keep(workspace, package, Held::Api(Stored::from_api(api)));
    }

    /// What the partials hold for `package` in the documented workspace `workspace` (a merge).
    fn provided(&self, workspace: &str, package: &str) -> anyhow::Result<Provided<'_>> {
        let Mode::Merge { split, owners, held } = &self.mode else {
            bail!("a shard reads no partials");
        };
        match held.get(&(workspace.to_string(), package.to_string())) {
            Some(Held::Json(json)) => Ok(Provided::Json(json.get().as_bytes())),
            Some(Held::Api(api)) => Ok(Provided::Api(Box::new(api.clone().into_api()?))),
            None => bail!(
                "no partial holds the API of `{package}` ({workspace}): its shard, {}/{}, did not document it \
                 (were the shards run with this merge's command and options?)",
                split.owner(owners, package),
                split.n
            ),
        }
    }
}

impl Shards {
    fn keep(&self, workspace: &str, package: &str, held: Held) {
        if let Mode::Collect { held: all, .. } = &self.mode {
            all.lock().unwrap_or_else(|e| e.into_inner()).insert((workspace.to_string(), package.to_string()), held);
        }
    }
}

/// Which shard owns each member of the current workspace under `partition`'s split.
fn owners(ws: &Workspace, partition: Partition) -> HashMap<String, usize> {
    let names = ws.members.iter().map(|m| m.name.clone()).collect();
    let members: Vec<(String, bool, Vec<String>)> = ws
        .topo_order(&names)
        .into_iter()
        .map(|name| {
            let member = ws.member(&name).expect("member names come from the workspace");
            let deps = ws.member_deps(&name, &[DepKind::Normal, DepKind::Build]).into_iter().collect();
            (name, member.lib.is_some(), deps)
        })
        .collect();
    partition.owners(&members)
}

fn read(file: &Path) -> anyhow::Result<PartialFile> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read the partial {}", file.display()))?;
    // One pass over a file of many megabytes; the header only to say what is wrong with it.
    let whole = serde_json::from_slice::<PartialFile>(&bytes);
    if let Ok(partial) = whole.as_ref().map(|p| (p.format.as_str(), p.version)) {
        if partial == (FORMAT, VERSION) {
            return Ok(whole.expect("parsed"));
        }
    }
    let header: Header = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not a cargo-atomic partial (not JSON)", file.display()))?;
    match (header.format.as_deref(), header.version) {
        (Some(FORMAT), Some(VERSION)) => {}
        (Some(FORMAT), Some(v)) => bail!(
            "{} is a partial of format version {v}; this cargo-atomic reads version {VERSION} (use the same \
             cargo-atomic for the shards and the merge)",
            file.display()
        ),
        _ => bail!("{} is not a cargo-atomic partial (no `\"format\": \"{FORMAT}\"`)", file.display()),
    }
    whole.with_context(|| format!("the partial {} is damaged", file.display()))
}

/// Two runs' identities agree on the tool, the toolchain and the sources.
fn check_same(a: &Identity, b: &Identity, a_name: &Path, b_name: &Path) -> anyhow::Result<()> {
    let (a_name, b_name) = (a_name.display(), b_name.display());
    if a.tool != b.tool {
        bail!("{a_name} was written by cargo-atomic {} and {b_name} by {}: use one version", a.tool, b.tool);
    }
    if a.toolchain != b.toolchain {
        let first = |t: &str| t.lines().next().unwrap_or("").to_string();
        bail!(
            "{a_name} and {b_name} were built with different toolchains ({} / {}): every shard and the merge \
             must use one toolchain",
            first(&a.toolchain),
            first(&b.toolchain)
        );
    }
    if a.sources != b.sources {
        let commit = |c: &Option<String>| c.as_deref().map(|c| format!("commit {}", &c[..c.len().min(12)]));
        let what = match (commit(&a.commit), commit(&b.commit)) {
            (Some(x), Some(y)) if x != y => format!(" ({x} / {y})"),
            _ => String::new(),
        };
        bail!(
            "{a_name} and {b_name} come from different sources{what}: every shard and the merge must run on one \
             commit, with the same lockfile, manifests and build environment"
        );
    }
    Ok(())
}

/// The identity of a run of `command` with `options` on `ws`. A workspace without a lockfile
/// gets one first, as the run's Cargo would write it: what it resolved to is part of the sources
/// (shards resolving differently do not make one run).
pub fn identity(ws: &Workspace, command: &str, options: String, target: Option<&str>) -> anyhow::Result<Identity> {
    if !ws.root.join("Cargo.lock").is_file() {
        let out = std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .arg("generate-lockfile")
            .arg("--manifest-path")
            .arg(ws.root.join("Cargo.toml"))
            .current_dir(&ws.root)
            .output()
            .context("cannot run cargo generate-lockfile")?;
        if !out.status.success() {
            bail!(
                "cannot resolve the workspace's dependencies (cargo generate-lockfile):\n{}",
                crate::cargo::messages(&String::from_utf8_lossy(&out.stderr))
            );
        }
    }
    Ok(Identity {
        command: command.to_string(),
        options,
        tool: env!("CARGO_PKG_VERSION").to_string(),
        toolchain: crate::rustdoc::cache::toolchain(&ws.root),
        sources: crate::rustdoc::cache::source_identity(ws, target),
        commit: crate::git::Repo::discover(&ws.root).and_then(|r| r.head().ok()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_parse_like_nextest() {
        assert_eq!("2/3".parse::<Partition>(), Ok(Partition { k: 2, n: 3, split: Split::Count }));
        assert_eq!("hash:1/4".parse::<Partition>(), Ok(Partition { k: 1, n: 4, split: Split::Hash }));
        assert_eq!("count:4/4".parse::<Partition>().map(|p| p.to_string()), Ok("count:4/4".to_string()));
        assert_eq!("graph:2/4".parse::<Partition>().map(|p| p.to_string()), Ok("graph:2/4".to_string()));
        for bad in ["0/2", "3/2", "1/0", "a/b", "2", "slice:1/2"] {
            assert!(bad.parse::<Partition>().is_err(), "{bad}");
        }
    }

    /// Members without dependencies, named `a`.. in dependency order.
    fn flat(names: &[&str]) -> Vec<(String, bool, Vec<String>)> {
        names.iter().map(|n| (n.to_string(), true, Vec::new())).collect()
    }

    #[test]
    fn every_name_has_one_owner_and_count_deals_in_turn() {
        let members = flat(&["e", "d", "c", "b", "a"]);
        let count = Partition { k: 1, n: 2, split: Split::Count };
        let owners = count.owners(&members);
        let dealt: Vec<usize> = ["a", "b", "c", "d", "e"].iter().map(|m| count.owner(&owners, m)).collect();
        assert_eq!(dealt, [1, 2, 1, 2, 1]);
        for split in [Split::Count, Split::Hash, Split::Graph] {
            for n in 1..=6 {
                let p = Partition { k: 1, n, split };
                let owners = p.owners(&members);
                for name in members.iter().map(|m| m.0.as_str()).chain(["gone", "ünïcode"]) {
                    let owner = p.owner(&owners, name);
                    assert!((1..=n).contains(&owner), "{name} {n} {owner}");
                }
            }
        }
        // The hash is FNV-1a (its published test vectors): fixed, whatever the machine.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn graph_slices_follow_the_dependency_order_and_give_later_slices_fewer_members() {
        // A chain: each crate depends on the one before.
        let chain: Vec<(String, bool, Vec<String>)> = (0..40)
            .map(|i| (format!("c{i:02}"), true, if i == 0 { vec![] } else { vec![format!("c{:02}", i - 1)] }))
            .collect();
        let p = Partition { k: 1, n: 4, split: Split::Graph };
        let owners = p.owners(&chain);
        let sizes: Vec<usize> = (1..=4).map(|k| owners.values().filter(|&&o| o == k).count()).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 40);
        // Consecutive: the owner never goes back along the chain.
        let along: Vec<usize> = chain.iter().map(|m| owners[&m.0]).collect();
        assert!(along.windows(2).all(|w| w[0] <= w[1]), "{along:?}");
        // Each later slice checks more of the chain, so documents less of it.
        assert!(sizes.windows(2).all(|w| w[0] > w[1]), "{sizes:?}");
        // No dependencies: slices of equal size.
        let owners = p.owners(&flat(&["a", "b", "c", "d", "e", "f", "g", "h"]));
        let sizes: Vec<usize> = (1..=4).map(|k| owners.values().filter(|&&o| o == k).count()).collect();
        assert_eq!(sizes, [2, 2, 2, 2]);
        // Members that are not documented (binaries) cost nothing of their own.
        let mut with_bins = flat(&["a", "b", "c", "d"]);
        with_bins.extend((0..4).map(|i| (format!("bin{i}"), false, vec!["d".to_string()])));
        let owners = Partition { k: 1, n: 2, split: Split::Graph }.owners(&with_bins);
        assert_eq!(["a", "b", "c", "d"].map(|m| owners[m]), [1, 1, 2, 2]);
    }
}
