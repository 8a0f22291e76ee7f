#!/usr/bin/env bash
# npm run bench [-- OPTIONS]: compile the TypeScript, then run the benchmark (bench/main.ts
# lists the options; bench/README.md says what each suite needs).
set -euo pipefail
cd "$(dirname "$0")/.."
# npm's "node" package provides Node 22, as for npm test.
export PATH="$PWD/node_modules/.bin:$PATH"
bash tools/compile.sh
exec node .build/bench/main.js "$@"
