#!/usr/bin/env bash
# Everything CI checks, in one command (README "Set-up commands"): the unit and mock-graph
# suite with BuildKit's Dockerfile checks, the three manifest linters on every stack, then
# the end-to-end test on the local platform (image contents, secrets, the bad-input matrix
# on a deployed stack), then a smoke of the benchmark (that `npm run bench` works, not its
# figures). Needs root for the platform. Stops at the first failing part.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
part() {
    echo "[test:all] $1 ..."
    shift
    "$@"
    echo "[test:all] done at $((SECONDS - start)) s"
}
part "unit, mock graphs, Dockerfile checks, Go tests (npm test)" bash test/run.sh
part "manifest linters (npm run test:lint)" bash test/lint/run.sh
part "end-to-end on the local platform (npm run test:e2e)" bash test/e2e/run.sh
part "benchmark smoke (bench/smoke.sh: npm run bench -- --smoke)" bash bench/smoke.sh
