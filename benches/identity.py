#!/usr/bin/env python3
"""Identity benchmark on real crate families (run by hand; prints figures).

Every family is a real multi-crate repository rebuilt from its published packages at one
release: each crate's `.crate` (downloaded by `cargo`) unpacked at the directory its repository
keeps it in, the crate at the root of its repository made the workspace root, dependencies
between members wired with `path`, the repository's resolver kept. Nothing is changed, so every
finding is noise. Each family's workspace is a git repository without release tags, so the
default baseline is the registry.

Three ways, each in a target dir of its own (under the workspace's `target/`, which other
tools skip):
  whole               `cargo atomic diff` (every member, default baseline);
  -p                  `cargo atomic diff -p X` for each member alone;
  --baseline-version  `cargo atomic diff -p X --baseline-version V` for each member X at its V;
  whole again         the first, in the target dir --baseline-version used (a cache that does
                      not remember how a baseline was built shows here).
and, in the same run, `cargo semver-checks -p X --baseline-version V --default-features` for
each member (unless --no-semver-checks). Target: 0 findings of any level everywhere.

Usage: python3 benches/identity.py [--families a,b,...] [--binary PATH] [--dir DIR]
                                   [--no-semver-checks] [--json FILE]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import snapshot as bench  # noqa: E402  (run, cargo_home)

# name: (crates as (package, version, directory in the repository), resolver of the repository's
# workspace (None: the manifest names none), whether dev-dependencies are kept and wired). The
# crate whose directory is "" is the workspace root; otherwise the root is a virtual manifest.
# Each family is what its repository held at the facade's release tag; where a sibling was not
# released at that commit, the nearest published version.
FAMILIES = {
    # A facade re-exporting its core crate's items one by one (`pub use rayon_core::{join, scope,
    # ThreadPool, ...}`), the facade at the repository root.
    "rayon": ([("rayon", "1.12.0", ""), ("rayon-core", "1.13.0", "rayon-core")], "2", False),
    # A facade over a core crate, a proc-macro crate and a subscriber crate with many features;
    # no resolver named (edition 2018: resolver 1), dev-dependencies between members kept.
    "tracing": ([
        ("tracing-core", "0.1.33", "tracing-core"),
        ("tracing-attributes", "0.1.28", "tracing-attributes"),
        ("tracing", "0.1.41", "tracing"),
        ("tracing-log", "0.2.0", "tracing-log"),
        ("tracing-serde", "0.2.0", "tracing-serde"),
        ("tracing-subscriber", "0.3.19", "tracing-subscriber"),
        ("tracing-appender", "0.2.3", "tracing-appender"),
        ("tracing-error", "0.2.1", "tracing-error"),
        ("tracing-futures", "0.2.5", "tracing-futures"),
        ("tracing-flame", "0.2.0", "tracing-flame"),
        ("tracing-journald", "0.3.1", "tracing-journald"),
    ], None, True),
    # A three-level chain (futures -> futures-util -> futures-core), glob and `doc(no_inline)`
    # re-exports, traits with blanket impls; the facade's release resolves its siblings at 0.3.34.
    "futures": ([(n, "0.3.31", n) for n in (
        "futures-core", "futures-sink", "futures-task", "futures-io", "futures-macro", "futures-channel",
        "futures-util", "futures-executor", "futures")], "2", False),
    # Traits with generic impls re-exported by a facade (`tower::Service`, `tower::Layer`).
    "tower": ([("tower-service", "0.3.3", "tower-service"), ("tower-layer", "0.3.3", "tower-layer"),
               ("tower", "0.5.2", "tower")], "2", False),
    # A glob re-export of a core crate (`pub use serde_core::*`), a derive crate re-exported behind
    # a feature, `doc(hidden)` private modules.
    "serde": ([("serde_core", "1.0.228", "serde_core"), ("serde_derive", "1.0.228", "serde_derive"),
               ("serde_derive_internals", "0.29.1", "serde_derive_internals"),
               ("serde", "1.0.228", "serde")], "2", False),
    # A derive re-exported by its facade, the facade at the root.
    "thiserror": ([("thiserror", "2.0.17", ""), ("thiserror-impl", "2.0.17", "impl")], "2", False),
    # Macros and a core crate behind features of the facade.
    "time": ([("time-core", "0.1.6", "time-core"), ("time-macros", "0.2.24", "time-macros"),
              ("time", "0.3.44", "time")], "2", False),
    # A glob re-export of a builder crate (`pub use clap_builder::*`), a derive behind a feature.
    "clap": ([("clap", "4.6.10", ""), ("clap_builder", "4.6.10", "clap_builder"),
              ("clap_derive", "4.6.9", "clap_derive"), ("clap_lex", "1.1.2", "clap_lex")], "2", False),
    # A derive crate pinned exactly by the facade at the root.
    "zerocopy": ([("zerocopy", "0.8.30", ""), ("zerocopy-derive", "0.8.30", "zerocopy-derive")], "2", False),
    # A derive crate released on its own schedule, in `derive/`.
    "bytemuck": ([("bytemuck", "1.25.2", ""), ("bytemuck_derive", "1.10.2", "derive")], "2", False),
    # Core + macro crates re-exported by a facade at the root (`pub use darling_core::{...}`).
    "darling": ([("darling", "0.24.1", ""), ("darling_core", "0.24.1", "core"),
                 ("darling_macro", "0.24.1", "macro")], "2", False),
    # A facade at the root re-exporting five siblings, each at the version of the facade's
    # release commit, older than what the release resolves today.
    "crossbeam": ([("crossbeam", "0.8.4", ""), ("crossbeam-utils", "0.8.19", "crossbeam-utils"),
                   ("crossbeam-epoch", "0.9.18", "crossbeam-epoch"), ("crossbeam-queue", "0.3.11", "crossbeam-queue"),
                   ("crossbeam-deque", "0.8.5", "crossbeam-deque"),
                   ("crossbeam-channel", "0.5.11", "crossbeam-channel")], "2", False),
    # A derive re-exported by its facade, a types crate and a build crate exposing them.
    "prost": ([("prost", "0.14.1", "prost"), ("prost-derive", "0.14.1", "prost-derive"),
               ("prost-types", "0.14.1", "prost-types"), ("prost-build", "0.14.1", "prost-build")], "2", False),
    # A facade whose derive macros share names with its traits (two namespaces, one path).
    "strum": ([("strum", "0.27.2", "strum"), ("strum_macros", "0.27.2", "strum_macros")], "2", False),
    # A facade at the root re-exporting a core crate (`pub use rand_core::{...}`).
    "rand": ([("rand", "0.9.2", ""), ("rand_core", "0.9.3", "rand_core"), ("rand_chacha", "0.9.0", "rand_chacha"),
              ("rand_pcg", "0.9.0", "rand_pcg")], "2", False),
    # A facade at the root over an automata crate that exposes a syntax crate.
    "regex": ([("regex", "1.12.2", ""), ("regex-automata", "0.4.13", "regex-automata"),
               ("regex-syntax", "0.8.8", "regex-syntax"), ("regex-lite", "0.1.8", "regex-lite")], "2", False),
}

# Old releases deny warnings today's compiler raises; every measured command runs with lints capped.
CAP = {"RUSTFLAGS": "--cap-lints warn", "RUSTDOCFLAGS": "--cap-lints warn"}


def admits(req, version):
    """Whether a Cargo requirement (`1.2`, `^0.3.1`, `=0.3.31`, `>=1, <2`) admits `version`, as far
    as normalized manifests of these families write them."""
    v = tuple(int(x) for x in version.split("-")[0].split("."))
    for part in req.split(","):
        part = part.strip()
        op = re.match(r"^(\^|=|~|>=|<=|>|<)?\s*(.*)$", part)
        kind, want = op.group(1) or "^", op.group(2)
        if want in ("*", ""):
            continue
        w = [int(x) for x in want.split("-")[0].split(".") if x != "*"]
        wt = tuple(w + [0] * (3 - len(w)))
        if kind == "=" and v[:len(w)] != tuple(w):
            return False
        if kind == ">=" and v < wt or kind == ">" and v <= wt or kind == "<" and v >= wt or kind == "<=" and v > wt:
            return False
        if kind in ("^", "~"):
            if v < wt:
                return False
            # Caret: the leftmost non-zero of the requirement stays; tilde: major and minor stay.
            keep = 2 if kind == "~" else next((i + 1 for i, x in enumerate(w) if x != 0), len(w))
            if v[:min(keep, len(w))] != tuple(w[:min(keep, len(w))]):
                return False
    return True


def dep_tables(manifest):
    """(section header, package name, requirement) of every dependency table of a normalized
    manifest."""
    doc = tomllib.loads(manifest)
    out = []

    def scan(prefix, table):
        for kind in ("dependencies", "build-dependencies", "dev-dependencies"):
            for alias, spec in (table.get(kind) or {}).items():
                package = spec.get("package", alias) if isinstance(spec, dict) else alias
                req = spec.get("version", "*") if isinstance(spec, dict) else spec
                out.append((f"{prefix}{kind}.{alias}", kind, package, req))

    scan("", doc)
    for cfg, table in (doc.get("target") or {}).items():
        scan(f"target.{cfg}.", table)
    return out


def wire(text, here, dirs, keep_dev):
    """Adds `path` to each dependency on a member whose requirement admits the member's version
    (relative to `here`); drops dev-dependencies unless `keep_dev`. Normalized manifests write
    every dependency as a table of its own. `dirs`: {package: (directory, version)}."""
    tables = {f"[{h}]": (kind, package if package in dirs and admits(req, dirs[package][1]) else None)
              for h, kind, package, req in dep_tables(text)}
    out, skip = [], False
    for line in text.splitlines():
        if line.startswith("["):
            header = line.strip()
            # Normalized manifests quote target cfgs: [target.'cfg(unix)'.dependencies.libc].
            key = re.sub(r"['\"]([^'\"]*)['\"]", r"\1", header)
            kind, package = tables.get(key, (None, None))
            skip = kind == "dev-dependencies" and not keep_dev
            if not skip:
                out.append(line)
                if package in dirs:
                    out.append(f'path = "{os.path.relpath(dirs[package][0], here) or "."}"')
            continue
        if not skip:
            out.append(line)
    return "\n".join(out) + "\n"


def assemble(work, family):
    crates, resolver, keep_dev = FAMILIES[family]
    ws = work / family
    if (ws / ".git").is_dir() and (ws / ".gitignore").is_file():
        return ws
    shutil.rmtree(ws, ignore_errors=True)
    sources = bench.fetch_sources(work / f"fetch-{family}", [(n, v) for n, v, _ in crates])
    dirs = {n: (ws / d, v) for n, v, d in crates}
    ws.mkdir(parents=True)
    # The root crate first: members are copied into its tree.
    for name, _, d in sorted(crates, key=lambda c: c[2] != ""):
        shutil.copytree(sources[name], ws / d, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("target", ".cargo-ok", "Cargo.toml.orig", "Cargo.lock",
                                                      ".cargo_vcs_info.json"))
        manifest = ws / d / "Cargo.toml"
        manifest.write_text(wire(manifest.read_text(), ws / d, dirs, keep_dev))
    members = ", ".join(f'"{d}"' for _, _, d in crates if d)
    pick = f'resolver = "{resolver}"\n' if resolver else ""
    if any(d == "" for _, _, d in crates):
        root = ws / "Cargo.toml"
        text = root.read_text()
        # A root package may name its resolver itself; Cargo refuses it named twice.
        if "resolver" in tomllib.loads(text).get("package", {}):
            pick = ""
        root.write_text(text + f"\n[workspace]\nmembers = [{members}]\n{pick}")
    else:
        (ws / "Cargo.toml").write_text(f"[workspace]\nmembers = [{members}]\n{pick}")
    # As repositories have it (and tools that search a tree for manifests read it).
    (ws / ".gitignore").write_text("/target\n")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=bench", "-c", "user.email=bench@localhost",
                                                 "commit", "-qm", "release"]):
        bench.run(["git", *args], ws)
    return ws


def atomic(binary, ws, target, *args):
    cmd = [str(binary), "atomic", "diff", "--manifest-path", str(ws / "Cargo.toml"), "--message-format", "json", *args]
    seconds, proc = bench.run(cmd, ws, env={**CAP, "CARGO_TARGET_DIR": str(ws / target)}, check=False)
    if proc.returncode not in (0, 1):
        return seconds, None, proc.stderr.strip().splitlines()[-1:] or ["exit " + str(proc.returncode)]
    report = json.loads(proc.stdout)
    out = {}
    for c in report["crates"]:
        out[c["package"]] = [(f["bump"], f["rule"], f["path"]) for f in c["findings"]]
    return seconds, out, None


def semver_checks(ws, package, version):
    cmd = ["cargo", "semver-checks", "-p", package, "--baseline-version", version, "--default-features",
           "--manifest-path", str(ws / "Cargo.toml")]
    seconds, proc = bench.run(cmd, ws, env=CAP, check=False)
    text = proc.stdout + proc.stderr
    failed = sum(1 for line in proc.stdout.splitlines() if line.startswith("--- failure "))
    if proc.returncode == 0:
        return seconds, 0, None
    if failed:
        return seconds, failed, None
    err = [l for l in text.splitlines() if l.startswith("error")][:1] or [f"exit {proc.returncode}"]
    return seconds, None, err[0]


def count(findings):
    """(findings, majors)."""
    return len(findings), sum(1 for b, _, _ in findings if b == "major")


def run_family(binary, work, family, with_sc):
    crates = FAMILIES[family][0]
    ws = assemble(work, family)
    rows = {n: {"version": v} for n, v, _ in crates}
    errors = []
    started = time.perf_counter()
    def whole(key, target):
        _, found, err = atomic(binary, ws, target)
        for name, _, _ in crates:
            rows[name][key] = count(found.get(name, [])) if found else None
            rows[name][key + "_examples"] = (found or {}).get(name, [])[:4]
        if err:
            errors.append(f"{key}: {err[0]}")

    whole("whole", "target/whole")
    for name, _, _ in crates:
        _, found, err = atomic(binary, ws, "target/alone", "-p", name)
        rows[name]["alone"] = count(found.get(name, [])) if found else None
        rows[name]["alone_examples"] = (found or {}).get(name, [])[:4]
        if err:
            errors.append(f"{name} -p: {err[0]}")
    for name, version, _ in crates:
        _, found, err = atomic(binary, ws, "target/version", "-p", name, "--baseline-version", version)
        rows[name]["version_mode"] = count(found.get(name, [])) if found else None
        rows[name]["version_mode_examples"] = (found or {}).get(name, [])[:4]
        if err:
            errors.append(f"{name} --baseline-version: {err[0]}")
    # The default baseline again, in the target dir the registry baselines above were built in.
    whole("after", "target/version")
    for name, version, _ in crates:
        if with_sc:
            _, n, err = semver_checks(ws, name, version)
            rows[name]["semver_checks"] = n
            if err:
                rows[name]["semver_checks_error"] = err
    return rows, errors, time.perf_counter() - started


def cell(pair):
    if pair is None:
        return "error"
    n, majors = pair
    return f"{n} ({majors} major)" if n else "0"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--binary", help="a cargo-atomic binary (default: this tree's, built --release)")
    parser.add_argument("--dir", default=str(bench.ROOT / "target" / "bench-identity"))
    parser.add_argument("--no-semver-checks", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="remove each family's target dirs first")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    if args.binary:
        binary = Path(args.binary).resolve()
    else:
        bench.run(["cargo", "build", "--release", "-p", "cargo-atomic"], bench.ROOT)
        binary = bench.ROOT / "target" / "release" / "cargo-atomic"
    with_sc = not args.no_semver_checks
    if with_sc and shutil.which("cargo-semver-checks") is None:
        print("installing cargo-semver-checks (cargo install cargo-semver-checks --locked) ...", flush=True)
        bench.run(["cargo", "install", "cargo-semver-checks", "--locked"], bench.ROOT)
    if with_sc:
        version = subprocess.run(["cargo", "semver-checks", "--version"], capture_output=True, text=True).stdout
        print(f"with {version.strip()}")
    results = {}
    totals = {"whole": [0, 0], "alone": [0, 0], "version_mode": [0, 0], "after": [0, 0]}
    for family in args.families.split(","):
        if args.fresh:
            for target in ("target/whole", "target/alone", "target/version"):
                shutil.rmtree(work / family / target, ignore_errors=True)
        rows, errors, seconds = run_family(binary, work, family, with_sc)
        results[family] = {"crates": rows, "errors": errors, "seconds": seconds}
        print(f"\n{family} ({seconds:.0f}s)")
        print(f"  {'crate':24}{'version':>10}{'whole':>16}{'-p':>16}{'--baseline-version':>20}{'whole again':>16}"
              f"{'semver-checks':>15}")
        for name, r in rows.items():
            sc = r.get("semver_checks")
            sc_cell = "-" if not with_sc else ("error" if sc is None else str(sc))
            print(f"  {name:24}{r['version']:>10}{cell(r['whole']):>16}{cell(r['alone']):>16}"
                  f"{cell(r['version_mode']):>20}{cell(r['after']):>16}{sc_cell:>15}")
            for way in totals:
                if r[way]:
                    totals[way][0] += r[way][0]
                    totals[way][1] += r[way][1]
            shown = r["whole_examples"] or r["alone_examples"] or r["version_mode_examples"] or r["after_examples"]
            for bump, rule, path in shown:
                print(f"      e.g. {bump}[{rule}] {path}")
        for e in errors:
            print(f"  error: {e}")
    print("\ntotal findings (majors): " + ", ".join(
        f"{way} {n} ({m})" for way, (n, m) in totals.items()))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
