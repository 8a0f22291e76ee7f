# shellcheck shell=bash
# Go tools built from their modules (sourced; needs log.sh). Each tool is built in a
# throw-away "wrapper" module under the cache (never in the repo): a go.mod that requires
# the tool's module at a pinned version and repeats what of its go.mod a dependency loses
# (replaces, excludes, godebug). The binary goes into the cache too, where the next run
# finds and reuses it.
#
#   gowrap_env                  the go command's settings for wrapper builds (exported)
#   gowrap_new DIR MODULE       DIR emptied, holding a new go.mod for module MODULE
#   gowrap_directives GOMOD     what a wrapper repeats of GOMOD (gojson.mjs lists the kinds)
#   gowrap_build DIR OUT PACKAGE [BUILDFLAG...]
#                               go build PACKAGE in wrapper DIR into OUT, atomically:
#                               static (CGO_ENABLED=0), -trimpath, BUILDFLAG...
#   gowrap_reports BINARY VERSION [ARG...]
#                               BINARY runs and its `BINARY ARG...` (default `version`)
#                               output names VERSION (not as part of a longer version)
#   gowrap_module CACHE NAME TAG MODULE SUM GOMOD_SUM PACKAGE VERSION_ARG [BUILDFLAG...]
#                               a tool whose go.mod has nothing to repeat but its go line:
#                               PACKAGE of MODULE@vTAG (go.sum lines SUM and GOMOD_SUM) built
#                               into CACHE/bin/NAME-TAG/NAME unless the binary there reports
#                               TAG; sets GOWRAP_OUT (the binary) and GOWRAP_STATUS
#   gowrap_tools_begin DIR LOCK an install script of gowrap_module tools (needs lock.sh): the
#                               cache directories under DIR, gowrap_env, one run at a time per
#                               cache (LOCK names the lock file); sets GOWRAP_CACHE (absolute)
#   gowrap_tool NAME TAG MODULE SUM GOMOD_SUM PACKAGE VERSION_ARG [BUILDFLAG...]
#                               gowrap_module into GOWRAP_CACHE, its row and PATH entry recorded
#   gowrap_tools_end CACHED     the table of what was built on stderr (or, all cached, the log
#                               line CACHED), then one `export PATH=...` line per tool on stdout
#   gowrap_tail LOG             the last lines of a failed go command, indented, on stderr
#   json_field PATH             one field of the JSON document on stdin (go's -json output)

GOWRAP_JSON="$(dirname "${BASH_SOURCE[0]}")/gojson.mjs"

# Only the local toolchain, no workspace, no cgo; -mod=mod lets go fill in a wrapper's go.mod and
# go.sum. GOFLAGS keeps what go env has. Safe to call more than once.
gowrap_env() {
    command -v go >/dev/null 2>&1 || die "go not found on PATH"
    [ "${GOWRAP_ENV_SET:-}" = 1 ] && return 0
    GOFLAGS="$(go env GOFLAGS) -mod=mod"
    export GOFLAGS GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0 GOWRAP_ENV_SET=1
}

gowrap_new() {
    rm -rf "$1"
    mkdir -p "$1"
    (cd "$1" && go mod init "$2" >/dev/null 2>&1)
}

gowrap_directives() {
    go mod edit -json "$1" | node "$GOWRAP_JSON" directives
}

gowrap_build() {
    local dir=$1 out=$2 pkg=$3
    shift 3
    mkdir -p "$(dirname "$out")"
    if ! (cd "$dir" && CGO_ENABLED=0 go build -trimpath "$@" -o "$out.tmp" "$pkg"); then
        rm -f "$out.tmp"
        return 1
    fi
    mv -f "$out.tmp" "$out"
}

gowrap_reports() {
    local bin=$1 version=$2 out
    shift 2
    [ $# -gt 0 ] || set -- version
    [ -x "$bin" ] || return 1
    out="$("$bin" "$@" 2>&1)" || return 1
    grep -qE "(^|[^0-9.])$(printf '%s' "$version" | sed 's/\./\\./g')([^0-9.]|$)" <<<"$out"
}

# The wrapper pins the GODEBUG defaults of the module's go line, as an upstream build has
# them. Anything else to repeat (replace, exclude, godebug) is refused: that needs the
# general path of tools/linters/install.sh.
# shellcheck disable=SC2034 # GOWRAP_OUT and GOWRAP_STATUS are what the caller reads
gowrap_module() {
    local cache=$1 name=$2 tag=$3 mod=$4 sum=$5 gomodsum=$6 pkg=$7 arg=$8
    shift 8
    local dir="$cache/build/$name-$tag" log="$cache/logs/$name-$tag.log" start=$SECONDS
    GOWRAP_OUT="$cache/bin/$name-$tag/$name"
    if gowrap_reports "$GOWRAP_OUT" "$tag" "$arg"; then
        GOWRAP_STATUS="$(printf 'cached %6s' -)"
        return 0
    fi
    log "building $name $tag from $mod@v$tag (log: $log) ..."
    mkdir -p "$cache/logs"
    gowrap_new "$dir" "goship.local/$name"
    if ! (
        cd "$dir"
        printf '%s v%s %s\n%s v%s/go.mod %s\n' "$mod" "$tag" "$sum" "$mod" "$tag" "$gomodsum" >go.sum
        json="$(go mod download -json "$mod@v$tag")" || { printf '%s\n' "$json"; exit 1; }
        directives="$(gowrap_directives "$(printf '%s' "$json" | json_field GoMod)")"
        extra="$(grep -v '^go ' <<<"$directives" || true)"
        [ -z "$extra" ] || { echo "$mod's go.mod now has directives to repeat: $extra"; exit 1; }
        [[ $directives =~ go\ ([0-9]+)\.([0-9]+) ]] || { echo "$mod's go.mod has no go line"; exit 1; }
        go mod edit "-require=$mod@v$tag" "-godebug=default=go${BASH_REMATCH[1]}.${BASH_REMATCH[2]}"
        gowrap_build . "$GOWRAP_OUT" "$pkg" "$@"
    ) >"$log" 2>&1; then
        gowrap_tail "$log"
        die "building $name $tag failed (log: $log)"
    fi
    gowrap_reports "$GOWRAP_OUT" "$tag" "$arg" || die "$GOWRAP_OUT does not report version $tag: $("$GOWRAP_OUT" "$arg" 2>&1 | head -n 1)"
    GOWRAP_STATUS="$(printf 'built  %5ss' "$((SECONDS - start))")"
}

# shellcheck disable=SC2034 # GOWRAP_CACHE is what the caller reads
gowrap_tools_begin() {
    mkdir -p "$1/bin" "$1/build" "$1/logs"
    GOWRAP_CACHE="$(cd "$1" && pwd)"
    gowrap_env
    # Two concurrent builds would race on the same files.
    lock_take 9 "$GOWRAP_CACHE/.$2.lock" 3600 install.sh
    GOWRAP_ROWS=() GOWRAP_BINDIRS=()
}

gowrap_tool() {
    gowrap_module "$GOWRAP_CACHE" "$@"
    GOWRAP_BINDIRS+=("${GOWRAP_OUT%/*}")
    GOWRAP_ROWS+=("$(printf '%-15s %-8s %s  %s' "$1" "$2" "$GOWRAP_STATUS" "$GOWRAP_OUT")")
}

gowrap_tools_end() {
    if printf '%s\n' "${GOWRAP_ROWS[@]}" | grep -qv ' cached '; then
        { printf '%-15s %-8s %-6s %6s  %s\n' tool version status time binary; printf '%s\n' "${GOWRAP_ROWS[@]}"; } >&2
    else
        log "$1"
    fi
    local d
    for d in "${GOWRAP_BINDIRS[@]}"; do printf 'export PATH="%s:%s"\n' "$d" "\$PATH"; done
}

gowrap_tail() { grep -v '^go: downloading' "$1" | tail -n 15 | sed 's/^/    /' >&2; }

json_field() { node "$GOWRAP_JSON" field "$1"; }
