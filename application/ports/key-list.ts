/**
 * The key list read model behind `GET /api/v2/keys`: one summary row per key, kept by the key-list
 * projection from the change feed. Adapters: `sqlite/` and `dynamodb/`; both pass
 * `test/events/read-models/key-list.contract.ts`.
 *
 * Idempotency (docs/architecture.md, "Read models and projections"): every row carries `lastVersion`, the version of the key's event stream
 * it reflects, and a write only lands when it is newer than the stored one; batches also carry the
 * projection's change-feed checkpoint. Replays and duplicates change nothing.
 */

import type { DateFilters, KeySearch, KeySort, ListedKey } from '../../domain/keys/key-listing.ts';
import type { KeySchedule, ScheduleField } from '../../domain/keys/schedule.ts';

/**
 * A key's summary as listed: what listing sorts, filters and searches on (domain/keys/key-listing.ts:
 * dates in UTC with milliseconds), and the document the API returns.
 */
export interface KeySummaryRow extends ListedKey {
  readonly instanceId: string;
  readonly keyRingId: string;
  /** Version of the key's event stream this row reflects. */
  readonly lastVersion: number;
  /** The Key Protect metadata JSON, as the API returns it; opaque to the store. */
  readonly document: Record<string, unknown>;
  /** When the scheduler may have to act on the key (domain/keys/schedule.ts); absent when never. */
  readonly schedule?: KeySchedule | undefined;
}

/**
 * A row as {@link KeyListReadModel.list} and {@link KeyListReadModel.get} return it: the document is the
 * stored JSON text (of an object), which a listing answers as it is, without parsing and serialising it
 * again.
 */
export interface ListedKeyRow extends Omit<KeySummaryRow, 'document'> {
  readonly documentJson: string;
}

/** A row of a page ({@link KeyListReadModel.list}): the key it names and what a listing answers. */
export type KeyPageRow = Pick<ListedKeyRow, 'instanceId' | 'keyId' | 'state' | 'documentJson'>;

export interface KeyRef {
  readonly instanceId: string;
  readonly keyId: string;
}

/**
 * A row to remove (a purged key). It is kept as a tombstone so that a replayed older upsert cannot
 * bring it back. `lastVersion` is the version of the event that removed it; when omitted, the
 * removal is final and no later upsert revives the row.
 */
export interface KeyRemoval extends KeyRef {
  readonly lastVersion?: number | undefined;
}

/** Which rows of one instance: removed rows never match. Every given filter must hold. */
export interface KeyListFilter {
  readonly instanceId: string;
  /** Only rows in one of these states. Undefined: any state; an empty array matches nothing. */
  readonly states?: readonly number[] | undefined;
  readonly extractable?: boolean | undefined;
  /** Only rows in one of these key rings. Undefined: any; empty: nothing. */
  readonly keyRingIds?: readonly string[] | undefined;
  /**
   * What a caller without instance-wide read may see: rows in one of these rings OR with one of
   * these ids. Undefined: everything.
   */
  readonly visible?: { readonly keyRingIds: readonly string[]; readonly keyIds: readonly string[] } | undefined;
  /** Conditions on the rows' dates (`filter`). */
  readonly dates?: DateFilters | undefined;
  /** Only rows whose name or aliases match (`search`). */
  readonly search?: KeySearch | undefined;
}

export interface KeyListQuery extends KeyListFilter {
  readonly limit: number;
  readonly offset: number;
  /** The order (domain/keys/key-listing.ts `keyOrder`); undefined or empty: by key id. */
  readonly sort?: readonly KeySort[] | undefined;
}

/** A key whose schedule field is due, across every instance (the scheduler's query). */
export interface DueKey extends KeyRef {
  /** The value of the queried schedule field. */
  readonly dueAt: string;
}

export interface DueQuery {
  readonly field: ScheduleField;
  /** Only keys whose field is at or before this ISO-8601 time. */
  readonly atOrBefore: string;
  readonly limit: number;
  /** Resume after this key (the last of the previous page). */
  readonly after?: DueKey | undefined;
}

export interface KeyListReadModel {
  /**
   * Applies a projection batch together with the checkpoint it reaches. A batch whose checkpoint is
   * not newer than the stored one is ignored (SQLite, comparing global positions); each row also
   * lands only if its `lastVersion` is newer than the stored row's (both adapters). On DynamoDB the
   * rows are written one by one and the checkpoint last: a crash in between replays the batch,
   * which the per-row versions make harmless.
   */
  applyBatch(
    projection: string,
    checkpoint: string,
    upserts: readonly KeySummaryRow[],
    deletes: readonly KeyRemoval[],
  ): Promise<void>;
  /** The checkpoint of the last batch `projection` applied, or null before its first. */
  getCheckpoint(projection: string): Promise<string | null>;
  /**
   * One page of the rows matching every filter, at most `limit`, in the query's order. A sort on one
   * property reads an index in that order, so a page costs about itself at any instance size (a far
   * offset costs what it skips); further properties order the rows equal on the first, which are
   * read whole. A total is {@link count}'s job (GET /keys asks for it only with `totalCount=true`,
   * HEAD /keys always).
   */
  list(query: KeyListQuery): Promise<KeyPageRow[]>;
  /** How many rows match every filter; with `atMost`, counting stops there (the answer is then at most `atMost`). */
  count(filter: KeyListFilter, atMost?: number): Promise<number>;
  /**
   * Live rows of every instance whose schedule `field` is at or before `atOrBefore`, ordered by
   * (dueAt, instanceId, keyId), at most `limit`, after `after`.
   */
  listDue(query: DueQuery): Promise<DueKey[]>;
  /** One row, or null if unknown or removed. */
  get(instanceId: string, keyId: string): Promise<ListedKeyRow | null>;
  close(): Promise<void>;
}
