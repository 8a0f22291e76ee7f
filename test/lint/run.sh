#!/usr/bin/env bash
# Manifests at zero findings (README "Tests"): renders what every stack would apply through
# the kubernetes provider itself (tools/local/local.sh render: no cluster, registry or cloud)
# and runs kube-score, kube-linter and Polaris on each stack (tools/linters/lint.sh). Fails
# on any finding, and on a suppression without a reason. Prints one line per stack and tool.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${GOSHIP_STATE:-$PWD/.goship}/rendered"
stacks=(dev staging prod)

tools/local/local.sh render "$out" "${stacks[@]}"
# shellcheck disable=SC1090
. <(tools/linters/install.sh)

status=0
summary=()
for stack in "${stacks[@]}"; do
  echo "=== $stack ==="
  rc=0
  tools/linters/lint.sh "$out/$stack" > "$out/$stack.lint.txt" 2>&1 || rc=$?
  cat "$out/$stack.lint.txt"
  while read -r line; do summary+=("$(printf '%-8s %s' "$stack" "$line")"); done \
    < <(grep -E '^(kube-score|kube-linter|polaris) [^ ]+: [0-9]+ findings$' "$out/$stack.lint.txt")
  [ "$rc" = 0 ] || status=$rc
done
echo
echo "=== findings per stack and tool ==="
printf '%s\n' "${summary[@]}"
[ "${#summary[@]}" = $((3 * ${#stacks[@]})) ] || { echo "lint: expected a summary from each tool for each stack" >&2; exit 2; }
exit "$status"
