#!/usr/bin/env bash
# End-to-end test of the local platform (README "Tests"): provisions whatever is missing
# (tools/local/local.sh provision: pulumi + plugins, registry, BuildKit, dockerd, base image,
# a kwok Kubernetes control plane), then runs the dev stack through up, a no-change preview,
# a code change, a broken release, recovery, the bad-input matrix, secrets with a registry
# login, and destroy, then dry-runs every stack, rendered, on the API server
# (test/e2e/local-platform.e2e.ts); and ships test/fixtures/catalog, a service not written
# for goship, through the local-catalog stack (test/e2e/any-service.e2e.ts); then runs
# plain `pulumi preview/up/destroy` in the project directory, the bad-input matrix among
# them (test/e2e/plain-pulumi.e2e.ts), through a TEST-ONLY Node.js language host that
# tools/pulumi/language-host.sh builds and that only those commands put on PATH.
# Every step prints its seconds. A step that cannot run here fails; none is skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$SECONDS
tools/local/local.sh provision
# shellcheck source=/dev/null # written by local.sh provision at run time, not in the repo
. "${GOSHIP_STATE:-$PWD/.goship}/local.env"
# Not in local.env: the runner and the policy pack must not see a language host.
tools/pulumi/language-host.sh install >/dev/null
echo "[e2e] provisioning: $((SECONDS - start)) s"
# A failed step keeps its cluster report here (test/e2e/support/diagnostics.ts); the first
# one is printed again below, last, where the tail of a CI log shows it.
diagnostics="${GOSHIP_STATE:-$PWD/.goship}/e2e-diagnostics"
rm -rf "$diagnostics"
status=0
node --test --test-concurrency=1 --test-reporter=spec ".build/test/e2e/**/*.e2e.js" || status=$?
echo "[e2e] total: $((SECONDS - start)) s"
if [ "$status" -ne 0 ]; then
    first=$(find "$diagnostics" -name '*.txt' 2>/dev/null | sort | head -1)
    if [ -n "$first" ]; then
        echo "[e2e] the first failed step's cluster report, again (all of them: $diagnostics):"
        head -n 200 "$first"
    fi
fi
exit "$status"
