#!/usr/bin/env bash
# Build the three Kubernetes manifest linters lint.sh runs (kube-score, kube-linter,
# Polaris) from their Go modules, at the versions pinned in versions.env, into a cache
# outside the repo. Nothing is downloaded except Go modules.
#
#   eval "$(tools/linters/install.sh)"      # stdout: only `export PATH=...` lines
#
# Idempotent and fast when warm: a binary already in the cache that reports the pinned
# version is reused. The Go build cache (go env GOCACHE) is the default one.
#
# Layout (GOSHIP_CACHE, default ~/.cache/goship):
#   bin/<tool>-<version>/<tool>    the binaries (one directory each, put on PATH)
#   build/<tool>-<version>/        wrapper module (go.mod, go.sum) the binary is built in
#   logs/<tool>-<version>.log      go output of the last build
#
# Each binary is built in a throw-away wrapper module that requires the upstream module
# and repeats its go.mod's version `replace` and `exclude` lines (a dependency's are
# ignored) and its godebug settings, with
#   CGO_ENABLED=0 GOTOOLCHAIN=local go build -trimpath -ldflags "-s -w -X <version vars>"
# The module the binary comes from is verified against the go.sum hashes in versions.env.
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
log_setup linters/install.sh: error
cache=$CACHE

command -v go >/dev/null 2>&1 || die "go is not on PATH (Go >= 1.26 is needed: Polaris $POLARIS_VERSION declares go 1.26.2)"
command -v node >/dev/null 2>&1 || die "node is not on PATH; it reads go's JSON output"
mkdir -p "$cache/bin" "$cache/build" "$cache/logs"
cache="$(cd "$cache" && pwd)"

gowrap_env

# ---------------------------------------------------------------------------------------
# helpers

# explain LOG: the useful part of a failed go command's output, and what it means.
explain() {
  gowrap_tail "$1"
  local line mod
  line="$(grep -m 1 -E 'not available|host not permitted|: 403 ' "$1" || true)"
  if [ -n "$line" ]; then
    mod="$(grep -oE '[A-Za-z0-9._~!/-]+@v[0-9][^ :]*' <<<"$line" | head -n 1 || true)"
    log "the Go module proxy ($(go env GOPROXY)) refused module ${mod:-(see the lines above)}:"
    line="${line##*: }"
    log "  ${line%\"}"
    log "it is a frozen store that serves only the module versions it holds: if that is the"
    log "linter itself, pin another version in versions.env; if a dependency, nothing here can help."
  fi
  mod="$(grep -o 'lookup/[^ ]*@[^: ]*' "$1" | head -n 1 | sed 's|^lookup/||' || true)"
  if [ -n "$mod" ]; then
    log "the checksum database ($(go env GOSUMDB)) has no entry for $mod;"
    log "to accept it unverified, re-run with GONOSUMDB=${mod%@*} (that module path only)"
  fi
  if grep -q 'SECURITY ERROR\|checksum mismatch' "$1"; then
    log "a downloaded module does not match its go.sum hash (versions.env or the checksum database)"
  fi
}

# gomod_edits GOMOD: go mod edit flags repeating GOMOD's version replaces, excludes and
# godebug lines; "godebug default=go<X.Y of its go line>" unless it sets a default itself,
# so the binary gets the GODEBUG defaults an upstream build has. Fails on a directory replace.
gomod_edits() {
  local directives kind rest default=""
  directives="$(gowrap_directives "$1")" || return 3
  while read -r kind rest; do
    case $kind in
      replace) echo "-replace=$rest" ;;
      exclude) echo "-exclude=$rest" ;;
      godebug) echo "-godebug=$rest"; [[ $rest != default=* ]] || default=found ;;
      go) [[ $rest =~ ^([0-9]+)\.([0-9]+) ]] && [ -z "$default" ] && default="go${BASH_REMATCH[1]}.${BASH_REMATCH[2]}" ;;
      local) echo "directory replace ${rest% *} => ${rest#* }" >&2; return 3 ;;
    esac
  done <<<"$directives"
  [ "$default" = found ] || [ -z "$default" ] || echo "-godebug=default=$default"
}

# build NAME TAG MODULE VERSION SRC_MODULE SRC_VERSION SUM GOMOD_SUM PACKAGE LDFLAGS
#   TAG is the release (the binary reports it; it names the directories); MODULE@VERSION
#   is what the wrapper requires; SRC_MODULE@SRC_VERSION is where it comes from (the same,
#   or a replacement when MODULE's own path cannot be fetched).
declare -a report=()
failed=0
build() {
  local name=$1 tag=$2 mod=$3 ver=$4 src=$5 srcver=$6 sum=$7 gomodsum=$8 pkg=$9 ldflags=${10}
  local dir out log start rc
  dir="$cache/build/$name-$tag"; out="$cache/bin/$name-$tag/$name"; log="$cache/logs/$name-$tag.log"
  bindirs+=("$cache/bin/$name-$tag")
  # `BINARY version` prints "kube-score version: 1.20.0, commit: 81371e9..., built:
  # 2025-04-28T16:51:04Z", "0.8.3" (kube-linter), "Polaris version:10.1.7".
  if gowrap_reports "$out" "$tag"; then
    report+=("$(printf '%-12s %-8s cached %6s  %s' "$name" "$tag" - "$out")")
    return 0
  fi
  log "building $name $tag from $src@$srcver (log: $log) ..."
  start=$SECONDS
  gowrap_new "$dir" goship.local/linters
  : >"$log"
  (
    cd "$dir"
    printf '%s %s %s\n%s %s/go.mod %s\n' "$src" "$srcver" "$sum" "$src" "$srcver" "$gomodsum" >go.sum
    json="$(go mod download -json "$src@$srcver" 2>>"$log")" || { printf '%s\n' "$json" >>"$log"; exit 10; }
    gomod="$(printf '%s' "$json" | json_field GoMod)"
    [ -n "$gomod" ] || exit 10
    edits="$(gomod_edits "$gomod" 2>>"$log")" || exit 11
    args=("-require=$mod@$ver")
    [ "$src" = "$mod" ] || args+=("-replace=$mod@$ver=$src@$srcver")
    while IFS= read -r e; do [ -z "$e" ] || args+=("$e"); done <<<"$edits"
    go mod edit "${args[@]}"
    gowrap_build . "$out" "$pkg" -ldflags "-s -w $ldflags"
  ) >>"$log" 2>&1 || {
    rc=$?
    log "building $name $tag failed ($mod@$ver from $src@$srcver); last lines of $log:"
    [ "$rc" != 11 ] || log "$src@$srcver's go.mod has a directory replace, which a wrapper cannot repeat"
    explain "$log"
    report+=("$(printf '%-12s %-8s FAILED %5ss  %s' "$name" "$tag" "$((SECONDS - start))" "$src@$srcver; log: $log")")
    failed=1
    return 0
  }
  if ! gowrap_reports "$out" "$tag"; then
    log "$out does not report version $tag: $("$out" version 2>&1 | head -n 1)"
    failed=1
  fi
  report+=("$(printf '%-12s %-8s built  %5ss  %s' "$name" "$tag" "$((SECONDS - start))" "$out")")
}

# ---------------------------------------------------------------------------------------

# One run at a time per cache (two concurrent builds would race on the same files).
lock_take 9 "$cache/.linters.lock" 3600 install.sh

declare -a bindirs=()

build kube-score "$KUBE_SCORE_VERSION" "$KUBE_SCORE_MODULE" "v$KUBE_SCORE_VERSION" "$KUBE_SCORE_MODULE" "v$KUBE_SCORE_VERSION" \
  "$KUBE_SCORE_SUM" "$KUBE_SCORE_GOMOD_SUM" "$KUBE_SCORE_MODULE/cmd/kube-score" \
  "-X main.version=$KUBE_SCORE_VERSION -X main.commit=$KUBE_SCORE_COMMIT -X main.date=$KUBE_SCORE_DATE"

build kube-linter "$KUBE_LINTER_VERSION" "$KUBE_LINTER_MODULE" "v$KUBE_LINTER_VERSION" "$KUBE_LINTER_SOURCE" "v$KUBE_LINTER_VERSION" \
  "$KUBE_LINTER_SUM" "$KUBE_LINTER_GOMOD_SUM" "$KUBE_LINTER_MODULE/cmd/kube-linter" \
  "-X $KUBE_LINTER_MODULE/internal/version.version=$KUBE_LINTER_VERSION"

build polaris "$POLARIS_VERSION" "$POLARIS_MODULE" "$POLARIS_MODVERSION" "$POLARIS_MODULE" "$POLARIS_MODVERSION" \
  "$POLARIS_SUM" "$POLARIS_GOMOD_SUM" "$POLARIS_MODULE" \
  "-X main.Version=$POLARIS_VERSION -X main.Commit=$POLARIS_COMMIT"

# The table only when something was built or failed; one line when all were cached.
if printf '%s\n' "${report[@]}" | grep -qv ' cached '; then
  {
    printf '%-12s %-8s %-6s %6s  %s\n' tool version status time binary
    printf '%s\n' "${report[@]}"
  } >&2
else
  log "cached: kube-score $KUBE_SCORE_VERSION, kube-linter $KUBE_LINTER_VERSION, polaris $POLARIS_VERSION ($cache/bin)"
fi
[ "$failed" = 0 ] || die "some linters could not be built; see above"
for d in "${bindirs[@]}"; do printf 'export PATH="%s:%s"\n' "$d" "\$PATH"; done
