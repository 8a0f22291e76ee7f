#!/usr/bin/env bash
# Smoke test of the local build platform (run `buildplatform.sh up` first): builds the sample
# service in app/ with the Dockerfile goship renders, with buildctl only, once per platform
# (registry cache per platform, as goship's GoImage does), pushes it to the local registry
# and checks, from the pushed layers, that each binary is an ELF for its architecture.
#
#   smoke.sh [--prune] [PLATFORM...]     default platforms: linux/amd64 linux/arm64
#   --prune   empty BuildKit's local cache first (a cold builder; the registry cache still counts)
#   SMOKE_NO_CACHE_IMPORT=1   do not import the registry cache
#   SMOKE_VERSION=x           the VERSION build arg (default smoke); a new value reruns go build
# Build logs: $GOSHIP_STATE/smoke/build-<os>-<arch>.log
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/locations.sh
. "$HERE/../lib/locations.sh"
# shellcheck source=../lib/log.sh
. "$HERE/../lib/log.sh"
[ -f "$STATE/env.sh" ] || { echo "no $STATE/env.sh: run tools/buildplatform/buildplatform.sh up" >&2; exit 1; }
# shellcheck source=/dev/null # written by buildplatform.sh up, not in the repo
. "$STATE/env.sh"

prune=0
if [ "${1:-}" = --prune ]; then prune=1; shift; fi
platforms=("$@")
[ "${#platforms[@]}" -gt 0 ] || platforms=(linux/amd64 linux/arm64)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
logs="$STATE/smoke"; mkdir -p "$logs"
reg="https://$GOSHIP_REGISTRY"
rcurl() { curl --noproxy '*' --cacert "$GOSHIP_REGISTRY_CA" -fsS --max-time 60 "$@"; }
accept=(-H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.docker.distribution.manifest.v2+json')

# The Dockerfile exactly as goship renders it (compiled components in .build/, through the
# package's public index).
if [ ! -f "$REPO/.build/components/index.js" ]; then
    (cd "$REPO" && PATH="$PWD/node_modules/.bin:$PATH" tsc -p tsconfig.json)
fi
(cd "$REPO" && node -e 'process.stdout.write(require("./.build/components").renderDockerfile({os:"linux",binaryName:"hello",main:"./cmd/hello",port:8080,builderImage:process.argv[1]}))' "$GOSHIP_BUILDER_IMAGE") > "$work/Dockerfile"

if [ "$prune" = 1 ]; then
    t0=$(now)
    buildctl prune --all >/dev/null
    echo "pruned BuildKit's local cache ($(since "$t0"))"
fi

fail=0
for platform in "${platforms[@]}"; do
    os=${platform%%/*}; arch=${platform#*/}; arch=${arch%%/*}
    tag="test-$os-$arch"; cache="$GOSHIP_REGISTRY/goship/hello:buildcache-$os-$arch"
    import=(--import-cache "type=registry,ref=$cache")
    [ "${SMOKE_NO_CACHE_IMPORT:-0}" = 1 ] && import=()
    t0=$(now)
    if ! buildctl build --progress=plain --frontend dockerfile.v0 \
        --local context="$REPO/app" --local dockerfile="$work" \
        --opt platform="$platform" --opt build-arg:VERSION="${SMOKE_VERSION:-smoke}" \
        "${import[@]}" --export-cache "type=registry,ref=$cache,mode=max" \
        --output "type=image,name=$GOSHIP_REGISTRY/goship/hello:$tag,push=true" > "$work/build-$arch.log" 2>&1; then
        tail -30 "$work/build-$arch.log" >&2; echo "FAIL $platform: build" >&2; fail=1; continue
    fi
    cp "$work/build-$arch.log" "$logs/build-$os-$arch.log"
    secs=$(since "$t0")
    cached=$(grep -c '^#[0-9]* CACHED' "$work/build-$arch.log" || true)
    # Manifest -> config (architecture) and layers; find the layer holding the binary.
    rcurl "${accept[@]}" "$reg/v2/goship/hello/manifests/$tag" > "$work/manifest.json"
    read -r cfg layers size < <(python3 -c '
import json,sys; m=json.load(open(sys.argv[1]))
print(m["config"]["digest"], ",".join(l["digest"] for l in m["layers"]), sum(l["size"] for l in m["layers"]))' "$work/manifest.json")
    cfg_arch=$(rcurl "$reg/v2/goship/hello/blobs/$cfg" | python3 -c 'import json,sys; c=json.load(sys.stdin); print(c["os"]+"/"+c["architecture"])')
    elf=""
    for l in ${layers//,/ }; do
        rcurl "$reg/v2/goship/hello/blobs/$l" -o "$work/layer.tgz"
        if tar -xzf "$work/layer.tgz" -C "$work" usr/local/bin/hello 2>/dev/null; then
            elf="$work/usr/local/bin/hello"; break
        fi
    done
    [ -n "$elf" ] || { echo "FAIL $platform: no usr/local/bin/hello in any layer" >&2; fail=1; continue; }
    # ELF e_machine (offset 18, little endian): 0x3e x86-64, 0xb7 aarch64.
    machine=$(od -An -tx1 -j18 -N2 "$elf" | tr -d ' \n')
    case "$arch:$machine" in amd64:3e00|arm64:b700) verdict=ok ;; *) verdict=MISMATCH; fail=1 ;; esac
    echo "$platform: ${secs} (${cached} steps CACHED) -> $GOSHIP_REGISTRY/goship/hello:$tag config=$cfg_arch compressed=$((size / 1024))KiB e_machine=0x${machine:0:2} $verdict"
    echo "    $(file -b "$elf" 2>/dev/null || true)"
    rm -rf "${work:?}/usr"
done
exit $fail
