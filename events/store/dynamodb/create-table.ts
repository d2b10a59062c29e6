/** Creates the event store table (tests, the local DynamoDB mode); the CDK stack mirrors it. */
import {
  CreateTableCommand,
  ResourceInUseException,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { EVENT_STORE_TABLE } from './table-schema.ts';

/**
 * Creates the table if it does not exist and waits until it is ACTIVE. Idempotent, so the local
 * DynamoDB mode can call it on every start.
 */
export async function createEventStoreTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey } = EVENT_STORE_TABLE;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: EVENT_STORE_TABLE.billingMode,
        AttributeDefinitions: [
          { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
          { AttributeName: sortKey.name, AttributeType: sortKey.type },
        ],
        KeySchema: [
          { AttributeName: partitionKey.name, KeyType: 'HASH' },
          { AttributeName: sortKey.name, KeyType: 'RANGE' },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: EVENT_STORE_TABLE.streamViewType },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
}
