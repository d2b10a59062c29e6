/**
 * The key list table, defined once for `createKeyListTable` and the CDK stack. No AWS SDK import.
 *
 * Items: one per key (pk = instanceId, sk = keyId) and one per projection checkpoint
 * (pk = {@link KEY_LIST_TABLE.checkpointPartition}, sk = projection name). Instance ids are UUIDs
 * and never start with '#', so the two kinds cannot collide.
 */
const PARTITION_KEY = { name: 'pk', type: 'S' } as const;

export const KEY_LIST_TABLE = {
  partitionKey: PARTITION_KEY,
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
    /** On live key rows only: `creationDate#keyId`, the list order (see {@link listOrder}). */
    listOrder: 'listOrder',
  },
  /**
   * Live key rows of an instance in list order, so a page of GET /keys reads only itself, not the
   * whole instance. Sparse: tombstones, checkpoints and other items carry no `listOrder`. Projects
   * every attribute, so a page needs no second read. Eventually consistent, like the key list itself.
   */
  globalIndexes: [{ name: 'byListOrder', partitionKey: PARTITION_KEY, sortKey: { name: 'listOrder', type: 'S' } }],
} as const;

/**
 * The sort key of a live row in `byListOrder`: creationDate, then keyId, as one string whose byte
 * order is the list order (the order SQLite's binary collation gives both adapters). '#' sorts
 * before every character of an ISO-8601 time, so a shorter creationDate still sorts first.
 */
export function listOrder(creationDate: string, keyId: string): string {
  return `${creationDate}#${keyId}`;
}
