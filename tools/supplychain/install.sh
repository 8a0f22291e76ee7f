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
gowrap_tools_begin "$CACHE" supplychain

gowrap_tool cosign "$COSIGN_VERSION" "$COSIGN_MODULE" "$COSIGN_SUM" "$COSIGN_GOMOD_SUM" "$COSIGN_MODULE/cmd/cosign" version \
  -ldflags "-s -w -X sigs.k8s.io/release-utils/version.gitVersion=v$COSIGN_VERSION"
gowrap_tool cyclonedx-gomod "$CYCLONEDX_GOMOD_VERSION" "$CYCLONEDX_GOMOD_MODULE" "$CYCLONEDX_GOMOD_SUM" "$CYCLONEDX_GOMOD_GOMOD_SUM" \
  "$CYCLONEDX_GOMOD_MODULE/cmd/cyclonedx-gomod" version -ldflags "-s -w"
gowrap_tool govulncheck "$GOVULNCHECK_VERSION" "$GOVULNCHECK_MODULE" "$GOVULNCHECK_SUM" "$GOVULNCHECK_GOMOD_SUM" \
  "$GOVULNCHECK_MODULE/cmd/govulncheck" -version -ldflags "-s -w"

gowrap_tools_end "cached: cosign $COSIGN_VERSION, cyclonedx-gomod $CYCLONEDX_GOMOD_VERSION, govulncheck $GOVULNCHECK_VERSION ($GOWRAP_CACHE/bin)"
