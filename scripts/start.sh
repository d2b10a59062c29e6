#!/usr/bin/env bash
# `npm start` (and `npm run start:dynamodb` with KEYLEDGER_STORE=dynamodb): installs what is missing (Node.js 22 too),
# then runs the local server in the foreground. In DynamoDB mode it also runs DynamoDB Local with its
# data under $KEYLEDGER_DATA_DIR/dynamodb, so a restart keeps everything. The server runs from an
# esbuild bundle built here (scripts/build-server.mjs, ~0.2 s), not through tsx: startup in < 1 s.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node.sh 22
if [[ "${KEYLEDGER_STORE:-sqlite}" == "dynamodb" && -z "${KEYLEDGER_DYNAMODB_ENDPOINT:-}" ]]; then
  bash scripts/ensure-deps.sh --dynamodb
  data_dir="${KEYLEDGER_DATA_DIR:-.keyledger}"
  port="${KEYLEDGER_DYNAMODB_PORT:-8000}"
  ddb_pid=$(bash scripts/dynamodb-local.sh "$port" "$data_dir/dynamodb")
  trap 'kill "$ddb_pid" 2>/dev/null || true' EXIT
  export KEYLEDGER_DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
  node scripts/build-server.mjs
  node --enable-source-maps .cache/server/main.mjs & server_pid=$!
  trap 'kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid"; kill "$ddb_pid" 2>/dev/null || true' INT TERM
  wait "$server_pid"
else
  bash scripts/ensure-deps.sh
  node scripts/build-server.mjs
  exec node --enable-source-maps .cache/server/main.mjs
fi
