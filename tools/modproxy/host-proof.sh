#!/usr/bin/env bash
# The host proof for test/fixtures/catalog (tools/modproxy/README.md): with a clean module
# cache and GOPATH, the go command fetches the private module goship.test/private/greeting
# through tools/modproxy with credentials from a netrc, and everything else from the public
# proxy; without the netrc it fails with 401. Then the catalog is built and run (as uid
# 65532 on a read-only root file system when run as root) and answered with curl.
#
#   tools/modproxy/host-proof.sh      needs go, curl and the public Go module proxy
#
# Environment: CATALOG_PORT (default 19090), the catalog's port on 127.0.0.1.
# Everything is made in a temp directory, removed at exit; only 127.0.0.1 is listened on.
# The random password is in files of that directory (mode 0600) only, never printed.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
catalog_port="${CATALOG_PORT:-19090}"
private=goship.test/private/greeting
work="$(mktemp -d)"
chmod 755 "$work" # the catalog binary in it runs as uid 65532
proxy_pid=""

cleanup() {
    if [ -n "$proxy_pid" ] && kill -0 "$proxy_pid" 2>/dev/null; then
        kill "$proxy_pid"
        wait "$proxy_pid" || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*"; }
die() {
    printf 'host-proof: FAILED: %s\n' "$*" >&2
    exit 1
}

# A go command with nothing of this machine's Go set-up: its own HOME, GOPATH and module
# cache, no go env file; the proxy environment of README.md. The build cache is the
# machine's (compiled packages, never module sources: it saves compiling std again).
gocache="$(go env GOCACHE)"
clean_go() {
    env -i PATH="$PATH" HOME="$work/home" GOENV=off GOTOOLCHAIN=local CGO_ENABLED=0 \
        GOPATH="$work/gopath" GOMODCACHE="$work/modcache" GOCACHE="$gocache" \
        GOPROXY="https://127.0.0.1:$port,https://proxy.golang.org" GONOSUMDB="$private" \
        GOFLAGS="-mod=mod -modcacherw" SSL_CERT_FILE="$work/tls/cert.pem" "$@"
}

say "build and start modproxy (HTTPS on 127.0.0.1, any free port)"
(cd "$repo/tools/modproxy" && go build -o "$work/modproxy" .)
password="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
(umask 077 && printf 'goship-test:%s\n' "$password" >"$work/users")
"$work/modproxy" -port 0 -credentials "$work/users" -tls-dir "$work/tls" -pidfile "$work/modproxy.pid" \
    -module "$private@v1.0.0=$repo/test/fixtures/private/greeting" >"$work/modproxy.out" 2>"$work/modproxy.log" &
proxy_pid=$!
for _ in $(seq 100); do
    grep -q 'listening on' "$work/modproxy.out" && break
    kill -0 "$proxy_pid" 2>/dev/null || die "modproxy exited: $(cat "$work/modproxy.log")"
    sleep 0.1
done
cat "$work/modproxy.out"
port="$(sed -n 's|.*listening on https://127\.0\.0\.1:\([0-9]*\) .*|\1|p' "$work/modproxy.out")"
[ -n "$port" ] || die "no ready line from modproxy"
[ "$(cat "$work/modproxy.pid")" = "$proxy_pid" ] || die "pid file does not hold $proxy_pid"
# Telemetry off in the clean HOME: no go sidecar process outlives a command and writes there.
mkdir -p "$work/home/.config/go/telemetry"
echo off >"$work/home/.config/go/telemetry/mode"
(umask 077 && printf 'machine 127.0.0.1:%s\nlogin goship-test\npassword %s\n' "$port" "$password" >"$work/netrc")

say "environment (besides a clean HOME, GOPATH and GOMODCACHE; NETRC as said)"
clean_go env | grep -E '^(GOPROXY|GONOSUMDB|GOFLAGS|SSL_CERT_FILE|GOTOOLCHAIN|CGO_ENABLED)=' | sed "s|$work|\$WORK|g"

cd "$repo/test/fixtures/catalog"

say "without a netrc: go mod download must fail with 401"
if clean_go NETRC="$work/no-netrc" go mod download >"$work/no-netrc.out" 2>&1; then
    die "go mod download succeeded without credentials"
fi
sed "s|$work|\$WORK|g" "$work/no-netrc.out"
grep -q '401 Unauthorized' "$work/no-netrc.out" || die "no 401 in the failure"

say "with NETRC (machine 127.0.0.1:$port): download, verify, vet, test, build"
rm -rf "$work/modcache" "$work/gopath"
clean_go NETRC="$work/netrc" go mod download -x 2>&1 | grep -E '^# get .*: 200' | sed "s|$work|\$WORK|g" |
    sed -E 's/ \([0-9.]+s\)$//' | grep -E '@v/[^/]*\.zip' || die "go mod download failed"
clean_go NETRC="$work/netrc" go mod verify
clean_go NETRC="$work/netrc" go mod tidy -diff || die "go.mod or go.sum is not tidy"
echo "go mod tidy -diff: no change (go.sum complete)"
clean_go NETRC="$work/netrc" go list -m all
clean_go NETRC="$work/netrc" go vet ./...
clean_go NETRC="$work/netrc" go test -count=1 ./...
clean_go NETRC="$work/netrc" go build -trimpath -ldflags "-s -w -X main.version=host-proof" -o "$work/catalog" ./cmd/catalog
clean_go go version -m "$work/catalog" | grep -E '^\s+(dep\s|build\s+CGO_ENABLED=)' | sed "s|$work|\$WORK|g"
grep -E ' (auth=ok|auth=none)$' "$work/modproxy.log" | sed -E 's/^modproxy: [0-9\/]+ [0-9:]+ //' | sort | uniq -c

say "the catalog refuses to start without its flags"
for args in "" "--listen=127.0.0.1:$catalog_port" "--static-dir=static"; do
    # shellcheck disable=SC2086 # $args is one flag or none, split on purpose
    if "$work/catalog" $args >"$work/refused.out" 2>&1; then die "started with '$args'"; fi
    printf 'args [%s]: exit non-zero: %s\n' "$args" "$(grep -o '"error":"[^"]*"' "$work/refused.out")"
done

say "run the catalog from its module directory (static files by the relative path static/)"
run=("$work/catalog" --listen "127.0.0.1:$catalog_port" --static-dir static --drain 2s)
if [ "$(id -u)" = 0 ]; then
    # Its own mount namespace with / remounted read-only (so /tmp too), as uid/gid 65532.
    # shellcheck disable=SC2016 # $0 and $@ are the inner sh's, expanded there
    unshare --mount --propagation private sh -c 'mount -o remount,bind,ro / && exec "$0" "$@"' \
        setpriv --reuid=65532 --regid=65532 --clear-groups "${run[@]}" >"$work/catalog.log" 2>&1 &
else
    "${run[@]}" >"$work/catalog.log" 2>&1 &
fi
catalog_pid=$! # unshare, sh and setpriv each exec the next: this is the catalog's pid
base="http://127.0.0.1:$catalog_port"
for _ in $(seq 100); do
    curl -fsS "$base/ready" >/dev/null 2>&1 && break
    sleep 0.1
done
ps -o user=,args= -p "$catalog_pid" | sed "s|$work|\$WORK|g"
for path in /livez /ready / /app.css /api/items/gopher-mug "/api/greeting?name=goship" /api/info /healthz; do
    printf '\n$ curl %s%s\n' "$base" "$path"
    curl -sS -w '[HTTP %{http_code}, %{content_type}]\n' "$base$path"
done
curl -fsS "$base/" | grep -q '<title>goship catalog</title>' || die "index.html not served"
curl -fsS "$base/app.css" | grep -q 'goship-fixture: catalog app.css' || die "app.css not served"
curl -fsS "$base/api/greeting?name=goship" | grep -q 'Hello, goship!' || die "greeting from the private module missing"

say "SIGTERM: /ready answers 503 during the drain, then exit 0"
kill -TERM "$catalog_pid"
sleep 0.5
printf '/ready during the drain: %s' "$(curl -sS -w ' [HTTP %{http_code}]' "$base/ready")"
printf '\n/livez during the drain: %s\n' "$(curl -sS -w ' [HTTP %{http_code}]' "$base/livez")"
wait "$catalog_pid" || die "catalog exited $? after SIGTERM"
cat "$work/catalog.log"
grep -q '"msg":"stopped"' "$work/catalog.log" || die "no 'stopped' log line"

say "stop modproxy by its pid file"
kill -TERM "$(cat "$work/modproxy.pid")"
wait "$proxy_pid" || die "modproxy exited $?"
proxy_pid=""
[ ! -e "$work/modproxy.pid" ] || die "pid file left behind"
if grep -qF "$password" "$work/modproxy.out" "$work/modproxy.log" "$work/catalog.log"; then die "the password was logged"; fi
echo "modproxy stopped; the password appears in no output"
say "host proof: all passed"
