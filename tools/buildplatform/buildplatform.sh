#!/usr/bin/env bash
# Local BUILD platform for goship: BuildKit daemon (buildx remote builder "goship"), a
# registry on 127.0.0.1:5000 and one that requires a login on 127.0.0.1:5001, the Go builder
# base image (made without pulling anything) and a Docker engine to run the built images
# (one already running, else our own dockerd).
#
#   buildplatform.sh build    only build buildkitd and buildctl (when missing)
#   buildplatform.sh up       provision and start everything (idempotent; fast when warm)
#   buildplatform.sh status   report each piece; exit 1 if one is down
#   buildplatform.sh down     stop the daemons this script started (by pid file)
#   buildplatform.sh env      print the environment for @pulumi/docker-build and buildctl
#
# Environment: GOSHIP_CACHE (default ~/.cache/goship: binaries, rootfs tarball, Go wrapper
# module), GOSHIP_STATE (default <repo>/.goship: sockets, pids, logs, BuildKit cache,
# registry storage, buildx config, dockerd), GOSHIP_DEBIAN_MIRROR (default: the mirror apt uses).
# Needs root (buildkitd with the OCI worker, dockerd, debootstrap, apt-get).
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
# shellcheck source=versions.env
. "$HERE/versions.env"
export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"

BK_BIN="$CACHE/bin/buildkit-$BUILDKIT_VERSION"
BUILDKITD="$BK_BIN/buildkitd"
BUILDCTL="$BK_BIN/buildctl"
BK_DIR="$STATE/buildkit"
BK_SOCK="$BK_DIR/buildkitd.sock"
BK_ADDR="unix://$BK_SOCK"
BK_PID="$BK_DIR/buildkitd.pid"
BK_LOG="$BK_DIR/buildkitd.log"
BK_CONF="$BK_DIR/buildkitd.toml"
REG_DIR="$STATE/registry"
REG_PID="$REG_DIR/registry.pid"
REG_BIN=/usr/bin/docker-registry
# HTTPS with a private CA (registry-tls.sh explains why a loopback registry needs TLS).
REG_TLS="$REG_DIR/tls"
# The login registry: same binary and certificate, its own storage, htpasswd users.
LOGIN_REG_DIR="$STATE/registry-login"
LOGIN_REG_PID="$LOGIN_REG_DIR/registry.pid"
LOGIN_REG_PASSWORD="$LOGIN_REG_DIR/password"
LOGIN_REG_PULL_PASSWORD="$LOGIN_REG_DIR/pull-password"
DD_DIR="$STATE/dockerd"
DD_SOCK="$DD_DIR/docker.sock"
DD_HOST="unix://$DD_SOCK"
DD_PID="$DD_DIR/dockerd.pid"
DD_LOG="$DD_DIR/dockerd.log"
DD_CONF="$DD_DIR/daemon.json"
DD_EXEC="$DD_DIR/run"
DD_BIN=/usr/sbin/dockerd
# dockerd's managed containerd: sockets, state and pid file under dockerd's exec-root.
CTRD_PID="$DD_EXEC/containerd/containerd.pid"
CTRD_BIN=/usr/bin/containerd
# The engine a docker client reaches without DOCKER_HOST (and with our empty config.json).
DEFAULT_DOCKER_HOST=unix:///var/run/docker.sock
DOCKER_CFG="$STATE/docker"
BUILDX_DIR="$DOCKER_CFG/buildx"
REGISTRY_SETTINGS_BUILDER="$BUILDER_NAME-registry"
ENV_FILE="$STATE/env.sh"

log_setup '[buildplatform %T]' ERROR
# curl to the local registry only; never through a proxy.
rcurl() { curl --noproxy '*' --cacert "$REG_TLS/ca.pem" -sS --max-time 30 "$@"; }

# ---------------------------------------------------------------- packages

need_root() { [ "$(id -u)" = 0 ] || die "run as root (buildkitd's OCI worker, debootstrap and apt-get need it)"; }

ensure_packages() { # ensure_packages [EXTRA_PACKAGE...]
    # apache2-utils: htpasswd, for the login registry's bcrypt password file.
    apt_ensure runc docker-registry apache2-utils debootstrap ca-certificates curl iproute2 util-linux tar "$@"
}

# ---------------------------------------------------------------- buildkit binaries

bk_binaries_ok() {
    gowrap_reports "$BUILDKITD" "$BUILDKIT_VERSION" --version &&
        gowrap_reports "$BUILDCTL" "$BUILDKIT_VERSION" --version
}

build_buildkit() {
    bk_binaries_ok && return 0
    gowrap_env
    local t0 w tmp
    t0=$(now)
    w="$CACHE/src/buildkit-$BUILDKIT_VERSION"
    log "building buildkitd and buildctl $BUILDKIT_VERSION in wrapper module $w"
    mkdir -p "$w" "$CACHE/bin"
    # A wrapper module: BuildKit's go.mod has an exclude block, which is ignored when BuildKit
    # is a dependency (so `go install ...@version` refuses it); repeat it here.
    cat > "$w/go.mod" <<EOF
module goship.local/buildkit-bin

go 1.25.9

require github.com/moby/buildkit $BUILDKIT_VERSION

// Repeated from github.com/moby/buildkit's own go.mod at $BUILDKIT_VERSION.
exclude (
	github.com/davecgh/go-spew v1.1.2-0.20180830191138-d8f796af33cc
	github.com/pmezard/go-difflib v1.0.1-0.20181226105442-5d4384ee4fb2
)
EOF
    printf 'github.com/moby/buildkit %s %s\ngithub.com/moby/buildkit %s/go.mod %s\n' \
        "$BUILDKIT_VERSION" "$BUILDKIT_SUM" "$BUILDKIT_VERSION" "$BUILDKIT_GOMOD_SUM" > "$w/go.sum"
    (
        cd "$w"
        dir=$(go mod download -json "github.com/moby/buildkit@$BUILDKIT_VERSION" | json_field Dir)
        [ -f "$dir/go.sum" ] || die "module directory for buildkit not found"
        # BuildKit's own go.sum covers its dependency graph; keep the pinned module lines.
        cat "$dir/go.sum" >> go.sum
        sort -u -o go.sum go.sum
        go get "github.com/moby/buildkit/cmd/buildkitd@$BUILDKIT_VERSION" "github.com/moby/buildkit/cmd/buildctl@$BUILDKIT_VERSION" >&2
        # go get must not have moved BuildKit itself.
        [ "$(go list -m -f '{{.Version}}' github.com/moby/buildkit)" = "$BUILDKIT_VERSION" ] || die "go get changed the buildkit version"
        tmp=$(mktemp -d "$CACHE/bin/.buildkit-XXXXXX")
        trap 'rm -rf "$tmp"' EXIT
        chmod 0755 "$tmp"
        pkg=github.com/moby/buildkit
        ldf="-s -w -X $pkg/version.Version=$BUILDKIT_VERSION -X $pkg/version.Revision=$BUILDKIT_REVISION -X $pkg/version.Package=$pkg"
        # Upstream's Dockerfile flags: static, CGO off, tags "osusergo netgo static_build seccomp".
        gowrap_build . "$tmp/buildkitd" "$pkg/cmd/buildkitd" \
            -tags "osusergo netgo static_build seccomp" -ldflags "$ldf -extldflags -static"
        gowrap_build . "$tmp/buildctl" "$pkg/cmd/buildctl" -ldflags "$ldf"
        rm -rf "$BK_BIN"
        mv "$tmp" "$BK_BIN"
    )
    bk_binaries_ok || die "built binaries do not report $BUILDKIT_VERSION"
    log "buildkit binaries ready in $BK_BIN ($(since "$t0"))"
}

# ---------------------------------------------------------------- processes

# fresh_socket PATH: a unix socket path short enough to bind, with no stale socket on it.
fresh_socket() {
    [ ${#1} -lt 100 ] || die "socket path too long for a unix socket: $1"
    [ -S "$1" ] && rm -f "$1"
    return 0
}

port_owner() { # pid listening on TCP $1 (host:port), if any
    ss -Hltnp "sport = :${1##*:}" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1
}

# ---------------------------------------------------------------- buildkitd

write_buildkitd_config() {
    mkdir -p "$BK_DIR/root"
    cat > "$BK_CONF.tmp" <<EOF
# Written by tools/buildplatform/buildplatform.sh; rewritten on every up.
root = "$BK_DIR/root"

[grpc]
  address = ["$BK_ADDR"]

# Default is /run/buildkit/otel-grpc.sock: keep every socket in the state dir.
[otel]
  socketPath = "$BK_DIR/otel-grpc.sock"

# No CDI devices here; skips three warnings about missing /etc/cdi dirs.
[cdi]
  disabled = true

[worker.oci]
  enabled = true
  # runc from Debian's runc package, found on PATH.
  binary = "runc"
  networkMode = "host"
  gc = true

[worker.containerd]
  enabled = false

# The local registries speak HTTPS with goship's private CA (registry-tls.sh). http = false
# is needed: BuildKit's resolver speaks plain HTTP to 127.0.0.1 unless told otherwise.
$(registry_toml "$REG_TLS/ca.pem")
EOF
    mv "$BK_CONF.tmp" "$BK_CONF"
}

# registry_toml CA: BuildKit's registry settings for both local registries.
registry_toml() {
    local addr
    for addr in "$REGISTRY_ADDR" "$LOGIN_REGISTRY_ADDR"; do
        printf '[registry."%s"]\n  http = false\n  ca = ["%s"]\n' "$addr" "$1"
    done
}

bk_ready() { "$BUILDCTL" --addr "$BK_ADDR" debug workers >/dev/null 2>&1; }

start_buildkitd() {
    # buildkitd reads its config only at start: a running one is restarted when this
    # version of the script writes a different config (e.g. a registry was added).
    local previous
    previous=$(cat "$BK_CONF" 2>/dev/null || true)
    write_buildkitd_config
    if pid_ok "$BK_PID" "$BUILDKITD"; then
        if [ "$previous" != "$(cat "$BK_CONF")" ]; then
            log "buildkitd: config changed, restarting"
            pid_stop buildkitd "$BK_PID" "$BUILDKITD"
        elif bk_ready; then
            log "buildkitd: already running (pid $(cat "$BK_PID"))"; return 0
        else
            die "buildkitd pid $(cat "$BK_PID") is alive but not answering on $BK_ADDR; see $BK_LOG or run down"
        fi
    fi
    rm -f "$BK_PID"
    fresh_socket "$BK_SOCK"
    local t0 pid
    t0=$(now)
    log "buildkitd: starting ($BK_ADDR)"
    pid_launch "$BK_LOG" "$BUILDKITD" --config "$BK_CONF" --oci-worker=true --containerd-worker=false --oci-worker-net=host
    pid=$!
    echo "$pid" > "$BK_PID"
    pid_await buildkitd "$pid" "$BK_LOG" 30 "$BK_PID" bk_ready
    log "buildkitd: ready, pid $pid ($(since "$t0"))"
}

# ---------------------------------------------------------------- registry

# write_registry_config DIR ADDR [HTPASSWD]: DIR/config.yml for a registry on ADDR, storage
# in DIR/storage; with HTPASSWD, every request needs a login.
write_registry_config() {
    local dir=$1 addr=$2 htpasswd=${3:-}
    mkdir -p "$dir/storage"
    {
        cat <<EOF
# Written by tools/buildplatform/buildplatform.sh; rewritten on every up.
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  # Loopback only; no debug listener is configured.
  addr: $addr
  tls:
    certificate: $REG_TLS/server.pem
    key: $REG_TLS/server.key
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: true
    interval: 10s
    threshold: 3
EOF
        [ -z "$htpasswd" ] || printf 'auth:\n  htpasswd:\n    realm: goship-local\n    path: %s\n' "$htpasswd"
    } > "$dir/config.yml.tmp"
    mv "$dir/config.yml.tmp" "$dir/config.yml"
}

# reg_answers ADDR CODE: https://ADDR/v2/ answers CODE (200 anonymous, 401 login).
reg_answers() { [ "$(rcurl -o /dev/null -w '%{http_code}' "https://$1/v2/" 2>/dev/null)" = "$2" ]; }
reg_ready() { reg_answers "$REGISTRY_ADDR" 200; }
login_reg_ready() { reg_answers "$LOGIN_REGISTRY_ADDR" 401; }

# start_registry NAME DIR ADDR READY_CHECK [HTPASSWD]
start_registry() {
    local name=$1 dir=$2 addr=$3 ready=$4 htpasswd=${5:-}
    local pidfile="$dir/registry.pid" logfile="$dir/registry.log"
    if pid_ok "$pidfile" "$REG_BIN"; then
        if "$ready"; then log "$name: already running (pid $(cat "$pidfile"))"; return 0; fi
        die "$name pid $(cat "$pidfile") is alive but https://$addr/v2/ does not answer as expected; see $logfile"
    fi
    rm -f "$pidfile"
    local other
    other=$(port_owner "$addr")
    [ -z "$other" ] || die "port ${addr##*:} is already taken by pid $other ($(readlink -f /proc/"$other"/exe 2>/dev/null)); not ours, not touching it"
    write_registry_config "$dir" "$addr" "$htpasswd"
    local t0 pid
    t0=$(now)
    log "$name: starting on $addr"
    pid_launch "$logfile" "$REG_BIN" serve "$dir/config.yml"
    pid=$!
    echo "$pid" > "$pidfile"
    pid_await "$name" "$pid" "$logfile" 20 "$pidfile" "$ready"
    log "$name: ready, pid $pid ($(since "$t0"))"
}

# The login registry's password. Like the dev passphrase it protects nothing of value (the
# registry answers on 127.0.0.1 only) and is known: Pulumi.local-prod.yaml holds it as a
# Pulumi secret, encrypted with the dev passphrase, so the local-prod stack pushes there
# on any machine. GOSHIP_LOGIN_REGISTRY_PASSWORD sets another (then set the stack's
# secret too). The file is readable by root only; htpasswd holds its bcrypt hash.
LOGIN_PASSWORD_VALUE=${GOSHIP_LOGIN_REGISTRY_PASSWORD:-goship-local-registry}
# The pods' own login (Pulumi.local-prod.yaml's goship:kubernetes.pullCredentials, its
# password the stack's secret goship:pullPassword): the real node pulls local-prod's images
# with it, never with the push login. The registry's htpasswd auth cannot make a login
# read-only; a real registry's pull token would be.
LOGIN_PULL_USER=goship-pull
LOGIN_PULL_PASSWORD_VALUE=${GOSHIP_LOGIN_REGISTRY_PULL_PASSWORD:-goship-local-pull}
make_login() {
    mkdir -p "$LOGIN_REG_DIR"
    local want
    want="$(printf '%s\n%s:%s\n' "$LOGIN_PASSWORD_VALUE" "$LOGIN_PULL_USER" "$LOGIN_PULL_PASSWORD_VALUE")"
    if [ "$(cat "$LOGIN_REG_PASSWORD" 2>/dev/null)" != "$LOGIN_PASSWORD_VALUE" ] || [ "$(cat "$LOGIN_REG_DIR/logins" 2>/dev/null)" != "$want" ]; then
        (
            umask 077
            printf '%s\n' "$LOGIN_PASSWORD_VALUE" > "$LOGIN_REG_PASSWORD"
            printf '%s\n' "$LOGIN_PULL_PASSWORD_VALUE" > "$LOGIN_REG_PULL_PASSWORD"
            printf '%s\n' "$want" > "$LOGIN_REG_DIR/logins"
        )
    fi
    if [ ! -s "$LOGIN_REG_DIR/htpasswd" ] || [ "$LOGIN_REG_DIR/logins" -nt "$LOGIN_REG_DIR/htpasswd" ]; then
        # -i: the password comes on stdin, never on a command line.
        (
            umask 077
            htpasswd -niB "$LOGIN_REGISTRY_USER" < "$LOGIN_REG_PASSWORD" > "$LOGIN_REG_DIR/htpasswd.tmp"
            printf '%s\n' "$LOGIN_PULL_PASSWORD_VALUE" | htpasswd -niB "$LOGIN_PULL_USER" >> "$LOGIN_REG_DIR/htpasswd.tmp"
        )
        mv "$LOGIN_REG_DIR/htpasswd.tmp" "$LOGIN_REG_DIR/htpasswd"
    fi
}

# ---------------------------------------------------------------- docker engine

# dd_ready HOST: the engine at unix socket HOST answers _ping.
dd_ready() { [ "$(curl --noproxy '*' -sS --max-time 5 --unix-socket "${1#unix://}" http://localhost/_ping 2>/dev/null)" = OK ]; }

# A working engine at the default address (e.g. the machine's own docker.io service).
default_docker_ok() {
    [ -S "${DEFAULT_DOCKER_HOST#unix://}" ] && command -v docker >/dev/null 2>&1 || return 1
    mkdir -p "$DOCKER_CFG"
    [ -f "$DOCKER_CFG/config.json" ] || echo '{}' > "$DOCKER_CFG/config.json"
    # What a client of env.sh without DOCKER_HOST reaches: our empty config, no context.
    env -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_CERT_PATH DOCKER_HOST="$DEFAULT_DOCKER_HOST" \
        DOCKER_CONFIG="$DOCKER_CFG" timeout 30 docker info >/dev/null 2>&1
}

own_dockerd_running() { pid_ok "$DD_PID" "$DD_BIN"; }

write_dockerd_config() {
    mkdir -p "$DD_DIR/root" "$DD_EXEC"
    # Our own file, so the machine's /etc/docker/daemon.json is not read; the settings are on
    # the command line. deprecated-key-path keeps 20.10's trust key out of /etc/docker.
    printf '{\n  "deprecated-key-path": "%s"\n}\n' "$DD_DIR/key.json" > "$DD_CONF.tmp"
    mv "$DD_CONF.tmp" "$DD_CONF"
}

start_dockerd() {
    if own_dockerd_running; then
        if dd_ready "$DD_HOST"; then log "dockerd: already running (pid $(cat "$DD_PID"))"; return 0; fi
        die "dockerd pid $(cat "$DD_PID") is alive but not answering on $DD_HOST; see $DD_LOG or run down"
    fi
    if [ "$USE_DEFAULT_DOCKER" = 1 ]; then
        log "dockerd: using the Docker engine at $DEFAULT_DOCKER_HOST (not started by this script)"
        return 0
    fi
    rm -f "$DD_PID"
    # A containerd left behind by a killed dockerd: stop it; dockerd starts its own.
    if pid_ok "$CTRD_PID" "$CTRD_BIN"; then pid_stop containerd "$CTRD_PID" "$CTRD_BIN"; fi
    [ -x "$DD_BIN" ] || die "$DD_BIN missing (Debian docker.io)"
    fresh_socket "$DD_SOCK"
    write_dockerd_config
    local t0 pid
    t0=$(now)
    log "dockerd: starting ($DD_HOST, --bridge=none --iptables=false --ip6tables=false)"
    # The unix socket is the only --host (no TCP). No bridge, no iptables rules: containers
    # run with --network host. dockerd writes the pid file itself (and removes it on exit).
    pid_launch "$DD_LOG" "$DD_BIN" --config-file "$DD_CONF" --host "$DD_HOST" \
        --data-root "$DD_DIR/root" --exec-root "$DD_EXEC" --pidfile "$DD_PID" \
        --bridge=none --iptables=false --ip6tables=false
    pid=$!
    # dockerd owns its pid file: nothing to remove if it exits.
    pid_await dockerd "$pid" "$DD_LOG" 60 "" dd_ready "$DD_HOST"
    [ "$(cat "$DD_PID" 2>/dev/null)" = "$pid" ] || die "dockerd pid file $DD_PID does not hold pid $pid"
    log "dockerd: ready, pid $pid ($(since "$t0"))"
}

# ---------------------------------------------------------------- buildx instance + env

write_buildx_instance() {
    mkdir -p "$BUILDX_DIR/instances" "$BUILDX_DIR/activity" "$BUILDX_DIR/defaults"
    [ -f "$DOCKER_CFG/config.json" ] || echo '{}' > "$DOCKER_CFG/config.json"
    # Format of buildx's store (store/nodegroup.go, store/store.go). Remote driver: no Flags,
    # no Files (buildx refuses a config file for it).
    printf '{"Name":"%s","Driver":"remote","Nodes":[{"Name":"%s0","Endpoint":"%s","Platforms":null,"DriverOpts":{},"Flags":null,"Files":null}],"Dynamic":false}\n' \
        "$BUILDER_NAME" "$BUILDER_NAME" "$BK_ADDR" > "$BUILDX_DIR/instances/.$BUILDER_NAME.tmp"
    mv "$BUILDX_DIR/instances/.$BUILDER_NAME.tmp" "$BUILDX_DIR/instances/$BUILDER_NAME"
    # A second instance that only carries registry settings, for buildx's own registry
    # client: `imagetools create` (what docker-build's Index runs) takes them from the
    # instance's stored buildkitd.toml and otherwise speaks plain HTTP to any 127.0.0.1
    # registry (util/resolver: MatchLocalhost). It is never used to build (a remote
    # instance with Files cannot boot); BUILDX_BUILDER selects it for imagetools only,
    # since builds name their builder.
    local toml files
    toml=$(registry_toml /etc/buildkit/registry-ca.pem)
    files=$(printf '{"buildkitd.toml":"%s","registry-ca.pem":"%s"}' \
        "$(printf '%s\n' "$toml" | base64 -w0)" "$(base64 -w0 < "$REG_TLS/ca.pem")")
    printf '{"Name":"%s","Driver":"remote","Nodes":[{"Name":"%s0","Endpoint":"%s","Platforms":null,"DriverOpts":{},"Flags":null,"Files":%s}],"Dynamic":false}\n' \
        "$REGISTRY_SETTINGS_BUILDER" "$REGISTRY_SETTINGS_BUILDER" "$BK_ADDR" "$files" \
        > "$BUILDX_DIR/instances/.$REGISTRY_SETTINGS_BUILDER.tmp"
    mv "$BUILDX_DIR/instances/.$REGISTRY_SETTINGS_BUILDER.tmp" "$BUILDX_DIR/instances/$REGISTRY_SETTINGS_BUILDER"
    # Selected for every docker context, so images need no builder.name.
    printf '{"Key":"","Name":"%s","Global":true}\n' "$BUILDER_NAME" > "$BUILDX_DIR/current"
    write_env
}

env_text() {
    cat <<EOF
# Written by tools/buildplatform/buildplatform.sh. Source it: . $ENV_FILE
# @pulumi/docker-build opens the buildx store at \$BUILDX_CONFIG (else \$DOCKER_CONFIG/buildx);
# its "current" instance is the remote builder "$BUILDER_NAME" at $BK_ADDR.
export BUILDX_CONFIG=$BUILDX_DIR
export DOCKER_CONFIG=$DOCKER_CFG
# For buildctl.
export BUILDKIT_HOST=$BK_ADDR
export PATH=$BK_BIN:\$PATH
export GOSHIP_REGISTRY=$REGISTRY_ADDR
# The registry that requires a login; the password file is readable by root only.
export GOSHIP_LOGIN_REGISTRY=$LOGIN_REGISTRY_ADDR
export GOSHIP_LOGIN_REGISTRY_USER=$LOGIN_REGISTRY_USER
export GOSHIP_LOGIN_REGISTRY_PASSWORD_FILE=$LOGIN_REG_PASSWORD
export GOSHIP_LOGIN_REGISTRY_PULL_USER=$LOGIN_PULL_USER
export GOSHIP_LOGIN_REGISTRY_PULL_PASSWORD_FILE=$LOGIN_REG_PULL_PASSWORD
export GOSHIP_BUILDER=$BUILDER_NAME
export GOSHIP_BUILDER_IMAGE=$(base_ref "$BASE_GO_MINOR")
# The registry's private CA: Go programs (pulumi and its providers, buildx) read the
# system bundle plus the CA from SSL_CERT_FILE; Node reads NODE_EXTRA_CA_CERTS; curl --cacert.
export GOSHIP_REGISTRY_CA=$REG_TLS/ca.pem
# buildx imagetools (docker-build's Index) reads registry settings from this instance.
export BUILDX_BUILDER=$REGISTRY_SETTINGS_BUILDER
export SSL_CERT_FILE=$REG_TLS/ca-bundle.pem
export NODE_EXTRA_CA_CERTS=$REG_TLS/ca.pem
EOF
    # Only for our own dockerd; otherwise clients reach the default engine.
    if own_dockerd_running; then
        echo "# Docker engine started by this script (docker run --network host ...)."
        echo "export DOCKER_HOST=$DD_HOST"
    fi
}

write_env() { env_text > "$ENV_FILE.tmp"; mv "$ENV_FILE.tmp" "$ENV_FILE"; }

# ---------------------------------------------------------------- base image

base_ref() { echo "$REGISTRY_ADDR/$BASE_IMAGE_REPO:$1"; }

go_full_version() { go env GOVERSION | sed 's/^go//'; }

reg_has_tag() { # reg_has_tag REPO TAG
    [ "$(rcurl -o /dev/null -w '%{http_code}' -I \
        -H 'Accept: application/vnd.oci.image.index.v1+json' \
        -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
        -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
        -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
        "https://$REGISTRY_ADDR/v2/$1/manifests/$2")" = 200 ]
}

# The mirror apt on this machine uses for $DEBIAN_SUITE main (deb822 .sources or one-line .list).
apt_mirror() {
    if [ -n "${GOSHIP_DEBIAN_MIRROR:-}" ]; then echo "$GOSHIP_DEBIAN_MIRROR"; return; fi
    local f m
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        m=$(awk -v suite="$DEBIAN_SUITE" '
            function flush() { if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && (" " comps " ") ~ / main / && uris != "") { split(uris, u, " "); print u[1]; found=1; exit } types=""; suites=""; comps=""; uris="" }
            /^[[:space:]]*$/ { flush(); next }
            /^#/ { next }
            /^Types:/ { sub(/^Types:[[:space:]]*/, ""); types=$0 }
            /^URIs:/ { sub(/^URIs:[[:space:]]*/, ""); uris=$0 }
            /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites=$0 }
            /^Components:/ { sub(/^Components:[[:space:]]*/, ""); comps=$0 }
            END { if (!found) flush() }' "$f")
        [ -n "$m" ] && { echo "$m"; return; }
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        m=$(awk -v suite="$DEBIAN_SUITE" '
            $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                          if ($(i+1) == suite) { for (j = i + 2; j <= NF; j++) if ($j == "main") { print $i; exit } } }' "$f")
        [ -n "$m" ] && { echo "$m"; return; }
    done
    die "no apt source for '$DEBIAN_SUITE main' in /etc/apt; set GOSHIP_DEBIAN_MIRROR"
}

# Where the rootfs tarball of this suite/variant/include list lives in the cache.
rootfs_tar_path() {
    local key
    key=$(printf '%s|%s|%s' "$DEBIAN_SUITE" "$DEBIAN_VARIANT" "$DEBIAN_INCLUDE" | sha256sum | cut -c1-12)
    echo "$CACHE/base/rootfs-debian-$DEBIAN_SUITE-$DEBIAN_VARIANT-$key.tar"
}

# Minimal Debian rootfs as a tarball in the cache (made once per suite/variant/include list).
make_rootfs() {
    local tar_path root t0 mirror
    tar_path=$(rootfs_tar_path)
    ROOTFS_TAR=$tar_path
    [ -s "$tar_path" ] && return 0
    mirror=$(apt_mirror)
    t0=$(now)
    mkdir -p "$CACHE/base"
    root=$(mktemp -d "$CACHE/base/.rootfs-XXXXXX")
    log "debootstrap --variant=$DEBIAN_VARIANT --include=$DEBIAN_INCLUDE $DEBIAN_SUITE from $mirror"
    if ! debootstrap --variant="$DEBIAN_VARIANT" --include="$DEBIAN_INCLUDE" \
        --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
        "$DEBIAN_SUITE" "$root" "$mirror" > "$CACHE/base/debootstrap.log" 2>&1; then
        tail -30 "$CACHE/base/debootstrap.log" >&2
        umount_under "$root"
        rm -rf "$root"
        die "debootstrap failed (log: $CACHE/base/debootstrap.log)"
    fi
    umount_under "$root"
    [ -s "$root/etc/ssl/certs/ca-certificates.crt" ] || die "rootfs has no CA bundle"
    # Container hygiene: no host identity, no package caches; GOPATH like the official image.
    : > "$root/etc/hostname"
    rm -f "$root/etc/resolv.conf" "$root/etc/hosts"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/* \
        "$root"/var/log/* "$root"/tmp/* "$root/debootstrap"
    mkdir -p "$root/go/src" "$root/go/bin"
    chmod -R 1777 "$root/go"
    tar --numeric-owner --xattrs --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
        -C "$root" -cf "$tar_path.tmp" .
    mv "$tar_path.tmp" "$tar_path"
    rm -rf "$root"
    log "rootfs tarball $tar_path ($(du -h "$tar_path" | cut -f1), $(since "$t0"))"
}

# base_dockerfile GOVERSION: the builder image's Dockerfile. The toolchain stage is the
# image; the seed stage compiles the standard library for BASE_GOCACHE_SEED_PLATFORMS into a
# Go build cache (one directory per platform) that goship's rendered build stage copies into
# its cache mount when that is empty (components/build/build-stage.ts, GOSHIP_GOCACHE_SEED).
base_dockerfile() {
    local gofull=$1 p seed_runs=""
    for p in $BASE_GOCACHE_SEED_PLATFORMS; do
        seed_runs+="RUN GOOS=${p%/*} GOARCH=${p#*/} GOCACHE=/seed/${p/\//-} go build -trimpath -tags timetzdata std"$'\n'
    done
    cat <<EOF
# Written by tools/buildplatform/buildplatform.sh: Go builder base image, nothing pulled.
FROM scratch AS toolchain
ADD $(basename "$(rootfs_tar_path)") /
COPY machine-ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=goroot / /usr/local/go/
ENV GOLANG_VERSION=$gofull GOTOOLCHAIN=local GOPATH=/go \\
    PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go

# The standard library, compiled with goship's build flags for each seeded platform.
FROM toolchain AS seed
ENV CGO_ENABLED=0
${seed_runs}
FROM toolchain
COPY --from=seed /seed/ /usr/local/goship/gocache/
ENV GOSHIP_GOCACHE_SEED=/usr/local/goship/gocache
LABEL org.opencontainers.image.title="goship Go builder" \\
      org.opencontainers.image.version="$gofull" \\
      org.opencontainers.image.description="Debian $DEBIAN_SUITE $DEBIAN_VARIANT + $DEBIAN_INCLUDE, Go $gofull from the build machine, its standard library precompiled for $BASE_GOCACHE_SEED_PLATFORMS"
CMD ["bash"]
EOF
}

build_base_image() {
    local gofull goroot minor_ref full_ref ca_tag ctx t0
    command -v go >/dev/null || die "go not found on PATH"
    gofull=$(go_full_version)
    goroot=$(go env GOROOT)
    case "$gofull" in
        "$BASE_GO_MINOR"|"$BASE_GO_MINOR".*) ;;
        *) die "machine Go is $gofull but versions.env wants $BASE_GO_MINOR.x for the base image";;
    esac
    [ -s "$MACHINE_CA_BUNDLE" ] || die "no trust store at $MACHINE_CA_BUNDLE (MACHINE_CA_BUNDLE in versions.env)"
    minor_ref=$(base_ref "$BASE_GO_MINOR")
    full_ref=$(base_ref "$gofull")
    ctx="$CACHE/base"
    mkdir -p "$ctx"
    base_dockerfile "$gofull" > "$ctx/Dockerfile"
    # The recipe tag says which trust store, Dockerfile and layer compression the image was
    # made from: a new machine CA or a changed recipe (e.g. the cache seed's platforms) rebuilds.
    ca_tag="$gofull-ca$(sha256sum < "$MACHINE_CA_BUNDLE" | cut -c1-8)-r$({ cat "$ctx/Dockerfile"; echo "$BASE_COMPRESSION"; } | sha256sum | cut -c1-8)"
    # The full-version tag says which toolchain the minor tag holds: a new local Go rebuilds.
    if reg_has_tag "$BASE_IMAGE_REPO" "$ca_tag" && reg_has_tag "$BASE_IMAGE_REPO" "$gofull" && reg_has_tag "$BASE_IMAGE_REPO" "$BASE_GO_MINOR"; then
        log "base image: $minor_ref (Go $gofull, this machine's CA bundle) already in the registry"
        return 0
    fi
    make_rootfs
    t0=$(now)
    # This machine's trust store (on a Debian host, Debian's bundle plus the CAs added here,
    # e.g. a TLS-inspecting proxy's), so `go mod download` in builds reaches the module proxy
    # the way the machine itself does.
    cp "$MACHINE_CA_BUNDLE" "$ctx/machine-ca-certificates.crt"
    # SOURCE_DATE_EPOCH (the rootfs tarball's mtime) fixes the config's timestamps. The seed's
    # cache entries carry their write time, so a rebuild gets a new digest: it happens only
    # when the recipe tag above is missing.
    log "base image: building $minor_ref and $full_ref (rootfs + $goroot)"
    "$BUILDCTL" --addr "$BK_ADDR" build --progress=plain \
        --frontend dockerfile.v0 \
        --local context="$ctx" --local dockerfile="$ctx" --local goroot="$goroot" \
        --opt context:goroot=local:goroot \
        --opt platform=linux/amd64 \
        --opt build-arg:SOURCE_DATE_EPOCH="$(stat -c %Y "$ROOTFS_TAR")" \
        --output "type=image,\"name=$minor_ref,$full_ref,$(base_ref "$ca_tag")\",push=true,compression=$BASE_COMPRESSION,force-compression=true" \
        > "$CACHE/base/build.log" 2>&1 || { tail -30 "$CACHE/base/build.log" >&2; die "base image build failed (log: $CACHE/base/build.log)"; }
    reg_has_tag "$BASE_IMAGE_REPO" "$BASE_GO_MINOR" || die "base image not found in the registry after push"
    log "base image: pushed $minor_ref ($(since "$t0"))"
}

# A stand-in for nanoserver (which cannot be pulled here): an image whose config says
# windows/amd64, with one placeholder file and no Windows in it. It lets BuildKit build
# goship's Windows stage (COPY only) for real; nothing can run it.
build_windows_base() {
    local ref ctx
    ref="$REGISTRY_ADDR/$WINDOWS_STANDIN_REPO:$WINDOWS_STANDIN_TAG"
    if reg_has_tag "$WINDOWS_STANDIN_REPO" "$WINDOWS_STANDIN_TAG"; then
        log "windows stand-in: $ref already in the registry"
        return 0
    fi
    ctx="$CACHE/windows-standin"
    mkdir -p "$ctx"
    printf '%s\n' "goship's stand-in for $WINDOWS_STANDIN_TAG nanoserver: an image config for windows/amd64 and this file, no Windows." > "$ctx/README.txt"
    printf '%s\n' "# Written by tools/buildplatform/buildplatform.sh: windows/amd64 stand-in base image." "FROM scratch" "COPY README.txt /goship-standin/README.txt" > "$ctx/Dockerfile"
    "$BUILDCTL" --addr "$BK_ADDR" build --progress=plain \
        --frontend dockerfile.v0 --local context="$ctx" --local dockerfile="$ctx" \
        --opt platform=windows/amd64 --opt build-arg:SOURCE_DATE_EPOCH=0 \
        --output "type=image,name=$ref,push=true" > "$ctx/build.log" 2>&1 || { tail -30 "$ctx/build.log" >&2; die "windows stand-in build failed (log: $ctx/build.log)"; }
    log "windows stand-in: pushed $ref"
}

# ---------------------------------------------------------------- commands

cmd_up() {
    need_root
    local t0
    t0=$(now)
    mkdir -p "$CACHE" "$STATE" "$BK_DIR" "$REG_DIR" "$LOGIN_REG_DIR"
    lock_take 9 "$STATE/.lock" 600 buildplatform.sh
    # An engine already answering at the default address is used as is; else we run our own.
    USE_DEFAULT_DOCKER=0
    own_dockerd_running || ! default_docker_ok || USE_DEFAULT_DOCKER=1
    if [ "$USE_DEFAULT_DOCKER" = 1 ]; then ensure_packages; else ensure_packages docker.io; fi
    build_buildkit
    "$HERE/registry-tls.sh" "$REG_TLS"
    start_registry registry "$REG_DIR" "$REGISTRY_ADDR" reg_ready
    make_login
    start_registry login-registry "$LOGIN_REG_DIR" "$LOGIN_REGISTRY_ADDR" login_reg_ready "$LOGIN_REG_DIR/htpasswd"
    start_buildkitd
    start_dockerd
    write_buildx_instance
    build_base_image
    build_windows_base
    log "up: done in $(since "$t0")"
    echo "# Export this (also in $ENV_FILE):"
    env_text | grep '^export'
}

cmd_down() {
    mkdir -p "$STATE"
    lock_take 9 "$STATE/.lock" 600 buildplatform.sh
    pid_stop dockerd "$DD_PID" "$DD_BIN"
    # dockerd stops its containerd when it exits cleanly, not when it had to be killed.
    pid_stop containerd "$CTRD_PID" "$CTRD_BIN"
    # dockerd leaves its own mounts behind (exec-root netns/default, data-root): without
    # this the state dir cannot be removed. Only once neither daemon runs.
    if ! pid_ok "$DD_PID" "$DD_BIN" && ! pid_ok "$CTRD_PID" "$CTRD_BIN"; then
        umount_under "$DD_DIR"
    fi
    pid_stop buildkitd "$BK_PID" "$BUILDKITD"
    pid_stop registry "$REG_PID" "$REG_BIN"
    pid_stop login-registry "$LOGIN_REG_PID" "$REG_BIN"
    log "down: stopped (cache $CACHE and state $STATE kept)"
}

# registry_status LABEL PIDFILE READY_CHECK RUNNING_TEXT FAILING_TEXT: one status line;
# fails unless the registry runs and passes its check.
registry_status() {
    local label=$1 pidfile=$2 ready=$3 running=$4 failing=$5 pid
    if ! pid_ok "$pidfile" "$REG_BIN"; then printf '%-12s %s\n' "$label" "STOPPED"; return 1; fi
    pid=$(cat "$pidfile")
    if "$ready"; then printf '%-12s %s\n' "$label" "running pid $pid, $running"; return 0; fi
    printf '%-12s %s\n' "$label" "pid $pid alive but $failing"
    return 1
}

cmd_status() {
    local bad=0 pid gofull
    printf '%-12s %s\n' "versions" "buildkit $BUILDKIT_VERSION, registry $REGISTRY_ADDR, builder $BUILDER_NAME"
    if bk_binaries_ok; then printf '%-12s %s\n' binaries "ok: $BK_BIN"; else printf '%-12s %s\n' binaries "MISSING: $BK_BIN"; bad=1; fi
    if pid_ok "$BK_PID" "$BUILDKITD"; then
        pid=$(cat "$BK_PID")
        if bk_ready; then
            printf '%-12s %s\n' buildkitd "running pid $pid, $BK_ADDR, $("$BUILDKITD" --version | awk '{print $3}'), workers: $("$BUILDCTL" --addr "$BK_ADDR" debug workers | awk 'NR>1{print $2}' | paste -sd, -)"
        else
            printf '%-12s %s\n' buildkitd "pid $pid alive but NOT answering on $BK_ADDR"; bad=1
        fi
    else
        printf '%-12s %s\n' buildkitd "STOPPED"; bad=1
    fi
    registry_status registry "$REG_PID" reg_ready "https://$REGISTRY_ADDR, storage $REG_DIR/storage" "NOT answering" || bad=1
    registry_status login-reg "$LOGIN_REG_PID" login_reg_ready \
        "https://$LOGIN_REGISTRY_ADDR (login $LOGIN_REGISTRY_USER, password in $LOGIN_REG_PASSWORD)" "NOT asking for a login" || bad=1
    if own_dockerd_running; then
        pid=$(cat "$DD_PID")
        if dd_ready "$DD_HOST"; then
            printf '%-12s %s\n' dockerd "running pid $pid, $DD_HOST, Docker $(DOCKER_HOST=$DD_HOST docker version -f '{{.Server.Version}}' 2>/dev/null), containerd pid $(cat "$CTRD_PID" 2>/dev/null || echo '?')"
        else
            printf '%-12s %s\n' dockerd "pid $pid alive but NOT answering on $DD_HOST"; bad=1
        fi
    elif default_docker_ok; then
        printf '%-12s %s\n' dockerd "not ours: the engine at $DEFAULT_DOCKER_HOST"
    else
        printf '%-12s %s\n' dockerd "STOPPED (and no engine at $DEFAULT_DOCKER_HOST)"; bad=1
    fi
    if [ -f "$BUILDX_DIR/instances/$BUILDER_NAME" ]; then
        printf '%-12s %s\n' builder "$BUILDX_DIR/instances/$BUILDER_NAME -> $(sed -n 's/.*"Endpoint":"\([^"]*\)".*/\1/p' "$BUILDX_DIR/instances/$BUILDER_NAME"), current=$(sed -n 's/.*"Name":"\([^"]*\)".*/\1/p' "$BUILDX_DIR/current" 2>/dev/null)"
    else
        printf '%-12s %s\n' builder "MISSING"; bad=1
    fi
    if reg_ready 2>/dev/null; then
        gofull=$(go_full_version 2>/dev/null || echo "?")
        if reg_has_tag "$BASE_IMAGE_REPO" "$BASE_GO_MINOR"; then
            printf '%-12s %s\n' base-image "present: $(base_ref "$BASE_GO_MINOR") (tags: $(rcurl "https://$REGISTRY_ADDR/v2/$BASE_IMAGE_REPO/tags/list" | sed -n 's/.*"tags":\[\(.*\)\].*/\1/p'); machine Go $gofull)"
        else
            printf '%-12s %s\n' base-image "MISSING: $(base_ref "$BASE_GO_MINOR")"; bad=1
        fi
    fi
    local pids="" f
    for f in "$REG_PID" "$LOGIN_REG_PID" "$BK_PID" "$DD_PID" "$CTRD_PID"; do [ -s "$f" ] && pids+=" pid=$(cat "$f"),"; done
    printf '%-12s %s\n' listeners "TCP listeners of our daemons: $(ss -Hltnp 2>/dev/null | awk -v p="$pids" 'BEGIN{n=split(p,a," ")} {for(i=1;i<=n;i++) if(index($0,a[i])){print $4; next}}' | paste -sd' ' -)"
    printf '%-12s %s\n' env "$ENV_FILE"
    return $bad
}

case "${1:-}" in
    build) mkdir -p "$CACHE"; build_buildkit ;;
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) env_text ;;
    *) echo "usage: $0 build|up|down|status|env" >&2; exit 2 ;;
esac
