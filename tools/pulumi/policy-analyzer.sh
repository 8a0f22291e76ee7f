#!/usr/bin/env bash
# Registers the Node.js policy-pack analyzer (pulumi-analyzer-policy-nodejs, a shim beside
# this script) in the Pulumi plugin cache, so `pulumi preview --policy-pack policy` and the
# Automation API's policyPacks run goship's CrossGuard pack without a nodejs language host.
# Idempotent: an installed plugin identical to the shim is left alone.
#
#   tools/pulumi/policy-analyzer.sh PULUMI_BIN VERSION
#
# VERSION is the @pulumi/pulumi version (the shim runs that SDK's run-policy-pack).
# PULUMI_HOME: where plugins live (default ~/.pulumi).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/log.sh
. "$here/../lib/log.sh"
log_setup policy-analyzer.sh: error

[ $# -eq 2 ] || die "usage: $0 PULUMI_BIN VERSION"
pulumi_bin=$1 version=$2
home="${PULUMI_HOME:-$HOME/.pulumi}"
shim="$here/pulumi-analyzer-policy-nodejs"
installed="$home/plugins/analyzer-policy-nodejs-v$version/pulumi-analyzer-policy-nodejs"

if cmp -s "$shim" "$installed"; then
  log "plugin analyzer policy-nodejs v$version already in $home/plugins"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
install -m 0755 "$shim" "$tmp/pulumi-analyzer-policy-nodejs"
tar -czf "$tmp/plugin.tar.gz" -C "$tmp" pulumi-analyzer-policy-nodejs
"$pulumi_bin" plugin install analyzer policy-nodejs "$version" --file "$tmp/plugin.tar.gz" --reinstall >&2 </dev/null
log "plugin analyzer policy-nodejs v$version installed in $home/plugins"
