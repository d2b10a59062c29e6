/**
 * The audit reconciler's progress in DynamoDB: one item of the audit table, under a partition key
 * no chain uses (chains are instance ids, which are UUIDs, and `_service`).
 */
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AuditReconcilerState } from '../../../application/ports/audit-reconciler-state.ts';
import { AUDIT_TABLE } from './audit-table-schema.ts';

const KEY = {
  [AUDIT_TABLE.partitionKey.name]: { S: AUDIT_TABLE.reconcilerPartition },
  [AUDIT_TABLE.sortKey.name]: { N: '0' },
};

export function openDynamoDbAuditReconcilerState(options: {
  /** Owned by the caller. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
}): AuditReconcilerState {
  const { client, tableName } = options;
  return {
    async load() {
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: KEY, ConsistentRead: true }));
      return Item?.state?.S ?? null;
    },
    async save(state) {
      await client.send(new PutItemCommand({ TableName: tableName, Item: { ...KEY, state: { S: state } } }));
    },
    close: () => Promise.resolve(),
  };
}
