import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTableIfMissing } from '../../dynamodb/create-table-if-missing.ts';
import { AUDIT_TABLE } from './audit-table-schema.ts';

/** Creates the audit table if missing; the CDK stack mirrors it. */
export async function createAuditTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await createTableIfMissing(client, tableName, AUDIT_TABLE);
}
