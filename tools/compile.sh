#!/usr/bin/env bash
# Compile the TypeScript (program, components, stack, tests, tools/local) into .build/, with the
# data files the compiled components read next to themselves. Run from the repo root with
# node_modules/.bin on PATH (test/run.sh and tools/local/local.sh do both).
set -euo pipefail
rm -rf .build
tsc -p tsconfig.json
mkdir -p .build/components/deploy
cp -r components/deploy/zoneinfo .build/components/deploy/
