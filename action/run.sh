#!/usr/bin/env bash
# The shell steps of the cargo-atomic GitHub Action (action.yml), kept here so tests can run them.
#
#   run.sh cache-key   writes `key`, `restore-key` and `path` (target/atomic) to $GITHUB_OUTPUT
#   run.sh install     installs cargo-atomic unless the wanted version is already on PATH
#   run.sh run         runs the command; annotations on stdout, the summary in $GITHUB_STEP_SUMMARY,
#                      `exit-code` and `consistent` in $GITHUB_OUTPUT; exits with the command's code
#   run.sh token       trusted publishing: prints a fresh registry token, exchanged for the job's
#                      OIDC token (the job needs `permissions: id-token: write`)
#
# Trusted publishing (TRUSTED_PUBLISHING=true, for `publish` and `rollback`): the command gets
# `--token-command "bash run.sh token"`, so Cargo asks for a new token before each upload and
# yank — a train longer than a token's 30 minutes never outlives it — and `publish` gets
# `--trusted-publishing` (preflight refuses crates new to the registry: such a token cannot
# create them). REGISTRY_URL is the registry to exchange with (https://crates.io).
#
# Sharded (a CI matrix, then one merge job):
#   with PARTITION (`2/4`, `hash:2/4`), `run` is one shard: it writes its partial to
#     PARTIALS_DIR/partial-<count-2-of-4>.json and sets the outputs `partial` (that file) and
#     `shard` (`count-2-of-4`, the artifact name's suffix); it prints no verdict and exits 0
#     unless the shard failed (2);
#   with MERGE=true, `run` merges every PARTIALS_DIR/*.json (downloaded artifacts) and reports
#     as one whole run would.
#
# Release notes (CHANGELOG=true): after the command, `cargo atomic changelog --message-format
# markdown` (with CHANGELOG_ARGS) writes them to $RUNNER_TEMP/cargo-atomic-changelog.md (output
# `changelog`, for a release step to attach) and appends them to the job summary.
#
# Inputs come as INPUT_* variables: VERSION, PATH, COMMAND, ARGS, WORKING_DIRECTORY, PARTITION,
# MERGE, PARTIALS_DIR (default: $RUNNER_TEMP/cargo-atomic-partials), TRUSTED_PUBLISHING,
# REGISTRY_URL, CHANGELOG, CHANGELOG_ARGS.
set -euo pipefail

output() { # name value
  if [ -n "${GITHUB_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"; fi
}

workdir() {
  cd "${INPUT_WORKING_DIRECTORY:-.}"
}

hash() { sha256sum | cut -c1-16; }

# `2/4` -> `count-2-of-4`, `hash:2/4` -> `hash-2-of-4`: a shard in artifact and file names.
shard_name() {
  printf '%s' "$1" | sed -E 's#^([0-9]+)/#count:\1/#; s#^([a-z]+):([0-9]+)/([0-9]+)$#\1-\2-of-\3#'
}

cache_key() {
  workdir
  local toolchain lock target
  toolchain=$(rustc -vV | hash)
  if [ -f Cargo.lock ]; then lock=$(hash < Cargo.lock); else lock=none; fi
  target=$(cargo metadata --format-version 1 --no-deps 2>/dev/null \
    | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
  target=${target:-$PWD/target}
  # A shard keeps its own share documented: one cache per shard.
  local shard=""
  if [ -n "${INPUT_PARTITION:-}" ]; then shard=-$(shard_name "$INPUT_PARTITION"); fi
  output key "cargo-atomic-${RUNNER_OS:-local}-$toolchain-$lock$shard"
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

# Release tags are the baselines: a shallow checkout (actions/checkout's default) has neither the
# history nor the tags. Fetch them, unless the workflow did (`fetch-depth: 0`).
fetch_tags() {
  git rev-parse --git-dir >/dev/null 2>&1 || return 0
  if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
    echo "::group::git fetch --tags --unshallow (release tags are the baselines)"
    git fetch --quiet --tags --unshallow 2>&1 || git fetch --quiet --tags 2>&1 \
      || echo "::warning title=cargo atomic::could not fetch the release tags; baselines may be missing"
    echo "::endgroup::"
  fi
}

# The job's OIDC token (GitHub hands it out to jobs with `id-token: write`) exchanged for a
# registry token, as crates.io's trusted publishing does it; the token on stdout, for Cargo.
token() {
  local registry="${INPUT_REGISTRY_URL:-https://crates.io}" audience jwt token
  registry=${registry%/}
  if [ -z "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] || [ -z "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-}" ]; then
    echo "trusted publishing needs the job's OIDC token: give the job \`permissions: id-token: write\`" >&2
    return 1
  fi
  audience=${registry#*://}
  audience=${audience%%/*}
  jwt=$(curl -sSf -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" \
    "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=$audience" | sed -n 's/.*"value" *: *"\([^"]*\)".*/\1/p') || true
  if [ -z "$jwt" ]; then
    echo "GitHub gave this job no OIDC token (\`permissions: id-token: write\`?)" >&2
    return 1
  fi
  token=$(curl -sSf -X POST -H 'Content-Type: application/json' --data "{\"jwt\":\"$jwt\"}" \
    "$registry/api/v1/trusted_publishing/tokens" | sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p') || true
  if [ -z "$token" ]; then
    echo "$registry exchanged no token for this job: is this repository and workflow a trusted publisher of every crate of the train?" >&2
    return 1
  fi
  printf '%s\n' "$token"
}

# The release notes of the train, as Markdown: a file for a release step, and the job summary.
changelog() {
  local notes="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/cargo-atomic-changelog.md"
  local -a extra=()
  if [ -n "${INPUT_CHANGELOG_ARGS:-}" ]; then read -r -a extra <<< "$INPUT_CHANGELOG_ARGS"; fi
  if cargo atomic changelog --message-format markdown "${extra[@]}" > "$notes"; then
    output changelog "$notes"
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$notes" ]; then
      { printf '## Release notes\n\n'; cat "$notes"; printf '\n'; } >> "$GITHUB_STEP_SUMMARY"
    fi
  else
    echo "::warning title=cargo atomic::the release notes could not be written (cargo atomic changelog failed)"
  fi
}

run() {
  workdir
  fetch_tags
  local command="${INPUT_COMMAND:-check}" code=0
  local -a args=()
  if [ -n "${INPUT_ARGS:-}" ]; then read -r -a args <<< "$INPUT_ARGS"; fi
  local -a format=()
  # `check` speaks GitHub's workflow commands (and writes the step summary itself).
  if [ "$command" = check ]; then format=(--message-format github); fi
  if [ "${INPUT_TRUSTED_PUBLISHING:-false}" = true ]; then
    local self
    self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/run.sh
    case "$command" in
      publish) args+=(--trusted-publishing --token-command "bash $self token") ;;
      rollback) args+=(--token-command "bash $self token") ;;
    esac
    case "$self" in
      *[[:space:]]*) echo "::error title=cargo atomic::the action's path has a space: $self" ; return 2 ;;
    esac
  fi
  local partials="${INPUT_PARTIALS_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/cargo-atomic-partials}"
  if [ -n "${INPUT_PARTITION:-}" ]; then
    local shard file
    shard=$(shard_name "$INPUT_PARTITION")
    file="$partials/partial-$shard.json"
    mkdir -p "$partials"
    cargo atomic "$command" "${args[@]}" --partition "$INPUT_PARTITION" --emit-partial "$file" || code=$?
    output shard "$shard"
    output partial "$file"
    output exit-code "$code"
    return "$code"
  fi
  if [ "${INPUT_MERGE:-false}" = true ]; then
    local -a files=()
    shopt -s nullglob
    files=("$partials"/*.json)
    shopt -u nullglob
    if [ "${#files[@]}" = 0 ]; then
      echo "::error title=cargo atomic::no shard partials in $partials (did the shard jobs upload them?)"
      output exit-code 2
      output consistent false
      return 2
    fi
    args+=(--from-partials "${files[@]}")
  fi
  cargo atomic "$command" "${format[@]}" "${args[@]}" || code=$?
  if [ "${INPUT_CHANGELOG:-false}" = true ]; then changelog; fi
  output exit-code "$code"
  if [ "$code" = 0 ]; then output consistent true; else output consistent false; fi
  return "$code"
}

case "${1:-}" in
  cache-key) cache_key ;;
  install) install ;;
  run) run ;;
  token) token ;;
  *) echo "usage: run.sh cache-key|install|run|token" >&2; exit 2 ;;
esac
