#!/usr/bin/env bash
# `npm start` (and `npm run start:dynamodb` with KEYLEDGER_STORE=dynamodb): installs what is missing,
# then runs the local server in the foreground. In DynamoDB mode it also runs DynamoDB Local with its
# data under $KEYLEDGER_DATA_DIR/dynamodb, so a restart keeps everything.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${KEYLEDGER_STORE:-sqlite}" == "dynamodb" && -z "${KEYLEDGER_DYNAMODB_ENDPOINT:-}" ]]; then
  bash scripts/ensure-deps.sh --dynamodb
  data_dir="${KEYLEDGER_DATA_DIR:-.keyledger}"
  port="${KEYLEDGER_DYNAMODB_PORT:-8000}"
  ddb_pid=$(bash scripts/dynamodb-local.sh "$port" "$data_dir/dynamodb")
  trap 'kill "$ddb_pid" 2>/dev/null || true' EXIT
  export KEYLEDGER_DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
  node --import tsx server/main.ts & server_pid=$!
  trap 'kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid"; kill "$ddb_pid" 2>/dev/null || true' INT TERM
  wait "$server_pid"
else
  bash scripts/ensure-deps.sh
  exec node --import tsx server/main.ts
fi
