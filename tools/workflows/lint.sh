#!/usr/bin/env bash
# The GitHub Actions workflows at zero findings (docs/workflows.md; run by test/lint/run.sh):
# actionlint (syntax, expressions, job graph, the configuration variables
# .github/actionlint.yaml declares, and every `run:` script through shellcheck) and zizmor
# (security: injection, permissions, pinning, credentials, triggers) with the auditor
# persona, its strictest, offline.
#
#   tools/workflows/lint.sh [FILE...]     default: every file in .github/workflows
#
# Prints each finding as "<tool>: FILE:LINE: [rule] message", then one line per tool:
#   actionlint 1.7.12 (shellcheck 0.10.0): N findings
#   zizmor 1.32.0 (auditor, offline): N findings
# and exits 1 if either has any. A suppression (an inline `# zizmor: ignore[rule]`, a
# `# shellcheck disable=` in a run script) must give its reason on the same line after the
# directive, or it is a finding itself.
#
# --offline: zizmor's online audits (impostor commits, known-vulnerable actions, ref
# confusion) ask GitHub's API, which is unreachable here; the pins were resolved from the
# actions' own repositories instead (docs/workflows.md lists them).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
. "$here/versions.env"
# shellcheck source=../lib/locations.sh
. "$here/../lib/locations.sh"
# shellcheck source=../lib/log.sh
. "$here/../lib/log.sh"
# shellcheck source=../lib/apt.sh
. "$here/../lib/apt.sh"
log_setup '[workflows]' error
cd "$REPO"

files=("$@")
if [ ${#files[@]} = 0 ]; then
  while IFS= read -r -d '' f; do files+=("$f"); done < <(find .github/workflows -maxdepth 1 -type f \( -name '*.yml' -o -name '*.yaml' \) -print0 | sort -z)
fi
[ ${#files[@]} -gt 0 ] || die "no workflow files to lint"

# shellcheck source=/dev/null # install.sh prints export PATH lines, made at run time
. <("$here/install.sh")
# actionlint runs shellcheck on `run:` scripts only when it finds it: make sure it can.
if ! command -v shellcheck >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || die "shellcheck is not installed; run as root (apt-get install shellcheck) or install it"
  apt_ensure shellcheck
fi
sc="$(command -v shellcheck)"
sc_version=$(shellcheck --version | sed -n 's/^version: //p')

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# actionlint: one line per finding, "FILE:LINE:COL: message [rule]". Exit 1 means findings.
rc=0
actionlint -no-color -oneline -config-file .github/actionlint.yaml -shellcheck "$sc" -pyflakes= "${files[@]}" >"$out/actionlint" 2>&1 || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 1 ] || { cat "$out/actionlint" >&2; die "actionlint failed (exit $rc)"; }
sed 's/^/actionlint: /' "$out/actionlint"
actionlint_n=$(grep -cE '^[^:]+:[0-9]+:[0-9]+: ' "$out/actionlint" || true)

# zizmor: JSON, so that findings are counted, not guessed from text; --no-exit-codes makes
# any non-zero exit a failure of the tool itself.
zizmor --offline --persona=auditor --no-progress --color=never --no-exit-codes --format=json \
  "${files[@]}" >"$out/zizmor.json" 2>"$out/zizmor.log" || { cat "$out/zizmor.log" >&2; die "zizmor failed"; }
# shellcheck disable=SC2016 # ${...} here is JavaScript's template syntax, for node, not the shell's
zizmor_n=$(node -e '
  const findings = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  let n = 0;
  for (const f of findings) {
    if (f.ignored) continue;
    n++;
    const loc = (f.locations || []).find((l) => l.symbolic?.kind === "Primary") || (f.locations || [])[0];
    const file = loc?.symbolic?.key?.Local?.verbatim_path ?? "?";
    const line = loc?.concrete?.location?.start_point?.row;
    const what = loc?.symbolic?.annotation ? `: ${loc.symbolic.annotation}` : "";
    console.error(`zizmor: ${file}:${line === undefined ? "?" : line + 1}: [${f.ident}] ${f.desc}${what} (${f.determinations?.severity})`);
  }
  console.log(n);' "$out/zizmor.json" 2>"$out/zizmor.txt")
cat "$out/zizmor.txt"

# Suppressions carry their reason: text after the directive, on its line.
reasonless=0
while IFS= read -r hit; do
  echo "suppression: $hit: give the reason after the directive"
  reasonless=$((reasonless + 1))
done < <(grep -nHE '# *(zizmor: *ignore\[[^]]*\]|shellcheck +disable=[A-Z0-9,]+) *$' "${files[@]}" || true)

echo "actionlint $ACTIONLINT_VERSION (shellcheck $sc_version): $((actionlint_n + reasonless)) findings"
echo "zizmor $ZIZMOR_VERSION (auditor, offline): $zizmor_n findings"
[ "$actionlint_n" = 0 ] && [ "$zizmor_n" = 0 ] && [ "$reasonless" = 0 ]
