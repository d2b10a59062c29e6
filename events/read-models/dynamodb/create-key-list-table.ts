import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableIfMissing } from '../../dynamodb/create-table-if-missing.ts';
import { KEY_LIST_TABLE } from './key-list-table-schema.ts';

/** Creates the key list table if missing; the CDK stack mirrors it. */
export function createKeyListTable(client: DynamoDBClient, tableName: string): Promise<void> {
  return createTableIfMissing(client, tableName, KEY_LIST_TABLE);
}
