/**
 * The event store table, defined once: `createEventStoreTable` (tests, the local DynamoDB mode)
 * and the CDK stack both build the table from these names, so they cannot drift apart.
 * No AWS SDK import here, so the CDK app can use it without pulling in the runtime client.
 *
 * Items: one per event (pk = stream id, sk = version 1, 2, 3...) and one head per stream
 * (sk = {@link EVENT_STORE_TABLE.headSortKey}) holding the version and the latest snapshot.
 */
export const EVENT_STORE_TABLE = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'N' },
  /** Versions start at 1, so sort key 0 is free for the head item and sorts before every event. */
  headSortKey: 0,
  billingMode: 'PAY_PER_REQUEST',
  /** The change feed and the projector Lambda need the whole new item; old images are never used. */
  streamViewType: 'NEW_IMAGE',
  /** Non-key attribute names, for anyone reading items outside this adapter. */
  attributes: {
    type: 'type',
    schemaVersion: 'schemaVersion',
    /** JSON text of the event's data. */
    data: 'data',
    /** JSON text of the event's meta. */
    meta: 'meta',
    /** Head item: the stream's version. */
    version: 'version',
    /** Head item: JSON text of the latest snapshot. */
    snapshot: 'snapshot',
    snapshotVersion: 'snapshotVersion',
  },
} as const;

/** DynamoDB limits the adapter checks before writing (see the DynamoDB developer guide, "Quotas"). */
export const DYNAMODB_LIMITS = {
  itemsPerTransaction: 100,
  itemBytes: 400 * 1024,
  transactionBytes: 4 * 1024 * 1024,
} as const;
