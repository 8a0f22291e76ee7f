#!/usr/bin/env bash
# A real Kubernetes node beside the kwok cluster's fake ones: kubelet and kube-proxy (the
# control plane's own version, built by tools/cluster/cluster.sh), containerd and runc
# (Debian's), the CNI plugins (built from their Go module), in a network namespace of its
# own, so the service's pods really run, are really probed, pulled and drained.
#
#   tools/node/node.sh up       build what is missing, then start the node (idempotent)
#   tools/node/node.sh down     stop it (pods' containers, kube-proxy, kubelet, containerd,
#                               the relay), remove its network namespace; state kept
#   tools/node/node.sh status   each process by pid, and the Node's Ready condition
#   tools/node/node.sh delete   down, then remove the node's state (images, pods' files);
#                               tools/cluster/cluster.sh delete runs it
#   tools/node/node.sh env      export lines for tests: the namespace, the relay, the name
#
# The network, by construction (README.md here: the addresses and why nothing leaves):
#   netns goship-node    the node's kubelet, containerd, kube-proxy and every pod's network
#                        namespace (made by containerd inside it, joined by a bridge inside it)
#   veth goship-h/-n     198.18.0.1 (host end) / 198.18.0.2 (the node's address): the API
#                        server dials the kubelet here; no route leads anywhere else
#   bridge goship0       198.18.1.0/24, the pods' network, inside the namespace
#   netns-relay          127.0.0.1:<api>, :5000, :5001 inside the namespace are the host's
#                        (the API server and the registries, at the addresses their
#                        certificates name); the relay copies bytes, it routes nothing
# The namespace has no default route, and its firewall refuses new connections to the host
# end: a pod reaches only other pods and the Services of the cluster.
#
# Environment: GOSHIP_CACHE, GOSHIP_STATE (tools/lib/locations.sh); the registry CA and
# addresses come from the build platform's env file ($GOSHIP_STATE/env.sh).
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
# shellcheck source=../lib/apt.sh
. "$HERE/../lib/apt.sh"
# shellcheck source=../lib/gowrap.sh
. "$HERE/../lib/gowrap.sh"
# shellcheck source=../lib/mounts.sh
. "$HERE/../lib/mounts.sh"
# shellcheck source=../cluster/versions.env
. "$HERE/../cluster/versions.env"
# shellcheck source=../cluster/network.env
. "$HERE/../cluster/network.env"

log_setup '[node %T]' ERROR

NODE_NAME=goship-node
NETNS=goship-node
NETNS_FILE=/run/netns/$NETNS
HOST_IF=goship-h
NODE_IF=goship-n
HOST_IP=$NODE_HOST_IP
LINK_PREFIX=$NODE_LINK_PREFIX
BRIDGE=goship0
# The label the node carries and the taint the kwok nodes get (tools/cluster/cluster.sh):
# pods land here unless they tolerate the fake nodes.
NODE_LABEL=goship.dev/node=kubelet

K8S_BIN="$CACHE/bin/k8s-$KUBE_VERSION"
KUBELET="$K8S_BIN/kubelet"
KUBE_PROXY="$K8S_BIN/kube-proxy"
KUBECTL="$K8S_BIN/kubectl"
CNI_BIN="$CACHE/bin/cni-plugins-$CNI_PLUGINS_VERSION"
TOOLS_BIN="$CACHE/bin/node-tools"
RELAY="$TOOLS_BIN/netns-relay"
PAUSE="$TOOLS_BIN/pause"
CONTAINERD=/usr/bin/containerd
RUNC=/usr/sbin/runc

NODE="$STATE/node"
LOGS="$NODE/logs"
# The node's daemons, in start order, with the binary each pid file must still run;
# pid file and log are named after the daemon ($NODE/NAME.pid, $LOGS/NAME.log).
DAEMONS=(netns-relay containerd kubelet kube-proxy)
declare -A DAEMON_EXE=([netns-relay]=$RELAY [containerd]=$CONTAINERD [kubelet]=$KUBELET [kube-proxy]=$KUBE_PROXY)
pidfile() { echo "$NODE/$1.pid"; }
CLUSTER_DIR="$STATE/cluster/clusters/goship"
KUBECONFIG_FILE="$STATE/kubeconfig"
CTRD_SOCK="$NODE/containerd/containerd.sock"
PAUSE_REPO=goship-base/pause
PAUSE_TAG=goship-1

# ---------------------------------------------------------------- build

# CNI plugins from their Go module (a wrapper module, like the cluster's binaries).
CNI_PLUGINS=(main/bridge ipam/host-local main/loopback)
build_cni() {
  local p absent=0
  for p in "${CNI_PLUGINS[@]}"; do [ -x "$CNI_BIN/${p#*/}" ] || absent=1; done
  [ "$absent" = 0 ] && return 0
  gowrap_env
  local w="$CACHE/build/cni-plugins-$CNI_PLUGINS_VERSION" t0=$SECONDS mod=github.com/containernetworking/plugins pkgs=()
  for p in "${CNI_PLUGINS[@]}"; do pkgs+=("$mod/plugins/$p@v$CNI_PLUGINS_VERSION"); done
  mkdir -p "$LOGS"
  # .ready holds the packages resolved: a plugin added to the list resolves again.
  if [ ! -f "$w/.ready" ] || [ "$(cat "$w/.ready")" != "${pkgs[*]}" ]; then
    gowrap_new "$w" goship.local/cni-plugins
    (cd "$w" && go get -tool "${pkgs[@]}") >"$LOGS/build-cni.log" 2>&1 ||
      { gowrap_tail "$LOGS/build-cni.log"; die "resolving $mod@v$CNI_PLUGINS_VERSION failed"; }
    printf '%s' "${pkgs[*]}" >"$w/.ready"
  fi
  for p in "${CNI_PLUGINS[@]}"; do
    gowrap_build "$w" "$CNI_BIN/${p#*/}" "$mod/plugins/$p" -ldflags "-s -w" >>"$LOGS/build-cni.log" 2>&1 ||
      { gowrap_tail "$LOGS/build-cni.log"; die "building CNI plugin ${p#*/} failed"; }
  done
  log "CNI plugins v$CNI_PLUGINS_VERSION built in $((SECONDS - t0)) s"
}

# The relay and the pause process: this repository's own Go code, standard library only.
build_tools() {
  gowrap_env
  mkdir -p "$TOOLS_BIN"
  local src out
  for src in relay pause; do
    out=$PAUSE; [ "$src" = relay ] && out=$RELAY
    if [ -x "$out" ] && [ -z "$(find "$HERE/$src" -newer "$out" -print -quit)" ]; then continue; fi
    (cd "$HERE/$src" && go build -trimpath -ldflags "-s -w" -o "$out.tmp" . && mv -f "$out.tmp" "$out") ||
      die "building tools/node/$src failed"
  done
}

cmd_build() {
  mkdir -p "$LOGS"
  apt_ensure containerd runc iptables iproute2 util-linux openssl
  "$HERE/../cluster/cluster.sh" build >/dev/null
  for b in "$KUBELET" "$KUBE_PROXY" "$KUBECTL"; do [ -x "$b" ] || die "$b missing after tools/cluster/cluster.sh build"; done
  build_cni
  build_tools
}

# ---------------------------------------------------------------- network

netns_up() {
  if [ ! -e "$NETNS_FILE" ]; then
    ip netns add "$NETNS"
  fi
  ip -n "$NETNS" link set lo up
  if ! ip link show "$HOST_IF" >/dev/null 2>&1; then
    ip link add "$HOST_IF" type veth peer name "$NODE_IF" netns "$NETNS"
  fi
  ip addr replace "$HOST_IP/$LINK_PREFIX" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  ip -n "$NETNS" addr replace "$NODE_IP/$LINK_PREFIX" dev "$NODE_IF"
  ip -n "$NETNS" link set "$NODE_IF" up
  # The pods' bridge, made here rather than by the CNI plugin at the first pod, so the
  # Service range can route to it from the start.
  if ! ip -n "$NETNS" link show "$BRIDGE" >/dev/null 2>&1; then ip -n "$NETNS" link add "$BRIDGE" type bridge; fi
  ip -n "$NETNS" addr replace "$POD_GATEWAY/${POD_CIDR#*/}" dev "$BRIDGE"
  ip -n "$NETNS" link set "$BRIDGE" up
  # A ClusterIP needs a route before kube-proxy's DNAT rewrites it to a pod's address; the
  # bridge is the only way out it gets.
  ip -n "$NETNS" route replace "$SERVICE_CIDR" dev "$BRIDGE" src "$POD_GATEWAY"
  # No default route in the namespace: an address that is neither the link, a pod's nor a
  # Service's is unreachable from the node and from every pod.
  ip -n "$NETNS" route del default >/dev/null 2>&1 || true
  egress_guard
}

# The host end answers (the API server's connections to the kubelet, their replies) but is
# never dialled from inside: no new connection from the node or a pod to 198.18.0.1.
egress_guard() {
  local chain=GOSHIP-NODE-EGRESS ipt=(ip netns exec "$NETNS" iptables -w)
  "${ipt[@]}" -N "$chain" 2>/dev/null || "${ipt[@]}" -F "$chain"
  "${ipt[@]}" -A "$chain" -d "$HOST_IP/32" -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
  "${ipt[@]}" -A "$chain" -d "$HOST_IP/32" -j REJECT
  local base
  for base in OUTPUT FORWARD; do
    "${ipt[@]}" -C "$base" -j "$chain" 2>/dev/null || "${ipt[@]}" -I "$base" 1 -j "$chain"
  done
}

netns_down() {
  ip link del "$HOST_IF" >/dev/null 2>&1 || true
  # The pods' own namespaces (containerd's CNI names them cni-<uuid>): a stopped node leaves
  # them behind. Only those no process is in any more: another runtime's live pods are not ours.
  local pod_ns
  for pod_ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^cni-/ {print $1}'); do
    if [ -z "$(ip netns pids "$pod_ns" 2>/dev/null)" ]; then ip netns del "$pod_ns" 2>/dev/null || true; fi
  done
  if [ -e "$NETNS_FILE" ]; then ip netns del "$NETNS"; fi
}

# ---------------------------------------------------------------- configuration

api_port() { sed -n 's|^ *server: https://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$KUBECONFIG_FILE" | head -n1; }

# The kubelet's serving certificate, signed by the cluster's CA for the node's address, so
# the API server verifies whom it dials (--kubelet-certificate-authority).
kubelet_cert() {
  local dir="$NODE/kubelet/pki"
  [ -s "$dir/kubelet.crt" ] && openssl verify -CAfile "$CLUSTER_DIR/pki/ca.crt" "$dir/kubelet.crt" >/dev/null 2>&1 && return 0
  mkdir -p "$dir"
  (umask 077; openssl req -new -newkey rsa:2048 -nodes -keyout "$dir/kubelet.key" -subj "/CN=system:node:$NODE_NAME/O=system:nodes" -out "$dir/kubelet.csr" 2>/dev/null)
  printf 'subjectAltName=IP:%s,DNS:%s\nextendedKeyUsage=serverAuth\n' "$NODE_IP" "$NODE_NAME" >"$dir/ext.cnf"
  openssl x509 -req -in "$dir/kubelet.csr" -CA "$CLUSTER_DIR/pki/ca.crt" -CAkey "$CLUSTER_DIR/pki/ca.key" -CAcreateserial \
    -days 365 -extfile "$dir/ext.cnf" -out "$dir/kubelet.crt" 2>/dev/null
}

write_configs() {
  local reg_ca="$1" registries="$2"
  mkdir -p "$NODE/containerd/certs.d" "$NODE/cni/net.d" "$NODE/cni/ipam" "$NODE/kubelet/root" "$NODE/kube-proxy"
  # containerd: its own socket, root and state (dockerd's containerd has others), the
  # overlay snapshotter, runc through the v2 shim, our pause image, our CNI plugins.
  cat >"$NODE/containerd/config.toml" <<EOF
# Generated by tools/node/node.sh; do not edit.
version = 2
root = "$NODE/containerd/root"
state = "$NODE/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$CTRD_SOCK"
[ttrpc]
  address = "$CTRD_SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$NODE/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$REGISTRY/$PAUSE_REPO:$PAUSE_TAG"
  enable_selinux = false
  # No process here may lower its oom_score_adj below its parent's (even root gets EACCES
  # writing -998, the sandbox's): cap every container's at containerd's own, as kind does
  # for rootless nodes.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        BinaryName = "$RUNC"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN"
    conf_dir = "$NODE/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$NODE/containerd/certs.d"
EOF
  # Each registry by HTTPS with the platform's private CA (the registry's own certificate).
  local r
  for r in $registries; do
    mkdir -p "$NODE/containerd/certs.d/$r"
    printf 'server = "https://%s"\n\n[host."https://%s"]\n  capabilities = ["pull", "resolve"]\n  ca = "%s"\n' "$r" "$r" "$reg_ca" \
      >"$NODE/containerd/certs.d/$r/hosts.toml"
  done
  # The pods' network: a bridge inside the namespace, addresses from host-local.
  cat >"$NODE/cni/net.d/10-goship.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "goship",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$NODE/cni/ipam",
        "ranges": [[{"subnet": "$POD_CIDR"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    }
  ]
}
EOF
  # No name server for the pods: nothing to resolve outside the cluster, no cluster DNS.
  : >"$NODE/resolv.conf"
  kubelet_cert
  cat >"$NODE/kubelet/config.yaml" <<EOF
# Generated by tools/node/node.sh; do not edit.
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $NODE/kubelet/pki/kubelet.crt
tlsPrivateKeyFile: $NODE/kubelet/pki/kubelet.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $CLUSTER_DIR/pki/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$CTRD_SOCK
cgroupDriver: cgroupfs
# This machine has cgroup v1 hierarchies; kubelet 1.34 still runs there (with a warning).
failCgroupV1: false
failSwapOn: false
resolvConf: $NODE/resolv.conf
clusterDomain: cluster.local
serializeImagePulls: false
# A developer's or CI runner's disk is often fuller than a node's, and a percentage of a
# large disk is gigabytes: evict (and taint the node DiskPressure) only when it is really full.
evictionHard: {memory.available: 100Mi, nodefs.available: 256Mi, imagefs.available: 256Mi, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
maxPods: 60
EOF
  cat >"$NODE/kube-proxy/config.yaml" <<EOF
# Generated by tools/node/node.sh; do not edit.
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $KUBECONFIG_FILE}
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $POD_CIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# Leave the kernel's conntrack table sizes alone (they are the machine's, not the node's).
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
}

# ---------------------------------------------------------------- processes

in_node() { nsenter --net="$NETNS_FILE" -- "$@"; }

# start WHERE NAME CHECK... -- COMMAND...: launch daemon NAME's COMMAND on the host or in
# the node's network namespace (WHERE: host|node) unless its pid file names a live one,
# then wait for CHECK.
start() {
  local where=$1 name=$2 pidf exe; shift 2
  pidf="$(pidfile "$name")" exe=${DAEMON_EXE[$name]}
  local check=()
  while [ "$1" != -- ]; do check+=("$1"); shift; done
  shift
  if pid_ok "$pidf" "$exe"; then log "$name: running (pid $(cat "$pidf"))"; return 0; fi
  local logf="$LOGS/$name.log"
  printf '\n--- %s %s\n' "$(date -u +%FT%TZ)" "$*" >>"$logf"
  # nsenter execs COMMAND after joining the namespace: $! ends up as COMMAND's pid.
  if [ "$where" = node ]; then set -- nsenter --net="$NETNS_FILE" -- "$@"; fi
  pid_launch "$logf" "$@"
  local pid=$!
  echo "$pid" >"$pidf"
  pid_await "$name" "$pid" "$logf" 120 "$pidf" "${check[@]}"
  log "$name: started (pid $pid)"
}

relay_ready() { in_node bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
ctrd_ready() { [ -S "$CTRD_SOCK" ] && in_node ctr --address "$CTRD_SOCK" version >/dev/null 2>&1; }
kubelet_ready() { in_node curl -fsS --max-time 2 http://127.0.0.1:10248/healthz >/dev/null 2>&1; }
proxy_ready() { in_node curl -fsS --max-time 2 http://127.0.0.1:10256/healthz >/dev/null 2>&1; }

kctl() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" --context goship "$@"; }

node_ready() {
  [ "$(kctl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

# The pod sandbox image, made here from tools/node/pause and pushed to the local registry.
push_pause() {
  local ref="$REGISTRY/$PAUSE_REPO:$PAUSE_TAG" ctx="$NODE/pause-image"
  if curl --noproxy '*' -fsS --cacert "$REG_CA" -o /dev/null "https://$REGISTRY/v2/$PAUSE_REPO/manifests/$PAUSE_TAG" \
      -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json' 2>/dev/null &&
      [ ! "$PAUSE" -nt "$ctx/Dockerfile" ]; then
    return 0
  fi
  mkdir -p "$ctx"
  cp "$PAUSE" "$ctx/pause"
  printf '%s\n' "# Written by tools/node/node.sh: the node's pod sandbox image." "FROM scratch" "COPY pause /pause" \
    "USER 65535:65535" 'ENTRYPOINT ["/pause"]' >"$ctx/Dockerfile"
  buildctl build --progress=plain --frontend dockerfile.v0 --local context="$ctx" --local dockerfile="$ctx" \
    --opt platform=linux/amd64 --opt build-arg:SOURCE_DATE_EPOCH=0 \
    --output "type=image,name=$ref,push=true" >"$LOGS/pause-build.log" 2>&1 ||
    { tail -20 "$LOGS/pause-build.log" >&2; die "building the pause image failed (log: $LOGS/pause-build.log)"; }
  log "pause image: pushed $ref"
}

load_platform_env() {
  [ -f "$STATE/env.sh" ] || die "no $STATE/env.sh: run tools/buildplatform/buildplatform.sh up first"
  # shellcheck source=/dev/null # written by tools/buildplatform, not in the repo
  . "$STATE/env.sh"
  REGISTRY=${GOSHIP_REGISTRY:?GOSHIP_REGISTRY not set by $STATE/env.sh}
  LOGIN_REGISTRY=${GOSHIP_LOGIN_REGISTRY:?GOSHIP_LOGIN_REGISTRY not set by $STATE/env.sh}
  REG_CA=${GOSHIP_REGISTRY_CA:?GOSHIP_REGISTRY_CA not set by $STATE/env.sh}
  [ -f "$KUBECONFIG_FILE" ] || die "no $KUBECONFIG_FILE: run tools/cluster/cluster.sh up first"
  [ -f "$CLUSTER_DIR/pki/ca.key" ] || die "no cluster CA in $CLUSTER_DIR/pki: run tools/cluster/cluster.sh up first"
}

cmd_up() {
  [ "$(id -u)" = 0 ] || die "run as root: network namespaces, containerd and the kubelet need it"
  local t0=$SECONDS
  cmd_build
  load_platform_env
  mkdir -p "$NODE" "$LOGS"
  lock_take 9 "$NODE/.lock" 300 node.sh
  netns_up
  local port; port="$(api_port)"
  [ -n "$port" ] || die "no API server port in $KUBECONFIG_FILE"
  write_configs "$REG_CA" "$REGISTRY $LOGIN_REGISTRY"
  push_pause
  start host netns-relay relay_ready "$port" -- \
    "$RELAY" -netns "$NETNS_FILE" -in "127.0.0.1:$port=127.0.0.1:$port" \
    -in "$REGISTRY=$REGISTRY" -in "$LOGIN_REGISTRY=$LOGIN_REGISTRY"
  start node containerd ctrd_ready -- \
    "$CONTAINERD" --config "$NODE/containerd/config.toml"
  start node kubelet kubelet_ready -- \
    "$KUBELET" --config "$NODE/kubelet/config.yaml" --kubeconfig "$KUBECONFIG_FILE" \
    --root-dir "$NODE/kubelet/root" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" \
    --node-labels "$NODE_LABEL"
  start node kube-proxy proxy_ready -- \
    "$KUBE_PROXY" --config "$NODE/kube-proxy/config.yaml"
  local w=0
  until node_ready; do
    [ "$w" -lt 120 ] || { tail -20 "$LOGS/kubelet.log" >&2; die "node $NODE_NAME not Ready after 120 s (log: $LOGS/kubelet.log)"; }
    sleep 1; w=$((w + 1))
  done
  log "node $NODE_NAME is Ready at $NODE_IP in $((SECONDS - t0)) s (pods: $POD_CIDR)"
}

stop() { pid_stop "$1" "$(pidfile "$1")" "${DAEMON_EXE[$1]}"; }

cmd_down() {
  mkdir -p "$NODE"
  lock_take 9 "$NODE/.lock" 300 node.sh
  # The kubelet first, so it does not restart what goes next; then the pods' containers
  # (their shims outlive containerd otherwise), containerd, the relay.
  stop kube-proxy
  stop kubelet
  if pid_ok "$(pidfile containerd)" "$CONTAINERD"; then
    local ids
    ids="$(ctr --address "$CTRD_SOCK" -n k8s.io tasks list -q 2>/dev/null || true)"
    for id in $ids; do ctr --address "$CTRD_SOCK" -n k8s.io tasks kill -s KILL "$id" >/dev/null 2>&1 || true; done
  fi
  stop containerd
  # Shims left by a containerd that was killed: they run from the state dir's bundles.
  pkill -f "containerd-shim-runc-v2 -namespace k8s.io -id .* -address $CTRD_SOCK" 2>/dev/null || true
  stop netns-relay
  # What the kubelet and containerd mounted below it: volumes, rootfs, shm.
  umount_under "$NODE"
  netns_down
  log "down: node stopped, namespace $NETNS removed (state $NODE kept)"
}

cmd_status() {
  local rc=0 name
  for name in "${DAEMONS[@]}"; do
    if pid_ok "$(pidfile "$name")" "${DAEMON_EXE[$name]}"; then echo "$name: running (pid $(cat "$(pidfile "$name")"))"; else echo "$name: not running"; rc=1; fi
  done
  if node_ready; then echo "node $NODE_NAME: Ready ($NODE_IP)"; else echo "node $NODE_NAME: not Ready"; rc=1; fi
  return $rc
}

cmd_delete() {
  cmd_down
  rm -rf "$NODE"
  log "delete: $NODE removed"
}

cmd_env() {
  echo "export GOSHIP_NODE_NAME=$NODE_NAME GOSHIP_NODE_NETNS=$NETNS_FILE GOSHIP_NODE_RELAY=$RELAY"
  echo "export GOSHIP_NODE_POD_CIDR=$POD_CIDR GOSHIP_NODE_LOGS=$LOGS"
}

case "${1:-}" in
  build)  cmd_build ;;
  delete) cmd_delete ;;
  env)    cmd_env ;;
  up)     cmd_up ;;
  down)   cmd_down ;;
  status) cmd_status ;;
  *) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
