//! Writes to users' files: every write atomic (temp file + rename), multi-file edits all-or-none.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// Replaces `path` with `contents` atomically: readers see the old file or the new one, never a
/// part. Refuses read-only files rather than silently replacing them.
pub fn write_atomic(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    Transaction::default().with(path, contents.to_vec()).commit()
}

/// A set of file writes applied all together or not at all.
#[derive(Default)]
pub struct Transaction {
    writes: Vec<(PathBuf, Vec<u8>)>,
}

impl Transaction {
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
        let mut staged = Vec::with_capacity(self.writes.len());
        for (path, contents) in &self.writes {
            staged.push(stage(path, contents)?);
        }
        let mut done: Vec<(&Path, Option<Vec<u8>>)> = Vec::new();
        for ((path, _), (temp, previous)) in self.writes.iter().zip(staged) {
            if let Err(e) = temp.persist(path) {
                for (restored, previous) in done.into_iter().rev() {
                    // Best effort: the original error is the one worth reporting.
                    let _ = match previous {
                        Some(bytes) => std::fs::write(restored, bytes),
                        None => std::fs::remove_file(restored),
                    };
                }
                return Err(e.error).with_context(|| format!("cannot replace {}", path.display()));
            }
            done.push((path, previous));
        }
        Ok(())
    }
}

/// Writes `contents` to a temp file beside `path`, with `path`'s permissions; returns it and the
/// previous contents of `path` (for restoring).
fn stage(path: &Path, contents: &[u8]) -> anyhow::Result<(tempfile::NamedTempFile, Option<Vec<u8>>)> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
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
    let mut temp = tempfile::Builder::new()
        .prefix(".atomic-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    temp.write_all(contents)
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write a temporary file in {}", dir.display()))?;
    if let Some((_, permissions)) = &previous {
        temp.as_file()
            .set_permissions(permissions.clone())
            .with_context(|| format!("cannot set permissions for {}", path.display()))?;
    }
    Ok((temp, previous.map(|(bytes, _)| bytes)))
}

/// SHA-256 of `bytes`, lowercase hex (the checksum registries record for a `.crate`).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
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
