/**
 * The audit table, defined once for `createAuditTable` and the CDK stack (cdk/constructs/tables.ts).
 * No AWS SDK import.
 *
 * Items: one per record (pk = the chain: the instance id, or `_service`; sk = seq) and one per
 * signed checkpoint (pk = `<chain>#checkpoints`, sk = the checkpoint's ordinal `n`). Instance ids
 * are UUIDs and contain no '#', so the two kinds cannot collide. One more item (pk
 * `_reconciler`, sk 0) holds the audit reconciler's progress.
 */
export const AUDIT_TABLE = {
  partitionKey: { name: 'instanceId', type: 'S' },
  sortKey: { name: 'seq', type: 'N' },
  checkpointSuffix: '#checkpoints',
  reconcilerPartition: '_reconciler',
  billingMode: 'PAY_PER_REQUEST',
} as const;
