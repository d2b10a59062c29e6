import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { createTableIfMissing, type TableDefinition } from '../../dynamodb/create-table-if-missing.ts';

/**
 * The idempotency table: one item per idempotency key, written by Powertools Idempotency's DynamoDB
 * layer with its default attributes (`id`, `status`, `expiration` as the TTL attribute, `in_progress_expiration`,
 * `validation`, `data`). The CDK stack mirrors it with a TTL on `expiration`.
 */
export const IDEMPOTENCY_TABLE = {
  partitionKey: { name: 'id', type: 'S' },
  billingMode: 'PAY_PER_REQUEST',
  timeToLiveAttribute: 'expiration',
} as const satisfies TableDefinition & { readonly timeToLiveAttribute: string };

/** Creates the idempotency table if missing (the local DynamoDB mode; on AWS the stack creates it). */
export async function createIdempotencyTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await createTableIfMissing(client, tableName, IDEMPOTENCY_TABLE);
}

/** Powertools' DynamoDB persistence layer on the idempotency table, through the service's DynamoDB client. */
export function openDynamoDbIdempotencyStore(options: {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}): DynamoDBPersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.client,
    keyAttr: IDEMPOTENCY_TABLE.partitionKey.name,
    expiryAttr: IDEMPOTENCY_TABLE.timeToLiveAttribute,
  });
}
