/**
 * The embedded event store: better-sqlite3 on one file, the default on one machine.
 * Group commit: the appends that arrive in one turn of the event loop commit together in one
 * IMMEDIATE transaction (the write lock is taken up front, so two processes never deadlock upgrading
 * a read lock), on the event loop (better-sqlite3 commits a group in tens of microseconds without the
 * fsync). Each append runs in its own savepoint inside it: a conflict rolls back that append alone and
 * rejects only its caller at once. The others are answered once an fsync of the log that began after
 * the commit ends (open-database.ts, wal-sync.ts), off the event loop, so the next group commits while
 * this one is being made durable and one fsync serves both. The change feed is the global `position`.
 */
import {
  ConcurrencyError,
  type ChangeBatch,
  type EventStore,
  type StoredEvent,
  type StreamAppend,
  type StreamHead,
} from '../../../application/ports/event-store.ts';
import { parseStoredEvent, parseStoredJson } from '../stored-event-schema.ts';
import { dataToJson, validateAppends } from '../validate-appends.ts';
import { EVENT_STORE_DDL } from './event-store-schema.ts';
import { isUniqueViolation, openSqliteConnection, promised, type SqliteSource } from './open-database.ts';

/** The SQLite event store: the port plus an append notification that is always present. */
interface SqliteEventStore extends EventStore {
  onAppended(listener: () => void): () => void;
}

interface EventRow {
  position: number;
  stream_id: string;
  version: number;
  type: string;
  schema_version: number;
  data: string;
  meta: string;
}

/** An append waiting for the next group commit. */
interface PendingAppend {
  readonly appends: readonly StreamAppend[];
  /** Set inside the commit: the append's own error (its savepoint rolled back), or null when it is in. */
  outcome?: unknown;
  resolve(): void;
  reject(error: unknown): void;
}

interface HeadRow {
  stream_id: string;
  version: number;
  snapshot: string | null;
  snapshot_version: number | null;
}

/**
 * Opens (and creates, if needed) the event store in `file`, or on a connection the caller owns
 * (e.g. shared with the SQLite read models; it is then not closed by {@link EventStore.close}).
 */
export function openSqliteEventStore(options: SqliteSource): Promise<SqliteEventStore> {
  return promised(() => createStore(options));
}

function createStore(options: SqliteSource): SqliteEventStore {
  const connection = openSqliteConnection(options);
  const db = connection.db;
  try {
    db.exec(EVENT_STORE_DDL);
  } catch (error) {
    connection.release();
    throw error;
  }

  const selectHead = db.prepare<[string], HeadRow>(
    'SELECT stream_id, version, snapshot, snapshot_version FROM heads WHERE stream_id = ?',
  );
  const insertEvent = db.prepare<[string, number, string, number, string, string]>(
    'INSERT INTO events (stream_id, version, type, schema_version, data, meta) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertHead = db.prepare<[string, number, string | null, number | null]>(
    'INSERT INTO heads (stream_id, version, snapshot, snapshot_version) VALUES (?, ?, ?, ?)',
  );
  // Keeps the previous snapshot when this append brings none: the head must always name the
  // newest snapshot there is, even if it is older than the head version.
  const advanceHead = db.prepare<
    [{ version: number; snapshot: string | null; snapshotVersion: number | null; streamId: string; expected: number }]
  >(
    `UPDATE heads SET version = @version,
       snapshot = CASE WHEN @snapshotVersion IS NULL THEN snapshot ELSE @snapshot END,
       snapshot_version = COALESCE(@snapshotVersion, snapshot_version)
     WHERE stream_id = @streamId AND version = @expected`,
  );
  const selectStream = db.prepare<[string, number], EventRow>(
    `SELECT position, stream_id, version, type, schema_version, data, meta FROM events
     WHERE stream_id = ? AND version >= ? ORDER BY version`,
  );
  const selectChanges = db.prepare<[number, number], EventRow>(
    `SELECT position, stream_id, version, type, schema_version, data, meta FROM events
     WHERE position > ? ORDER BY position LIMIT ?`,
  );

  const appendOne = (append: StreamAppend): void => {
    const head = selectHead.get(append.streamId);
    if ((head?.version ?? 0) !== append.expectedVersion) {
      throw new ConcurrencyError(append.streamId, append.expectedVersion);
    }
    try {
      let version = append.expectedVersion;
      for (const event of append.events) {
        version += 1;
        insertEvent.run(
          append.streamId,
          version,
          event.type,
          event.schemaVersion,
          dataToJson(event.data),
          JSON.stringify(event.meta),
        );
      }
      const snapshot = append.snapshot === undefined ? null : JSON.stringify(append.snapshot);
      const snapshotVersion = append.snapshot === undefined ? null : version;
      if (append.expectedVersion === 0) {
        insertHead.run(append.streamId, version, snapshot, snapshotVersion);
      } else if (
        advanceHead.run({
          version,
          snapshot,
          snapshotVersion,
          streamId: append.streamId,
          expected: append.expectedVersion,
        }).changes !== 1
      ) {
        throw new ConcurrencyError(append.streamId, append.expectedVersion);
      }
    } catch (error) {
      // The head check above makes this unreachable with one writer; a UNIQUE violation can
      // still come from a row written outside this adapter, and must not surface as a crash.
      if (isUniqueViolation(error))
        throw new ConcurrencyError(append.streamId, append.expectedVersion, { cause: error });
      throw error;
    }
  };
  // Nested in commitGroup, a better-sqlite3 transaction is a savepoint: a throw undoes this append only.
  const appendAll = db.transaction((appends: readonly StreamAppend[]) => {
    for (const append of appends) appendOne(append);
  });
  const commitGroup = db.transaction((group: readonly PendingAppend[]) => {
    for (const pending of group) {
      try {
        appendAll(pending.appends);
        pending.outcome = null;
      } catch (error) {
        // Some errors (I/O, a full disk) make SQLite roll the whole transaction back: then nothing of
        // the group may be reported as committed, and the rest must not run outside it.
        if (!db.inTransaction) throw error;
        pending.outcome = error;
      }
    }
  });

  const readChanges = (checkpoint: string | null, limit: number): ChangeBatch => {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    const rows = selectChanges.all(parseCheckpoint(checkpoint), limit);
    const last = rows.at(-1);
    return { events: rows.map(toStoredEvent), checkpoint: last ? String(last.position) : checkpoint };
  };

  const listeners = new Set<() => void>();
  const announce = (): void => {
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        // The append has committed; a failing projector wake-up must not report it as failed.
        console.error('keyledger: onAppended listener failed', error);
      }
    }
  };

  let queue: PendingAppend[] = [];
  let scheduled: NodeJS.Immediate | null = null;
  /** Commits every queued append in one transaction, then answers each caller. */
  const flush = (): void => {
    scheduled = null;
    const group = queue;
    queue = [];
    if (group.length === 0) return;
    try {
      commitGroup.immediate(group);
    } catch (error) {
      // The transaction itself failed (the write lock not obtained, I/O): nothing of the group is in.
      for (const pending of group) pending.reject(error);
      return;
    }
    const committed = group.filter((pending) => pending.outcome === null);
    for (const pending of group) if (pending.outcome !== null) pending.reject(pending.outcome);
    if (committed.length === 0) return;
    // Answered (and announced, so no webhook tells of it) once on disk; the next group commits meanwhile.
    connection.durable().then(
      () => {
        announce();
        for (const pending of committed) pending.resolve();
      },
      (error: unknown) => {
        for (const pending of committed) pending.reject(error);
      },
    );
  };

  return {
    append: (appends) =>
      new Promise<void>((resolve, reject) => {
        validateAppends(appends);
        queue.push({ appends, resolve, reject });
        // setImmediate runs after the I/O of this turn: the requests already read reach append too.
        scheduled ??= setImmediate(flush);
      }),
    readStream: (streamId, fromVersion = 1) =>
      promised(() => selectStream.all(streamId, fromVersion).map(toStoredEvent)),
    readHead: (streamId) => promised(() => toHead(selectHead.get(streamId))),
    readChanges: (checkpoint, limit) => promised(() => readChanges(checkpoint, limit)),
    // The change feed holds every event here.
    async *readAll(pageSize) {
      let checkpoint: string | null = null;
      for (;;) {
        const batch = readChanges(checkpoint, pageSize);
        if (batch.events.length === 0) return;
        yield batch.events;
        checkpoint = batch.checkpoint;
        await Promise.resolve();
      }
    },
    onAppended: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () =>
      promised(() => {
        if (scheduled) clearImmediate(scheduled);
        flush();
        listeners.clear();
        connection.release();
      }),
  };
}

function parseCheckpoint(checkpoint: string | null): number {
  if (checkpoint === null) return 0;
  if (!/^\d+$/.test(checkpoint)) throw new RangeError(`not a SQLite change-feed checkpoint: ${checkpoint}`);
  return Number(checkpoint);
}

function toStoredEvent(row: EventRow): StoredEvent {
  const where = `events.position ${row.position}`;
  return parseStoredEvent(
    {
      streamId: row.stream_id,
      version: row.version,
      type: row.type,
      schemaVersion: row.schema_version,
      data: parseStoredJson(row.data, where),
      meta: parseStoredJson(row.meta, where),
    },
    where,
  );
}

function toHead(row: HeadRow | undefined): StreamHead | null {
  if (!row) return null;
  if (row.snapshot_version === null || row.snapshot === null) return { streamId: row.stream_id, version: row.version };
  return {
    streamId: row.stream_id,
    version: row.version,
    snapshot: parseStoredJson(row.snapshot, `heads ${row.stream_id}`),
    snapshotVersion: row.snapshot_version,
  };
}
