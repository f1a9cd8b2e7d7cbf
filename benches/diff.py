#!/usr/bin/env python3
"""Benchmark of `cargo atomic diff` (run by hand; prints figures).

Two release points of the same crate families (regex, rand, serde and their small dependencies),
each assembled from crates.io into a workspace wired with path dependencies:

  old: the releases of late 2021 / 2020 (rand 0.7, regex 1.5, serde 1.0.130, ...)
  new: the releases of 2024 (rand 0.8, regex 1.11, serde 1.0.210, ...)

The old workspace gets its committed snapshots (as a release tag would have them). Measured cold
and warm: the bare rustdoc JSON run of the new workspace (the floor), `cargo atomic diff
--baseline-path old` (baseline from the committed snapshots: no rustdoc run for it), and
`cargo semver-checks --workspace --default-features --baseline-root old` on the same pair (installed with
`cargo install cargo-semver-checks --locked` when missing). Targets: diff warm <= 1.2 x the
floor, and at least 3 x faster than cargo semver-checks.

Then, for changes the changelogs of these releases call breaking, whether `diff` found them; and,
per crate, the top-level diagnostics and lines of `diff`'s human output next to cargo
semver-checks' failing items and lines on the same pair (targets: diagnostics <= its failing
items, lines <= 2 x its lines). `--findings-only` skips the timings.

`--identity`: each workspace (the two above, and a tracing-family workspace shaped as its
repository) unchanged against its own crates.io packages (target: 0 findings). `--rand`: the
volume figures on rand 0.8.5 -> 0.9.0 (targets: <= 100 diagnostics, <= 700 lines).

Usage: python3 benches/diff.py [--runs N] [--dir DIR] [--findings-only | --identity | --rand | --prove]
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import snapshot as bench  # noqa: E402  (the foundation benchmark's helpers)

OLD = [
    ("memchr", "2.4.1"),
    ("aho-corasick", "0.7.18"),
    ("regex-syntax", "0.6.27"),
    ("regex", "1.5.6"),
    ("cfg-if", "1.0.0"),
    ("getrandom", "0.1.16"),
    ("rand_core", "0.5.1"),
    ("ppv-lite86", "0.2.16"),
    ("rand_chacha", "0.2.2"),
    ("rand", "0.7.3"),
    ("serde_derive", "1.0.130"),
    ("serde", "1.0.130"),
    ("itoa", "0.4.8"),
    ("ryu", "1.0.5"),
    ("serde_json", "1.0.68"),
]
NEW = bench.CRATES

# A workspace of another shape, for the identity run: a facade (`tracing`) re-exporting a core crate
# (`tracing-core`), a proc-macro crate, and a subscriber crate with many features and `cfg`-gated
# modules, all at the release of late 2024 (one commit of the tracing repository). Shaped as that
# repository is: dev-dependencies kept (members on each other by path, some with features), a
# virtual manifest naming no resolver (so Cargo uses resolver 1, as for its edition-2018 crates),
# and an unpublished examples member that asks for most features of its siblings.
TRACING = [
    ("tracing-core", "0.1.33"),
    ("tracing-attributes", "0.1.28"),
    ("tracing", "0.1.41"),
    ("tracing-log", "0.2.0"),
    ("tracing-serde", "0.2.0"),
    ("tracing-subscriber", "0.3.19"),
    ("tracing-appender", "0.2.3"),
    ("tracing-error", "0.2.1"),
    ("tracing-futures", "0.2.5"),
    ("tracing-flame", "0.2.0"),
    ("tracing-journald", "0.3.1"),
]
# The rand workspace at two releases, for the output-volume figures: 0.8.5 -> 0.9.0.
RAND_OLD = [("rand_core", "0.6.4"), ("rand_chacha", "0.3.1"), ("rand", "0.8.5"), ("rand_pcg", "0.3.1"),
            ("rand_distr", "0.4.3")]
RAND_NEW = [("rand_core", "0.9.0"), ("rand_chacha", "0.9.0"), ("rand", "0.9.0"), ("rand_pcg", "0.9.0"),
            ("rand_distr", "0.5.0")]

TRACING_EXAMPLES = {"examples": {
    "Cargo.toml": """[package]
name = "tracing-examples"
version = "0.0.0"
publish = false
edition = "2018"

[dev-dependencies]
tracing = { path = "../tracing", features = ["log"] }
tracing-core = { path = "../tracing-core" }
tracing-attributes = { path = "../tracing-attributes" }
tracing-subscriber = { path = "../tracing-subscriber", features = ["json", "env-filter", "time", "local-time"] }
tracing-futures = { path = "../tracing-futures", features = ["futures-01"] }
tracing-log = { path = "../tracing-log", features = ["std"] }
tracing-serde = { path = "../tracing-serde" }
tracing-appender = { path = "../tracing-appender" }
tracing-error = { path = "../tracing-error" }
tracing-flame = { path = "../tracing-flame" }
""",
    "examples/fmt.rs": "fn main() { tracing_subscriber::fmt::init(); tracing::info!(answer = 42, \"hello\"); }\n",
}}


def tracing_workspace(work):
    return bench.assemble(work, "tracing-ws", TRACING, keep_dev=True, resolver=None, extra=TRACING_EXAMPLES)

# (crate, path prefix, what the changelog says) — breaking changes between the two points.
KNOWN_BREAKS = [
    ("rand", "rand::Rng::gen_range", "0.8: `gen_range(low, high)` became `gen_range(range)`"),
    ("rand", "rand::rngs::EntropyRng", "0.8: `EntropyRng` removed (use `OsRng`)"),
    ("rand", "rand::distributions::weighted::alias_method", "0.8: `alias_method` moved to rand_distr"),
    ("itoa", "itoa::fmt", "1.0: `itoa::fmt` removed (use `itoa::Buffer`)"),
    ("itoa", "itoa::write", "1.0: `itoa::write` removed (use `itoa::Buffer`)"),
    ("aho-corasick", "aho_corasick::AhoCorasick", "1.0: `AhoCorasick` lost its type parameter; API reworked"),
    ("aho-corasick", "aho_corasick::AhoCorasickBuilder::auto_configure", "1.0: `auto_configure` removed"),
    ("regex-syntax", "regex_syntax::ParserBuilder::allow_invalid_utf8", "0.7: `allow_invalid_utf8` renamed `utf8`"),
    ("getrandom", "getrandom::Error::UNKNOWN", "0.2: `Error::UNKNOWN` removed"),
]


# Old releases deny warnings today's compiler raises; registry dependencies get their lints capped,
# path members do not. Every measured command runs with the same cap.
CAP = {"RUSTFLAGS": "--cap-lints warn", "RUSTDOCFLAGS": "--cap-lints warn"}


def semver_checks(ws, old):
    # Default features, as `cargo atomic` checks by default (semver-checks' own default enables
    # most features, and rand 0.8's `simd_support` no longer compiles); regex-automata is new
    # since the old release point, which semver-checks cannot take.
    cmd = ["cargo", "semver-checks", "--workspace", "--default-features", "--exclude", "regex-automata",
           "--baseline-root", str(old)]
    return bench.run(cmd, ws, env=CAP, check=False)


def tool(binary, ws, *args, verbose=True):
    flags = ["-v"] if verbose else []
    return bench.run([str(binary), "atomic", *args, "--manifest-path", str(ws / "Cargo.toml"), *flags], ws, env=CAP)


def identity(binary, workspaces):
    """Each workspace, unchanged, against its own published packages (the default baseline of a
    repository without release tags: crates.io, each crate at its manifest's version)."""
    for ws in workspaces:
        seconds, proc = tool(binary, ws, "diff", "--workspace", "--message-format", "json", verbose=False)
        report = json.loads(proc.stdout)
        total = 0
        print(f"\n{ws.name}: `cargo atomic diff --workspace` against crates.io ({seconds:.1f}s)")
        for krate in report["crates"]:
            b = krate.get("baseline") or {}
            n = len(krate["findings"])
            total += n
            shown = ", ".join(f"{f['rule']} {f['path']}" for f in krate["findings"][:3])
            print(f"  {krate['package']:16} {krate['version']:>10}  baseline {b.get('reference', 'none'):24} "
                  f"{n} findings{': ' + shown if shown else ''}")
        print(f"  total: {total} findings")


def provable():
    """The rules with a witness generator, as `prove/witness.rs` lists them."""
    text = (bench.ROOT / "cargo-atomic" / "src" / "prove" / "witness.rs").read_text()
    block = text.split("pub const PROVABLE: &[&str] = &[", 1)[1].split("];", 1)[0]
    return {line.strip().strip('",') for line in block.splitlines() if line.strip()}


def prove(binary, new, old, diff):
    """`diff --prove` next to `diff` (both warm; `--prove` once with its scratch target dirs cold,
    then warm), and per crate the majors and their verdicts."""
    diff()
    t_diff = statistics.median(diff()[0] for _ in range(3))
    shutil.rmtree(new / "target" / "atomic" / "prove", ignore_errors=True)
    args = ("diff", "--workspace", "--baseline-path", str(old), "--prove", "--message-format", "json")
    t_cold, proc = tool(binary, new, *args)
    t_warm, proc = tool(binary, new, *args)
    report = json.loads(proc.stdout)
    shutil.rmtree(new / "target", ignore_errors=True)
    d_all_cold, _ = diff()
    shutil.rmtree(new / "target", ignore_errors=True)
    p_all_cold, _ = tool(binary, new, *args)
    families = provable()
    print(f"\n{'crate':16} {'majors':>6} {'in fam.':>7} {'proven':>6} {'unproven':>8} {'weak':>5} {'none':>5}")
    totals = [0] * 6
    odd = []
    for krate in report["crates"]:
        majors = [f for f in krate["findings"] if f["bump"] == "major"]
        verdicts = [f.get("proof", {}).get("verdict", "none") for f in majors]
        row = [len(majors), sum(1 for f in majors if f["rule"] in families),
               verdicts.count("proven"), verdicts.count("unproven"), verdicts.count("weak"), verdicts.count("none")]
        totals = [a + b for a, b in zip(totals, row)]
        print(f"{krate['package']:16} " + " ".join(f"{v:>{w}}" for v, w in zip(row, [6, 7, 6, 8, 5, 5])))
        odd += [(krate["package"], f) for f in majors if f.get("proof", {}).get("verdict") in ("unproven", "weak")]
    print(f"{'total':16} " + " ".join(f"{v:>{w}}" for v, w in zip(totals, [6, 7, 6, 8, 5, 5])))
    share = 100.0 * totals[2] / totals[1] if totals[1] else 0.0
    print(f"\nproven: {share:.1f}% of the majors in the families with a generator (target >= 80%)")
    print(f"diff {t_diff:.2f}s; diff --prove {t_cold:.2f}s with its scratch target dirs cold "
          f"({t_cold / t_diff:.2f}x), {t_warm:.2f}s warm ({t_warm / t_diff:.2f}x)")
    print(f"everything cold (no target dir): diff {d_all_cold:.2f}s, diff --prove {p_all_cold:.2f}s: "
          f"--prove adds {p_all_cold - d_all_cold:.2f}s = {(p_all_cold - d_all_cold) / d_all_cold:.2f}x diff "
          f"(target: added <= 2x)")
    for package, f in odd:
        p = f["proof"]
        print(f"\n{p['verdict']}: {package}: {f['rule']} `{f['path']}`: {(p.get('error') or '').splitlines()[:1]}")
        print("    " + (p.get("witness") or "").replace("\n", "\n    "))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default=str(bench.ROOT / "target" / "bench"))
    parser.add_argument("--findings-only", action="store_true")
    parser.add_argument("--prove", action="store_true", help="only the witness-program figures")
    parser.add_argument("--identity", action="store_true",
                        help="only the identity run: each workspace against its own crates.io packages")
    parser.add_argument("--rand", action="store_true", help="only the output volume of rand 0.8.5 -> 0.9.0")
    args = parser.parse_args()
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)

    bench.run(["cargo", "build", "--release", "-p", "cargo-atomic"], bench.ROOT)
    binary = bench.ROOT / "target" / "release" / "cargo-atomic"
    if shutil.which("cargo-semver-checks") is None:
        print("installing cargo-semver-checks (cargo install cargo-semver-checks --locked) ...", flush=True)
        bench.run(["cargo", "install", "cargo-semver-checks", "--locked"], bench.ROOT)
    version = subprocess.run(["cargo", "semver-checks", "--version"], capture_output=True, text=True).stdout.strip()

    old = bench.assemble(work, "release-old", OLD)
    new = bench.assemble(work, "realws", NEW)
    if not (old / "memchr" / "atomic-api.txt").exists():
        tool(binary, old, "snapshot", "--workspace")
    cmd, env = bench.floor_cmd(new)
    env.update(CAP)
    diff = lambda: tool(binary, new, "diff", "--workspace", "--baseline-path", str(old), "--message-format", "json")

    if args.prove:
        prove(binary, new, old, diff)
        return
    if args.identity:
        identity(binary, [old, new, tracing_workspace(work)])
        return
    if args.rand:
        rand_old = bench.assemble(work, "rand-0.8", RAND_OLD)
        rand_new = bench.assemble(work, "rand-0.9", RAND_NEW)
        if not (rand_old / "rand" / "atomic-api.txt").exists():
            tool(binary, rand_old, "snapshot", "--workspace")
        _, proc = tool(binary, rand_new, "diff", "--workspace", "--baseline-path", str(rand_old),
                       "--message-format", "json")
        print("rand 0.8.5 -> 0.9.0 (the rand workspace: " + ", ".join(n for n, _ in RAND_NEW) + ")")
        diag, lines, items, sc_lines = volume(binary, rand_new, rand_old, json.loads(proc.stdout))
        print(f"diagnostics {diag} (target <= 100, <= {items} failing items of semver-checks); "
              f"lines {lines} (target <= 700, <= 1.5 x {sc_lines} = {1.5 * sc_lines:.0f})")
        return

    if args.findings_only:
        _, proc = diff()
        findings(binary, new, old, json.loads(proc.stdout))
        return

    shutil.rmtree(new / "target", ignore_errors=True)
    a_cold, _ = bench.run(cmd, new, env)
    a_warm = statistics.median(bench.run(cmd, new, env)[0] for _ in range(args.runs))

    shutil.rmtree(new / "target", ignore_errors=True)
    b_cold, proc = diff()
    b_warm = statistics.median(diff()[0] for _ in range(args.runs))
    _, proc = diff()
    report = json.loads(proc.stdout)

    shutil.rmtree(new / "target", ignore_errors=True)
    shutil.rmtree(old / "target", ignore_errors=True)
    c_cold, sc = semver_checks(new, old)
    c_warm = statistics.median(semver_checks(new, old)[0] for _ in range(args.runs))

    print(f"old: {', '.join(n + ' ' + v for n, v in OLD)}")
    print(f"new: {', '.join(n + ' ' + v for n, v in NEW)}")
    print(f"\n{'':40}{'cold':>10}{'warm':>10}")
    print(f"{'(a) bare rustdoc JSON run (new)':40}{a_cold:>9.2f}s{a_warm:>9.2f}s")
    print(f"{'(b) cargo atomic diff':40}{b_cold:>9.2f}s{b_warm:>9.2f}s")
    print(f"{'(c) cargo semver-checks (' + version + ')':40}{c_cold:>9.2f}s{c_warm:>9.2f}s")
    print(f"diff warm / floor warm: {b_warm / a_warm:.3f} (target <= 1.2)")
    print(f"semver-checks warm / diff warm: {c_warm / b_warm:.1f}x (target >= 3)")
    checked = sc.stderr.count(" -> v")
    print(f"semver-checks exit code: {sc.returncode}, crates compared: {checked}")

    print("\nfindings per crate (major / minor):")
    by_crate = {}
    for c in report["crates"]:
        majors = sum(1 for f in c["findings"] if f["bump"] == "major")
        minors = sum(1 for f in c["findings"] if f["bump"] == "minor")
        by_crate[c["package"]] = c
        base = c["baseline"]["version"] if c["baseline"] else "new"
        print(f"  {c['package']:16} {base:>9} -> {c['version']:<9} {majors:>5} / {minors:<5} required: {c['required_bump']}")

    findings(binary, new, old, report)


def semver_checks_crate(ws, old, package):
    """cargo semver-checks on one crate: (failing items, output lines)."""
    # `--release-type minor`: semver-checks skips every check across a major version bump; the
    # count wants what it would report.
    cmd = ["cargo", "semver-checks", "-p", package, "--default-features", "--release-type", "minor",
           "--baseline-root", str(old)]
    _, proc = bench.run(cmd, ws, env=CAP, check=False)
    out = proc.stdout + proc.stderr
    items, listing = 0, False
    for line in proc.stdout.splitlines():
        if line.startswith("Failed in:"):
            listing = True
        elif listing and line.startswith("  ") and line.strip():
            items += 1
        else:
            listing = False
    return items, len(out.splitlines())


def top_level(line):
    """Whether a line of `diff`'s human output opens a diagnostic of its own."""
    return line.startswith(("major[", "minor[", "patch[", "probably not breaking[", "minor: ", "patch: "))


def volume(binary, new, old, report, skip=()):
    """Per crate: `diff`'s top-level diagnostics and lines next to cargo semver-checks' failing
    items and lines on the same pair; returns the totals."""
    by_crate = {c["package"]: c for c in report["crates"]}
    _, human = tool(binary, new, "diff", "--workspace", "--baseline-path", str(old), verbose=False)
    sections, current = {}, None
    for line in human.stderr.splitlines():
        words = line.split()
        if words[:1] == ["Comparing"] and len(words) > 1:
            current = words[1]
            sections[current] = []
        elif current and not line.startswith("     Summary"):
            sections[current].append(line)
    print("\nper crate: cargo atomic diff (top-level diagnostics, lines) vs cargo semver-checks (failing items, lines):")
    print(f"  {'crate':16}{'diag':>6}{'lines':>7}   {'items':>6}{'lines':>7}   causes/findings")
    totals = [0, 0, 0, 0]
    for name, c in by_crate.items():
        if not c["baseline"] or name in skip:
            continue
        lines = sections.get(name, [])
        diag = sum(1 for l in lines if top_level(l))
        items, sc_lines = semver_checks_crate(new, old, name)
        totals = [totals[0] + diag, totals[1] + len(lines), totals[2] + items, totals[3] + sc_lines]
        print(f"  {name:16}{diag:>6}{len(lines):>7}   {items:>6}{sc_lines:>7}   {len(c['causes'])}/{len(c['findings'])}")
    print(f"  {'total':16}{totals[0]:>6}{totals[1]:>7}   {totals[2]:>6}{totals[3]:>7}")
    return totals


def findings(binary, new, old, report):
    by_crate = {c["package"]: c for c in report["crates"]}
    volume(binary, new, old, report, skip=("regex-automata",))

    print("\nbreaking changes from the changelogs, and whether diff found them:")
    for krate, prefix, note in KNOWN_BREAKS:
        c = by_crate.get(krate)
        hits = [f for f in (c["findings"] if c else []) if f["path"] == prefix or f["path"].startswith(prefix + "::")]
        majors = [f for f in hits if f["bump"] == "major"]
        verdict = f"found ({', '.join(sorted({f['rule'] for f in majors}))})" if majors else "NOT FOUND"
        print(f"  {note:70} {verdict}")


if __name__ == "__main__":
    main()
