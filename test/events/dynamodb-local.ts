/**
 * Clients for DynamoDB Local in integration tests. The endpoint comes from the test runner
 * (scripts/test.sh starts one per run); without it the tests fail instead of silently skipping.
 */
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { randomBytes } from 'node:crypto';

export const DYNAMODB_ENDPOINT_VARIABLE = 'KEYLEDGER_TEST_DYNAMODB_ENDPOINT';

/** The endpoint, or an error message saying how to provide one. */
export function dynamoDbLocalEndpoint(): { endpoint: string } | { error: string } {
  const endpoint = process.env[DYNAMODB_ENDPOINT_VARIABLE];
  if (endpoint) return { endpoint };
  return {
    error:
      `${DYNAMODB_ENDPOINT_VARIABLE} is not set. Run the tests with \`npm test\` (it starts DynamoDB Local), ` +
      `or start one with \`p=$(bash scripts/dynamodb-local.sh 8124)\` and set ${DYNAMODB_ENDPOINT_VARIABLE}=http://127.0.0.1:8124.`,
  };
}

const localConfig = (endpoint: string) => ({
  endpoint,
  region: 'local',
  credentials: { accessKeyId: 'keyledger', secretAccessKey: 'keyledger' },
});

export function localDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient(localConfig(endpoint));
}

export function localStreamsClient(endpoint: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient(localConfig(endpoint));
}

/** A table name unique to this test file and process, so parallel test files never share a table. */
export function uniqueTableNamer(prefix: string): () => string {
  const run = `${process.pid}-${randomBytes(4).toString('hex')}`;
  let count = 0;
  return () => `${prefix}-${run}-${++count}`;
}

export async function deleteTables(client: DynamoDBClient, names: readonly string[]): Promise<void> {
  for (const TableName of names) await client.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
}
