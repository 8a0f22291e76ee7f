#!/usr/bin/env bash
# Build the offline Go vulnerability database the local stacks' gate reads: the OSV files of
# the golang.org/x/vulndb module (pinned in versions.env, fetched through the Go module
# proxy like any module) in govulncheck's v1 layout (tools/local/vulndb.ts, compiled).
#
#   tools/supplychain/vulndb.sh OUT_DIR      # e.g. .goship/vulndb
#
# Idempotent: OUT_DIR/.version names the module version it was built from.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.env
. "$here/versions.env"
# shellcheck source=../lib/log.sh
. "$here/../lib/log.sh"
# shellcheck source=../lib/gowrap.sh
. "$here/../lib/gowrap.sh"
log_setup supplychain/vulndb.sh: error

out="${1:?usage: vulndb.sh OUT_DIR}"
want="$VULNDB_MODULE@$VULNDB_VERSION"
if [ -f "$out/.version" ] && [ "$(cat "$out/.version")" = "$want" ]; then
  log "cached: $want ($out)"
  exit 0
fi
[ -f "$repo/.build/tools/local/vulndb.js" ] || die "missing $repo/.build/tools/local/vulndb.js: run tools/compile.sh first"
json="$(GOFLAGS=-mod=mod go mod download -json "$want")" || die "go mod download $want failed: $json"
dir="$(printf '%s' "$json" | json_field Dir)"
node "$repo/.build/tools/local/vulndb.js" "$dir" "$out"
printf '%s\n' "$want" >"$out/.version"
