#!/usr/bin/env python3
"""Release drill: one whole release of real repositories, from `init` to the tag (run by hand;
prints figures).

Each family is a real repository (fetched: its own history and tags), checked out at one of its
release tags, where a maintainer makes a real change — a break and an addition — and releases
it with the tool: `init`, `check`, the change (snapshots rewritten and committed), `check`,
`accept` (the break taken as minor where the family has one), `bump`, `changelog`, `check`,
`bump` again, `publish` to a registry server on 127.0.0.1 (`ferro-cargo-registry-server`; the
crates' manifests pointed at it in a commit of their own), and `check` after the release.

Per family and binary: each step's exit code, lines and seconds; the baselines before and after
`bump`; whether `check → bump → check` is a fixed point (the check after bump consistent, every
baseline unchanged, a second bump writing nothing); the tags the release created (and any that
failed); whether two runs of `check` print the same bytes.

Usage: python3 benches/release_drill.py --mirrors DIR [--binary NAME=PATH ...] [--family NAME ...]
                                        [--registry-server PATH] [--dir DIR]

`--mirrors` holds the fetched repositories as `owner+name/repo` (bare git directories).
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GIT = ["git", "-c", "user.name=drill", "-c", "user.email=drill@localhost", "-c", "commit.gpgsign=false",
       "-c", "tag.gpgsign=false"]


def edit(path, old, new, count=1):
    text = Path(path).read_text()
    if old not in text:
        sys.exit(f"drill: `{old[:60]}` is not in {path}")
    Path(path).write_text(text.replace(old, new, count))


def pest(ws):
    """A parameter taken by value (callers updated) and a method added."""
    edit(ws / "meta/src/parser.rs", "pub fn rename_meta_rule(rule: &Rule) -> String {\n    match *rule {",
         "pub fn rename_meta_rule(rule: Rule) -> String {\n    match rule {")
    for f in ("generator/src/lib.rs", "debugger/src/lib.rs"):
        edit(ws / f, "renamed_rules(rename_meta_rule)", "renamed_rules(|rule| rename_meta_rule(*rule))")
    edit(ws / "pest/src/position.rs", "impl<'i> Position<'i> {",
         "impl<'i> Position<'i> {\n    /// Whether the position is at the start of the input.\n"
         "    pub fn is_at_start(&self) -> bool {\n        self.pos == 0\n    }\n")


def toml(ws):
    """A method removed from `toml` and a function added to `toml_datetime` (tagged one by one;
    versions with build metadata)."""
    text = (ws / "crates/toml/src/value.rs").read_text()
    start = text.index("    /// Tests whether this and another value have the same type.")
    end = text.index("\n    }\n", text.index("pub fn same_type", start)) + len("\n    }\n")
    (ws / "crates/toml/src/value.rs").write_text(text[:start] + text[end:])
    edit(ws / "crates/toml_datetime/src/lib.rs", "\n#[cfg(feature = \"serde\")]",
         "\n/// Whether the drill ran.\npub fn drill_added() -> bool {\n    true\n}\n\n#[cfg(feature = \"serde\")]")


def futures(ws):
    """A method made private in `futures-channel` (re-exported by `futures`) and a function
    added to `futures-util` (edition 2018: Cargo's first feature resolver)."""
    edit(ws / "futures-channel/src/mpsc/mod.rs", "    pub fn into_send_error(", "    pub(crate) fn into_send_error(")
    edit(ws / "futures-util/src/lib.rs", "\npub mod future;",
         "\n/// Whether the drill ran.\npub fn drill_added() -> bool {\n    true\n}\n\npub mod future;")


def tracing(ws):
    """A method removed from `tracing-core` (which `tracing` re-exports) and a function added to
    `tracing` (crates tagged one by one as `{crate}-{version}`)."""
    path = ws / "tracing-core/src/span.rs"
    text = path.read_text()
    at = text.index("pub fn is_known(")
    start = text.rindex("\n\n", 0, at) + 1
    end = text.index("\n    }\n", at) + len("\n    }\n")
    path.write_text(text[:start] + text[end:])
    edit(ws / "tracing/src/lib.rs", "\npub mod field;",
         "\n/// Whether the drill ran.\npub fn drill_added() -> bool {\n    true\n}\n\npub mod field;")


def serde(ws):
    """A variant added to the exhaustive `serde_core::de::Unexpected` (its match updated) and a
    function added to `serde` (one `v{version}` tag per release; a proc-macro crate; members
    that are not published)."""
    edit(ws / "serde_core/src/de/mod.rs", "pub enum Unexpected<'a> {",
         "pub enum Unexpected<'a> {\n    /// The drill's variant.\n    Drill,\n")
    edit(ws / "serde_core/src/de/mod.rs", "            Other(other) => formatter.write_str(other),",
         "            Other(other) => formatter.write_str(other),\n            Drill => formatter.write_str(\"drill\"),")
    edit(ws / "serde/src/lib.rs", "\n#[cfg(docsrs)]\n#[macro_use]\n#[path = \"core/crate_root.rs\"]",
         "\n/// Whether the drill ran.\npub fn drill_added() -> bool {\n    true\n}\n\n#[cfg(docsrs)]\n#[macro_use]\n"
         "#[path = \"core/crate_root.rs\"]")


def thiserror(ws):
    """An addition only (a minor release of a derive crate and its proc-macro; one `{version}` tag
    per release)."""
    edit(ws / "src/lib.rs", "\n// Not public API.\n#[doc(hidden)]\npub mod __private",
         "\n/// Whether the drill ran.\npub fn drill_added() -> bool {\n    true\n}\n\n// Not public API.\n#[doc(hidden)]\npub mod __private")


# name, mirror, tag checked out, change, what it shows
FAMILIES = [
    ("pest", "pest-parser+pest", "v2.9.0", pest,
     "lockstep, one tag per release, registry ahead, proc-macro, publish = false member"),
    ("toml", "toml-rs+toml", "toml-v0.9.12", toml, "tagged one by one, build metadata, edition 2024"),
    ("futures", "rust-lang+futures-rs", "0.3.31", futures, "edition 2018 (resolver 1), kept equal by hand"),
    ("tracing", "tokio-rs+tracing", "tracing-0.1.41", tracing, "tagged one by one ({crate}-{version})"),
    ("serde", "serde-rs+serde", "v1.0.228", serde, "one v{version} tag, proc-macro, unpublished members"),
    ("thiserror", "dtolnay+thiserror", "2.0.12", thiserror, "one {version} tag, an addition only"),
]


def sh(cmd, cwd, env=None, check=True):
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if check and proc.returncode != 0:
        sys.exit(f"drill: {' '.join(map(str, cmd))} failed in {cwd}:\n{proc.stdout}\n{proc.stderr}")
    return proc, elapsed


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The registry on 127.0.0.1, its data in a directory of its own."""

    def __init__(self, binary, data):
        self.port = free_port()
        data.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "FERRO_CARGO_REGISTRY_DATA": str(data),
               "FERRO_CARGO_REGISTRY_LISTEN": f"127.0.0.1:{self.port}",
               "FERRO_CARGO_REGISTRY_API": f"http://127.0.0.1:{self.port}"}
        self.proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        sys.exit("drill: the registry server did not start")

    def env(self):
        return {"CARGO_REGISTRIES_LOCAL_INDEX": f"sparse+http://127.0.0.1:{self.port}/",
                "CARGO_REGISTRIES_LOCAL_TOKEN": "drill-token"}

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)


def to_local(ws, publishable):
    """Every publishable member publishes to the drill's registry, and so do the requirements on
    its siblings (a path and a version)."""
    dirs = {m["name"]: Path(m["manifest_path"]).parent for m in publishable}
    manifests = [Path(m["manifest_path"]) for m in publishable] + [ws / "Cargo.toml"]
    for manifest in dict.fromkeys(manifests):
        text = manifest.read_text()
        if manifest.parent in dirs.values() and re.search(r"^\[package\]", text, re.M):
            text = re.sub(r"^publish\s*=.*\n", "", text, flags=re.M)
            text = re.sub(r"^\[package\]\n", "[package]\npublish = [\"local\"]\n", text, count=1, flags=re.M)
        # Inline requirements with a path and a version: `x = { path = "..", version = ".." }`.
        text = re.sub(r"^([A-Za-z0-9_-]+\s*=\s*\{[^}\n]*\bpath\s*=[^}\n]*\bversion\s*=[^}\n]*?)\s*\}",
                      lambda m: m.group(0) if re.search(r"\bregistry\s*=", m.group(1)) else m.group(1) + ', registry = "local" }',
                      text, flags=re.M)
        text = re.sub(r"^([A-Za-z0-9_-]+\s*=\s*\{[^}\n]*\bversion\s*=[^}\n]*\bpath\s*=[^}\n]*?)\s*\}",
                      lambda m: m.group(0) if re.search(r"\bregistry\s*=", m.group(1)) else m.group(1) + ', registry = "local" }',
                      text, flags=re.M)
        manifest.write_text(text)


def seed(ws, tag, publishable, server, env):
    """The drill's registry holds what the real one held at the checkout's releases: every
    publishable member as the tag has it (the siblings a train does not release must resolve)."""
    release = ws.parent / (ws.name + "-seed")
    shutil.rmtree(release, ignore_errors=True)
    sh(["git", "clone", "-q", str(ws), str(release)], ws.parent)
    sh([*GIT, "checkout", "-q", tag], release)
    members = [m for m in metadata(release) if m["name"] in {p["name"] for p in publishable}]
    to_local(release, members)
    proc, _ = sh(["cargo", "publish", "--workspace", "--registry", "local", "--no-verify", "--allow-dirty"],
                 release, {**env, **server.env()}, check=False)
    if proc.returncode != 0:
        print(f"  (seeding the drill's registry: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ''})")


def metadata(ws):
    proc, _ = sh(["cargo", "metadata", "--no-deps", "--format-version", "1"], ws)
    meta = json.loads(proc.stdout)
    ids = set(meta["workspace_members"])
    return [p for p in meta["packages"] if p["id"] in ids]


def baselines(ws, atomic, env):
    proc, _ = sh([atomic, "atomic", "check", "--message-format", "json"], ws, env, check=False)
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError:
        return {}
    return {c["package"]: (c.get("baseline_version"), c.get("baseline")) for c in doc.get("crates", [])}


def drill(binary, family, mirrors, work, server_binary, verbose=False):
    name, mirror, tag, change, _ = family
    ws = work / f"{name}"
    shutil.rmtree(ws, ignore_errors=True)
    sh(["git", "clone", "-q", str(mirrors / mirror / "repo"), str(ws)], work)
    sh([*GIT, "checkout", "-q", "-b", "drill", tag], ws)
    # Tags only the checkout's history and releases had (the mirror's own remote refs aside).
    target = work / f"{name}-target"
    env = {"CARGO_TARGET_DIR": str(target), "CARGO_TERM_COLOR": "never", "RUSTFLAGS": "--cap-lints=allow",
           "CARGO_INCREMENTAL": "0"}
    steps = []

    def step(label, *args, commit=None, extra_env=None):
        cmd = [binary, "atomic", *args]
        proc, secs = sh(cmd, ws, {**env, **(extra_env or {})}, check=False)
        out = proc.stdout + proc.stderr
        steps.append((label, proc.returncode, len(out.splitlines()), secs, out))
        if verbose:
            print(f"  {label:18} exit {proc.returncode}  {len(out.splitlines()):4} lines  {secs:7.1f} s", flush=True)
            print("    " + out.rstrip().replace("\n", "\n    "), flush=True)
        if commit:
            sh([*GIT, "add", "-A"], ws)
            sh([*GIT, "commit", "-q", "--allow-empty", "-m", commit], ws)
        return proc

    step("init", "init", commit="cargo atomic init")
    step("check", "check")
    change(ws)
    step("snapshot", "snapshot", commit="a break and an addition")
    step("check", "check")
    diff = step("diff", "diff", "--message-format", "json")
    # The break itself, at its root: a major cause that is not a sibling's change re-exported.
    major = None
    try:
        for c in json.loads(diff.stdout)["crates"]:
            findings = c.get("findings", [])
            for cause in c.get("causes", []):
                f = findings[cause["finding"]]
                if cause.get("bump") == "major" and not cause.get("sibling") and major is None:
                    major = (c["package"], f["rule"], f["path"])
    except (json.JSONDecodeError, KeyError, IndexError):
        pass
    if major:
        step("accept", "accept", major[1], major[2], "--as", "minor", "--reason",
             "the drill takes it as minor", commit="accepted")
    before = baselines(ws, binary, env)
    step("bump", "bump")
    step("changelog", "changelog", "--date", "2026-12-07")
    after = baselines(ws, binary, env)
    consistent = step("check", "check").returncode == 0
    status_before, _ = sh(["git", "status", "--porcelain"], ws)
    diff_before, _ = sh(["git", "diff"], ws)
    step("bump", "bump")
    diff_after, _ = sh(["git", "diff"], ws)
    nothing = diff_before.stdout == diff_after.stdout
    first = sh([binary, "atomic", "check"], ws, env, check=False)[0]
    second = sh([binary, "atomic", "check"], ws, env, check=False)[0]
    same_bytes = (first.stdout, first.stderr, first.returncode) == (second.stdout, second.stderr, second.returncode)
    sh([*GIT, "add", "-A"], ws)
    sh([*GIT, "commit", "-q", "--allow-empty", "-m", "release"], ws)

    # Publishing: to the drill's registry, from a commit of its own.
    server = Server(server_binary, work / f"{name}-registry")
    try:
        publishable = [m for m in metadata(ws) if m.get("publish") is None or m.get("publish")]
        seed(ws, tag, publishable, server, env)
        to_local(ws, publishable)
        sh(["cargo", "generate-lockfile", "--offline"], ws, {**env, **server.env()}, check=False)
        sh([*GIT, "add", "-A"], ws)
        sh([*GIT, "commit", "-q", "-m", "publish to the drill's registry"], ws)
        tags_before = set(sh(["git", "tag"], ws)[0].stdout.split())
        step("publish --dry-run", "publish", "--dry-run", extra_env=server.env())
        published = step("publish", "publish", "--index-timeout", "60", "--max-wait", "10m", extra_env=server.env())
        tags = sorted(set(sh(["git", "tag"], ws)[0].stdout.split()) - tags_before)
        failed_tags = published.stderr.count("could not be created")
        step("check after", "check", extra_env=server.env())
    finally:
        server.stop()
    fixed = consistent and nothing and all(before.get(k, (None, None))[1] == v[1] for k, v in after.items())
    return {"steps": steps, "before": before, "after": after, "fixed": fixed, "consistent": consistent,
            "nothing": nothing, "tags": tags, "failed_tags": failed_tags, "same_bytes": same_bytes}


def baseline_words(b):
    out = {}
    for k, (v, origin) in sorted(b.items()):
        out.setdefault(f"{v} ({origin})" if v else "none", []).append(k)
    return "; ".join(f"{'/'.join(ks) if len(ks) < 4 else f'{len(ks)} crates'}: {w}" for w, ks in out.items())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mirrors", required=True, type=Path)
    ap.add_argument("--binary", action="append", default=[], help="NAME=PATH (default: this checkout's release build)")
    ap.add_argument("--family", action="append", default=[])
    ap.add_argument("--registry-server", default=shutil.which("ferro-cargo-registry-server") or "ferro-cargo-registry-server")
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "atomic-release-drill")
    ap.add_argument("--verbose", action="store_true", help="print each step's output")
    args = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    binaries = [tuple(b.split("=", 1)) for b in args.binary] or [("now", str(root / "target/release/cargo-atomic"))]
    families = [f for f in FAMILIES if not args.family or f[0] in args.family]
    results = {}
    for label, binary in binaries:
        for family in families:
            work = args.dir / label
            work.mkdir(parents=True, exist_ok=True)
            print(f"== {family[0]} ({family[4]}) with {label}", flush=True)
            r = drill(binary, family, args.mirrors.resolve(), work, args.registry_server, args.verbose)
            results[(label, family[0])] = r
            for (step_label, code, lines, secs, out) in r["steps"]:
                print(f"  {step_label:18} exit {code}  {lines:4} lines  {secs:7.1f} s")
            print(f"  baselines before bump: {baseline_words(r['before'])}")
            print(f"  baselines after bump:  {baseline_words(r['after'])}")
            print(f"  fixed point: {'yes' if r['fixed'] else 'no'} (check after bump consistent: {r['consistent']}, "
                  f"second bump wrote nothing: {r['nothing']})")
            print(f"  tags created: {', '.join(r['tags']) or 'none'}; tags failed: {r['failed_tags']}")
            print(f"  two runs print the same bytes: {'yes' if r['same_bytes'] else 'no'}", flush=True)
    print("\nfamily     binary  " + "  ".join(f"{s:>10}" for s in ("check(lines)", "bump", "fixed", "tags", "same")))
    for (label, name), r in results.items():
        checks = [s for s in r["steps"] if s[0] == "check"]
        after_change = checks[1] if len(checks) > 1 else checks[-1]
        bump = next(s for s in r["steps"] if s[0] == "bump")
        print(f"{name:10} {label:7} {after_change[1]:>4}/{after_change[2]:<6}  {bump[1]:>10}  "
              f"{'yes' if r['fixed'] else 'no':>10}  {len(r['tags']):>4}/{r['failed_tags']}f  "
              f"{'yes' if r['same_bytes'] else 'no':>10}")


if __name__ == "__main__":
    main()
