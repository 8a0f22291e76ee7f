#!/usr/bin/env bash
# The workflow linters, proven both ways (docs/workflows.md; the `=== workflows ===` part of
# test/lint/run.sh): .github/workflows at zero findings from actionlint and zizmor, and the
# deliberately bad fixture drawing exactly the rules each tool must report, which shows
# that each one runs, and that actionlint runs shellcheck on `run:` scripts. Prints
# tools/workflows/lint.sh's two summary lines for the real workflows last.
set -euo pipefail
cd "$(dirname "$0")/../.."
fixture=test/workflows/fixtures/bad-workflow.yml
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0

# rules TOOL FILE: the rule IDs TOOL reported in lint.sh's output FILE, sorted, unique.
rules() { grep "^$1: " "$2" | grep -oE '\[[a-z0-9-]+\]' | sort -u | paste -sd' ' - || true; }

expect() {
  local what=$1 want=$2 got=$3
  if [ "$want" != "$got" ]; then
    echo "workflows: $what: expected ${want:-nothing}, got ${got:-nothing}" >&2
    status=1
  fi
}

# 1. The bad fixture: each tool reports, with these rules (and lint.sh fails).
rc=0
tools/workflows/lint.sh "$fixture" >"$out/bad.txt" 2>&1 || rc=$?
expect "lint.sh exit on $fixture" 1 "$rc"
expect "actionlint rules on $fixture" "[expression] [job-needs] [shellcheck]" "$(rules actionlint "$out/bad.txt")"
expect "zizmor rules on $fixture" \
  "[anonymous-definition] [artipacked] [concurrency-limits] [dangerous-triggers] [excessive-permissions] [template-injection] [unpinned-uses]" \
  "$(rules zizmor "$out/bad.txt")"
grep -q 'SC2086' "$out/bad.txt" || { echo "workflows: shellcheck's SC2086 missing: actionlint did not run shellcheck" >&2; status=1; }
grep -q 'undefined configuration variable "aws_role"' "$out/bad.txt" ||
  { echo "workflows: actionlint did not check vars.* against .github/actionlint.yaml" >&2; status=1; }

# 2. A suppression without its reason is a finding of its own.
sed 's|^      - uses: actions/checkout@v4$|      - uses: actions/checkout@v4 # zizmor: ignore[artipacked]|' "$fixture" >"$out/reasonless.yml"
grep -q 'ignore\[artipacked\]$' "$out/reasonless.yml" || { echo "workflows: could not make the reasonless fixture" >&2; exit 2; }
rc=0
tools/workflows/lint.sh "$out/reasonless.yml" >"$out/reasonless.txt" 2>&1 || rc=$?
expect "lint.sh exit on a suppression without a reason" 1 "$rc"
grep -q "^suppression: .*reasonless.yml:[0-9]*:.*give the reason" "$out/reasonless.txt" ||
  { echo "workflows: a suppression without a reason was not reported" >&2; status=1; }
[ "$status" = 0 ] || cat "$out/bad.txt" "$out/reasonless.txt" >&2

# 3. tools/github/kubeconfig.sh writes each stack's own kubeconfig path and context (a
#    stand-in aws CLI records its arguments; HOME is a scratch directory).
mkdir -p "$out/bin" "$out/home"
printf '#!/bin/sh\necho "$*" >>"%s"\n' "$out/aws.args" >"$out/bin/aws"
chmod +x "$out/bin/aws"
PATH="$out/bin:$PWD/node_modules/.bin:$PATH" HOME="$out/home" GOSHIP_STATE="$out/state" \
  bash tools/github/kubeconfig.sh staging=goship-staging prod=arn:aws:eks:eu-west-1:1:cluster/p 2>"$out/kubeconfig.log" ||
  { cat "$out/kubeconfig.log" >&2; status=1; }
expect "kubeconfig.sh's aws calls" \
  "eks update-kubeconfig --name goship-staging --alias staging --kubeconfig $out/home/.kube/config|eks update-kubeconfig --name arn:aws:eks:eu-west-1:1:cluster/p --alias prod --kubeconfig $out/home/.kube/config" \
  "$(paste -sd'|' "$out/aws.args" 2>/dev/null || true)"
rc=0
PATH="$out/bin:$PATH" bash tools/github/kubeconfig.sh nosuchstack=x 2>"$out/kubeconfig.log" || rc=$?
expect "kubeconfig.sh exit on an unknown stack" 1 "$rc"

# 4. The real workflows: zero findings.
rc=0
tools/workflows/lint.sh >"$out/real.txt" 2>&1 || rc=$?
if [ "$rc" != 0 ]; then
  cat "$out/real.txt"
  exit 1
fi
grep -E '^(actionlint|zizmor) [^ ]+ \(.*\): [0-9]+ findings$' "$out/real.txt"
exit "$status"
