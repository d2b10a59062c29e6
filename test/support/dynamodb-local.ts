/**
 * Clients for DynamoDB Local in integration tests. The endpoint comes from the test runner
 * (scripts/test.sh starts one per run); without it the tests fail instead of silently skipping.
 */
import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
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

/** The settings of a client of DynamoDB Local at `endpoint`. */
export const localConfig = (endpoint: string) => ({
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

/** Every record of `tableName`'s stream from its start, as Lambda's event source mapping would read them (each shard, up to 20 pages). */
export async function readStreamRecords(
  client: DynamoDBClient,
  streams: DynamoDBStreamsClient,
  tableName: string,
): Promise<DynamoDBRecord[]> {
  const table = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`${tableName} has no stream`);
  const described = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const records: DynamoDBRecord[] = [];
  for (const shard of described.StreamDescription?.Shards ?? []) {
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    for (let i = 0; iterator && i < 20; i++) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      records.push(...((page.Records ?? []) as DynamoDBRecord[]));
      if (!page.Records?.length) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}
