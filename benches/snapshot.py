#!/usr/bin/env python3
"""Benchmark of `cargo atomic snapshot` (run by hand; prints figures).

1. A workspace of 16 real library crates from crates.io at fixed versions (the regex, rand and
   serde families and their small dependencies), wired together with path dependencies.
   Measured cold (empty target dir) and warm:
     (a) the floor: the bare `cargo doc` JSON run for all members in one invocation, exactly as
         the tool runs it;
     (b) `cargo atomic snapshot --workspace`, with its normalization phase on its own.
   Target: (b) <= 1.15 x (a) warm.
2. Generated crates with 5,000 / 10,000 / 20,000 public items: normalization time and peak
   memory of the cargo-atomic process, which must grow linearly.

Usage: python3 benches/snapshot.py [--runs N] [--dir DIR] [--binary PATH]
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name, version: fixed so the figures are comparable between runs.
CRATES = [
    ("memchr", "2.7.4"),
    ("aho-corasick", "1.1.3"),
    ("regex-syntax", "0.8.5"),
    ("regex-automata", "0.4.9"),
    ("regex", "1.11.1"),
    ("cfg-if", "1.0.0"),
    ("getrandom", "0.2.15"),
    ("rand_core", "0.6.4"),
    ("ppv-lite86", "0.2.20"),
    ("rand_chacha", "0.3.1"),
    ("rand", "0.8.5"),
    ("serde_derive", "1.0.210"),
    ("serde", "1.0.210"),
    ("itoa", "1.0.11"),
    ("ryu", "1.0.18"),
    ("serde_json", "1.0.128"),
]


def run(cmd, cwd, env=None, check=True):
    full_env = dict(os.environ)
    full_env.update(env or {})
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if check and proc.returncode != 0:
        sys.exit(f"command failed: {' '.join(map(str, cmd))}\n{proc.stderr}")
    return elapsed, proc


def cargo_home():
    return Path(os.environ.get("CARGO_HOME", Path.home() / ".cargo"))


def fetch_sources(work, crates=None):
    """Downloads the crates through cargo and returns {name: source dir}."""
    crates = crates or CRATES
    fetcher = work / "fetcher"
    (fetcher / "src").mkdir(parents=True, exist_ok=True)
    deps = "\n".join(f'{n} = "={v}"' for n, v in crates)
    (fetcher / "Cargo.toml").write_text(
        f'[package]\nname = "fetcher"\nversion = "0.0.0"\nedition = "2021"\n\n[workspace]\n\n[dependencies]\n{deps}\n'
    )
    (fetcher / "src" / "lib.rs").write_text("")
    run(["cargo", "fetch"], fetcher)
    found = {}
    for name, version in crates:
        matches = list((cargo_home() / "registry" / "src").glob(f"*/{name}-{version}"))
        if not matches:
            sys.exit(f"{name}-{version} was not fetched")
        found[name] = matches[0]
    return found


def wire_manifest(text, members, keep_dev=False):
    """Points dependencies on members at their directory; drops dev-dependencies unless
    `keep_dev` (then those on members are wired the same way)."""
    out, skip = [], False
    for line in text.splitlines():
        header = re.match(r"^\[(.*)\]\s*$", line)
        if header:
            section = header.group(1)
            skip = "dev-dependencies" in section and not keep_dev
            if not skip:
                out.append(line)
                dep = re.match(r"^(?:target\..*\.)?(?:build-|dev-)?dependencies\.([A-Za-z0-9_-]+)$", section)
                if dep and dep.group(1) in members:
                    out.append(f'path = "../{dep.group(1)}"')
            continue
        if not skip:
            out.append(line)
    return "\n".join(out) + "\n"


def assemble(work, name="realws", crates=None, keep_dev=False, resolver="2", extra=None):
    """The crates, from crates.io, as members of one workspace wired with path dependencies
    (`resolver = None`: the manifest names none, so Cargo picks 1 for a virtual workspace;
    `extra`: {member dir: {relative path: contents}} of members that are not on crates.io)."""
    crates = crates or CRATES
    ws = work / name
    if (ws / "Cargo.toml").exists():
        return ws
    sources = fetch_sources(work / f"fetch-{name}", crates)
    ws.mkdir(parents=True, exist_ok=True)
    names = [n for n, _ in crates]
    for name, src in sources.items():
        dest = ws / name
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns("target", ".cargo-ok", "Cargo.toml.orig", "Cargo.lock"))
        manifest = dest / "Cargo.toml"
        manifest.write_text(wire_manifest(manifest.read_text(), names, keep_dev))
    for member, files in (extra or {}).items():
        for rel, contents in files.items():
            (ws / member / rel).parent.mkdir(parents=True, exist_ok=True)
            (ws / member / rel).write_text(contents)
        names.append(member)
    members = ", ".join(f'"{n}"' for n in names)
    pick = f'resolver = "{resolver}"\n' if resolver else ""
    (ws / "Cargo.toml").write_text(f'[workspace]\nmembers = [{members}]\n{pick}')
    return ws


def lib_names(ws):
    _, proc = run(["cargo", "metadata", "--no-deps", "--format-version", "1"], ws)
    import json

    meta = json.loads(proc.stdout)
    libs = set()
    for p in meta["packages"]:
        for t in p["targets"]:
            if "lib" in t["kind"] or "proc-macro" in t["kind"]:
                libs.add(t["name"].replace("-", "_"))
    return sorted(libs)


def floor_cmd(ws):
    cmd = ["cargo", "doc", "--no-deps", "--lib", "--manifest-path", str(ws / "Cargo.toml"),
           "--target-dir", str(ws / "target" / "atomic")]
    for name, _ in CRATES:
        cmd += ["-p", name]
    env = {"RUSTC_BOOTSTRAP": ",".join(lib_names(ws)),
           "RUSTDOCFLAGS": "-Z unstable-options --output-format json --document-hidden-items"}
    return cmd, env


def tool(binary, ws, *args):
    # Without the API cache: this benchmark measures documenting and normalizing.
    return run([str(binary), "atomic", *args, "--manifest-path", str(ws / "Cargo.toml"), "-v", "--no-cache"], ws)


def timing(stderr):
    m = re.search(r"Timing rustdoc ([0-9.]+)s, normalization ([0-9.]+)s for (\d+) crates(?: \(\d+ unchanged, from the cache\))?, (\d+) items(?:, peak memory (\d+) kB)?", stderr)
    if not m:
        sys.exit(f"no timing line in:\n{stderr}")
    return float(m.group(1)), float(m.group(2)), int(m.group(3)), int(m.group(4)), int(m.group(5) or 0)


def generated(work, binary, n_items, runs):
    """A crate with `n_items` public items (structs, fields, methods, fns, consts)."""
    k = n_items // 5
    d = work / f"gen{n_items}"
    (d / "src").mkdir(parents=True, exist_ok=True)
    (d / "Cargo.toml").write_text('[package]\nname = "generated"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\n')
    body = []
    for i in range(k):
        body.append(
            f"pub struct S{i} {{ pub a: u32 }}\n"
            f"impl S{i} {{ pub fn get(&self) -> u32 {{ self.a }} }}\n"
            f"pub fn f{i}(x: S{i}) -> u32 {{ x.a }}\n"
            f"pub const C{i}: u32 = {i};\n"
        )
    (d / "src" / "lib.rs").write_text("".join(body))
    tool(binary, d, "api")  # warm up: build once
    samples = []
    for _ in range(runs):
        _, proc = tool(binary, d, "api")
        samples.append(timing(proc.stderr))
    norm = statistics.median(s[1] for s in samples)
    peak = max(s[4] for s in samples)
    lines = samples[0][3]
    return norm, peak, lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default=str(ROOT / "target" / "bench"))
    parser.add_argument("--binary", help="a cargo-atomic binary to measure (default: this tree's, built --release)")
    args = parser.parse_args()
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)

    if args.binary:
        binary = Path(args.binary).resolve()
    else:
        run(["cargo", "build", "--release", "-p", "cargo-atomic"], ROOT)
        binary = ROOT / "target" / "release" / "cargo-atomic"

    ws = assemble(work)
    cmd, env = floor_cmd(ws)
    print(f"workspace: {len(CRATES)} crates ({', '.join(n + ' ' + v for n, v in CRATES)})")

    shutil.rmtree(ws / "target", ignore_errors=True)
    a_cold, _ = run(cmd, ws, env)
    a_warm = statistics.median(run(cmd, ws, env)[0] for _ in range(args.runs))

    shutil.rmtree(ws / "target", ignore_errors=True)
    b_cold, proc = tool(binary, ws, "snapshot", "--workspace")
    _, cold_norm, crates, items, _ = timing(proc.stderr)
    warm = []
    for _ in range(args.runs):
        elapsed, proc = tool(binary, ws, "snapshot", "--workspace")
        warm.append((elapsed, timing(proc.stderr)))
    b_warm = statistics.median(w[0] for w in warm)
    warm_norm = statistics.median(w[1][1] for w in warm)
    warm_peak = max(w[1][4] for w in warm)

    print(f"\n{crates} crates, {items} snapshot lines")
    print(f"{'':34}{'cold':>10}{'warm':>10}")
    print(f"{'(a) bare rustdoc JSON run':34}{a_cold:>9.2f}s{a_warm:>9.2f}s")
    print(f"{'(b) cargo atomic snapshot':34}{b_cold:>9.2f}s{b_warm:>9.2f}s")
    print(f"{'    of which normalization':34}{cold_norm:>9.3f}s{warm_norm:>9.3f}s")
    print(f"ratio (b)/(a) warm: {b_warm / a_warm:.3f} (target <= 1.15); peak memory {warm_peak / 1024:.1f} MiB")

    print("\ngenerated crate: normalization and peak memory by size")
    print(f"{'public items':>14}{'lines':>10}{'normalize':>12}{'per item':>12}{'peak MiB':>10}")
    for n in (5000, 10000, 20000):
        norm, peak, lines = generated(work, binary, n, args.runs)
        print(f"{n:>14}{lines:>10}{norm:>11.3f}s{norm / n * 1e6:>10.1f}us{peak / 1024:>10.1f}")


if __name__ == "__main__":
    main()
