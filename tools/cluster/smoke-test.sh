#!/usr/bin/env bash
# Smoke test for the local control plane (run after `cluster.sh up`):
#  1. a namespace enforcing the "restricted" Pod Security Standard;
#  2. a Deployment (2 replicas, digest image, requests/limits incl. ephemeral-storage,
#     restricted securityContext, httpGet probes) + Service: rollout succeeds and the
#     Service gets 2 ready endpoints (kwok fakes the pods);
#  3. the same Deployment with pod label goship.dev/kwok-ready=false (stages/pod-not-ready.yaml):
#     pods run but stay unready and `kubectl rollout status --timeout=30s` fails;
#  4. the same marker added to the healthy Deployment (a broken update) stalls its rollout
#     while the old pods keep serving; `rollout undo` recovers;
#  5. a pod that violates "restricted" is rejected by admission.
# Leaves nothing behind (deletes its namespace). Exit 0 = all checks passed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/locations.sh
. "$HERE/../lib/locations.sh"
# shellcheck source=versions.env
. "$HERE/versions.env"
export KUBECONFIG="${GOSHIP_KUBECONFIG:-$STATE/kubeconfig}"
export KUBECACHEDIR="$STATE/cluster/kube-cache"
K="$CACHE/bin/k8s-$KUBE_VERSION/kubectl"
NS="${SMOKE_NS:-goship-smoke}"
DIGEST="sha256:$(printf 'goship smoke' | sha256sum | cut -d' ' -f1)"
pass=0; fail=0
ok()  { echo "ok   - $*"; pass=$((pass+1)); }
nok() { echo "FAIL - $*"; fail=$((fail+1)); }

[ "$("$K" config current-context)" = goship ] || { echo "current context is not 'goship' in $KUBECONFIG"; exit 1; }
"$K" delete namespace "$NS" --ignore-not-found --wait=true >/dev/null

deployment() { # name, extra pod label line (may be empty)
  cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $1
  namespace: $NS
spec:
  replicas: 2
  selector:
    matchLabels: {app: $1}
  template:
    metadata:
      labels:
        app: $1
$2
    spec:
      # The kwok nodes only (tainted since the real node, tools/node/node.sh, joined): this
      # test is about the simulated kubelet and its stages.
      nodeSelector: {type: kwok}
      tolerations: [{key: kwok.x-k8s.io/node, operator: Equal, value: fake, effect: NoSchedule}]
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        seccompProfile: {type: RuntimeDefault}
      containers:
      - name: app
        image: 127.0.0.1:5000/goship/$1@$DIGEST
        ports: [{name: http, containerPort: 8080}]
        resources:
          requests: {cpu: 50m, memory: 32Mi, ephemeral-storage: 64Mi}
          limits: {cpu: 200m, memory: 64Mi, ephemeral-storage: 128Mi}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities: {drop: [ALL]}
        readinessProbe: {httpGet: {path: /readyz, port: http}, periodSeconds: 5}
        livenessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 10}
---
apiVersion: v1
kind: Service
metadata:
  name: $1
  namespace: $NS
spec:
  selector: {app: $1}
  ports: [{name: http, port: 80, targetPort: http}]
EOF
}

ready_endpoints() { # service -> number of ready endpoints in its EndpointSlices
  "$K" -n "$NS" get endpointslices -l "kubernetes.io/service-name=$1" \
    -o jsonpath='{range .items[*].endpoints[*]}{.conditions.ready}{"\n"}{end}' | grep -c '^true$' || true
}

"$K" apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $NS
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
EOF
ok "namespace $NS enforces pod-security restricted"

# 1. healthy release
t0=$(date +%s)
deployment good "" | "$K" apply -f - >/dev/null
if "$K" -n "$NS" rollout status deployment/good --timeout=90s; then
  ok "deployment/good rolled out in $(( $(date +%s) - t0 ))s"
else nok "deployment/good did not roll out"; fi
n=0; for _ in $(seq 30); do n="$(ready_endpoints good)"; [ "$n" -ge 2 ] && break; sleep 1; done
if [ "$n" -ge 2 ]; then ok "service/good has $n ready endpoints"; else nok "service/good has $n ready endpoints (want 2)"; fi
"$K" -n "$NS" get pods -l app=good -o wide

# 2. broken release: pods never become Ready
deployment broken "        goship.dev/kwok-ready: \"false\"" | "$K" apply -f - >/dev/null
if "$K" -n "$NS" rollout status deployment/broken --timeout=30s; then
  nok "deployment/broken rolled out but should not have"
else ok "deployment/broken: rollout status failed after 30s as expected"; fi
"$K" -n "$NS" get pods -l app=broken -o wide
phases="$("$K" -n "$NS" get pods -l app=broken -o jsonpath='{range .items[*]}{.status.phase}/{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | sort | uniq -c | xargs)"
if [ "$phases" = "2 Running/False" ]; then ok "broken pods are Running but not Ready ($phases)"; else nok "broken pods: $phases"; fi
if [ "$(ready_endpoints broken)" = 0 ]; then ok "service/broken has 0 ready endpoints"; else nok "service/broken has ready endpoints"; fi
avail="$("$K" -n "$NS" get deployment broken -o jsonpath='{.status.conditions[?(@.type=="Available")].status}')"
if [ "$avail" = False ]; then ok "deployment/broken Available=False"; else nok "deployment/broken Available=$avail"; fi

# 3. broken update of a healthy Deployment: the new ReplicaSet's pod stays unready, the
#    rollout stalls, and the old pods keep serving (maxUnavailable rounds down to 0).
"$K" -n "$NS" patch deployment good --type merge \
  -p '{"spec":{"template":{"metadata":{"labels":{"goship.dev/kwok-ready":"false"}}}}}' >/dev/null
if "$K" -n "$NS" rollout status deployment/good --timeout=30s; then
  nok "broken update of deployment/good rolled out but should not have"
else ok "broken update of deployment/good: rollout status failed after 30s as expected"; fi
n="$(ready_endpoints good)"
if [ "$n" -ge 2 ]; then ok "service/good still has $n ready endpoints from the old ReplicaSet"; else nok "service/good has $n ready endpoints"; fi
"$K" -n "$NS" rollout undo deployment/good >/dev/null
if "$K" -n "$NS" rollout status deployment/good --timeout=60s >/dev/null; then ok "rollout undo recovers deployment/good"; else nok "rollout undo did not recover"; fi

# 4. admission really enforces "restricted"
if out="$("$K" -n "$NS" run root-pod --image="127.0.0.1:5000/x@$DIGEST" --restart=Never 2>&1)"; then
  nok "privileged-by-default pod was admitted"
else
  if grep -q 'violates PodSecurity "restricted' <<<"$out"; then ok "non-restricted pod rejected by PodSecurity"
  else nok "unexpected error: $out"; fi
fi

"$K" delete namespace "$NS" --wait=false >/dev/null
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
