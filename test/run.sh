#!/usr/bin/env bash
# The whole default test suite: TypeScript type check, unit and mock-graph tests (node's
# test runner on Node 22 from node_modules), the CrossGuard pack's own type check and
# policy tests (policy/, its own package), and the sample service's Go tests.
set -euo pipefail
cd "$(dirname "$0")/.."
# npm's "node" package provides Node 22 (Node 20, the machine's, is end-of-life).
export PATH="$PWD/node_modules/.bin:$PATH"
echo "node $(node --version), go $(go env GOVERSION)"

bash tools/compile.sh
# BuildKit's own Dockerfile parser and linter, for the rendered-Dockerfile tests.
(cd tools/dockerfile-check && go build -o ../../.build/bin/dockerfile-check .)

node --test --test-concurrency=2 --test-reporter=spec ".build/test/**/*.test.js"
# The policy pack: its own dependencies (npm ci --prefix policy) and tsconfig.
bash tools/policy-deps.sh
(cd policy && rm -rf .build && tsc -p tsconfig.json && node --test --test-reporter=spec ".build/test/**/*.test.js")
(cd app && go vet ./... && go test -count=1 ./...)
# The private module proxy for tests, the fixture's local and private modules, then the
# catalog fixture itself, built and run on the host through both proxies (tools/modproxy).
(cd tools/modproxy && go vet ./... && go test -count=1 ./...)
for m in test/fixtures/shared/banner test/fixtures/private/greeting; do (cd "$m" && go vet ./... && go test -count=1 ./...); done
bash tools/modproxy/host-proof.sh
