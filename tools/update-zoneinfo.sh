#!/usr/bin/env bash
# Refresh the vendored IANA tz database from the Go toolchain on PATH.
# Deployments using the configMap timezone mode roll when the zone file changes.
set -euo pipefail
cd "$(dirname "$0")/.."
src="$(go env GOROOT)/lib/time/zoneinfo.zip"
cp "$src" components/deploy/zoneinfo/zoneinfo.zip
grep -h '^DATA=' "$(go env GOROOT)/lib/time/update.bash" | sed 's/^DATA=/tzdata /'
echo "copied from $(go version); update components/deploy/zoneinfo/README.md with the tzdata release"
