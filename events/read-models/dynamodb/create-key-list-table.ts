/** Creates the key list table (tests, the local DynamoDB mode); the CDK stack mirrors it. */
import { CreateTableCommand, ResourceInUseException, waitUntilTableExists, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KEY_LIST_TABLE } from './key-list-table-schema.ts';

/** Creates the table if it does not exist and waits until it is ACTIVE; idempotent. */
export async function createKeyListTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey } = KEY_LIST_TABLE;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: KEY_LIST_TABLE.billingMode,
        AttributeDefinitions: [
          { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
          { AttributeName: sortKey.name, AttributeType: sortKey.type },
        ],
        KeySchema: [
          { AttributeName: partitionKey.name, KeyType: 'HASH' },
          { AttributeName: sortKey.name, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
}
