/**
 * The key list table, defined once for `createKeyListTable` and the CDK stack. No AWS SDK import.
 *
 * Items: one per key (pk = instanceId, sk = keyId) and one per projection checkpoint
 * (pk = {@link KEY_LIST_TABLE.checkpointPartition}, sk = projection name). Instance ids are UUIDs
 * and never start with '#', so the two kinds cannot collide.
 */
import { sortValue, type KeySortField, type ListedKey } from '../../../domain/keys/key-listing.ts';

const PARTITION_KEY = { name: 'pk', type: 'S' } as const;

/**
 * One global index per sort property but the id (the table's own sort key): the live key rows of an
 * instance in that property's order, key id breaking ties (domain/keys/key-listing.ts), so a page of
 * GET /keys sorted on one property reads only itself, whatever the size of the instance. Each index's
 * sort key is an attribute of its own, `<value>#<keyId>` ({@link orderAttribute}); sparse: tombstones,
 * checkpoints and other items carry none. Each projects every attribute, so a page needs no second
 * read. Eventually consistent, like the key list itself. (`byListOrder` / `listOrder` is the
 * creation date's, named before the others existed.)
 */
export const SORT_INDEXES = {
  state: { index: 'byState', attribute: 'stateOrder' },
  extractable: { index: 'byExtractable', attribute: 'extractableOrder' },
  imported: { index: 'byImported', attribute: 'importedOrder' },
  creationDate: { index: 'byListOrder', attribute: 'listOrder' },
  lastUpdateDate: { index: 'byLastUpdateDate', attribute: 'lastUpdateOrder' },
  lastRotateDate: { index: 'byLastRotateDate', attribute: 'lastRotateOrder' },
  deletionDate: { index: 'byDeletionDate', attribute: 'deletionOrder' },
  expirationDate: { index: 'byExpirationDate', attribute: 'expirationOrder' },
} as const satisfies Record<Exclude<KeySortField, 'id'>, { index: string; attribute: string }>;

export type IndexedSortField = keyof typeof SORT_INDEXES;
export const INDEXED_SORT_FIELDS = Object.keys(SORT_INDEXES) as IndexedSortField[];

export const KEY_LIST_TABLE = {
  partitionKey: PARTITION_KEY,
  sortKey: { name: 'sk', type: 'S' },
  checkpointPartition: '#checkpoint',
  billingMode: 'PAY_PER_REQUEST',
  attributes: {
    name: 'name',
    /** JSON text of the key's aliases. */
    aliases: 'aliases',
    state: 'state',
    extractable: 'extractable',
    imported: 'imported',
    keyRingId: 'keyRingId',
    creationDate: 'creationDate',
    lastUpdateDate: 'lastUpdateDate',
    /** Present only when the key has the date. */
    lastRotateDate: 'lastRotateDate',
    deletionDate: 'deletionDate',
    expirationDate: 'expirationDate',
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
  globalIndexes: INDEXED_SORT_FIELDS.map((field) => ({
    name: SORT_INDEXES[field].index,
    partitionKey: PARTITION_KEY,
    sortKey: { name: SORT_INDEXES[field].attribute, type: 'S' as const },
  })),
} as const;

/**
 * The sort key of a live row in the index of `field`: the property's ordered value
 * (domain/keys/key-listing.ts `sortValue`), then the key id, as one string whose byte order is the
 * list order (the order SQLite's binary collation gives the other adapter). '#' sorts before every
 * character of a value, so a missing date (the empty value) sorts first and a shorter value before
 * its extensions.
 */
export function orderAttribute(key: ListedKey, field: IndexedSortField): string {
  return `${sortValue(key, field)}#${key.keyId}`;
}
