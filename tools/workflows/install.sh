#!/usr/bin/env bash
# Install the two workflow linters lint.sh runs, at the versions pinned in versions.env,
# into the cache outside the repo: actionlint built from its Go module (like
# tools/linters/install.sh builds the manifest linters), zizmor from its PyPI wheel,
# verified by its sha256. Nothing is downloaded except that Go module (and its
# dependencies) and that wheel.
#
#   eval "$(tools/workflows/install.sh)"    # stdout: only `export PATH=...` lines
#
# Idempotent and fast when warm: a binary already in the cache that reports the pinned
# version is reused.
#
# Layout (GOSHIP_CACHE, default ~/.cache/goship):
#   bin/actionlint-<version>/actionlint   bin/zizmor-<version>/zizmor   (each put on PATH)
#   build/actionlint-<version>/           wrapper module (go.mod, go.sum) actionlint is built in
#   build/zizmor-<version>/               pip's --target directory the wheel is unpacked into
#   logs/<tool>-<version>.log             output of the last build or install
#
# Environment: GOSHIP_CACHE; GOPROXY, GOSUMDB, GONOSUMDB are passed through to go, pip's
# own settings (index, certificates) to pip.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
. "$here/versions.env"
# shellcheck source=../lib/locations.sh
. "$here/../lib/locations.sh"
# shellcheck source=../lib/log.sh
. "$here/../lib/log.sh"
# shellcheck source=../lib/lock.sh
. "$here/../lib/lock.sh"
# shellcheck source=../lib/gowrap.sh
. "$here/../lib/gowrap.sh"
log_setup workflows/install.sh: error

command -v go >/dev/null 2>&1 || die "go is not on PATH (actionlint $ACTIONLINT_VERSION declares go 1.25.0)"
command -v node >/dev/null 2>&1 || die "node is not on PATH; it reads go's JSON output"
command -v python3 >/dev/null 2>&1 || die "python3 is not on PATH; its pip installs the zizmor wheel"
mkdir -p "$CACHE/bin" "$CACHE/build" "$CACHE/logs"
cache="$(cd "$CACHE" && pwd)"
gowrap_env

# One run at a time per cache (two concurrent builds would race on the same files).
lock_take 9 "$cache/.workflows.lock" 3600 install.sh

declare -a report=() bindirs=()

# actionlint: built from its Go module (tools/lib/gowrap.sh gowrap_module); its go.mod has
# nothing to repeat but its go line. `actionlint -version` prints "1.7.12", how it was
# installed, and the Go it was built with.
actionlint() {
  local mod=$ACTIONLINT_MODULE
  gowrap_module "$cache" actionlint "$ACTIONLINT_VERSION" "$mod" "$ACTIONLINT_SUM" "$ACTIONLINT_GOMOD_SUM" \
    "$mod/cmd/actionlint" -version \
    -ldflags "-s -w -X $mod.version=$ACTIONLINT_VERSION -X '$mod.installedFrom=built by goship tools/workflows/install.sh'"
  bindirs+=("${GOWRAP_OUT%/*}")
  report+=("$(printf '%-11s %-8s %s  %s' actionlint "$ACTIONLINT_VERSION" "$GOWRAP_STATUS" "$GOWRAP_OUT")")
}

# zizmor: the wheel holds one static binary (maturin "bin" layout, no Python package and
# no dependencies), so pip unpacks it into a --target directory and the binary is moved
# into the bin directory; no virtualenv and nothing in the system Python.
zizmor() {
  local tag=$ZIZMOR_VERSION dir="$cache/build/zizmor-$ZIZMOR_VERSION"
  local out="$cache/bin/zizmor-$tag/zizmor" log="$cache/logs/zizmor-$tag.log" start=$SECONDS
  bindirs+=("${out%/*}")
  # `zizmor --version` prints "zizmor 1.32.0".
  if gowrap_reports "$out" "$tag" --version; then
    report+=("$(printf '%-11s %-8s cached %6s  %s' zizmor "$tag" - "$out")")
    return 0
  fi
  [ "$(uname -s)/$(uname -m)" = Linux/x86_64 ] ||
    die "zizmor $tag is pinned as $ZIZMOR_WHEEL (the only wheel the registry here serves); this machine is $(uname -s)/$(uname -m)"
  log "installing zizmor $tag from its wheel $ZIZMOR_WHEEL (log: $log) ..."
  rm -rf "$dir"
  mkdir -p "$dir"
  printf 'zizmor==%s --hash=sha256:%s\n' "$tag" "$ZIZMOR_SHA256" >"$dir.requirements.txt"
  # --only-binary: never a source build (that would need Rust); --require-hashes: only the
  # pinned bytes; --platform: only the manylinux wheel the hash belongs to.
  if ! python3 -m pip install --disable-pip-version-check --no-input --no-deps --require-hashes \
        --only-binary=:all: --platform manylinux_2_28_x86_64 --target "$dir/target" \
        -r "$dir.requirements.txt" >"$log" 2>&1; then
    gowrap_tail "$log"
    die "pip could not install zizmor $tag (log: $log)"
  fi
  [ -x "$dir/target/bin/zizmor" ] || die "the zizmor wheel has no bin/zizmor (see $dir/target)"
  mkdir -p "${out%/*}"
  mv -f "$dir/target/bin/zizmor" "$out.tmp" && mv -f "$out.tmp" "$out"
  rm -rf "$dir" "$dir.requirements.txt"
  gowrap_reports "$out" "$tag" --version || die "$out does not report version $tag: $("$out" --version 2>&1 | head -n 1)"
  report+=("$(printf '%-11s %-8s built  %5ss  %s' zizmor "$tag" "$((SECONDS - start))" "$out")")
}

actionlint
zizmor

if printf '%s\n' "${report[@]}" | grep -qv ' cached '; then
  { printf '%-11s %-8s %-6s %6s  %s\n' tool version status time binary; printf '%s\n' "${report[@]}"; } >&2
else
  log "cached: actionlint $ACTIONLINT_VERSION, zizmor $ZIZMOR_VERSION ($cache/bin)"
fi
for d in "${bindirs[@]}"; do printf 'export PATH="%s:%s"\n' "$d" "\$PATH"; done
