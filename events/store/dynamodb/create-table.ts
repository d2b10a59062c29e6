import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableIfMissing } from '../../dynamodb/create-table-if-missing.ts';
import { EVENT_STORE_TABLE } from './table-schema.ts';

/** Creates the event store table (with its stream) if missing; the CDK stack mirrors it. */
export async function createEventStoreTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await createTableIfMissing(client, tableName, EVENT_STORE_TABLE);
}
