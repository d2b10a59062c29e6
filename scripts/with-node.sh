#!/usr/bin/env bash
# Runs a command on the project's Node.js 22 (scripts/node.sh fetches it when the machine has another version):
#   bash scripts/with-node.sh node --import tsx bench/run.ts
# npm start and npm test need no wrapper; package.json's other scripts that run project code use this one.
set -euo pipefail
source "$(dirname "$0")/node.sh" 22
exec "$@"
