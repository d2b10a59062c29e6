import { CreateTableCommand, ResourceInUseException, waitUntilTableExists, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The part of a table definition (events, key list, audit) that creating it needs; the CDK stack reads the same definitions. */
interface TableDefinition {
  readonly partitionKey: { readonly name: string; readonly type: 'S' | 'N' };
  readonly sortKey: { readonly name: string; readonly type: 'S' | 'N' };
  readonly billingMode: 'PAY_PER_REQUEST';
  readonly streamViewType?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
}

/**
 * Creates a table if it does not exist and waits until it is ACTIVE. Idempotent, so tests and the
 * local DynamoDB mode call it on every start; on AWS the stack creates the tables.
 */
export async function createTableIfMissing(client: DynamoDBClient, tableName: string, table: TableDefinition): Promise<void> {
  const { partitionKey, sortKey } = table;
  try {
    await client.send(new CreateTableCommand({
      TableName: tableName,
      BillingMode: table.billingMode,
      AttributeDefinitions: [
        { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
        { AttributeName: sortKey.name, AttributeType: sortKey.type },
      ],
      KeySchema: [
        { AttributeName: partitionKey.name, KeyType: 'HASH' },
        { AttributeName: sortKey.name, KeyType: 'RANGE' },
      ],
      ...(table.streamViewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.streamViewType } } : {}),
    }));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
}
