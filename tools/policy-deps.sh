#!/usr/bin/env bash
# The CrossGuard pack's dependencies (policy/node_modules, from its own package-lock.json):
# installed with `npm ci --prefix policy` when missing or older than the lock file, so the
# Pulumi CLI can run the pack (tools/pulumi/pulumi-analyzer-policy-nodejs) and its tests
# compile. Called by tools/local/local.sh (provision, render) and test/run.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/log.sh
. "$here/lib/log.sh"
log_setup '[policy-deps]' error
pack="$here/../policy"
stamp="$pack/node_modules/.package-lock.json"

# npm ci writes node_modules/.package-lock.json: newer than the lock file means up to date.
if [ -f "$stamp" ] && [ ! "$pack/package-lock.json" -nt "$stamp" ]; then exit 0; fi
log "npm ci --prefix policy (missing or stale policy/node_modules) ..."
npm ci --prefix "$pack" --no-audit --no-fund >&2 || die "npm ci --prefix policy failed; see above"
