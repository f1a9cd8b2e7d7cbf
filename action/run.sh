#!/usr/bin/env bash
# The shell steps of the cargo-atomic GitHub Action (action.yml), kept here so tests can run them.
#
#   run.sh cache-key   writes `key`, `restore-key` and `path` (target/atomic) to $GITHUB_OUTPUT
#   run.sh install     installs cargo-atomic unless the wanted version is already on PATH
#   run.sh run         runs the command; annotations on stdout, the summary in $GITHUB_STEP_SUMMARY,
#                      `exit-code` and `consistent` in $GITHUB_OUTPUT; exits with the command's code
#
# Inputs come as INPUT_* variables: VERSION, PATH, COMMAND, ARGS, WORKING_DIRECTORY.
set -euo pipefail

output() { # name value
  if [ -n "${GITHUB_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"; fi
}

workdir() {
  cd "${INPUT_WORKING_DIRECTORY:-.}"
}

hash() { sha256sum | cut -c1-16; }

cache_key() {
  workdir
  local toolchain lock target
  toolchain=$(rustc -vV | hash)
  if [ -f Cargo.lock ]; then lock=$(hash < Cargo.lock); else lock=none; fi
  target=$(cargo metadata --format-version 1 --no-deps 2>/dev/null \
    | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
  target=${target:-$PWD/target}
  output key "cargo-atomic-${RUNNER_OS:-local}-$toolchain-$lock"
  output restore-key "cargo-atomic-${RUNNER_OS:-local}-$toolchain-"
  output path "$target/atomic"
}

install() {
  local want="${INPUT_VERSION:-}" have=""
  if [ -n "${INPUT_PATH:-}" ]; then
    echo "::group::cargo install --locked --path ${INPUT_PATH}"
    cargo install --locked --path "$INPUT_PATH"
    echo "::endgroup::"
    return
  fi
  have=$(cargo-atomic --version 2>/dev/null || true)
  if [ -n "$have" ] && { [ -z "$want" ] || [ "$have" = "cargo-atomic $want" ]; }; then
    echo "using the installed $have"
    return
  fi
  if command -v cargo-binstall >/dev/null 2>&1; then
    echo "::group::cargo binstall cargo-atomic${want:+@$want}"
    cargo binstall --no-confirm --locked "cargo-atomic${want:+@$want}"
  else
    echo "::group::cargo install --locked cargo-atomic${want:+ --version $want}"
    cargo install --locked cargo-atomic ${want:+--version "$want"}
  fi
  echo "::endgroup::"
}

run() {
  workdir
  local command="${INPUT_COMMAND:-check}" code=0
  local -a args=()
  if [ -n "${INPUT_ARGS:-}" ]; then read -r -a args <<< "$INPUT_ARGS"; fi
  local -a format=()
  # `check` speaks GitHub's workflow commands (and writes the step summary itself).
  if [ "$command" = check ]; then format=(--message-format github); fi
  cargo atomic "$command" "${format[@]}" "${args[@]}" || code=$?
  output exit-code "$code"
  if [ "$code" = 0 ]; then output consistent true; else output consistent false; fi
  return "$code"
}

case "${1:-}" in
  cache-key) cache_key ;;
  install) install ;;
  run) run ;;
  *) echo "usage: run.sh cache-key|install|run" >&2; exit 2 ;;
esac
