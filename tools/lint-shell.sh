#!/usr/bin/env bash
# Every shell script in the repository at zero shellcheck findings (README "Tests"; run by
# test/lint/run.sh, so by `npm run test:lint`). Checks all severities, with the settings of
# .shellcheckrc; a disabled check carries its reason next to the `# shellcheck disable=`.
#
#   tools/lint-shell.sh          check every script; exit 1 on any finding
#   tools/lint-shell.sh --list   print the scripts it would check, one a line
#
# A script is any file git tracks or would track (not ignored) that is named *.sh or *.bash,
# starts with a #! line for sh, bash, dash or ksh (as .ci/run does), or says which shell it
# is written for in a "# shellcheck shell=" line (sourced files: tools/lib/*.sh, versions.env).
# The checker is Debian's shellcheck package, installed with apt-get when missing (needs root).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/log.sh
. "$here/lib/log.sh"
# shellcheck source=lib/apt.sh
. "$here/lib/apt.sh"
log_setup '[lint-shell]' error
cd "$here/.."

# is_script FILE: FILE is shell by its name, its #! line or a shellcheck shell= directive.
is_script() {
    case $1 in *.sh | *.bash) return 0 ;; esac
    local first
    IFS= read -r first <"$1" 2>/dev/null || return 1
    [[ $first =~ ^#!.*[/\ ](sh|bash|dash|ksh)([[:space:]]|$) ]] && return 0
    head -n 20 "$1" 2>/dev/null | grep -qE '^# shellcheck (.* )?shell=(sh|bash|dash|ksh)( |$)'
}

scripts=()
while IFS= read -r -d '' f; do
    if [ ! -f "$f" ] || [ -L "$f" ]; then continue; fi
    is_script "$f" && scripts+=("$f")
done < <(git ls-files -z --cached --others --exclude-standard | sort -zu)
[ "${#scripts[@]}" -gt 0 ] || die "no shell scripts found (is this a git checkout?)"

if [ "${1:-}" = --list ]; then printf '%s\n' "${scripts[@]}"; exit 0; fi
[ $# -eq 0 ] || { echo "usage: $0 [--list]" >&2; exit 2; }

if ! command -v shellcheck >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || die "shellcheck is not installed; run as root (apt-get install shellcheck) or install it"
    apt_ensure shellcheck
fi

version=$(shellcheck --version | sed -n 's/^version: //p')
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
shellcheck --format=gcc "${scripts[@]}" >"$out" 2>&1 || rc=$?
findings=$(grep -c ': \(error\|warning\|note\|style\|info\): ' "$out" || true)
if [ "$rc" != 0 ] || [ "$findings" != 0 ]; then
    cat "$out"
    echo "shellcheck $version: ${#scripts[@]} scripts, $findings findings (exit $rc)"
    exit 1
fi
echo "shellcheck $version: ${#scripts[@]} scripts, 0 findings"
