/**
 * The key list table, defined once for `createKeyListTable` and the CDK stack. No AWS SDK import.
 *
 * Items: one per key (pk = instanceId, sk = keyId) and one per projection checkpoint
 * (pk = {@link KEY_LIST_TABLE.checkpointPartition}, sk = projection name). Instance ids are UUIDs
 * and never start with '#', so the two kinds cannot collide.
 */
export const KEY_LIST_TABLE = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  checkpointPartition: '#checkpoint',
  billingMode: 'PAY_PER_REQUEST',
  attributes: {
    state: 'state',
    extractable: 'extractable',
    keyRingId: 'keyRingId',
    creationDate: 'creationDate',
    lastVersion: 'lastVersion',
    /** true for a removed (purged) key's tombstone. */
    deleted: 'deleted',
    /** JSON text of the Key Protect metadata. */
    document: 'document',
    /** On checkpoint items. */
    checkpoint: 'checkpoint',
    /** Schedule fields (domain/keys/schedule.ts), ISO-8601 text, present only when set. */
    expiresAt: 'expiresAt',
    rotateAt: 'rotateAt',
    rotationBase: 'rotationBase',
    deletedAt: 'deletedAt',
  },
} as const;
