#!/usr/bin/env bash
# Real Rust toolchains from Debian's archives, each in a chroot of its own, for reading rustdoc
# JSON of every format a user's toolchain emits (see tests/fixtures/rustdoc-json/).
#
#   scripts/toolchains.sh build DIR [NAME...]   make the chroots under DIR (default: all)
#   scripts/toolchains.sh run DIR NAME CMD...   run CMD in chroot NAME, /repo bound to the cwd
#   scripts/toolchains.sh list                  the toolchains and the rustdoc JSON format each emits
#
# NAME            suite (extra suite)            rustc      rustdoc JSON format
# trixie          trixie                         1.85.1     37
# sid             sid                            1.97.1     57
# backports       trixie (trixie-backports)      1.98.1     60
#
# Two more are installed on a Debian 12 host directly, without a chroot:
#   apt-get install rustc-web=1.85.0+dfsg3-1~deb12u3 cargo-web=...   (format 37)
#   apt-get install rustc-web cargo-web                              (1.96, format 57)
#
# Needs root, debootstrap and network access to a Debian mirror (MIRROR, default the first one
# this host's apt sources name). Never copy a chroot while /proc is mounted in it: `run` mounts
# /proc and /dev only for the command's duration.
set -euo pipefail

TOOLCHAINS=(trixie sid backports)

mirror() {
    if [[ -n "${MIRROR:-}" ]]; then
        echo "$MIRROR"
        return
    fi
    local m
    m=$(grep -hoE '^(URIs:|deb) +https?://[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | grep -v security | head -1 | awk '{print $2}')
    echo "${m:-http://deb.debian.org/debian}"
}

build_one() {
    local root=$1 name=$2 dir=$1/$2 m
    m=$(mirror)
    if [[ -x "$dir/usr/bin/cargo" ]]; then
        echo "$name: already built ($(chroot "$dir" rustc --version))"
        return
    fi
    local suite=trixie extra="" opts=()
    case $name in
        trixie) ;;
        sid) suite=sid; opts=(-o Acquire::Check-Valid-Until=false) ;;
        backports) extra=trixie-backports ;;
        *) echo "unknown toolchain $name (known: ${TOOLCHAINS[*]})" >&2; return 2 ;;
    esac
    echo "$name: debootstrap $suite from $m"
    debootstrap --variant=minbase "$suite" "$dir" "$m" >"$root/$name.debootstrap.log" 2>&1
    if [[ -n "$extra" ]]; then
        echo "deb $m $extra main" >>"$dir/etc/apt/sources.list"
    fi
    chroot "$dir" apt-get "${opts[@]}" update -qq
    local target=()
    [[ -n "$extra" ]] && target=(-t "$extra")
    chroot "$dir" env DEBIAN_FRONTEND=noninteractive apt-get "${opts[@]}" install -y -qq --no-install-recommends \
        "${target[@]}" rustc cargo git ca-certificates gcc libc6-dev >/dev/null
    echo "$name: $(chroot "$dir" rustc --version)"
}

run_in() {
    local dir=$1/$2
    shift 2
    mkdir -p "$dir/repo" "$dir/proc" "$dir/dev"
    mount --bind "$PWD" "$dir/repo"
    mount -t proc proc "$dir/proc"
    mount --bind /dev "$dir/dev"
    local status=0
    cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
    chroot "$dir" /bin/sh -c 'cd /repo && exec "$@"' sh "$@" || status=$?
    umount "$dir/dev" "$dir/proc" "$dir/repo"
    return $status
}

case ${1:-} in
    build)
        root=${2:?usage: $0 build DIR [NAME...]}
        mkdir -p "$root"
        shift 2
        names=("$@")
        [[ ${#names[@]} -eq 0 ]] && names=("${TOOLCHAINS[@]}")
        for n in "${names[@]}"; do build_one "$root" "$n"; done
        ;;
    run)
        run_in "${2:?usage: $0 run DIR NAME CMD...}" "${3:?usage: $0 run DIR NAME CMD...}" "${@:4}"
        ;;
    list)
        sed -n '/^# NAME/,/^# backports/p' "$0" | sed 's/^# //'
        ;;
    *)
        sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
