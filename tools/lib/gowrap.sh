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

gowrap_tail() { grep -v '^go: downloading' "$1" | tail -n 15 | sed 's/^/    /' >&2; }

json_field() { node "$GOWRAP_JSON" field "$1"; }
