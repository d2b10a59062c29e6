/** Creates the audit table (tests, the local DynamoDB mode); the CDK stack mirrors it. */
import { CreateTableCommand, ResourceInUseException, waitUntilTableExists, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AUDIT_TABLE } from './audit-table-schema.ts';

/** Creates the table if it does not exist and waits until it is ACTIVE; idempotent. */
export async function createAuditTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey } = AUDIT_TABLE;
  try {
    await client.send(new CreateTableCommand({
      TableName: tableName,
      BillingMode: AUDIT_TABLE.billingMode,
      AttributeDefinitions: [
        { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
        { AttributeName: sortKey.name, AttributeType: sortKey.type },
      ],
      KeySchema: [
        { AttributeName: partitionKey.name, KeyType: 'HASH' },
        { AttributeName: sortKey.name, KeyType: 'RANGE' },
      ],
    }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
}
