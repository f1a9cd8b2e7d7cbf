#!/usr/bin/env python3
"""Adoption benchmark: the first run of the tool on a real repository (run by hand; prints figures).

The futures family — ten crates released together at one version, kept equal by hand in each
manifest (no `version.workspace`) — rebuilt from its published packages as a git repository with
two releases, 0.3.31 and 0.3.32, each committed and tagged as the repository tags its releases
(`0.3.31`); `--releases A,B` for another pair (the versions before 0.3.31 are yanked). Nothing else is added: no snapshot, no configuration.

A new user's first command, `cargo atomic check --baseline-rev 0.3.31`, is measured with each
binary given (lines of output, errors and warnings by kind, whether the real break is named),
then `cargo atomic init` (with the last binary), and `check` (its default baseline: the last
release) right after it, on the unchanged released tree.

Usage: python3 benches/adoption.py [--binary NAME=PATH ...] [--dir DIR]
"""

import argparse
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import identity  # noqa: E402  (wire)
import snapshot as bench  # noqa: E402  (run, fetch_sources)

NAMES = ("futures-core", "futures-sink", "futures-task", "futures-io", "futures-macro", "futures-channel",
         "futures-util", "futures-executor", "futures-test", "futures")
RELEASES = ("0.3.31", "0.3.32")
GIT = ["-c", "user.name=bench", "-c", "user.email=bench@localhost"]


def tree(ws, version, sources):
    """The family at `version` in `ws` (each crate in a directory of its name), replacing what
    was there."""
    dirs = {n: (ws / n, version) for n in NAMES}
    for n in NAMES:
        shutil.rmtree(ws / n, ignore_errors=True)
        shutil.copytree(sources[n], ws / n, ignore=shutil.ignore_patterns(
            "target", ".cargo-ok", "Cargo.toml.orig", "Cargo.lock", ".cargo_vcs_info.json"))
        manifest = ws / n / "Cargo.toml"
        manifest.write_text(identity.wire(manifest.read_text(), ws / n, dirs, False))
    members = ", ".join(f'"{n}"' for n in NAMES)
    (ws / "Cargo.toml").write_text(f'[workspace]\nmembers = [{members}]\nresolver = "2"\n')
    (ws / ".gitignore").write_text("/target\n")


def repository(work):
    ws = work / f"futures-{RELEASES[0]}-{RELEASES[1]}"
    if (ws / ".git").is_dir():
        return ws
    shutil.rmtree(ws, ignore_errors=True)
    ws.mkdir(parents=True)
    bench.run(["git", "init", "-q"], ws)
    for version in RELEASES:
        sources = bench.fetch_sources(work / f"fetch-{version}", [(n, version) for n in NAMES])
        tree(ws, version, sources)
        bench.run(["git", "add", "-A"], ws)
        bench.run(["git", *GIT, "commit", "-qm", f"release {version}"], ws)
        bench.run(["git", "tag", version], ws)
    return ws


def measure(binary, ws, *args):
    cmd = [str(binary), "atomic", "check", "--color", "never", *args]
    _, proc = bench.run(cmd, ws, env={**identity.CAP, "CARGO_TARGET_DIR": str(ws / "target")}, check=False)
    out = proc.stderr
    kinds = Counter(re.findall(r"^(error|warning)\[([a-z-]+)\]", out, re.M))
    lines = len(out.splitlines())
    return proc.returncode, lines, kinds, out


def show(label, code, lines, kinds, out):
    summary = ", ".join(f"{n} {sev}[{k}]" for (sev, k), n in sorted(kinds.items())) or "none"
    print(f"  {label:34} exit {code}  {lines:4} lines  {summary}")
    # The verdict: the train's lines that need a major release, and their first cause.
    majors = [re.sub(r"\s+", " ", l.strip()) for l in out.splitlines() if re.match(r"^\s+\d+\. \S+ .* major ", l)]
    for m in majors:
        print(f"  {'':34} {m[:150]}")


def main():
    global RELEASES
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", action="append", default=[],
                        help="NAME=PATH of a cargo-atomic binary (default: this tree's, built --release)")
    parser.add_argument("--dir", default=str(bench.ROOT / "target" / "bench-adoption"))
    parser.add_argument("--show", action="store_true", help="print each run's output")
    parser.add_argument("--releases", default=",".join(RELEASES), help="the two releases, older first")
    args = parser.parse_args()
    RELEASES = tuple(args.releases.split(","))
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    binaries = [(n, Path(p).resolve()) for n, p in (b.split("=", 1) for b in args.binary)]
    if not binaries:
        bench.run(["cargo", "build", "--release", "-p", "cargo-atomic"], bench.ROOT)
        binaries = [("now", bench.ROOT / "target" / "release" / "cargo-atomic")]
    ws = repository(work)
    print(f"futures family, {len(NAMES)} crates: {RELEASES[0]} and {RELEASES[1]} committed and tagged, nothing else")
    print(f"\nfirst run: cargo atomic check --baseline-rev {RELEASES[0]}")
    for name, binary in binaries:
        bench.run(["git", "checkout", "-q", "--", "."], ws)
        bench.run(["git", "clean", "-qfd", "-e", "target"], ws)
        result = measure(binary, ws, "--baseline-rev", RELEASES[0])
        show(name, *result)
        if args.show:
            print(result[3])
    name, binary = binaries[-1]
    print(f"\ncargo atomic init ({name}), committed, then cargo atomic check")
    _, proc = bench.run([str(binary), "atomic", "init", "--color", "never"], ws,
                        env={**identity.CAP, "CARGO_TARGET_DIR": str(ws / "target")}, check=False)
    print("\n".join("    " + line for line in proc.stderr.splitlines() if not line.lstrip().startswith("Documenting")))
    bench.run(["git", "add", "-A"], ws)
    bench.run(["git", *GIT, "commit", "-qm", "cargo atomic init"], ws)
    result = measure(binary, ws)
    show(f"{name}: check after init", *result)
    if args.show:
        print(result[3])
    # Leave the repository as built, for the next run.
    bench.run(["git", "reset", "-q", "--hard", "HEAD~1"], ws)
    subprocess.run(["git", "clean", "-qfd", "-e", "target"], cwd=ws)


if __name__ == "__main__":
    main()
