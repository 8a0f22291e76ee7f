#!/usr/bin/env bash
# A TEST-ONLY stand-in for `pulumi-language-nodejs`, so that plain `pulumi preview/up` can
# run goship's program in the project directory on this machine. The current Node.js
# language host cannot be built here (its own Go module is untagged and the module proxy
# serves none of its commits: tools/pulumi/README.md); the last sdk/v3 releases that still
# held it in their module zip can. On a normal Pulumi install, `pulumi up` uses the real,
# current host that ships with the CLI; nothing here is needed or used there.
#
#   tools/pulumi/language-host.sh [install]   build it if missing (about 2 minutes cold),
#                                             then print the `export` lines on stdout
#   tools/pulumi/language-host.sh env         only print them (it must be built)
#
#   . .goship/local.env && eval "$(tools/pulumi/language-host.sh env)" && pulumi preview -s dev
#
# Where it lives: a directory of its own, $GOSHIP_CACHE/bin/language-nodejs-<ver>/, holding
# nothing but the binary. The export lines put that directory on PATH, and only shells and
# processes that evaluate them see it: the CLI finds a language host on PATH before its
# plugin cache. Nothing is registered in PULUMI_HOME and nothing is put next to the pulumi
# binary, so every other route stays as it is: the Automation API runner (tools/local/stack.ts,
# inline mode, no language host) and the policy pack, which the CLI runs through the
# pulumi-analyzer-policy-nodejs shim only while no nodejs language host is found. (This old
# host's RunPlugin answers "not supported", so `--policy-pack` does not work through it.)
#
# Environment:
#   GOSHIP_CACHE  cache root (default ~/.cache/goship): bin/, build/, logs/
#   GOPROXY/GOSUMDB  passed through to the go command
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/log.sh
. "$here/../lib/log.sh"
log_setup language-host.sh: error
# shellcheck source=../lib/locations.sh
. "$here/../lib/locations.sh"

# The one pin. 3.68.0 is the last github.com/pulumi/pulumi/sdk/v3 release whose module
# still contains nodejs/cmd/pulumi-language-nodejs: from 3.69.0 the host is a module of its
# own (sdk/nodejs/cmd/pulumi-language-nodejs/v3), untagged, which the proxy here does not
# serve at any commit. Its go.mod has a replace (golang.org/x/text => v0.3.6) that the
# wrapper repeats (gowrap_directives).
HOST_VERSION=3.68.0
SDK_MOD=github.com/pulumi/pulumi/sdk/v3
HOST_PKG=$SDK_MOD/nodejs/cmd/pulumi-language-nodejs

cache=$CACHE
dir="$cache/bin/language-nodejs-$HOST_VERSION"
bin="$dir/pulumi-language-nodejs"
wrapper="$cache/build/language-nodejs-$HOST_VERSION"
build_log="$cache/logs/language-nodejs-$HOST_VERSION.log"

# current: the cached binary was built from sdk/v3 at HOST_VERSION (it has no --version
# flag; the module's build info records what went into it).
current() {
  [ -x "$bin" ] && go version -m "$bin" 2>/dev/null |
    awk -v m="$SDK_MOD" -v v="v$HOST_VERSION" '($1 == "mod" || $1 == "dep") && $2 == m && $3 == v { found = 1 } END { exit !found }'
}

build() {
  local gomod start=$SECONDS line kind rest args=()
  log "building pulumi-language-nodejs from $SDK_MOD@v$HOST_VERSION (about 2 minutes on 2 cores; log: $build_log) ..."
  gomod="$(cd "$cache/build" && GOFLAGS='' go mod download -json "$SDK_MOD@v$HOST_VERSION" | json_field GoMod)" ||
    die "cannot get $SDK_MOD@v$HOST_VERSION from the Go module proxy ($(go env GOPROXY))"
  gowrap_new "$wrapper" goship.local/language-host
  args+=("-require=$SDK_MOD@v$HOST_VERSION")
  while IFS= read -r line; do
    kind=${line%% *}; rest=${line#* }
    case $kind in
      replace) args+=("-replace=$rest") ;;
      exclude) args+=("-exclude=$rest") ;;
    esac
  done < <(gowrap_directives "$gomod")
  (cd "$wrapper" && go mod edit "${args[@]}")
  if ! gowrap_build "$wrapper" "$bin" "$HOST_PKG" -ldflags "-s -w -X $SDK_MOD/go/common/version.Version=v$HOST_VERSION" \
       >"$build_log" 2>&1; then
    log "build failed; last lines of $build_log:"
    gowrap_tail "$build_log"
    die "could not build pulumi-language-nodejs v$HOST_VERSION"
  fi
  current || die "$bin does not record $SDK_MOD v$HOST_VERSION in its build info"
  log "pulumi-language-nodejs v$HOST_VERSION built in $((SECONDS - start)) s ($(du -h "$bin" | cut -f1))"
}

# The host reports every provider package in node_modules as required, @pulumi/aws too,
# whose plugin is not built here (no local stack uses AWS); the CLI would try to download it
# on every plain run and fail. install.sh registers every plugin the local stacks use.
print_env() {
  echo "# the TEST-ONLY language host stand-in (tools/pulumi/language-host.sh): plain pulumi runs only"
  echo "export PATH=\"$dir:\$PATH\""
  echo "export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true"
}

# Building needs the wrapper-module helpers and a lock; printing the environment does not.
cmd_install() {
  # shellcheck source=../lib/lock.sh
  . "$here/../lib/lock.sh"
  # shellcheck source=../lib/gowrap.sh
  . "$here/../lib/gowrap.sh"
  gowrap_env
  mkdir -p "$cache/bin" "$cache/build" "$cache/logs"
  lock_take 8 "$dir.lock" 3600 language-host.sh   # one build at a time per version
  if current; then
    log "pulumi-language-nodejs v$HOST_VERSION cached: $bin"
  else
    build
  fi
  exec 8>&-
  print_env
}

case "${1:-install}" in
  install) cmd_install ;;
  env)     current || die "no pulumi-language-nodejs v$HOST_VERSION in $dir: run $0 install first"; print_env ;;
  *)       sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
