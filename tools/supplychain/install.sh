#!/usr/bin/env bash
# Build the supply-chain tools goship runs during `pulumi up` and at preview (cosign,
# cyclonedx-gomod, govulncheck) from their Go modules, at the versions pinned in
# versions.env, into the cache outside the repo. Nothing is downloaded except Go modules.
#
#   eval "$(tools/supplychain/install.sh)"      # stdout: only `export PATH=...` lines
#
# Idempotent and fast when warm: a binary already in the cache that reports the pinned
# version is reused. Layout (GOSHIP_CACHE, default ~/.cache/goship):
#   bin/<tool>-<version>/<tool>    build/<tool>-<version>/ (wrapper module)    logs/<tool>-<version>.log
#
# Environment: GOSHIP_CACHE; GOPROXY, GOSUMDB, GONOSUMDB are passed through to go.
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
log_setup supplychain/install.sh: error

command -v go >/dev/null 2>&1 || die "go is not on PATH (govulncheck $GOVULNCHECK_VERSION declares go 1.26.0)"
command -v node >/dev/null 2>&1 || die "node is not on PATH; it reads go's JSON output"
mkdir -p "$CACHE/bin" "$CACHE/build" "$CACHE/logs"
cache="$(cd "$CACHE" && pwd)"
gowrap_env

# One run at a time per cache (two concurrent builds would race on the same files).
lock_take 9 "$cache/.supplychain.lock" 3600 install.sh

declare -a report=() bindirs=()

# build NAME VERSION MODULE SUM GOMOD_SUM PACKAGE VERSION_ARG [BUILDFLAG...]
build() {
  gowrap_module "$cache" "$@"
  bindirs+=("${GOWRAP_OUT%/*}")
  report+=("$(printf '%-15s %-8s %s  %s' "$1" "$2" "$GOWRAP_STATUS" "$GOWRAP_OUT")")
}

build cosign "$COSIGN_VERSION" "$COSIGN_MODULE" "$COSIGN_SUM" "$COSIGN_GOMOD_SUM" "$COSIGN_MODULE/cmd/cosign" version \
  -ldflags "-s -w -X sigs.k8s.io/release-utils/version.gitVersion=v$COSIGN_VERSION"
build cyclonedx-gomod "$CYCLONEDX_GOMOD_VERSION" "$CYCLONEDX_GOMOD_MODULE" "$CYCLONEDX_GOMOD_SUM" "$CYCLONEDX_GOMOD_GOMOD_SUM" \
  "$CYCLONEDX_GOMOD_MODULE/cmd/cyclonedx-gomod" version -ldflags "-s -w"
build govulncheck "$GOVULNCHECK_VERSION" "$GOVULNCHECK_MODULE" "$GOVULNCHECK_SUM" "$GOVULNCHECK_GOMOD_SUM" \
  "$GOVULNCHECK_MODULE/cmd/govulncheck" -version -ldflags "-s -w"

if printf '%s\n' "${report[@]}" | grep -qv ' cached '; then
  { printf '%-15s %-8s %-6s %6s  %s\n' tool version status time binary; printf '%s\n' "${report[@]}"; } >&2
else
  log "cached: cosign $COSIGN_VERSION, cyclonedx-gomod $CYCLONEDX_GOMOD_VERSION, govulncheck $GOVULNCHECK_VERSION ($cache/bin)"
fi
for d in "${bindirs[@]}"; do printf 'export PATH="%s:%s"\n' "$d" "\$PATH"; done
