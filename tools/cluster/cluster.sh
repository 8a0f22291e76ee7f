#!/usr/bin/env bash
# A real Kubernetes control plane on loopback for goship's end-to-end tests.
#
#   tools/cluster/cluster.sh build    build etcd, kube-apiserver, kube-controller-manager,
#                                     kube-scheduler, kubectl, kwok, kwokctl from Go modules
#                                     (only the ones missing or of the wrong version)
#   tools/cluster/cluster.sh up       build, then create/start the "goship" kwok cluster
#                                     (binary runtime, 127.0.0.1 only, 3 fake nodes) and write
#                                     a standalone kubeconfig with context "goship"
#   tools/cluster/cluster.sh down     stop every component (kwokctl kills them by pid file)
#   tools/cluster/cluster.sh status   does the API server answer? which nodes?
#   tools/cluster/cluster.sh delete   down + remove the cluster state (etcd data, pki, logs)
#   tools/cluster/cluster.sh env      print export lines (PATH, KUBECONFIG) for a shell
#
# Environment:
#   GOSHIP_CACHE       build cache      (default ~/.cache/goship)
#   GOSHIP_STATE       state dir        (default <repo>/.goship; the cluster lives in ./cluster)
#   GOSHIP_KUBECONFIG  kubeconfig out   (default $GOSHIP_STATE/kubeconfig)
#   GOPROXY/GOSUMDB    passed through to the go command
#
# Versions are pinned in versions.env next to this script. See README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/locations.sh
. "$HERE/../lib/locations.sh"
# shellcheck source=../lib/log.sh
. "$HERE/../lib/log.sh"
# shellcheck source=../lib/lock.sh
. "$HERE/../lib/lock.sh"
# shellcheck source=../lib/pid.sh
. "$HERE/../lib/pid.sh"
# shellcheck source=../lib/gowrap.sh
. "$HERE/../lib/gowrap.sh"
# shellcheck source=versions.env
. "$HERE/versions.env"
# shellcheck source=network.env
. "$HERE/network.env"

KUBECONFIG_OUT="${GOSHIP_KUBECONFIG:-$STATE/kubeconfig}"
BIN="$CACHE/bin/k8s-$KUBE_VERSION"
BUILD="$CACHE/build"
LOGS="$CACHE/logs"
CLUSTER=goship
NODES=3
WORKDIR="$STATE/cluster"                       # kwokctl's KWOK_WORKDIR
CLUSTER_DIR="$WORKDIR/clusters/$CLUSTER"       # kwokctl's per-cluster dir (pids/, logs/, kwok.yaml)
KWOKCTL_CONFIG="$WORKDIR/goship-kwokctl.yaml"  # generated from this script + stages/*.yaml
KWOK_TAINT=kwok.x-k8s.io/node=fake:NoSchedule
KUBE_MINOR="${KUBE_VERSION#*.}"; KUBE_MINOR="${KUBE_MINOR%%.*}"
# kubelet and kube-proxy are the real node's (tools/node/node.sh).
KUBE_BINS=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy)

log_setup '[cluster]' error

# ---------------------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------------------

# The version a binary reports, without the leading "v" (empty if it does not run).
bin_version() {
  local b="$1" out
  [ -x "$BIN/$b" ] || return 0
  case "$b" in
    kubectl) out="$("$BIN/$b" version --client 2>/dev/null || true)" ;;
    *)       out="$("$BIN/$b" --version 2>/dev/null || true)" ;;
  esac
  grep -oE 'v?[0-9]+\.[0-9]+\.[0-9]+' <<<"$out" | head -n1 | sed 's/^v//' || true
}

want_version() {
  case "$1" in
    etcd) echo "$ETCD_VERSION" ;;
    kwok|kwokctl) echo "$KWOK_VERSION" ;;
    *) echo "$KUBE_VERSION" ;;
  esac
}

have() { [ "$(bin_version "$1")" = "$(want_version "$1")" ]; }

# Copy godebug directives of a dependency's go.mod into the wrapper, so the binary gets the
# GODEBUG defaults its upstream build has (k8s.io/kubernetes says "godebug default=go1.24").
copy_godebug() {
  local kind kv args=()
  while read -r kind kv; do [ "$kind" != godebug ] || args+=("-godebug=$kv"); done < <(gowrap_directives "$1")
  if [ "${#args[@]}" -gt 0 ]; then go mod edit "${args[@]}"; fi
}

gomod_of() { go mod download -json "$1" | json_field GoMod; }
dir_of()   { go mod download -json "$1" | json_field Dir; }

# Wrapper module: go.mod only, generated here (never in the repo). $1 dir, $2 module@version,
# rest: packages to require with "go get -tool".
wrapper_module() {
  local dir="$1" modver="$2"; shift 2
  # .ready holds the packages resolved: a new one (a binary added to the list) resolves again.
  if [ -f "$dir/.ready" ] && [ "$(cat "$dir/.ready")" = "$*" ]; then return 0; fi
  gowrap_new "$dir" goship.local/wrapper
  local mlog; mlog="$LOGS/module-$(basename "$dir").log"
  log "resolving $modver in $dir (log: $mlog)"
  (
    cd "$dir"
    copy_godebug "$(gomod_of "$modver")"
    if [ "${modver%@*}" = k8s.io/kubernetes ]; then
      # k8s.io/kubernetes requires every staging module at v0.0.0 and resolves them with
      # "./staging/..." replaces, which are ignored when it is a dependency. Pin each one to
      # the matching published version instead (kubernetes#79384).
      local gm rep=()
      gm="$(gomod_of "$modver")"
      while read -r m; do rep+=("-replace=$m=$m@v0.$KUBE_MINOR.${KUBE_VERSION##*.}"); done < <(
        awk '$1 ~ /^k8s\.io\// && $2=="v0.0.0" {print $1}' "$gm" | sort -u)
      [ "${#rep[@]}" -gt 0 ] || die "no staging modules found in $gm"
      go mod edit "${rep[@]}"
    fi
    local pkgs=()
    for p in "$@"; do pkgs+=("$p@${modver#*@}"); done
    go get -tool "${pkgs[@]}"
  ) >"$mlog" 2>&1 || { tail -n 30 "$mlog" >&2; die "resolving $modver failed (log: $mlog)"; }
  printf '%s' "$*" >"$dir/.ready"
}

build_one() { # name, wrapper dir, package, ldflags
  local name="$1" dir="$2" pkg="$3" ldflags="$4" t0=$SECONDS v
  gowrap_build "$dir" "$BIN/$name" "$pkg" -ldflags "$ldflags" \
    >>"$LOGS/build-$name.log" 2>&1 || { tail -n 30 "$LOGS/build-$name.log" >&2; die "building $name failed (log: $LOGS/build-$name.log)"; }
  v="$(bin_version "$name")"
  [ "$v" = "$(want_version "$name")" ] || die "$name reports version '$v', want $(want_version "$name")"
  printf '%-24s %-10s built   %4ss\n' "$name" "v$v" "$((SECONDS - t0))"
}

report_cached() { printf '%-24s %-10s cached  %4ss\n' "$1" "v$(bin_version "$1")" 0; }

cmd_build() {
  mkdir -p "$BIN" "$BUILD" "$LOGS"
  lock_take 8 "$BIN.lock" 0 cluster.sh   # one build at a time per version
  build_all
  exec 8>&-                     # release (and don't leak the fd into the cluster's processes)
}

build_all() {
  local need=() b
  for b in etcd "${KUBE_BINS[@]}" kwok kwokctl; do have "$b" || need+=("$b"); done
  if [ "${#need[@]}" -eq 0 ]; then
    for b in etcd "${KUBE_BINS[@]}" kwok kwokctl; do report_cached "$b"; done
    ensure_stage_defaults
    return 0
  fi
  gowrap_env
  log "building into $BIN: ${need[*]} (go $(go env GOVERSION), GOPROXY=$(go env GOPROXY))"
  local t0

  # etcd: go.etcd.io/etcd/server/v3's go.mod has "replace ../api" style lines, so
  # "go install ...@v" refuses it; a wrapper module ignores a dependency's replaces.
  if have etcd; then report_cached etcd; else
    t0=$SECONDS
    wrapper_module "$BUILD/etcd-$ETCD_VERSION" "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" go.etcd.io/etcd/server/v3
    log "etcd module resolved in $((SECONDS - t0))s"
    build_one etcd "$BUILD/etcd-$ETCD_VERSION" go.etcd.io/etcd/server/v3 \
      "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=v$ETCD_VERSION"
  fi

  # Kubernetes: wrapper with one replace per staging module; version stamped via ldflags
  # (hack/lib/version.sh), otherwise it reports v0.0.0-master+$Format:%H$.
  local kneed=0
  for b in "${KUBE_BINS[@]}"; do have "$b" || kneed=1; done
  if [ "$kneed" = 1 ]; then
    t0=$SECONDS
    local kdir="$BUILD/k8s-$KUBE_VERSION" kpkgs=() date
    for b in "${KUBE_BINS[@]}"; do kpkgs+=("k8s.io/kubernetes/cmd/$b"); done
    wrapper_module "$kdir" "k8s.io/kubernetes@v$KUBE_VERSION" "${kpkgs[@]}"
    log "kubernetes module resolved in $((SECONDS - t0))s"
    date="$(go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION" | awk -F'"' '$2=="Info" {print $4}' | xargs cat | sed -n 's/.*"Time":"\([^"]*\)".*/\1/p')"
    local ld="-s -w" p
    for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ld+=" -X $p.gitVersion=v$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$KUBE_MINOR"
      ld+=" -X $p.gitCommit= -X $p.gitTreeState=clean -X $p.buildDate=${date:-1970-01-01T00:00:00Z}"
    done
    for b in "${KUBE_BINS[@]}"; do
      if have "$b"; then report_cached "$b"; else build_one "$b" "$kdir" "k8s.io/kubernetes/cmd/$b" "$ld"; fi
    done
  else
    for b in "${KUBE_BINS[@]}"; do report_cached "$b"; done
  fi

  # kwok + kwokctl: no replaces in its go.mod; KubeVersion baked in so kwokctl's defaults
  # (flags it passes, etcd pairing) match the binaries we give it.
  if have kwok && have kwokctl; then report_cached kwok; report_cached kwokctl; else
    t0=$SECONDS
    local wdir="$BUILD/kwok-$KWOK_VERSION"
    wrapper_module "$wdir" "sigs.k8s.io/kwok@v$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl
    log "kwok module resolved in $((SECONDS - t0))s"
    local ld="-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=v$KWOK_VERSION -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=v$KUBE_VERSION"
    for b in kwok kwokctl; do
      if have "$b"; then report_cached "$b"; else build_one "$b" "$wdir" "sigs.k8s.io/kwok/cmd/$b" "$ld"; fi
    done
  fi
  ensure_stage_defaults
}

# kwokctl only writes its built-in stages (node-initialize, node heartbeat, pod-ready,
# pod-complete, pod-delete) when the config has no Stage at all. We add our own Stage, so we
# must pass the defaults too: take them from the kwok module source of the version we built.
ensure_stage_defaults() {
  local sd="$BIN/kwok-stages"
  [ -f "$sd/.ready" ] && return 0
  gowrap_env
  local src; src="$(dir_of "sigs.k8s.io/kwok@v$KWOK_VERSION")"
  [ -d "$src/kustomize/stage" ] || die "kwok module source not found ($src)"
  rm -rf "$sd"; mkdir -p "$sd"
  cp "$src/kustomize/stage/node/fast/node-initialize.yaml" \
     "$src/kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml" \
     "$src/kustomize/stage/pod/fast/pod-ready.yaml" \
     "$src/kustomize/stage/pod/fast/pod-complete.yaml" \
     "$src/kustomize/stage/pod/fast/pod-delete.yaml" "$sd/"
  chmod 0644 "$sd"/*.yaml
  touch "$sd/.ready"
}

# ---------------------------------------------------------------------------------------
# cluster
# ---------------------------------------------------------------------------------------

cluster_env() {
  # Our binaries first: kwokctl takes kubectl from PATH before it would download one, and
  # /usr/bin/kubectl (Debian, 1.20) must not win.
  export PATH="$BIN:$PATH"
  export KWOK_WORKDIR="$WORKDIR"
  # Every binary/URL kwokctl could fetch points at a local path: a non-http(s) source is
  # symlinked, never downloaded (pkg/utils/file/download.go).
  export KWOK_KUBE_VERSION="v$KUBE_VERSION" KWOK_ETCD_VERSION="$ETCD_VERSION" KWOK_VERSION="v$KWOK_VERSION"
  export KWOK_RUNTIME=binary KWOK_QUIET_PULL=true
  export KUBECACHEDIR="$WORKDIR/kube-cache"   # kubectl's discovery cache, not ~/.kube/cache
}

# kwokctl logs JSON lines to stderr; keep them in a file and show the tail on failure.
run_kwokctl() {
  mkdir -p "$WORKDIR"
  printf '\n$ kwokctl %s\n' "$*" >>"$WORKDIR/kwokctl.log"
  # 8>&- 9>&-: kwokctl forks the components, which would inherit our lock fds and hold the
  # locks for as long as the cluster runs.
  kwokctl "$@" >>"$WORKDIR/kwokctl.log" 2>&1 8>&- 9>&- || {
    tail -n 20 "$WORKDIR/kwokctl.log" >&2; die "kwokctl $1 $2 failed (log: $WORKDIR/kwokctl.log)"; }
}

kctl() { "$BIN/kubectl" --kubeconfig "$CLUSTER_DIR/kubeconfig.yaml" "$@"; }

write_kwokctl_config() {
  local out="$1" f
  {
    cat <<EOF
# Generated by tools/cluster/cluster.sh; do not edit (edit the script or tools/cluster/stages/).
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  runtime: binary
  kubeVersion: v$KUBE_VERSION
  etcdVersion: $ETCD_VERSION
  kwokVersion: v$KWOK_VERSION
  bindAddress: 127.0.0.1
  quietPull: true
  cacheDir: $WORKDIR/cache
  kubeBinaryPrefix: $BIN
  kwokBinaryPrefix: $BIN
  etcdBinaryPrefix: $BIN
  kubeApiserverBinary: $BIN/kube-apiserver
  kubeControllerManagerBinary: $BIN/kube-controller-manager
  kubeSchedulerBinary: $BIN/kube-scheduler
  kubectlBinary: $BIN/kubectl
  kwokControllerBinary: $BIN/kwok
  etcdBinary: $BIN/etcd
  etcdBinaryTar: $BIN/no-etcd-tarball
  etcdctlBinary: $BIN/etcdctl
  etcdutlBinary: $BIN/etcdutl
  kectlBinary: $BIN/kectl
  kindBinary: $BIN/kind
  prometheusBinary: $BIN/prometheus
  prometheusBinaryTar: $BIN/no-prometheus-tarball
  jaegerBinary: $BIN/jaeger
  jaegerBinaryTar: $BIN/no-jaeger-tarball
  metricsServerBinary: $BIN/metrics-server
componentsPatches:
# Bound to loopback, the API server would advertise the host's default-route address in the
# "kubernetes" Service endpoints. Advertise 127.0.0.1 instead; Endpoints may not hold a
# loopback address, so turn the endpoint reconciler off (no fake pod calls the API anyway).
- name: kube-apiserver
  extraArgs:
  - key: advertise-address
    value: 127.0.0.1
  - key: endpoint-reconciler-type
    value: none
  - key: service-cluster-ip-range
    value: $SERVICE_CIDR
# The real node (tools/node/node.sh): the API server dials its kubelet (logs, exec, probes'
# metrics) with the cluster's admin client certificate and verifies the kubelet's serving
# certificate, which node.sh signs with the cluster's CA.
  - key: kubelet-client-certificate
    value: $CLUSTER_DIR/pki/admin.crt
  - key: kubelet-client-key
    value: $CLUSTER_DIR/pki/admin.key
  - key: kubelet-certificate-authority
    value: $CLUSTER_DIR/pki/ca.crt
# A node's InternalIP, never its Hostname address: a node name is no DNS name here, and
# looking it up would ask the machine's resolver.
  - key: kubelet-preferred-address-types
    value: InternalIP
# One instance each: without this a restarted controller-manager/scheduler waits for the
# previous process's leader Lease to expire (~15s) before it does anything.
- name: kube-controller-manager
  extraArgs:
  - key: leader-elect
    value: "false"
- name: kube-scheduler
  extraArgs:
  - key: leader-elect
    value: "false"
# kwokctl's kwok-controller plays the kubelet of every node; the real node
# (tools/node/node.sh) has its own, so kwok takes only the nodes it made (annotated fake).
- name: kwok-controller
  extraArgs:
  - key: manage-all-nodes
    value: "false"
  - key: manage-nodes-with-annotation-selector
    value: kwok.x-k8s.io/node=fake
EOF
    for f in "$BIN"/kwok-stages/*.yaml "$HERE"/stages/*.yaml; do
      [ -f "$f" ] || continue
      printf -- '---\n# from %s\n' "${f/#$HOME/~}"
      cat "$f"
      printf '\n'
    done
  } >"$out"
}

ours() { # pid is alive and runs one of our binaries (guards against a recycled pid)
  pid_runs_from "$1" "$BIN"
}

pids_running() { # prints "component pid" for our live processes listed in kwokctl's pid files
  local f pid
  for f in "$CLUSTER_DIR"/pids/*.pid; do
    [ -f "$f" ] || continue
    if pid="$(pid_read "$f")" && ours "$pid"; then echo "$(basename "$f" .pid) $pid"; fi
  done
}

# Drop pid files whose process is gone (or is a zombie, or a recycled pid now running
# something else), so that kwokctl neither kills a stranger on stop nor skips a component
# on start because its old pid still answers signal 0.
scrub_pidfiles() {
  local f pid
  for f in "$CLUSTER_DIR"/pids/*.pid; do
    [ -f "$f" ] || continue
    if ! pid="$(pid_read "$f")" || ! ours "$pid"; then rm -f "$f"; fi
  done
}

api_ok() { [ -f "$CLUSTER_DIR/kubeconfig.yaml" ] && kctl get --raw /readyz >/dev/null 2>&1; }

wait_for() { # seconds, description, command...
  local secs="$1" what="$2" t0=$SECONDS; shift 2
  until "$@"; do
    [ $((SECONDS - t0)) -lt "$secs" ] || die "timed out after ${secs}s waiting for $what"
    sleep 1
  done
}

nodes_ready() {
  local n
  n="$(kctl get nodes -l type=kwok -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' 2>/dev/null | grep -c '^True$' || true)"
  [ "$n" -ge "$NODES" ]
}

sa_ready() { kctl -n default get serviceaccount default >/dev/null 2>&1; }

write_kubeconfig() {
  local tmp="$KUBECONFIG_OUT.tmp.$$"
  mkdir -p "$(dirname "$KUBECONFIG_OUT")"
  # Standalone copy (certificates embedded) with the context renamed kwok-goship -> goship.
  kctl config view --raw --flatten --minify --context "kwok-$CLUSTER" >"$tmp"
  "$BIN/kubectl" --kubeconfig "$tmp" config rename-context "kwok-$CLUSTER" "$CLUSTER" >/dev/null
  "$BIN/kubectl" --kubeconfig "$tmp" config use-context "$CLUSTER" >/dev/null
  chmod 0600 "$tmp"
  if [ -f "$KUBECONFIG_OUT" ] && cmp -s "$tmp" "$KUBECONFIG_OUT"; then rm -f "$tmp"; else mv -f "$tmp" "$KUBECONFIG_OUT"; fi
}

# kwok-controller manages a node only while it holds the node's Lease, and its holder
# identity is random per process (hostname_uuid). After a restart the Leases still name the
# previous process and stay valid for leaseDuration (40s x heartbeat factor 5 = 200s), so
# for up to ~4 minutes no pod would be scheduled to Ready or deleted. Fix: stop the new
# kwok-controller (by its pid file), delete the stale node Leases, start it again: it then
# creates the Leases itself and manages the nodes at once.
take_over_node_leases() {
  local nodes=() pidf="$CLUSTER_DIR/pids/kwok-controller.pid" pid
  read -ra nodes <<<"$(kctl get nodes -l type=kwok -o name 2>/dev/null | sed 's|^node/||' | xargs)"
  [ "${#nodes[@]}" -gt 0 ] || return 0
  if ! kctl -n kube-node-lease get lease "${nodes[@]}" -o jsonpath='{range .items[*]}{.spec.holderIdentity}{"\n"}{end}' 2>/dev/null | grep -q .; then
    return 0  # no leases yet: nothing stale
  fi
  if pid="$(pid_read "$pidf")" && ours "$pid"; then
    kill "$pid"
    pid_wait_gone "$pid" 20 || die "kwok-controller (pid $pid) did not stop"
  fi
  scrub_pidfiles
  kctl -n kube-node-lease delete lease "${nodes[@]}" --ignore-not-found >/dev/null
  run_kwokctl start cluster --name "$CLUSTER"
  log "kwok-controller restarted to take over the node leases"
}

leases_fresh() { # every kwok node has a Lease renewed in the last 120s (renew interval is ~50s)
  local n
  n="$(kctl -n kube-node-lease get lease -o jsonpath='{range .items[*]}{.spec.renewTime}{"\n"}{end}' 2>/dev/null |
    awk -v now="$(date -u +%s)" '{ cmd="date -u -d " $1 " +%s"; cmd | getline t; close(cmd); if (now - t < 120) c++ } END {print c+0}')"
  [ "$n" -ge "$NODES" ]
}

cmd_up() {
  local t0=$SECONDS
  cmd_build
  cluster_env
  mkdir -p "$WORKDIR"
  lock_take 9 "$WORKDIR/.lock" 0 cluster.sh

  local want; want="$(mktemp)"
  write_kwokctl_config "$want"
  if [ -f "$CLUSTER_DIR/kwok.yaml" ]; then
    if ! cmp -s "$want" "$KWOKCTL_CONFIG"; then
      log "warning: $KWOKCTL_CONFIG differs from what this script generates now (versions, stages?);"
      log "         the running cluster keeps its old config. Run '$0 delete' then '$0 up' to apply."
    fi
    rm -f "$want"
    if [ "$(pids_running | wc -l)" -lt 5 ] || ! api_ok; then
      log "starting existing cluster $CLUSTER"
      scrub_pidfiles
      run_kwokctl start cluster --name "$CLUSTER"
      wait_for 120 "the API server (/readyz)" api_ok
      take_over_node_leases
    fi
  else
    mv -f "$want" "$KWOKCTL_CONFIG"
    log "creating cluster $CLUSTER in $CLUSTER_DIR"
    # --kubeconfig '' : don't touch ~/.kube/config; we write our own standalone file below.
    run_kwokctl create cluster --config "$KWOKCTL_CONFIG" --name "$CLUSTER" --runtime binary \
      --kubeconfig '' --wait 0
  fi

  wait_for 120 "the API server (/readyz)" api_ok

  if ! nodes_ready; then
    # Fake nodes with ephemeral-storage allocatable (kwok's template has none, and pods that
    # request it would stay Pending). Node addresses are what the API server dials for
    # logs/exec/port-forward, so they are 127.0.0.10+ (kwok's default, 192.0.2.1+, is a real
    # network here). Pod IPs (10.244.N.x) are only written into status; nothing dials them.
    run_kwokctl scale node --name "$CLUSTER" --replicas "$NODES" \
      --param '.allocatable.cpu="16"' \
      --param '.allocatable.memory="64Gi"' \
      --param '.allocatable["ephemeral-storage"]="100Gi"' \
      --param '.allocatable.pods="110"' \
      --param '.nodeIPs=["127.0.0.10"]' \
      --param '.podCIDRs=["10.244.0.0/24"]'
    wait_for 120 "$NODES Ready nodes" nodes_ready
  fi
  # The service's pods run on the real node (tools/node/node.sh): the fake nodes take only
  # pods that tolerate them (kwok's own convention for its nodes).
  kctl taint nodes -l type=kwok "$KWOK_TAINT" --overwrite >/dev/null
  wait_for 60 "kwok to hold fresh node leases" leases_fresh
  wait_for 60 "the default ServiceAccount" sa_ready
  write_kubeconfig
  log "cluster $CLUSTER is up in $((SECONDS - t0))s; kubeconfig: $KUBECONFIG_OUT (context $CLUSTER)"
}

cmd_down() {
  cluster_env
  if [ ! -d "$CLUSTER_DIR" ]; then log "no cluster in $CLUSTER_DIR"; return 0; fi
  scrub_pidfiles
  local before comp pid; before="$(pids_running)"
  if [ -z "$before" ]; then log "no cluster process running"; return 0; fi
  { echo "running before down:"; while read -r comp pid; do echo "  $comp $pid"; done <<<"$before"; } >&2
  # kwokctl reads pids/<component>.pid and SIGKILLs exactly those pids (no name matching);
  # scrub_pidfiles above left only pids that run our binaries.
  run_kwokctl stop cluster --name "$CLUSTER"
  local t0=$SECONDS left
  while :; do
    left=""
    while read -r comp pid; do
      if pid_alive "$pid"; then left+="  $comp $pid"$'\n'; fi
    done <<<"$before"
    if [ -z "$left" ] || [ $((SECONDS - t0)) -ge 30 ]; then break; fi
    sleep 0.5
  done
  if [ -n "$left" ]; then printf 'still running after down:\n%s' "$left" >&2; return 1; fi
  log "all cluster processes stopped (pids $(awk '{printf "%s ", $2}' <<<"$before")gone)"
}

cmd_delete() {
  # The real node's pods and images belong to this cluster (tools/node/node.sh).
  "$HERE/../node/node.sh" delete
  cluster_env
  if [ -d "$CLUSTER_DIR" ]; then
    cmd_down || true
    # --kubeconfig: a file of our own (kwokctl removes its context there); "" is rejected.
    run_kwokctl delete cluster --name "$CLUSTER" --kubeconfig "$WORKDIR/kwokctl-kubeconfig.yaml"
    rm -f "$WORKDIR/kwokctl-kubeconfig.yaml"
  fi
  rm -f "$KWOKCTL_CONFIG" "$KUBECONFIG_OUT"
  log "cluster $CLUSTER deleted"
}

cmd_status() {
  cluster_env
  if [ ! -d "$CLUSTER_DIR" ]; then echo "cluster $CLUSTER: not created ($CLUSTER_DIR)"; return 1; fi
  echo "processes:"; pids_running | sed 's/^/  /'
  if api_ok; then
    echo "api server: ready ($(kctl config view --minify -o jsonpath='{.clusters[0].cluster.server}'), $(kctl version -o json 2>/dev/null | awk -F'"' '$2=="gitVersion"{v=$4} END{print "server " v}'))"
    echo "kubeconfig: $KUBECONFIG_OUT (context $CLUSTER)"
    kctl get nodes -o wide
  else
    echo "api server: not answering"; return 1
  fi
}

cmd_env() {
  echo "export PATH=\"$BIN:\$PATH\""
  echo "export KUBECONFIG=\"$KUBECONFIG_OUT\""
}

case "${1:-}" in
  build)  cmd_build ;;
  up)     cmd_up ;;
  down)   cmd_down ;;
  delete) cmd_delete ;;
  status) cmd_status ;;
  env)    cmd_env ;;
  *) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
