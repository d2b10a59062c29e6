#!/usr/bin/env bash
# `npm test`: installs what is missing (Node.js 22 included: everything below runs on it), then typecheck,
# format, lint, boundaries and every test suite (unit, integration against SoftHSM / SQLite / a fresh DynamoDB
# Local, end-to-end over HTTP); the unit tests also run on Node.js 24. Extra arguments are test files to run
# instead of all of them (on Node.js 22 only).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node.sh 22
bash scripts/ensure-deps.sh --test

# One whole suite at a time per machine: two at once (several checkouts of one developer) starve each
# other's servers of CPU until their start-up and timing bounds trip. Chosen files run without waiting.
if [[ $# -eq 0 ]] && command -v flock >/dev/null; then
  exec 9>"${TMPDIR:-/tmp}/keyledger-npm-test.lock"
  flock -n 9 || { echo "== waiting for another full npm test on this machine to finish"; flock 9; }
fi

echo "== typecheck"; npx tsc --noEmit -p tsconfig.json && npx tsc --noEmit -p console/tsconfig.json
echo "== format"; npx prettier --check . >/dev/null || { npx prettier --check .; echo "run: npm run format" >&2; exit 1; }
echo "== lint";      npx eslint . --max-warnings=0
echo "== references"; node scripts/check-doc-references.mjs
echo "== boundaries"
mapfile -t layers < <(ls -d domain events functions application server cdk cli console bench test localstack 2>/dev/null)
npx depcruise --config .dependency-cruiser.cjs "${layers[@]}" >/dev/null || npx depcruise --config .dependency-cruiser.cjs "${layers[@]}"

# A fresh DynamoDB Local per run: it slows down as stream records pile up.
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
ddb_pid=$(bash scripts/dynamodb-local.sh "$port")
trap 'kill "$ddb_pid" 2>/dev/null || true' EXIT
export KEYLEDGER_TEST_DYNAMODB_ENDPOINT="http://127.0.0.1:$port"

if [[ $# -gt 0 ]]; then
  files=("$@")
else
  mapfile -t files < <(find test -name '*.test.ts' | sort)
  echo "== unit tests on Node.js 24"
  out=$(KEYLEDGER_TEST_NODE=24 bash scripts/test-unit.sh 2>&1) || { echo "$out"; exit 1; }
  grep -E '^. (tests|pass|fail) ' <<<"$out" | paste -sd' ' 
fi
echo "== tests on Node.js $(node -p process.versions.node) (${#files[@]} files)"
# A test that hangs fails after 30 minutes, with its name, instead of holding the run until CI's 90-minute limit.
# Node's runner applies the timeout to each file as a whole too, hence the margin: the longest files (the CDK stack,
# the bench smoke run) take about 2 minutes on an idle machine and over 10 on a machine shared by several suites.
node --import tsx --test --test-reporter=spec --test-concurrency=2 --test-timeout=1800000 "${files[@]}"
