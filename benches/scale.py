#!/usr/bin/env python3
"""Scale benchmark of `cargo atomic check` (run by hand; prints figures).

Generated workspaces of N crates (default 15, 100 and 300): crate k depends on crate k-1 (a chain)
and on crate k // 10 (fan-out), has a few dozen public items (structs with fields and methods,
enums, traits, functions, consts), and exposes its dependencies' types in its API. Release 1 is
committed and tagged `v1` (without snapshots: its tree must be documented); release 2 changes
some crates (items added, one signature changed) and is committed on top.

Measured for each N, with the previous release given as a git revision (`--baseline-rev v1`):
  floor          the bare rustdoc JSON run of the members (`cargo doc` exactly as the tool runs it;
                 Cargo judges rustdoc runs fresh by their HTML output, which JSON output never
                 writes, so it documents every member again each time)
  floor* 1-line  the least Cargo can do after the one-line change: the same run with each JSON
                 marked fresh as the tool marks it (`doc/<lib>/index.html` dated as the JSON), so
                 only the changed crate and its dependents are documented again
  check cold     `cargo atomic check --baseline-rev v1`, empty target dir
  check 1-line   warm, after a one-line change in one crate halfway down the chain
  check same     warm, nothing changed
  semver-checks  `cargo semver-checks --workspace --baseline-rev v1` on the same pair: cold and
                 warm (its own cache of the baseline)
with the peak memory of each (GNU time). Targets (issue 13): check after a one-line change
<= 1.1 x the floor (printed against floor* too); check with nothing changed <= 1 s at 300 crates;
semver-checks / ours >= 5.

Real workspaces too (`--real`): the cranelift family from crates.io (16 crates) at 0.113 and
0.116, wired with path dependencies; 0.113 is committed and tagged `v1`, 0.116 committed on top,
and the one-line change goes to `cranelift-frontend`; and the regex/rand/serde families of the diff
benchmark, 15 crates of 2020/21 tagged `v1` and 16 of 2024 on top, the change in `regex-syntax`.
Lints are capped (old crates on a new compiler), for every tool alike.

Cold, both releases must be documented: twice the floor's work, and where the floor already keeps
the cores busy (2 cores here: a chain's rustdoc runs overlap), twice its time. So semver-checks /
(2 x floor cold) is printed too: about the most any tool documenting both releases with rustdoc
can show against it on this machine.

cargo-semver-checks is stopped once it has taken 6 x our time for the same case (at 300 crates it
would need hours): the figure printed is then a lower bound (`>`), as is the ratio. Its run after
the one-line change needs its cold run complete (that is what fills its cache), so a stopped cold
run leaves it unmeasured; `--sc-cold-unbounded` lets the cold run finish, however long it takes.

Sharded (`--shards 1,2,4`, issue 24): the generated workspace checked in n shards run one after
another, each cold in a target dir of its own (one machine of a CI matrix), then merged in another
(the merge job; its output must be the whole run's, byte for byte): each shard's time, the merge's,
and slowest shard + merge against the whole cold run — the wall time of an n-machine CI. Targets:
<= 0.6 x at n = 2, <= 0.35 x at n = 4 (300 crates). `--splits count,graph` measures each split
named (by name, `count`, the default; by the dependency graph, `graph`) in the same run.

Usage: python3 benches/scale.py [--sizes 15,100,300] [--real [cranelift,families]] [--dir DIR] [--no-semver-checks]
                                [--sc-cold-unbounded] [--shards 1,2,4 [--splits count,hash,graph]]
"""

import argparse
import collections
import os
import re
import signal
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import snapshot as bench  # noqa: E402  (the foundation benchmark's helpers)
import diff as diffbench  # noqa: E402  (the release lists of the diff benchmark)

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
# The real workspaces: the old and the new release (the directory each is assembled in, shared with
# the other benchmarks, and its crates) and the crate the one-line change goes to. `families` is the
# regex/rand/serde pair of the diff benchmark (15 crates of 2020/21, 16 of 2024).
REAL = {
    "cranelift": (("cranelift-0.113", CRANELIFT["0.113"]), ("cranelift-0.116", CRANELIFT["0.116"]),
                  "cranelift-frontend"),
    "families": (("release-old", diffbench.OLD), ("realws", diffbench.NEW), "regex-syntax"),
}


def real(work, name):
    """A real family at two release points in one git repository: the old one committed and tagged
    `v1` (without snapshots), the new one committed on top."""
    (old_dir, old_crates), (new_dir, new_crates), _ = REAL[name]
    ws = work / name
    if (ws / ".git").exists():
        return ws
    old = bench.assemble(work, old_dir, old_crates)
    new = bench.assemble(work, new_dir, new_crates)
    skip = shutil.ignore_patterns("target", "atomic-api.txt")
    shutil.rmtree(ws, ignore_errors=True)
    shutil.copytree(old, ws, ignore=skip)
    (ws / ".gitignore").write_text("target/\n")
    bench.run(["cargo", "generate-lockfile"], ws)
    git(ws, "init", "-q", "-b", "main")
    git(ws, "add", "-A")
    git(ws, "commit", "-q", "-m", f"{name}: old release")
    git(ws, "tag", "v1")
    for crate, _ in old_crates:
        shutil.rmtree(ws / crate)
    for crate, _ in new_crates:
        shutil.copytree(new / crate, ws / crate, ignore=skip)
    shutil.copy(new / "Cargo.toml", ws / "Cargo.toml")
    bench.run(["cargo", "update", "--workspace"], ws)
    git(ws, "add", "-A")
    git(ws, "commit", "-q", "-m", f"{name}: new release")
    return ws


def git(ws, *args):
    env = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
    bench.run(["git", *args], ws, env)


def timed(cmd, cwd, env=None, timeout=None):
    """(seconds, peak MiB, process) with GNU time; past `timeout` the whole process group is
    killed and the process is None (the seconds are then a lower bound)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    started = time.perf_counter()
    proc = subprocess.Popen(["/usr/bin/time", "-f", "PEAK %M", *cmd], cwd=cwd, env=full_env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return time.perf_counter() - started, float("nan"), None
    elapsed = time.perf_counter() - started
    m = re.findall(r"PEAK (\d+)", stderr)
    return elapsed, (int(m[-1]) / 1024 if m else 0.0), subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def floor(ws):
    cmd = ["cargo", "doc", "--no-deps", "--lib", "--manifest-path", str(ws / "Cargo.toml"),
           "--target-dir", str(ws / "target" / "atomic"), "--workspace"]
    env = {"RUSTC_BOOTSTRAP": ",".join(bench.lib_names(ws)),
           "RUSTDOCFLAGS": "-Z unstable-options --output-format json --document-hidden-items "
                           "--document-private-items --cap-lints warn"}
    return cmd, env


def mark_fresh(ws):
    """Cargo's HTML index beside each JSON file, dated as the JSON (what `CargoDoc::run` writes)."""
    doc = ws / "target" / "atomic" / "doc"
    for json_file in doc.glob("*.json"):
        index = doc / json_file.stem / "index.html"
        index.parent.mkdir(parents=True, exist_ok=True)
        index.touch()
        stat = json_file.stat()
        os.utime(index, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def one_line_change(ws, n, i):
    crate = REAL[n][2] if n in REAL else f"c{n // 2}"
    f = ws / crate / "src" / "lib.rs"
    f.write_text(f.read_text() + f"pub fn touched{i}() {{}}\n")


def sharded(work, binary, n, counts, splits):
    """Issue 24: the generated workspace of `n` crates checked in `count` shards, one after another,
    each in a fresh target dir of its own (a machine of a CI matrix, cold), then merged in another
    fresh one (the merge job). Prints each shard's time, the merge's, and slowest shard + merge
    against the whole cold run (which is what the merge must print, byte for byte)."""
    ws = generate(work, n)
    git(ws, "checkout", "-q", "--", ".")
    base = [str(binary), "atomic", "check", "--manifest-path", str(ws / "Cargo.toml"), "--baseline-rev", "v1",
            "--message-format", "json"]
    fresh = lambda name: (shutil.rmtree(ws / name, ignore_errors=True), {"CARGO_TARGET_DIR": str(ws / name)})[1]
    whole, whole_mem, proc = timed(base, ws, fresh("target-whole"))
    if proc.returncode not in (0, 1):
        sys.exit(f"check failed:\n{proc.stderr}")
    reference = proc.stdout
    print(f"{n} crates, whole cold check: {whole:.2f}s (peak {whole_mem:.0f} MiB)", flush=True)
    rows = []
    partials = work / f"partials{n}"
    for split, count in [(split, count) for split in splits for count in counts]:
        shutil.rmtree(partials, ignore_errors=True)
        partials.mkdir(parents=True)
        times, files = [], []
        for k in range(1, count + 1):
            file = partials / f"shard-{k}-of-{count}.json"
            t, _, proc = timed([*base, "--partition", f"{split}:{k}/{count}", "--emit-partial", str(file)], ws,
                               fresh(f"target-shard{k}"))
            if proc.returncode != 0:
                sys.exit(f"shard {split}:{k}/{count} failed:\n{proc.stderr}")
            times.append(t)
            files.append(str(file))
        merge, merge_mem, proc = timed([*base, "--from-partials", *files], ws, fresh("target-merge"))
        if proc.stdout != reference:
            sys.exit(f"the merge of {count} shards does not print what the whole run prints:\n{proc.stderr}")
        size = sum(os.path.getsize(f) for f in files) / 2**20
        rows.append((split, count, times, merge, merge_mem, size))
        print(f"  {split}: {count} shards: " + ", ".join(f"{t:.2f}s" for t in times) +
              f"; merge {merge:.2f}s (peak {merge_mem:.0f} MiB); partials {size:.1f} MiB", flush=True)
    for name in ["target-whole", "target-merge", *(f"target-shard{k}" for k in range(1, max(counts) + 1))]:
        shutil.rmtree(ws / name, ignore_errors=True)
    print(f"\n{n} generated crates (cold, a fresh target dir per machine), whole check {whole:.2f}s")
    print(f"{'split':>6} {'shards':>7} {'slowest shard':>14} {'merge':>8} {'shard + merge':>14} {'/ whole':>8}"
          f" {'target':>7} {'partials MiB':>13}   each shard")
    targets = {2: 0.6, 4: 0.35}
    for split, count, times, merge, _, size in rows:
        total = max(times) + merge
        target = f"<= {targets[count]}" if count in targets else "-"
        print(f"{split:>6} {count:>7} {max(times):>13.2f}s {merge:>7.2f}s {total:>13.2f}s {total / whole:>8.3f}"
              f" {target:>7}"
              f" {size:>13.1f}   " + ", ".join(f"{t:.1f}" for t in times))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="15,100,300")
    parser.add_argument("--dir", default=str(bench.ROOT / "target" / "bench"))
    parser.add_argument("--no-semver-checks", action="store_true")
    parser.add_argument("--sc-cold-unbounded", action="store_true",
                        help="let cargo-semver-checks' cold run finish, so its warm run can be measured")
    parser.add_argument("--real", nargs="?", const=",".join(REAL), default="",
                        help="also the real workspaces (all, or those named: cranelift, 16 crates; families, "
                             "the regex/rand/serde crates, 15 -> 16)")
    parser.add_argument("--splits", default="count",
                        help="with --shards: the splits to measure, one after another (count, hash, graph)")
    parser.add_argument("--shards", default="",
                        help="instead: check the generated workspace of each size in 1, 2, 4 (or the counts given) "
                             "shards one after another, and their merge (e.g. --sizes 300 --shards 1,2,4)")
    args = parser.parse_args()
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    bench.run(["cargo", "build", "--release", "-p", "cargo-atomic"], bench.ROOT)
    binary = bench.ROOT / "target" / "release" / "cargo-atomic"
    if args.shards:
        for n in [int(s) for s in args.sizes.split(",") if s]:
            sharded(work, binary, n, [int(c) for c in args.shards.split(",")], args.splits.split(","))
        return
    semver = not args.no_semver_checks and shutil.which("cargo-semver-checks") is not None
    version = subprocess.run(["cargo", "semver-checks", "--version"], capture_output=True, text=True).stdout.strip() \
        if semver else "not run"

    rows = []
    sizes = [int(s) for s in args.sizes.split(",") if s]
    real_names = [r for r in args.real.split(",") if r]
    if unknown := [r for r in real_names if r not in REAL]:
        sys.exit(f"no real workspace named {', '.join(unknown)} (known: {', '.join(REAL)})")
    for n in sizes + real_names:
        ws = real(work, n) if n in REAL else generate(work, n)
        env_all = CAP if n in REAL else {}
        git(ws, "checkout", "-q", "--", ".")
        check = [str(binary), "atomic", "check", "--manifest-path", str(ws / "Cargo.toml"), "--baseline-rev", "v1",
                 "--message-format", "json"]
        cmd, env = floor(ws)
        if n in REAL:
            env["RUSTFLAGS"] = CAP["RUSTFLAGS"]

        shutil.rmtree(ws / "target", ignore_errors=True)
        floor_cold, floor_mem, _ = timed(cmd, ws, env)
        one_line_change(ws, n, 0)
        floor_warm, _, _ = timed(cmd, ws, env)
        mark_fresh(ws)
        one_line_change(ws, n, 3)
        floor_marked, _, _ = timed(cmd, ws, env)
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
        sc_done = (True, True)
        if semver:
            sc = ["cargo", "semver-checks", "--workspace", "--baseline-rev", "v1", "--manifest-path",
                  str(ws / "Cargo.toml")]
            shutil.rmtree(ws / "target", ignore_errors=True)
            # Stopped once it is SC_BOUND x ours: enough to tell the ratio target, and a lower bound.
            cold_limit = None if args.sc_cold_unbounded else max(60.0, SC_BOUND * cold)
            sc_cold, sc_mem, proc = timed(sc, ws, env_all, timeout=cold_limit)
            sc_done = (proc is not None, sc_done[1])
            if proc is not None:
                one_line_change(ws, n, 2)
                sc_warm, _, proc = timed(sc, ws, env_all, timeout=max(60.0, SC_BOUND * changed))
                sc_done = (True, proc is not None)
                git(ws, "checkout", "-q", "--", ".")
        row = Row(n, floor_cold, floor_warm, floor_marked, floor_mem, cold, changed, same,
                  max(cold_mem, changed_mem, same_mem), sc_cold, sc_warm, sc_mem, sc_done)
        rows.append(row)
        print(f"{n} crates: floor cold {floor_cold:.2f}s, 1-line {floor_warm:.2f}s, floor* 1-line {floor_marked:.2f}s; "
              f"check cold {cold:.2f}s, 1-line {changed:.2f}s, same {same:.3f}s; semver-checks cold "
              f"{bound(sc_cold, sc_done[0])}, 1-line {bound(sc_warm, sc_done[1])}; peak MiB floor {floor_mem:.0f}, "
              f"check {row.check_mem:.0f}, semver-checks {sc_mem:.0f}", flush=True)

    print(f"generated workspaces: crate k depends on k-1 and k//10; {ITEMS_PER_CRATE} per crate")
    print(f"cargo-semver-checks: {version}\n")
    print(f"{'crates':>9} {'floor cold':>11} {'floor 1-line':>13} {'floor* 1-line':>14} {'check cold':>11} "
          f"{'check 1-line':>13} {'check same':>11} {'sc cold':>10} {'sc 1-line':>10}   peak MiB (floor/check/sc)")
    for r in rows:
        print(f"{r.n:>9} {r.floor_cold:>10.2f}s {r.floor_warm:>12.2f}s {r.floor_marked:>13.2f}s {r.cold:>10.2f}s "
              f"{r.changed:>12.2f}s {r.same:>10.3f}s {bound(r.sc_cold, r.sc_done[0]):>10} "
              f"{bound(r.sc_warm, r.sc_done[1]):>10}   {r.floor_mem:.0f}/{r.check_mem:.0f}/{r.sc_mem:.0f}")
    print()
    for r in rows:
        print(f"{r.n} crates: check 1-line / floor 1-line = {r.changed / r.floor_warm:.2f} (target <= 1.1), "
              f"/ floor* = {r.changed / r.floor_marked:.2f}; check same = {r.same:.3f}s (target <= 1 s at 300); "
              f"semver-checks / check: cold {ratio(r.sc_cold, r.cold, r.sc_done[0])}, 1-line "
              f"{ratio(r.sc_warm, r.changed, r.sc_done[1])} (target >= 5); cold ceiling for any tool that documents "
              f"both releases, semver-checks / (2 x floor cold): {ratio(r.sc_cold, 2 * r.floor_cold, r.sc_done[0])}")
    generated = [r for r in rows if r.n not in REAL]
    if len(generated) > 1:
        print("\ngrowth with the crate count (generated workspaces; time per crate, ms):")
        for label, field in [("floor cold", "floor_cold"), ("check cold", "cold"), ("check 1-line", "changed"),
                             ("check same", "same"), ("sc cold", "sc_cold")]:
            per = [f"{r.n}: " + ("-" if getattr(r, field) != getattr(r, field) else
                                 f"{1000 * getattr(r, field) / r.n:.1f}") for r in generated]
            print(f"  {label:<13} " + ", ".join(per))
        print("  check peak MiB " + ", ".join(f"{r.n}: {r.check_mem:.0f}" for r in generated))


# One workspace's figures: seconds, peak MiB; `sc_done` says whether semver-checks' cold and 1-line
# runs finished (else their times are lower bounds).
Row = collections.namedtuple("Row", "n floor_cold floor_warm floor_marked floor_mem cold changed same check_mem "
                                    "sc_cold sc_warm sc_mem sc_done")

SC_BOUND = 6.0


def ratio(theirs, ours, done):
    """theirs / ours, a lower bound when their run was stopped (`-` when not run)."""
    if theirs != theirs:
        return "-"
    return f"{'' if done else '> '}{theirs / ours:.1f}x"


def bound(seconds, done):
    """A time, or a lower bound for a run stopped at its limit (`-` when not run)."""
    if seconds != seconds:
        return "-"
    return f"{seconds:.2f}s" if done else f">{seconds:.0f}s"


if __name__ == "__main__":
    main()
