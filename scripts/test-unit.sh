#!/usr/bin/env bash
# `npm run test:unit`: the pure tests (`*.unit.test.ts`: no SoftHSM, SQLite, DynamoDB Local or server) in one
# process, in seconds, with no install step beyond node_modules. Arguments are unit test files to run instead of
# all. KEYLEDGER_TEST_NODE=24 runs them on Node.js 24 (npm test does, before the full suite on 22).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node.sh "${KEYLEDGER_TEST_NODE:-22}"
[[ -d node_modules ]] || { echo "keyledger: no node_modules; run npm ci (or npm test) once" >&2; exit 1; }
if [[ $# -gt 0 ]]; then files=("$@"); else mapfile -t files < <(find test -name '*.unit.test.ts' | sort); fi
# One process for all files (no isolation): one TypeScript loader start instead of one per file.
isolation=--test-isolation=none
node --help | grep -q -- '--test-isolation' || isolation=--experimental-test-isolation=none
node --import tsx --test "$isolation" --test-timeout=30000 --test-reporter=spec "${files[@]}"
