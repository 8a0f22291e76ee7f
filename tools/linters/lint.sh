#!/usr/bin/env bash
# Run kube-score, kube-linter and Polaris on every YAML file under DIR (multi-document YAML
# allowed; `kind: List` is unwrapped) and fail on any finding of any of them.
#
#   tools/linters/lint.sh DIR
#
# Exit status: 0 no findings; 1 findings; 2 the run itself is broken (invalid YAML, a
# suppression without a reason or with an unknown check, a tool that crashed or logged an
# error). The last lines are one summary per tool: "<tool> <version>: N findings".
#
# The binaries come from install.sh (built on first use, cached under ${GOSHIP_CACHE:-~/.cache/goship}).
# Configuration, all in this directory: kube-linter.yaml, polaris.yaml, the kube-score
# flags below, and suppressions.yaml (see README.md). Needs node and the repo's npm
# dependencies (the "yaml" package) for lint.mjs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=versions.env
. "$here/versions.env"

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir="$1"
[ -d "$dir" ] || { echo "lint.sh: error: $dir is not a directory" >&2; exit 2; }

# Node 22 from the repo's npm dependencies when installed (as test/run.sh does).
[ -x "$repo/node_modules/.bin/node" ] && export PATH="$repo/node_modules/.bin:$PATH"
command -v node >/dev/null 2>&1 || { echo "lint.sh: error: node is not on PATH" >&2; exit 2; }

# The pinned binaries (install.sh prints only export lines; it builds what is missing).
env_lines="$("$here/install.sh")" || { echo "lint.sh: error: tools/linters/install.sh failed" >&2; exit 2; }
eval "$env_lines"

work="$(mktemp -d "${TMPDIR:-/tmp}/goship-lint.XXXXXX")"
trap 'rm -rf "$work"' EXIT

kube-score list >"$work/kube-score-checks.csv"
kube-linter checks list --format json >"$work/kube-linter-checks.json"
node "$here/lint.mjs" prepare "$dir" "$work"
manifests="$work/manifests/manifests.yaml"
printf '{"kube-score":"%s","kube-linter":"%s","polaris":"%s"}\n' \
  "$KUBE_SCORE_VERSION" "$KUBE_LINTER_VERSION" "$POLARIS_VERSION" >"$work/versions.json"

# run TOOL OK_CODES CMD...: run CMD with stdout to WORK/out/TOOL.json and stderr to
# WORK/out/TOOL.stderr; record the command and whether the exit code is one of OK_CODES.
run() {
  local tool=$1 ok=$2 rc=0 shown unexpected=""; shift 2
  mkdir -p "$work/out"
  "$@" >"$work/out/$tool.json" 2>"$work/out/$tool.stderr" || rc=$?
  case " $ok " in *" $rc "*) ;; *) unexpected="$tool exited with status $rc" ;; esac
  shown="$(printf '%s ' "$@" | sed "s|$work/manifests/manifests.yaml|<DIR>|g; s|$work/manifests|<DIR>|g; s|$work/|<tmp>/|g; s| $||")"
  node -e 'console.log(JSON.stringify({command: process.argv[1], exit: +process.argv[2], unexpected: process.argv[3]}))' \
    "$shown" "$rc" "$unexpected" >"$work/out/$tool.status.json"
}

# kube-score: JSON output (it carries the check ids; lint.mjs prints it), every default
# check plus the optional container-ports-check and container-seccomp-profile; not the
# optional *-requests-equal-limits checks (Guaranteed QoS: requests == limits for cpu,
# memory and ephemeral-storage, which goship's burstable defaults are not). The
# kube-score/ignore and kube-score/enable annotations are switched off: suppressions go
# through suppressions.yaml only. Findings: any check graded below OK, which is stricter
# than --exit-one-on-warning (that one ignores "almost OK", e.g. a missing livenessProbe).
mapfile -t ks_suppress <"$work/kube-score-suppress.args"
run kube-score "0 1" kube-score score \
  --output-format json \
  --exit-one-on-warning \
  --kubernetes-version "v$LINT_KUBERNETES_VERSION" \
  --enable-optional-test container-ports-check \
  --enable-optional-test container-seccomp-profile \
  --disable-ignore-checks-annotations \
  --disable-optional-checks-annotations \
  ${ks_suppress[@]+"${ks_suppress[@]}"} \
  "$manifests"

# kube-linter: all built-in checks but those kube-linter.yaml excludes.
run kube-linter "0 1" kube-linter lint --config "$work/config/kube-linter.yaml" --format json --fail-if-no-objects-found "$manifests"

# Polaris: JSON, not --format pretty: --only-show-failed-tests drops the controller-level
# failures (deploymentMissingReplicas, missingPodDisruptionBudget ...) of a workload whose
# pod and container checks all pass (Result.isNotEmpty in Polaris 10.1.7 looks at the pod
# results only), so the pretty output can list nothing while the score is below 100.
# Exit 4 = score below 100.
run polaris "0 4" polaris audit --config "$work/config/polaris.yaml" --audit-path "$work/manifests" \
  --format json --set-exit-code-below-score 100 --disallow-annotation-exemptions

node "$here/lint.mjs" report "$work"
