#!/usr/bin/env bash
# Build ko (the Go-native image builder the benchmark compares goship with) and crane (to
# make ko's base image locally) from their Go modules, at the versions pinned in
# versions.env, into the cache outside the repo. Nothing is downloaded except Go modules.
#
#   eval "$(tools/ko/install.sh)"      # stdout: only `export PATH=...` lines
#
# Idempotent and fast when warm: a binary already in the cache that reports the pinned
# version is reused. Both modules' go.mod files have no replace, exclude or godebug lines
# (checked here, refused if that changes), so each wrapper only pins the GODEBUG defaults
# of the upstream go line, as an upstream build has them.
#
# Layout (GOSHIP_CACHE, default ~/.cache/goship):
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
log_setup ko/install.sh: error

command -v go >/dev/null 2>&1 || die "go is not on PATH (ko $KO_VERSION declares go 1.26.3)"
command -v node >/dev/null 2>&1 || die "node is not on PATH; it reads go's JSON output"
gowrap_tools_begin "$CACHE" ko

# Each reports its version by `NAME version`, set through its version variable.
gowrap_tool ko "$KO_VERSION" "$KO_MODULE" "$KO_SUM" "$KO_GOMOD_SUM" "$KO_MODULE" version \
  -ldflags "-s -w -X $KO_MODULE/pkg/commands.Version=v$KO_VERSION"
gowrap_tool crane "$CRANE_VERSION" "$CRANE_MODULE" "$CRANE_SUM" "$CRANE_GOMOD_SUM" "$CRANE_MODULE/cmd/crane" version \
  -ldflags "-s -w -X $CRANE_MODULE/cmd/crane/cmd.Version=v$CRANE_VERSION"

gowrap_tools_end "cached: ko $KO_VERSION, crane $CRANE_VERSION ($GOWRAP_CACHE/bin)"
