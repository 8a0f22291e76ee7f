#!/usr/bin/env bash
# Write the kubeconfig each stack names, for an EKS cluster, in a GitHub Actions job
# (.github/workflows/*.yml; docs/workflows.md). A stack reads its cluster from
# goship:kubernetes.kubeconfig (a path: relative to the project, or ~/...) and
# goship:kubernetes.context in Pulumi.<stack>.yaml; this puts that context into that file,
# with `aws eks update-kubeconfig` (the job's AWS credentials, from OIDC, sign each request).
#
#   tools/github/kubeconfig.sh STACK=CLUSTER...     e.g. dev=goship-dev staging=goship-staging
#
# A stack whose kubeconfig is inline YAML needs nothing and is skipped. Needs aws (the
# runner image has it), node and node_modules (npm ci) to read the stack file.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/locations.sh
. "$here/../lib/locations.sh"
# shellcheck source=../lib/log.sh
. "$here/../lib/log.sh"
log_setup '[kubeconfig]' error

[ $# -gt 0 ] || die "usage: kubeconfig.sh STACK=CLUSTER... (the EKS cluster of each stack)"
command -v aws >/dev/null 2>&1 || die "aws (the AWS CLI) is not on PATH"

for pair in "$@"; do
  [[ $pair =~ ^([A-Za-z0-9_.-]+)=([A-Za-z0-9_.:/-]+)$ ]] || die "not STACK=CLUSTER: $pair"
  stack=${BASH_REMATCH[1]} cluster=${BASH_REMATCH[2]}
  file="$REPO/Pulumi.$stack.yaml"
  [ -f "$file" ] || die "$stack: no $file"
  # Two lines: the kubeconfig setting (empty when inline) and the context.
  target="$(cd "$REPO" && node -e '
    const fs = require("fs"), YAML = require("yaml");
    const k = (YAML.parse(fs.readFileSync(process.argv[1], "utf8")).config || {})["goship:kubernetes"] || {};
    const inline = typeof k.kubeconfig === "string" && k.kubeconfig.includes("\n");
    if (!k.kubeconfig || !k.context) { console.error("goship:kubernetes.kubeconfig and .context must be set"); process.exit(1); }
    console.log(inline ? "" : k.kubeconfig);
    console.log(k.context);' "$file")" || die "$stack: cannot read goship:kubernetes from $file"
  path=$(sed -n 1p <<<"$target") context=$(sed -n 2p <<<"$target")
  if [ -z "$path" ]; then log "$stack: inline kubeconfig, nothing to write"; continue; fi
  case $path in
    \~/*) path="$HOME/${path#\~/}" ;;
    /*) ;;
    *) path="$REPO/$path" ;;
  esac
  mkdir -p "$(dirname "$path")"
  aws eks update-kubeconfig --name "$cluster" --alias "$context" --kubeconfig "$path" >&2
  log "$stack: context $context for EKS cluster $cluster in $path"
done
