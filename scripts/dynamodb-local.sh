#!/usr/bin/env bash
# Starts DynamoDB Local (installed by scripts/ensure-deps.sh --dynamodb) on 127.0.0.1:$1 and waits
# until it answers. Data lives in memory, or under $2 when given. Prints the process id. It runs in its cache
# folder, where it writes its dynamodb-local-metadata.json, so that file never lands in the repository.
set -euo pipefail
port="$1"; db_path="${2:-}"
CACHE_DIR="${KEYLEDGER_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/keyledger}"
DDB_DIR="$CACHE_DIR/dynamodb-local-2.9.30"
args=(-port "$port" -sharedDb -disableTelemetry)
if [[ -n "$db_path" ]]; then
  mkdir -p "$db_path"
  args+=(-dbPath "$(cd "$db_path" && pwd)")
else
  args+=(-inMemory)
fi
cd "$DDB_DIR"
java -Xms64m -Djava.library.path="$DDB_DIR/DynamoDBLocal_lib" -jar "$DDB_DIR/DynamoDBLocal.jar" "${args[@]}" \
  >"${TMPDIR:-/tmp}/keyledger-dynamodb-local-$port.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do
  if node -e "require('net').connect($port,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))" 2>/dev/null; then
    echo "$pid"; exit 0
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
echo "keyledger: DynamoDB Local did not start; see ${TMPDIR:-/tmp}/keyledger-dynamodb-local-$port.log" >&2
kill "$pid" 2>/dev/null || true
exit 1
