#!/usr/bin/env bash
# Deploys the CDK app (cdk/app.ts) to LocalStack on http://localhost:4566 and runs the SDK smoke test.
#   docker compose -f localstack/docker-compose.yml up -d   # first
#   bash localstack/deploy.sh [extra cdk context, e.g. -c stage=dev]
# Needs Docker (the crypto function is a container image) and network access for the pinned aws-cdk-local.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node.sh 22

CDKLOCAL=(npx --yes aws-cdk-local@3.0.4)
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test}
export AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
export CDK_DEFAULT_ACCOUNT=${CDK_DEFAULT_ACCOUNT:-000000000000}
export CDK_DEFAULT_REGION=$AWS_DEFAULT_REGION
# cdklocal drives the project's own aws-cdk CLI (package.json).
export AWS_CDK_LOCAL_CDK_CMD=${AWS_CDK_LOCAL_CDK_CMD:-npx --no-install cdk}

stage=localstack
outputs=localstack/outputs.json

curl -fsS http://localhost:4566/_localstack/health >/dev/null \
  || { echo "LocalStack is not running on :4566: docker compose -f localstack/docker-compose.yml up -d" >&2; exit 1; }

"${CDKLOCAL[@]}" bootstrap "aws://$CDK_DEFAULT_ACCOUNT/$AWS_DEFAULT_REGION" -c stage="$stage" "$@"
"${CDKLOCAL[@]}" deploy "keyledger-$stage" -c stage="$stage" --require-approval never --outputs-file "$outputs" "$@"

echo "deployed; outputs in $outputs"
# The stack's bootstrap made the administrator (key in the AdminApiKeySecretArn secret) and the default instance
# (DefaultInstanceId output): the smoke test reads both from LocalStack.
AWS_ENDPOINT_URL=${AWS_ENDPOINT_URL:-http://localhost:4566} KEYLEDGER_OUTPUTS="$outputs" npx tsx localstack/smoke.ts
