/**
 * The event store port. Adapters: `sqlite/` (better-sqlite3, the embedded default) and
 * `dynamodb/` (AWS SDK v3; DynamoDB Local in tests). Both pass `test/events/store/event-store.contract.ts`.
 *
 * A stream holds the events of one aggregate (a key, a key ring, an instance), numbered 1, 2, 3...
 * Stored events are never rewritten; appends name the version they expect the stream to be at.
 */

/** Who and when, recorded with every event. */
export interface EventMeta {
  /** ISO-8601 time the command was decided at. */
  readonly time: string;
  readonly instanceId: string;
  readonly principalId: string;
  readonly requestId?: string | undefined;
  readonly correlationId?: string | undefined;
  /** The audit operation of the request that appended the event (absent on events older than this field). */
  readonly operation?: string | undefined;
  /** The request's source address, for the audit record the reconciler may have to write from the event. */
  readonly sourceIp?: string | undefined;
}

export interface NewEvent {
  /** Past-tense PascalCase, e.g. `KeyCreated`. */
  readonly type: string;
  /** Version of the event's schema; older versions are upcast on read (events/schemas). */
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly meta: EventMeta;
}

export interface StoredEvent extends NewEvent {
  readonly streamId: string;
  /** 1-based position within the stream. */
  readonly version: number;
}

/** One stream's part of an atomic commit. */
export interface StreamAppend {
  readonly streamId: string;
  /** The version the stream must be at: 0 for a stream that must not exist yet. */
  readonly expectedVersion: number;
  /** At least one event. */
  readonly events: readonly NewEvent[];
  /**
   * The aggregate's state after these events, kept as the stream's head so the hot path reads
   * O(1) state instead of replaying the stream (docs/decisions/0001-event-sourcing.md). Opaque to the store.
   */
  readonly snapshot?: unknown;
}

export interface StreamHead {
  readonly streamId: string;
  readonly version: number;
  /** The snapshot written with the append that reached `snapshotVersion`, if any. */
  readonly snapshot?: unknown;
  readonly snapshotVersion?: number;
}

export interface ChangeBatch {
  readonly events: readonly StoredEvent[];
  /** Opaque; pass it back to continue after the last event returned. */
  readonly checkpoint: string | null;
}

export interface EventStore {
  /**
   * Appends to one or more streams atomically: all events land or none do.
   * Throws {@link ConcurrencyError} when a stream is not at its expected version.
   */
  append(appends: readonly StreamAppend[]): Promise<void>;
  /** Events of one stream from `fromVersion` (default 1), in order; empty for an unknown stream. */
  readStream(streamId: string, fromVersion?: number): Promise<StoredEvent[]>;
  /** The stream's current version and latest snapshot, or null for an unknown stream. */
  readHead(streamId: string): Promise<StreamHead | null>;
  /**
   * The change feed: events of every stream in commit order (per stream always in version order),
   * after `checkpoint` (null = from the beginning), at most `limit`. SQLite gives one total commit
   * order; DynamoDB Streams orders only per shard, so across streams there is no total order there.
   * An empty batch does not mean the end on DynamoDB (records reach the stream a moment after the
   * write): poll again with the returned checkpoint.
   */
  readChanges(checkpoint: string | null, limit: number): Promise<ChangeBatch>;
  /**
   * Every stored event, page by page (each stream in version order; no order across streams), for
   * tools that must see the whole history: the change feed does not keep it on DynamoDB (24 hours).
   */
  readAll(pageSize: number): AsyncIterable<readonly StoredEvent[]>;
  /**
   * Optional: calls `listener` after each successful append made through this store handle, so an
   * in-process projector can read the change feed at once instead of polling on a timer. Appends by
   * other processes are not announced; a projector still needs a fallback poll. Listener errors are
   * swallowed: they must never fail the append that already committed. Returns an unsubscribe.
   */
  onAppended?(listener: () => void): () => void;
  close(): Promise<void>;
}

/** A stream was not at the version an append expected. Retry (re-read, re-decide) or report; never overwrite. */
export class ConcurrencyError extends Error {
  readonly code = 'CONCURRENCY_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
    options?: ErrorOptions,
  ) {
    super(`stream ${streamId} is not at version ${expectedVersion}`, options);
    this.name = 'ConcurrencyError';
  }
}

/**
 * A commit exceeds a limit of the adapter (DynamoDB: 100 items per transaction, 400 KB per item,
 * 4 MB per transaction). Nothing was written; retrying the same commit cannot succeed.
 */
export class CommitTooLargeError extends Error {
  readonly code = 'COMMIT_TOO_LARGE';
  constructor(message: string) {
    super(message);
    this.name = 'CommitTooLargeError';
  }
}

/** An append was malformed (no events, a stream twice in one commit, a negative expected version). */
export class InvalidAppendError extends Error {
  readonly code = 'INVALID_APPEND';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppendError';
  }
}
