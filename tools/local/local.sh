#!/usr/bin/env bash
# goship's local platform: everything `pulumi up` of the dev stack needs on this machine,
# provisioned when missing, then the deployment itself.
#
#   tools/local/local.sh up          provision, then `pulumi up --yes` of the dev stack (the README's main job)
#   tools/local/local.sh provision   only provision and start (idempotent; seconds when warm)
#   tools/local/local.sh pulumi OP [--stack S] [--expect-no-changes] [--diff] [--no-policy]
#                                    one Pulumi operation: preview | up | destroy | refresh | outputs
#   tools/local/local.sh promote FROM TO [--service S] [--allow-other-changes]
#   tools/local/local.sh promote --rollback STACK [--service S]
#                                    promote FROM's rolled-out digests to TO (preview, gates, up),
#                                    or pin STACK to its previous release (no build)
#   tools/local/local.sh report [--out DIR] [--stacks a,b] [--base REF]
#                                    preview every stack (policy pack on) and write the PR comment
#                                    (tools/report/preview-report.ts)
#   tools/local/local.sh render DIR [STACK...]
#                                    write what each stack would apply as YAML (no cluster,
#                                    registry or cloud needed; default: every committed stack)
#   tools/local/local.sh status      each piece, by pid and by answer
#   tools/local/local.sh down        stop every process the platform started (by pid; state kept)
#   tools/local/local.sh env         print the environment (source it to use pulumi, kubectl, buildctl)
#
# Pieces (each script is usable on its own; versions are pinned in each one's own file):
#   tools/pulumi/install.sh               pulumi CLI + kubernetes/docker-build plugins (package.json versions)
#   tools/buildplatform/buildplatform.sh  registry 127.0.0.1:5000, BuildKit (buildx builder "goship"),
#                                         dockerd, the locally made Go base image
#   tools/cluster/cluster.sh              etcd + kube-apiserver/controller-manager/scheduler + kwok nodes
#   tools/node/node.sh                    the real node: kubelet, kube-proxy, containerd, runc, CNI
# State: $GOSHIP_STATE (default <repo>/.goship, git-ignored): Pulumi's file backend in
# ./pulumi, registry storage, BuildKit cache, cluster data, kubeconfig, logs, pid files.
# Pulumi secrets use the passphrase provider; the dev passphrase is "goship-dev" unless
# PULUMI_CONFIG_PASSPHRASE is set (it protects nothing of value: the dev stack holds no secret).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/locations.sh
. "$here/../lib/locations.sh"
# shellcheck source=../lib/log.sh
. "$here/../lib/log.sh"
log_setup '[local %T]' ERROR
repo=$REPO
export GOSHIP_STATE=$STATE
env_file="$GOSHIP_STATE/local.env"

require_tools() {
  local missing=()
  for t in go git curl; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  [ -x "$repo/node_modules/.bin/node" ] || missing+=("node_modules (run: npm ci)")
  [ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]}"
  [ "$(id -u)" = 0 ] || die "run as root: BuildKit's OCI worker, dockerd, debootstrap and apt-get need it"
}

compile() {
  (cd "$repo" && PATH="$repo/node_modules/.bin:$PATH" bash tools/compile.sh)
}

# The pulumi CLI and plugins; their environment (export lines) into pulumi.env.
install_pulumi() {
  "$repo/tools/pulumi/install.sh" > "$GOSHIP_STATE/pulumi.env.tmp" && mv "$GOSHIP_STATE/pulumi.env.tmp" "$GOSHIP_STATE/pulumi.env"
}

# The supply-chain tools the stacks run (goship:supplyChain), on PATH through local.env.
install_supplychain() {
  "$repo/tools/supplychain/install.sh" >"$GOSHIP_STATE/supplychain.env.tmp"
  mv "$GOSHIP_STATE/supplychain.env.tmp" "$GOSHIP_STATE/supplychain.env"
}

write_env() {
  mkdir -p "$GOSHIP_STATE/pulumi"
  {
    echo "# Written by tools/local/local.sh provision. Source it: . $env_file"
    cat "$GOSHIP_STATE/pulumi.env"
    cat "$GOSHIP_STATE/supplychain.env"
    grep '^export ' "$GOSHIP_STATE/env.sh"
    "$repo/tools/cluster/cluster.sh" env
    "$repo/tools/node/node.sh" env
    echo "export PATH=\"$repo/node_modules/.bin:\$PATH\""
    echo "export PULUMI_BACKEND_URL=\"file://$GOSHIP_STATE/pulumi\""
    echo "export PULUMI_CONFIG_PASSPHRASE=\"\${PULUMI_CONFIG_PASSPHRASE-goship-dev}\""
    echo "export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true"
  } >"$env_file.tmp"
  mv "$env_file.tmp" "$env_file"
}

cmd_provision() {
  local start=$SECONDS
  require_tools
  mkdir -p "$GOSHIP_STATE"
  step "pulumi CLI and provider plugins" install_pulumi
  step "registry, BuildKit, dockerd, base image" "$repo/tools/buildplatform/buildplatform.sh" up
  step "Kubernetes control plane (kwok)" "$repo/tools/cluster/cluster.sh" up
  step "the real node (kubelet, containerd)" "$repo/tools/node/node.sh" up
  step "policy pack dependencies" "$repo/tools/policy-deps.sh"
  step "supply-chain tools (cosign, cyclonedx-gomod, govulncheck)" install_supplychain
  step "TypeScript compile" compile
  step "vulnerability database (golang.org/x/vulndb, offline)" "$repo/tools/supplychain/vulndb.sh" "$GOSHIP_STATE/vulndb"
  write_env
  log "provisioned in $((SECONDS - start)) s; environment: $env_file"
}

# run_node SCRIPT ARGS...: a compiled runner script (path under .build/tools/) under the local
# platform's environment; without a provisioned platform (CI against real clusters), under the
# ambient one, which must then set PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE itself.
run_node() {
  if [ -f "$env_file" ]; then
    # shellcheck source=/dev/null # written by cmd_provision (write_env), not in the repo
    . "$env_file"
  elif [ -z "${PULUMI_BACKEND_URL:-}" ]; then
    die "no $env_file and no PULUMI_BACKEND_URL: run tools/local/local.sh provision first, or set the backend (and PULUMI_CONFIG_PASSPHRASE) for a real one"
  else
    export PATH="$repo/node_modules/.bin:$PATH"
  fi
  local script=$1; shift
  build_is_current "$script" || compile
  (cd "$repo" && node ".build/tools/$script" "$@")
}

# build_is_current SCRIPT: .build holds SCRIPT and no TypeScript source is newer than the
# compiled program (an edited component must not run as its old self).
build_is_current() {
  [ -f "$repo/.build/tools/$1" ] && [ -f "$repo/.build/index.js" ] || return 1
  [ -z "$(find "$repo" \( -path "$repo/node_modules" -o -path "$repo/.build" -o -path "$repo/.goship" -o -path "$repo/policy/node_modules" \) -prune \
      -o -name '*.ts' -newer "$repo/.build/index.js" -print -quit)" ]
}

cmd_pulumi() { run_node local/stack.js "$@"; }

# Needs only the pulumi CLI and the kubernetes plugin: no daemon, no root.
cmd_render() {
  [ $# -ge 1 ] || die "usage: local.sh render DIR [STACK...]"
  [ -x "$repo/node_modules/.bin/node" ] || die "missing node_modules (run: npm ci)"
  mkdir -p "$GOSHIP_STATE"
  install_pulumi
  "$repo/tools/policy-deps.sh"
  compile
  # shellcheck source=/dev/null # written by install_pulumi just above, not in the repo
  . "$GOSHIP_STATE/pulumi.env"
  export PATH="$repo/node_modules/.bin:$PATH" PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true
  node "$repo/.build/tools/local/render.js" "$@"
}

cmd_up() {
  cmd_provision
  local start=$SECONDS
  cmd_pulumi up --yes --stack dev
  log "pulumi up of the dev stack: done in $((SECONDS - start)) s"
}

cmd_status() {
  local rc=0
  "$repo/tools/buildplatform/buildplatform.sh" status || rc=1
  "$repo/tools/cluster/cluster.sh" status || rc=1
  "$repo/tools/node/node.sh" status || rc=1
  return $rc
}

cmd_down() {
  local rc=0
  # The node first: its pods are the cluster's, its relay dials the registries.
  "$repo/tools/node/node.sh" down || rc=1
  "$repo/tools/cluster/cluster.sh" down || rc=1
  "$repo/tools/buildplatform/buildplatform.sh" down || rc=1
  return $rc
}

case "${1:-}" in
  up)        cmd_up ;;
  provision) cmd_provision ;;
  pulumi)    shift; cmd_pulumi "$@" ;;
  promote)   shift; run_node local/promote.js "$@" ;;
  report)    shift; run_node report/preview-report.js "$@" ;;
  render)    shift; cmd_render "$@" ;;
  status)    cmd_status ;;
  down)      cmd_down ;;
  env)       if [ -f "$env_file" ]; then cat "$env_file"; else die "no $env_file: run tools/local/local.sh provision first"; fi ;;
  *) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
