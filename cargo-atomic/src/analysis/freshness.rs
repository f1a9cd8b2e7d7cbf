//! Committed snapshots against the current API: fresh, stale, missing or corrupt; and writing
//! them, all or none.

use crate::api::snapshot::{self, Freshness, SnapshotState};
use crate::rustdoc::Apis;
use crate::workspace::{Member, Workspace};

/// Compares each member's committed snapshot with its current API.
pub fn freshness(ws: &Workspace, libs: &[&Member], apis: &Apis) -> Vec<SnapshotState> {
    libs.iter()
        .map(|m| {
            let path = m.snapshot_path();
            let file = ws.relative(&path);
            let api = &apis[&m.name];
            let expected = snapshot::render(&api.snapshot);
            let freshness = match std::fs::read(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Freshness::Missing,
                Err(e) => Freshness::Corrupt(format!("cannot read the API snapshot {file}: {e}")),
                Ok(bytes) => classify(&bytes, &expected, &file),
            };
            SnapshotState { package: m.name.clone(), file, freshness, expected, items: api.snapshot.items.len() }
        })
        .collect()
}

/// A committed file's state: checked out with CRLF line endings (git's `autocrlf`) it is read as
/// LF; a file that is not UTF-8 or does not parse is corrupt.
fn classify(bytes: &[u8], expected: &str, file: &str) -> Freshness {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Freshness::Corrupt(format!("the API snapshot {file} is corrupt: it is not UTF-8 text"));
    };
    let text = if text.contains("\r\n") { std::borrow::Cow::Owned(text.replace("\r\n", "\n")) } else { text.into() };
    if text == expected {
        return Freshness::Fresh;
    }
    match snapshot::parse(&text, file) {
        Ok(_) => Freshness::Stale,
        Err(e) => Freshness::Corrupt(format!("{e:#}")),
    }
}

/// A snapshot file written by [`write_snapshots`].
pub struct Written {
    pub file: String,
    pub created: bool,
    pub items: usize,
}

/// Writes every snapshot that is not fresh, all or none.
pub fn write_snapshots(ws: &Workspace, states: &[SnapshotState], apis: &Apis) -> anyhow::Result<Vec<Written>> {
    let mut tx = crate::fsutil::Transaction::anchored(&ws.root);
    let mut written = Vec::new();
    for s in states.iter().filter(|s| s.freshness != Freshness::Fresh) {
        snapshot::verify(&s.expected, &apis[&s.package].snapshot)?;
        tx.add(&ws.root.join(&s.file), s.expected.clone().into_bytes());
        written.push(Written { file: s.file.clone(), created: s.freshness == Freshness::Missing, items: s.items });
    }
    tx.commit()?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNAPSHOT: &str = "# cargo-atomic API snapshot\n";

    #[test]
    fn identical_text_is_fresh_and_crlf_reads_as_lf() {
        assert_eq!(classify(b"a\nb\n", "a\nb\n", "f"), Freshness::Fresh);
        assert_eq!(classify(b"a\r\nb\r\n", "a\nb\n", "f"), Freshness::Fresh);
    }

    #[test]
    fn binary_and_unparsable_files_are_corrupt() {
        assert!(matches!(classify(&[0xff, 0xfe, 0], "x", "f"), Freshness::Corrupt(m) if m.contains("not UTF-8")));
        assert!(
            matches!(classify(SNAPSHOT.as_bytes(), "x", "core/atomic-api.txt"), Freshness::Corrupt(m) if m.contains("core/atomic-api.txt"))
        );
    }
}
