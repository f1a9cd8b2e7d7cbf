#!/usr/bin/env python3
"""Scale benchmark of `cargo atomic check` (run by hand; prints figures).

Generated workspaces of N crates (default 100 and 300): crate k depends on crate k-1 (a chain)
and on crate k // 10 (fan-out), has a few dozen public items (structs with fields and methods,
enums, traits, functions, consts), and exposes its dependencies' types in its API. Release 1 is
committed and tagged `v1` (without snapshots: its tree must be documented); release 2 changes
some crates (items added, one signature changed) and is committed on top.

Measured for each N, with the previous release given as a git revision (`--baseline-rev v1`):
  floor          the bare rustdoc JSON run of the members (`cargo doc` exactly as the tool runs it)
  check cold     `cargo atomic check --baseline-rev v1`, empty target dir
  check 1-line   warm, after a one-line change in one crate halfway down the chain
  check same     warm, nothing changed
  semver-checks  `cargo semver-checks --workspace --baseline-rev v1` on the same pair: cold and
                 warm (its own cache of the baseline)
with the peak memory of each (GNU time). Targets (issue 13): check after a one-line change
<= 1.1 x the floor; check with nothing changed <= 1 s at 300 crates; semver-checks / ours >= 5.

A real workspace too (`--real`): the cranelift family from crates.io (16 crates) at 0.113 and
0.116, wired with path dependencies; 0.113 is committed and tagged `v1`, 0.116 committed on top,
and the one-line change goes to `cranelift-frontend`. Lints are capped (old crates on a new
compiler), for every tool alike.

Usage: python3 benches/scale.py [--sizes 100,300] [--real] [--dir DIR] [--no-semver-checks]
"""

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import snapshot as bench  # noqa: E402  (the foundation benchmark's helpers)

ITEMS_PER_CRATE = "structs with a field and two methods, an enum, a trait, fns, consts"


def crate_source(k, release):
    deps = sorted({k - 1, k // 10} - {k}) if k > 0 else []
    lines = []
    for d in deps:
        lines.append(f"pub use c{d}::Thing{d} as Dep{d};")
    lines.append(f"pub struct Thing{k} {{ pub id: u64, pub name: String }}")
    lines.append(f"impl Thing{k} {{")
    lines.append(f"    pub fn new(id: u64) -> Self {{ Thing{k} {{ id, name: String::new() }} }}")
    lines.append("    pub fn id(&self) -> u64 { self.id }")
    lines.append("}")
    lines.append(f"pub enum Kind{k} {{ A, B(u32), C {{ x: i64 }} }}")
    lines.append(f"pub trait Shape{k} {{ fn area(&self) -> f64; fn name(&self) -> String {{ String::new() }} }}")
    for i in range(6):
        lines.append(f"pub struct Item{k}_{i} {{ pub value: u32 }}")
        lines.append(f"impl Item{k}_{i} {{ pub fn get(&self) -> u32 {{ self.value }} }}")
        lines.append(f"pub fn make{k}_{i}(value: u32) -> Item{k}_{i} {{ Item{k}_{i} {{ value }} }}")
        lines.append(f"pub const LIMIT{k}_{i}: u32 = {i};")
    for d in deps:
        lines.append(f"pub fn wrap{k}_{d}(x: c{d}::Thing{d}) -> c{d}::Thing{d} {{ x }}")
    if release == 2 and k % 10 == 3:
        lines.append(f"pub fn added{k}() {{}}")
    if release == 2 and k % 50 == 7:
        lines.append(f"pub fn changed{k}(a: u32, b: u32) -> u32 {{ a + b }}")
    else:
        lines.append(f"pub fn changed{k}(a: u32) -> u32 {{ a }}")
    return "\n".join(lines) + "\n"


def generate(work, n):
    ws = work / f"scale{n}"
    if (ws / ".git").exists():
        return ws
    shutil.rmtree(ws, ignore_errors=True)
    ws.mkdir(parents=True)
    names = [f"c{k}" for k in range(n)]
    (ws / "Cargo.toml").write_text(
        "[workspace]\nmembers = [" + ", ".join(f'"{c}"' for c in names) + ']\nresolver = "2"\n'
    )
    (ws / ".gitignore").write_text("target/\n")
    for release in (1, 2):
        for k in range(n):
            d = ws / f"c{k}"
            (d / "src").mkdir(parents=True, exist_ok=True)
            deps = sorted({k - 1, k // 10} - {k}) if k > 0 else []
            dep_lines = "".join(f'c{d} = {{ path = "../c{d}", version = "1" }}\n' for d in deps)
            version = "1.0.0"
            (d / "Cargo.toml").write_text(
                f'[package]\nname = "c{k}"\nversion = "{version}"\nedition = "2021"\nlicense = "MIT"\n'
                f'description = "generated"\n\n[dependencies]\n{dep_lines}'
            )
            (d / "src" / "lib.rs").write_text(crate_source(k, release))
        if release == 1:
            bench.run(["cargo", "generate-lockfile"], ws)
            git(ws, "init", "-q", "-b", "main")
        git(ws, "add", "-A")
        git(ws, "commit", "-q", "-m", f"release {release}")
        if release == 1:
            git(ws, "tag", "v1")
    return ws


# The family in dependency order; the first eleven had a `.1` patch release at both points.
CRANELIFT_CRATES = ["cranelift-bitset", "cranelift-entity", "cranelift-bforest", "cranelift-codegen-shared",
                    "cranelift-codegen-meta", "cranelift-isle", "cranelift-control", "cranelift-codegen",
                    "cranelift-frontend", "cranelift-native", "cranelift-module", "cranelift-object", "cranelift-jit",
                    "cranelift-interpreter", "cranelift-reader", "cranelift"]
CRANELIFT = {minor: [(name, f"{minor}.{1 if i < 11 else 0}") for i, name in enumerate(CRANELIFT_CRATES)]
             for minor in ("0.113", "0.116")}
CAP = {"RUSTFLAGS": "--cap-lints warn", "RUSTDOCFLAGS": "--cap-lints warn"}


def real(work):
    """The cranelift family at two release points in one git repository (v1 = 0.113)."""
    ws = work / "cranelift"
    if (ws / ".git").exists():
        return ws
    old = bench.assemble(work, "cranelift-0.113", CRANELIFT["0.113"])
    new = bench.assemble(work, "cranelift-0.116", CRANELIFT["0.116"])
    shutil.rmtree(ws, ignore_errors=True)
    shutil.copytree(old, ws, ignore=shutil.ignore_patterns("target"))
    (ws / ".gitignore").write_text("target/\n")
    bench.run(["cargo", "generate-lockfile"], ws)
    git(ws, "init", "-q", "-b", "main")
    git(ws, "add", "-A")
    git(ws, "commit", "-q", "-m", "cranelift 0.113")
    git(ws, "tag", "v1")
    for name, _ in CRANELIFT["0.113"]:
        shutil.rmtree(ws / name)
    for name, _ in CRANELIFT["0.116"]:
        shutil.copytree(new / name, ws / name)
    shutil.copy(new / "Cargo.toml", ws / "Cargo.toml")
    bench.run(["cargo", "update", "--workspace"], ws)
    git(ws, "add", "-A")
    git(ws, "commit", "-q", "-m", "cranelift 0.116")
    return ws


def git(ws, *args):
    env = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    bench.run(["git", *args], ws, env)


def timed(cmd, cwd, env=None):
    """(seconds, peak MiB, process) with GNU time."""
    started = time.perf_counter()
    _, proc = bench.run(["/usr/bin/time", "-f", "PEAK %M", *cmd], cwd, env, check=False)
    elapsed = time.perf_counter() - started
    m = re.findall(r"PEAK (\d+)", proc.stderr)
    return elapsed, (int(m[-1]) / 1024 if m else 0.0), proc


def floor(ws):
    cmd = ["cargo", "doc", "--no-deps", "--lib", "--manifest-path", str(ws / "Cargo.toml"),
           "--target-dir", str(ws / "target" / "atomic"), "--workspace"]
    env = {"RUSTC_BOOTSTRAP": ",".join(bench.lib_names(ws)),
           "RUSTDOCFLAGS": "-Z unstable-options --output-format json --document-hidden-items "
                           "--document-private-items --cap-lints warn"}
    return cmd, env


def one_line_change(ws, n, i):
    crate = "cranelift-frontend" if n == "cranelift" else f"c{n // 2}"
    f = ws / crate / "src" / "lib.rs"
    f.write_text(f.read_text() + f"pub fn touched{i}() {{}}\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,300")
    parser.add_argument("--dir", default=str(bench.ROOT / "target" / "bench"))
    parser.add_argument("--no-semver-checks", action="store_true")
    parser.add_argument("--real", action="store_true", help="also the cranelift workspace (16 crates)")
    args = parser.parse_args()
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    bench.run(["cargo", "build", "--release", "-p", "cargo-atomic"], bench.ROOT)
    binary = bench.ROOT / "target" / "release" / "cargo-atomic"
    semver = not args.no_semver_checks and shutil.which("cargo-semver-checks") is not None
    version = subprocess.run(["cargo", "semver-checks", "--version"], capture_output=True, text=True).stdout.strip() \
        if semver else "not run"

    rows = []
    sizes = [int(s) for s in args.sizes.split(",") if s]
    for n in sizes + (["cranelift"] if args.real else []):
        ws = real(work) if n == "cranelift" else generate(work, n)
        env_all = CAP if n == "cranelift" else {}
        git(ws, "checkout", "-q", "--", ".")
        check = [str(binary), "atomic", "check", "--manifest-path", str(ws / "Cargo.toml"), "--baseline-rev", "v1",
                 "--message-format", "json"]
        cmd, env = floor(ws)
        if n == "cranelift":
            env["RUSTFLAGS"] = CAP["RUSTFLAGS"]

        shutil.rmtree(ws / "target", ignore_errors=True)
        floor_cold, floor_mem, _ = timed(cmd, ws, env)
        one_line_change(ws, n, 0)
        floor_warm, _, _ = timed(cmd, ws, env)
        git(ws, "checkout", "-q", "--", ".")

        shutil.rmtree(ws / "target", ignore_errors=True)
        cold, cold_mem, proc = timed(check, ws, env_all)
        if proc.returncode not in (0, 1):
            sys.exit(f"check failed:\n{proc.stderr}")
        same, same_mem, _ = timed(check, ws, env_all)
        same = min(same, timed(check, ws, env_all)[0])
        one_line_change(ws, n, 1)
        changed, changed_mem, _ = timed(check, ws, env_all)
        git(ws, "checkout", "-q", "--", ".")

        sc_cold = sc_warm = sc_mem = float("nan")
        if semver:
            sc = ["cargo", "semver-checks", "--workspace", "--baseline-rev", "v1", "--manifest-path",
                  str(ws / "Cargo.toml")]
            shutil.rmtree(ws / "target", ignore_errors=True)
            sc_cold, sc_mem, _ = timed(sc, ws, env_all)
            one_line_change(ws, n, 2)
            sc_warm, _, _ = timed(sc, ws, env_all)
            git(ws, "checkout", "-q", "--", ".")
        rows.append((n, floor_cold, floor_warm, floor_mem, cold, cold_mem, changed, changed_mem, same, same_mem,
                     sc_cold, sc_warm, sc_mem))
        print(f"{n} crates: floor cold {floor_cold:.2f}s, 1-line {floor_warm:.2f}s; check cold {cold:.2f}s, "
              f"1-line {changed:.2f}s, same {same:.3f}s; semver-checks cold {sc_cold:.2f}s, 1-line {sc_warm:.2f}s; "
              f"peak MiB floor {floor_mem:.0f}, check {max(cold_mem, changed_mem, same_mem):.0f}, "
              f"semver-checks {sc_mem:.0f}", flush=True)

    print(f"generated workspaces: crate k depends on k-1 and k//10; {ITEMS_PER_CRATE} per crate")
    print(f"cargo-semver-checks: {version}\n")
    print(f"{'crates':>7} {'floor cold':>11} {'floor 1-line':>13} {'check cold':>11} {'check 1-line':>13} "
          f"{'check same':>11} {'sc cold':>9} {'sc 1-line':>10}   peak MiB (floor/check/sc)")
    for (n, fc, fw, fm, c, cm, ch, chm, s, sm, scc, scw, scm) in rows:
        print(f"{n:>7} {fc:>10.2f}s {fw:>12.2f}s {c:>10.2f}s {ch:>12.2f}s {s:>10.3f}s {scc:>8.2f}s {scw:>9.2f}s"
              f"   {fm:.0f}/{max(cm, chm, sm):.0f}/{scm:.0f}")
    print()
    for (n, fc, fw, fm, c, cm, ch, chm, s, sm, scc, scw, scm) in rows:
        print(f"{n} crates: check 1-line / floor 1-line = {ch / fw:.2f} (target <= 1.1); "
              f"check same = {s:.3f}s (target <= 1 s at 300); "
              f"semver-checks / check: cold {scc / c:.1f}x, 1-line {scw / ch:.1f}x (target >= 5)")


if __name__ == "__main__":
    main()
