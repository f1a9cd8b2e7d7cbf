#!/usr/bin/env bash
# Records the rustdoc JSON of the item-kind fixture crates (tests/fixtures/kinds) and of the
# bundled example (examples/gateway, whose crate `core` shares its name with the standard
# library's) as a real toolchain emits it, into tests/fixtures/rustdoc-json/<rustc version>.tar.xz
# (kinds/ and gateway/ with a JSON file per crate, and toolchain.txt: `rustc -vV` and the format). The tests read every recorded toolchain and
# assert that each gives the snapshots 1.95's does (tests/e2e/toolchains.rs).
#
#   scripts/rustdoc-json-fixtures.sh rustup TOOLCHAIN    a rustup toolchain (stable, nightly, 1.95)
#   scripts/rustdoc-json-fixtures.sh system              Debian's rustc-web / cargo-web in /usr/bin
#   scripts/rustdoc-json-fixtures.sh chroot DIR NAME     a chroot of scripts/toolchains.sh
#
# The JSON is what cargo-atomic itself asks rustdoc for (`cargo atomic snapshot --no-cache`,
# then target/atomic/doc/), built first with the host's cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

cargo build -q -p cargo-atomic
work=$ROOT/target/rustdoc-json-fixtures
rm -rf "$work"
mkdir -p "$work"
cp -r tests/fixtures/kinds "$work/kinds"
cp -r examples/gateway "$work/gateway"
rm -rf "$work/gateway/target"

snapshot() {
    for ws in kinds gateway; do
        (cd "$work/$ws" && "$ROOT/target/debug/cargo-atomic" atomic snapshot --no-cache -q)
    done
}

case ${1:-} in
    rustup)
        # A rustup toolchain (`stable`, `nightly`, `1.95`): the proxies honor RUSTUP_TOOLCHAIN.
        export RUSTUP_TOOLCHAIN=${2:?usage: $0 rustup TOOLCHAIN}
        snapshot
        rustc_vv=$(rustc -vV)
        ;;
    system)
        # Debian's packaged toolchain (rustc-web / cargo-web) in /usr/bin.
        export PATH=/usr/bin:$PATH
        snapshot
        rustc_vv=$(rustc -vV)
        ;;
    chroot)
        dir=${2:?usage: $0 chroot DIR NAME}
        name=${3:?usage: $0 chroot DIR NAME}
        # The chroot sees the repository as /repo.
        for ws in kinds gateway; do
            scripts/toolchains.sh run "$dir" "$name" sh -c \
                "cd target/rustdoc-json-fixtures/$ws && /repo/target/debug/cargo-atomic atomic snapshot --no-cache -q"
        done
        rustc_vv=$(scripts/toolchains.sh run "$dir" "$name" rustc -vV)
        ;;
    *)
        sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
version=$(echo "$rustc_vv" | awk '/^release:/ {print $2}')

doc=$work/kinds/target/atomic/doc
format=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["format_version"])' "$doc/enums.json")
pack=$work/pack
mkdir -p "$pack/kinds" "$pack/gateway"
cp "$work"/kinds/target/atomic/doc/*.json "$pack/kinds/"
cp "$work"/gateway/target/atomic/doc/*.json "$pack/gateway/"
{
    echo "$rustc_vv"
    echo "rustdoc JSON format: $format"
} >"$pack/toolchain.txt"
out=tests/fixtures/rustdoc-json/$version.tar.xz
mkdir -p "$(dirname "$out")"
(cd "$pack" && tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - toolchain.txt kinds gateway) \
    | xz -9e >"$out"
echo "$out: format $format, $(ls "$pack"/*/*.json | wc -l) crates, $(du -h "$out" | cut -f1)"
