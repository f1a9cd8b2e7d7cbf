//! Writes to users' files: every write atomic (temp file + rename), multi-file edits all-or-none.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// Replaces `path` with `contents` atomically: readers see the old file or the new one, never a
/// part. Refuses read-only files rather than silently replacing them.
pub fn write_atomic(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    Transaction::default().with(path, contents.to_vec()).commit()
}

/// Replaces one of the tool's own cache files: written beside it and renamed into place, not
/// synced (a torn file after a crash reads as corrupt and is rebuilt). Not for users' files.
pub fn replace_cache_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut temp = path.as_os_str().to_owned();
    temp.push(format!(".{}.tmp", std::process::id()));
    let temp = PathBuf::from(temp);
    std::fs::write(&temp, contents).and_then(|()| std::fs::rename(&temp, path)).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// The intent record of a multi-file write, in the directory a transaction is anchored at.
pub const INTENT_FILE: &str = ".atomic-transaction.json";

/// A set of file writes applied all together or not at all.
///
/// Anchored ([`Transaction::anchored`]), it survives a kill at any instant: an intent record
/// names every staged file before the first is written, and is marked `committing` once all are
/// staged; [`recover`] (run by every command) then rolls an interrupted transaction back (still
/// staging: the staged files are removed) or forward (committing: the remaining renames are done).
#[derive(Default)]
pub struct Transaction {
    writes: Vec<(PathBuf, Vec<u8>)>,
    anchor: Option<PathBuf>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Intent {
    state: IntentState,
    /// `(target, staged file)` pairs.
    files: Vec<(PathBuf, PathBuf)>,
}

#[derive(serde::Serialize, serde::Deserialize, PartialEq, Eq, Clone, Copy, Debug)]
#[serde(rename_all = "lowercase")]
enum IntentState {
    Staging,
    Committing,
}

/// What [`recover`] did with an interrupted transaction.
#[derive(Debug, PartialEq, Eq)]
pub enum Recovered {
    /// It was still staging: nothing had been replaced; the staged files were removed.
    RolledBack(usize),
    /// Every file was staged: the remaining renames were done.
    RolledForward(usize),
}

impl Transaction {
    /// A transaction whose intent record lives in `dir` (the workspace root).
    pub fn anchored(dir: &Path) -> Self {
        Transaction { writes: Vec::new(), anchor: Some(dir.to_path_buf()) }
    }

    pub fn with(mut self, path: &Path, contents: Vec<u8>) -> Self {
        self.add(path, contents);
        self
    }

    pub fn add(&mut self, path: &Path, contents: Vec<u8>) {
        self.writes.push((path.to_path_buf(), contents));
    }

    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }

    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.writes.iter().map(|(p, _)| p.as_path())
    }

    /// Stages every file next to its target first (any failure there changes nothing), then
    /// renames them into place; if a rename fails, the files already replaced are restored.
    pub fn commit(self) -> anyhow::Result<()> {
        if self.writes.is_empty() {
            return Ok(());
        }
        let id = format!("{}-{}", std::process::id(), nanos());
        let planned: Vec<(PathBuf, PathBuf)> = self
            .writes
            .iter()
            .enumerate()
            .map(|(i, (path, _))| {
                let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
                (path.clone(), dir.join(format!(".atomic-{id}-{i}")))
            })
            .collect();
        let intent = self.anchor.as_ref().map(|a| a.join(INTENT_FILE));
        if let Some(intent) = &intent {
            write_intent(intent, &Intent { state: IntentState::Staging, files: planned.clone() })?;
        }
        let mut previous = Vec::with_capacity(self.writes.len());
        for (n, ((path, contents), (_, temp))) in self.writes.iter().zip(&planned).enumerate() {
            match stage(path, temp, contents) {
                Ok(p) => previous.push(p),
                Err(e) => {
                    abandon(&planned, intent.as_deref());
                    return Err(e);
                }
            }
            if self.anchor.is_some() {
                fault("stage", n + 1);
            }
        }
        if let Some(intent) = &intent {
            write_intent(intent, &Intent { state: IntentState::Committing, files: planned.clone() })?;
        }
        let mut done: Vec<(&Path, Option<Vec<u8>>)> = Vec::new();
        for (n, ((path, temp), previous)) in planned.iter().zip(previous).enumerate() {
            if self.anchor.is_some() {
                fault("rename", n);
            }
            if let Err(e) = std::fs::rename(temp, path) {
                for (restored, previous) in done.into_iter().rev() {
                    // Best effort: the original error is the one worth reporting.
                    let _ = match previous {
                        Some(bytes) => std::fs::write(restored, bytes),
                        None => std::fs::remove_file(restored),
                    };
                }
                abandon(&planned, intent.as_deref());
                return Err(e).with_context(|| format!("cannot replace {}", path.display()));
            }
            done.push((path, previous));
        }
        if let Some(intent) = &intent {
            std::fs::remove_file(intent).with_context(|| format!("cannot remove {}", intent.display()))?;
        }
        Ok(())
    }
}

/// A transaction that failed in this process: its staged files and its intent record go (best
/// effort: the original error is the one worth reporting).
fn abandon(planned: &[(PathBuf, PathBuf)], intent: Option<&Path>) {
    for (_, temp) in planned {
        let _ = std::fs::remove_file(temp);
    }
    if let Some(intent) = intent {
        let _ = std::fs::remove_file(intent);
    }
}

/// Finishes a transaction a kill interrupted in `dir`: rolled back while it was staging, rolled
/// forward once every file was staged. `None` when there was none.
pub fn recover(dir: &Path) -> anyhow::Result<Option<Recovered>> {
    let path = dir.join(INTENT_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let intent: Intent = serde_json::from_str(&text).with_context(|| {
        format!("{} is not a readable intent record; remove it after checking the files it names", path.display())
    })?;
    let outcome = match intent.state {
        IntentState::Staging => {
            for (_, temp) in &intent.files {
                remove_if_present(temp)?;
            }
            Recovered::RolledBack(intent.files.len())
        }
        IntentState::Committing => {
            for (target, temp) in &intent.files {
                if temp.exists() {
                    std::fs::rename(temp, target).with_context(|| format!("cannot replace {}", target.display()))?;
                }
            }
            Recovered::RolledForward(intent.files.len())
        }
    };
    std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    Ok(Some(outcome))
}

fn remove_if_present(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

fn write_intent(path: &Path, intent: &Intent) -> anyhow::Result<()> {
    let text = serde_json::to_vec_pretty(intent).expect("serializable");
    let temp = path.with_extension("json.tmp");
    std::fs::write(&temp, &text)
        .and_then(|()| std::fs::File::open(&temp)?.sync_all())
        .and_then(|()| std::fs::rename(&temp, path))
        .with_context(|| format!("cannot write {}", path.display()))
}

fn nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

/// A test hook for killing a run at any step: `CARGO_ATOMIC_TEST_KILL=<point>#<n>` aborts the
/// process (as a SIGKILL would: no destructor, no flush) the n-th time it reaches `point`;
/// `CARGO_ATOMIC_TEST_POINTS=<file>` appends every point reached to the file, so a test can
/// enumerate them. Costs a lookup of an unset variable otherwise.
pub fn kill_point(point: &str) {
    static HITS: std::sync::Mutex<Vec<(String, usize)>> = std::sync::Mutex::new(Vec::new());
    let kill = std::env::var("CARGO_ATOMIC_TEST_KILL").ok();
    let log = std::env::var_os("CARGO_ATOMIC_TEST_POINTS");
    if kill.is_none() && log.is_none() {
        return;
    }
    let n = {
        let mut hits = HITS.lock().unwrap_or_else(|e| e.into_inner());
        match hits.iter_mut().find(|(p, _)| p == point) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                hits.push((point.to_string(), 1));
                1
            }
        }
    };
    if let Some(file) = log {
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(file) {
            let _ = writeln!(f, "{point}#{n}");
        }
    }
    if kill.as_deref() == Some(format!("{point}#{n}").as_str()) {
        std::process::abort();
    }
}

/// A test hook: `CARGO_ATOMIC_TEST_ABORT=stage:N` kills the process after the N-th file of a
/// multi-file edit (an anchored transaction) is staged, `rename:N` before the rename of file N
/// (0-based), as a SIGKILL would.
fn fault(step: &str, n: usize) {
    if let Ok(spec) = std::env::var("CARGO_ATOMIC_TEST_ABORT") {
        if spec == format!("{step}:{n}") {
            std::process::abort();
        }
    }
}

/// Writes `contents` to `temp` beside `path`, with `path`'s permissions (a new file: 0666 less
/// the umask, as any program would create it); returns the previous contents of `path`.
fn stage(path: &Path, temp: &Path, contents: &[u8]) -> anyhow::Result<Option<Vec<u8>>> {
    let previous = match std::fs::metadata(path) {
        Ok(meta) => {
            if meta.permissions().readonly() {
                bail!("{} is read-only; nothing was written", path.display());
            }
            Some((std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?, meta.permissions()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot access {}", path.display())),
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temp)
        .with_context(|| format!("cannot create a temporary file {}", temp.display()))?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write a temporary file {}", temp.display()))?;
    if let Some((_, permissions)) = &previous {
        file.set_permissions(permissions.clone())
            .with_context(|| format!("cannot set permissions for {}", path.display()))?;
    }
    Ok(previous.map(|(bytes, _)| bytes))
}

/// An exclusive lock on a directory (a `.lock` file in it), held until dropped: two runs on one
/// workspace take turns between starting rustdoc and reading what it wrote.
pub struct DirLock {
    _file: std::fs::File,
}

impl DirLock {
    pub fn acquire(dir: &Path) -> anyhow::Result<DirLock> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = dir.join(".lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        // `fs4` rather than `File::lock`: the tool builds with Rust 1.85 (its MSRV), which lacks it.
        fs4::fs_std::FileExt::lock_exclusive(&file).with_context(|| format!("cannot lock {}", path.display()))?;
        Ok(DirLock { _file: file })
    }
}

/// SHA-256 of `bytes`, lowercase hex (the checksum registries record for a `.crate`).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn new_files_follow_the_umask_and_existing_ones_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let umask = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| s.lines().find_map(|l| l.strip_prefix("Umask:").map(|u| u.trim().to_string())))
            .and_then(|u| u32::from_str_radix(&u, 8).ok())
            .unwrap_or(0o022);
        let new = dir.path().join("new.txt");
        super::write_atomic(&new, b"x").unwrap();
        assert_eq!(std::fs::metadata(&new).unwrap().permissions().mode() & 0o777, 0o666 & !umask);
        let kept = dir.path().join("kept.txt");
        std::fs::write(&kept, b"old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        super::write_atomic(&kept, b"new").unwrap();
        assert_eq!(std::fs::metadata(&kept).unwrap().permissions().mode() & 0o777, 0o640);
    }

    use super::*;

    #[test]
    fn all_or_none_when_one_file_is_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.toml");
        let b = dir.path().join("b.toml");
        std::fs::write(&a, "a = 1\n").unwrap();
        std::fs::write(&b, "b = 1\n").unwrap();
        let mut perms = std::fs::metadata(&b).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&b, perms).unwrap();

        let err =
            Transaction::default().with(&a, b"a = 2\n".to_vec()).with(&b, b"b = 2\n".to_vec()).commit().unwrap_err();
        assert!(err.to_string().contains("read-only"), "{err}");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a = 1\n");
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "b = 1\n");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 2, "temporary files must not be left behind");
    }

    #[test]
    fn replaces_and_creates() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        write_atomic(&a, b"one").unwrap();
        write_atomic(&a, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "two");
    }
}
