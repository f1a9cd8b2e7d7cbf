//! The few git operations the tool needs, through the `git` command: tags, files at a revision,
//! a tree exported at a revision, cleanliness, and creating tags.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};

#[derive(Clone, Debug)]
pub struct Repo {
    pub root: PathBuf,
}

impl Repo {
    /// The repository containing `dir`, if it is in one (and git is installed).
    pub fn discover(dir: &Path) -> Option<Repo> {
        let out = Command::new("git").args(["rev-parse", "--show-toplevel"]).current_dir(dir).output().ok()?;
        if !out.status.success() {
            return None;
        }
        let root = String::from_utf8(out.stdout).ok()?.trim().to_string();
        Some(Repo { root: PathBuf::from(root) })
    }

    fn git(&self, args: &[&str]) -> anyhow::Result<std::process::Output> {
        Command::new("git")
            .args(args)
            .current_dir(&self.root)
            .output()
            .with_context(|| format!("cannot run `git {}`", args.join(" ")))
    }

    fn git_ok(&self, args: &[&str]) -> anyhow::Result<String> {
        let out = self.git(args)?;
        if !out.status.success() {
            bail!("`git {}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Whether the clone is shallow (history, and the tags on it, may be missing).
    pub fn is_shallow(&self) -> bool {
        self.git_ok(&["rev-parse", "--is-shallow-repository"]).is_ok_and(|o| o.trim() == "true")
    }

    pub fn tags(&self) -> anyhow::Result<Vec<String>> {
        Ok(self.git_ok(&["tag", "--list"])?.lines().map(str::to_string).collect())
    }

    /// The tags whose commit is in the history of `rev` (`git tag --merged`).
    pub fn tags_merged(&self, rev: &str) -> anyhow::Result<std::collections::BTreeSet<String>> {
        let out = self.git(&["tag", "--merged", rev])?;
        // A repository without commits has no history to hold a tag.
        if !out.status.success() {
            return Ok(Default::default());
        }
        Ok(String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect())
    }

    /// The commits of HEAD's history whose diff of `paths` adds or removes a line matching
    /// `regex` (`git log -G`), newest first.
    pub fn commits_changing(&self, paths: &[String], regex: &str) -> anyhow::Result<Vec<String>> {
        let mut args = vec!["log".to_string(), "--format=%H".to_string(), format!("-G{regex}"), "HEAD".to_string()];
        args.push("--".to_string());
        args.extend(paths.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = self.git(&args)?;
        if !out.status.success() {
            return Ok(Vec::new());
        }
        Ok(String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect())
    }

    /// The commit a revision names; an error that says so when it names none.
    pub fn resolve(&self, rev: &str) -> anyhow::Result<String> {
        let out = self.git(&["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])?;
        if !out.status.success() {
            bail!("`{rev}` is not a revision of the repository at {}", self.root.display());
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Path of `path` (absolute, inside the repository) relative to the root, with `/`.
    pub fn relative(&self, path: &Path) -> anyhow::Result<String> {
        let canonical_root = self.root.canonicalize().unwrap_or_else(|_| self.root.clone());
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let rel = canonical
            .strip_prefix(&canonical_root)
            .with_context(|| format!("{} is outside the repository at {}", path.display(), self.root.display()))?;
        Ok(rel.to_string_lossy().replace('\\', "/"))
    }

    /// Several files at revisions, `(rev, path)` each, read by one `git cat-file --batch`; `None`
    /// where a file does not exist there.
    pub fn show_many(&self, files: &[(String, String)]) -> anyhow::Result<Vec<Option<String>>> {
        if files.is_empty() {
            return Ok(Vec::new());
        }
        let mut child = Command::new("git")
            .args(["cat-file", "--batch"])
            .current_dir(&self.root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot run `git cat-file --batch`")?;
        let mut stdin = child.stdin.take().expect("piped");
        let input: String = files.iter().map(|(rev, rel)| format!("{rev}:{rel}\n")).collect();
        let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, input.as_bytes()));
        let out = child.wait_with_output().context("cannot run `git cat-file --batch`")?;
        let _ = writer.join();
        if !out.status.success() {
            bail!("`git cat-file --batch` failed: {}", String::from_utf8_lossy(&out.stderr).trim());
        }
        let mut rest: &[u8] = &out.stdout;
        let mut found = Vec::with_capacity(files.len());
        for (rev, rel) in files {
            let end = rest
                .iter()
                .position(|b| *b == b'\n')
                .with_context(|| format!("git cat-file stopped at {rev}:{rel}"))?;
            let header = String::from_utf8_lossy(&rest[..end]).into_owned();
            rest = &rest[end + 1..];
            let fields: Vec<&str> = header.split(' ').collect();
            match fields.as_slice() {
                [_, kind, size] => {
                    let size: usize = size.parse().with_context(|| format!("git cat-file: `{header}`"))?;
                    let body = rest.get(..size).with_context(|| format!("git cat-file cut {rev}:{rel} short"))?;
                    found.push((*kind == "blob").then(|| String::from_utf8_lossy(body).into_owned()));
                    rest = rest.get(size + 1..).unwrap_or_default();
                }
                // `<spec> missing` (or `ambiguous`): not there.
                _ => found.push(None),
            }
        }
        Ok(found)
    }

    /// Writes the tree of `rev` into `dest` (which must not exist yet). Files whose content the
    /// clone does not have (a partial or filtered clone leaves large files out) are left out: a
    /// documented tree needs the crates' sources and manifests, not every file.
    /// `only`: the paths (files or directories, relative to the root) to export, those that
    /// exist at `rev`.
    pub fn export(&self, rev: &str, dest: &Path, only: Option<&[String]>) -> anyhow::Result<()> {
        let missing = self.missing_files(rev)?;
        std::fs::create_dir_all(dest).with_context(|| format!("cannot create {}", dest.display()))?;
        let mut args: Vec<String> = vec!["archive".into(), "--format=tar".into(), rev.into()];
        let mut pathspecs: Vec<String> = Vec::new();
        if let Some(only) = only {
            let present = self.existing_at(rev, only)?;
            pathspecs.extend(present.iter().map(|p| format!(":(literal){p}")));
        }
        pathspecs.extend(missing.iter().map(|p| format!(":(exclude,literal){p}")));
        if !pathspecs.is_empty() {
            args.push("--".into());
            args.extend(pathspecs);
        }
        let mut archive = Command::new("git")
            .args(&args)
            .current_dir(&self.root)
            .env("GIT_NO_LAZY_FETCH", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot run `git archive`")?;
        let stdout = archive.stdout.take().expect("piped");
        let mut stderr = archive.stderr.take().expect("piped");
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
            text
        });
        let tar = Command::new("tar")
            .arg("-x")
            .arg("-C")
            .arg(dest)
            .stdin(stdout)
            .output()
            .context("cannot run `tar` to unpack the baseline tree")?;
        let status = archive.wait()?;
        let git_said = errors.join().unwrap_or_default();
        if !status.success() || !tar.status.success() {
            let _ = std::fs::remove_dir_all(dest);
            // git's words say why; tar's only that its input stopped.
            let why =
                if git_said.trim().is_empty() { String::from_utf8_lossy(&tar.stderr).into_owned() } else { git_said };
            bail!("cannot export {rev} from {}: {}", self.root.display(), why.trim());
        }
        Ok(())
    }

    /// The files (not directories) directly in `dir` at `rev` (`""`: the root).
    pub fn files_at(&self, rev: &str, dir: &str) -> anyhow::Result<Vec<String>> {
        let spec = if dir.is_empty() { rev.to_string() } else { format!("{rev}:{dir}") };
        let out = self.git_ok(&["ls-tree", "-z", &spec])?;
        Ok(out
            .split('\0')
            .filter_map(|e| {
                let (meta, name) = e.split_once('\t')?;
                (meta.split(' ').nth(1) == Some("blob")).then(|| {
                    if dir.is_empty() {
                        name.to_string()
                    } else {
                        format!("{dir}/{name}")
                    }
                })
            })
            .collect())
    }

    /// Those of `paths` that exist at `rev` (a pathspec naming nothing fails `git archive`).
    fn existing_at(&self, rev: &str, paths: &[String]) -> anyhow::Result<Vec<String>> {
        let mut args: Vec<&str> = vec!["ls-tree", "--name-only", "-z", rev, "--"];
        args.extend(paths.iter().map(String::as_str));
        let out = self.git_ok(&args)?;
        let found: std::collections::BTreeSet<&str> = out.split('\0').filter(|p| !p.is_empty()).collect();
        Ok(paths.iter().filter(|p| found.contains(p.trim_end_matches('/'))).cloned().collect())
    }

    /// Files of `rev` whose content is not in the clone (`git cat-file` finds no object), without
    /// fetching them.
    fn missing_files(&self, rev: &str) -> anyhow::Result<Vec<String>> {
        let listing = self.git_ok(&["ls-tree", "-r", "-z", rev])?;
        let mut blobs: Vec<(String, String)> = Vec::new();
        for entry in listing.split('\0').filter(|e| !e.is_empty()) {
            let Some((meta, path)) = entry.split_once('\t') else { continue };
            let mut fields = meta.split(' ');
            let (_, kind, id) = (fields.next(), fields.next(), fields.next());
            if let (Some("blob"), Some(id)) = (kind, id) {
                blobs.push((id.to_string(), path.to_string()));
            }
        }
        if blobs.is_empty() {
            return Ok(Vec::new());
        }
        let mut child = Command::new("git")
            .args(["cat-file", "--batch-check=%(objectname)"])
            .current_dir(&self.root)
            .env("GIT_NO_LAZY_FETCH", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot run `git cat-file --batch-check`")?;
        let mut stdin = child.stdin.take().expect("piped");
        let input: String = blobs.iter().map(|(id, _)| format!("{id}\n")).collect();
        let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, input.as_bytes()));
        let out = child.wait_with_output().context("cannot run `git cat-file --batch-check`")?;
        let _ = writer.join();
        let text = String::from_utf8_lossy(&out.stdout);
        Ok(blobs
            .into_iter()
            .zip(text.lines())
            .filter(|(_, line)| line.ends_with(" missing"))
            .map(|((_, path), _)| path)
            .collect())
    }

    /// `(file, line number, text)` of the lines `git grep -n` finds for a regular expression at a
    /// revision under a path.
    pub fn grep(&self, rev: &str, pattern: &str, under: &str) -> anyhow::Result<Vec<(String, usize, String)>> {
        let under = if under.is_empty() { "." } else { under };
        let out = self.git(&["grep", "-n", "-E", pattern, rev, "--", under])?;
        let text = String::from_utf8_lossy(&out.stdout);
        Ok(text
            .lines()
            .filter_map(|l| {
                let rest = l.strip_prefix(&format!("{rev}:"))?;
                let (file, rest) = rest.split_once(':')?;
                let (line, content) = rest.split_once(':')?;
                Some((file.to_string(), line.parse().ok()?, content.to_string()))
            })
            .collect())
    }

    /// Files with uncommitted changes (tracked or untracked), as `git status --porcelain` lists.
    pub fn dirty_files(&self) -> anyhow::Result<Vec<String>> {
        Ok(self.git_ok(&["status", "--porcelain"])?.lines().map(|l| l.get(3..).unwrap_or(l).to_string()).collect())
    }

    pub fn head(&self) -> anyhow::Result<String> {
        self.resolve("HEAD")
    }

    /// An annotated tag at HEAD; a lightweight one where git cannot make the annotation (no
    /// committer identity, as on many CI runners).
    pub fn create_tag(&self, name: &str, message: &str) -> anyhow::Result<()> {
        match self.git_ok(&["tag", "-a", name, "-m", message]) {
            Ok(_) => Ok(()),
            Err(annotated) => self
                .git_ok(&["tag", name])
                .map(|_| ())
                .map_err(|e| e.context(format!("an annotated tag failed too: {annotated:#}"))),
        }
    }
}
