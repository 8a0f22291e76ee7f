#!/usr/bin/env bash
# The benchmark's smoke, as CI runs it (test/all.sh, after the end-to-end test has the local
# platform up): every suite once on the small generated workload, the report written to a
# scratch directory and checked for every suite's section. It proves `npm run bench` works
# on a fresh machine; its figures mean nothing (the full run regenerates docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
# ko and crane from their Go modules (cached); Debian's qemu-user-static for the qemu suite.
eval "$(bash tools/ko/install.sh)"
if [ ! -x /usr/bin/qemu-aarch64-static ]; then
    echo "bench/smoke.sh: apt-get install qemu-user-static" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q qemu-user-static >/dev/null
fi
tools/local/local.sh provision >/dev/null
# shellcheck source=/dev/null
. .goship/local.env
out=$(mktemp -d "${TMPDIR:-/tmp}/goship-bench-smoke-XXXXXX")
trap 'rm -rf "$out"' EXIT
npm run --silent bench -- --smoke --registry "$GOSHIP_REGISTRY" --registry-ca "$GOSHIP_REGISTRY_CA" --out "$out"
for suite in floor ko qemu mocks-eval goship-build goship-stack; do
    grep -q "^## $suite$" "$out/benchmarks.md" || { echo "bench/smoke.sh: no '## $suite' section in the report" >&2; exit 1; }
done
grep -q '^## Targets$' "$out/benchmarks.md" || { echo "bench/smoke.sh: no Targets section in the report" >&2; exit 1; }
ls "$out"/benchmarks/*.svg >/dev/null
echo "bench/smoke.sh: every suite ran and reported in $((SECONDS - start)) s"
