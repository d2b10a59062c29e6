/**
 * Opens a better-sqlite3 connection configured for keyledger's durability needs. The event store
 * and the read models use this, so a shared database file gets the same settings on every handle.
 */
import Database from 'better-sqlite3';
import { DependencyUnavailableError } from '../../../application/ports/dependency-unavailable.ts';
import { acquireWalSync, NO_WAL_SYNC, type WalSyncOptions } from './wal-sync.ts';
import { startWalCheckpointer, type CheckpointFailure, type WalCheckpointer } from './wal-checkpointer.ts';

/** Either a file to open (the adapter owns and closes the connection) or a connection the caller owns. */
export type SqliteSource = { readonly file: string } | { readonly database: Database.Database };

interface SqliteConnection {
  readonly db: Database.Database;
  /**
   * Resolves once every commit made on the file before the call is on disk (events/store/sqlite/wal-sync.ts);
   * a failed fsync rejects with {@link DependencyUnavailableError}. Writers whose callers are told "done"
   * await it after their commit; derived data (the key list, the webhook outbox) does not.
   */
  durable(): Promise<void>;
  /** Closes the connection when this adapter opened it; leaves a caller's connection open. */
  release(): void;
}

/**
 * WAL lets readers (projectors, list queries) run while a writer commits. synchronous=NORMAL writes a
 * commit to the log without an fsync and keeps the file consistent through a crash or a power loss;
 * what must survive a power loss is made durable by {@link SqliteConnection.durable}, an fsync of the
 * log off the event loop, instead of synchronous=FULL's fsync inside every commit. busy_timeout lets a
 * second process (the CLI, a second server) wait for the write lock instead of failing at once.
 */
function configureDatabase(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
}

export function openSqliteConnection(source: SqliteSource): SqliteConnection {
  const db = 'database' in source ? source.database : new Database(source.file);
  try {
    configureDatabase(db);
  } catch (error) {
    if ('file' in source) db.close();
    throw error;
  }
  const wal = db.memory ? { sync: NO_WAL_SYNC, release: () => undefined } : acquireWalSync(db.name);
  return {
    db,
    durable: () => wal.sync.durable().catch((error: unknown) => Promise.reject(syncFailed(error))),
    release: () => {
      wal.release();
      if ('file' in source) db.close();
    },
  };
}

/**
 * A connection for data derived from the event store and re-derived after a crash (the key list,
 * the webhook outbox): each commit stores its rows together with the change-feed position they
 * reach, so a power loss can only undo their last commits, which the projector then applies again
 * from the event store; they never await {@link SqliteConnection.durable}. A larger page cache
 * serves the listing indexes. A caller-owned connection (possibly the event store's own) keeps its
 * cache size.
 */
export function openDerivedSqliteConnection(source: SqliteSource): SqliteConnection {
  const connection = openSqliteConnection(source);
  if ('file' in source) connection.db.pragma('cache_size = -32768');
  return connection;
}

/** The connection {@link openSharedSqliteDatabase} opens, with its log checkpointer. */
export interface SharedSqliteDatabase {
  readonly database: Database.Database;
  /** Stops the checkpointer and closes the connection, after every adapter on it has closed. */
  close(): Promise<void>;
}

/**
 * One connection for every adapter on a file (the local server's keyledger.db: events, audit trail, key
 * list, idempotency records, webhook outbox), passed to each as `{ database }`. SQLite empties a
 * connection's page cache whenever another connection has written the file, so with one connection per
 * adapter each transaction read its pages again from the log; one connection keeps one warm cache (sized
 * for the listing indexes). Its log is checkpointed by a worker thread (wal-checkpointer.ts), not inside
 * commits on the event loop.
 */
export function openSharedSqliteDatabase(
  file: string,
  options: WalSyncOptions & {
    /** Hears a checkpoint that failed, and what happens next. */
    readonly onError: CheckpointFailure;
  },
): SharedSqliteDatabase {
  const db = new Database(file);
  let checkpointer: WalCheckpointer;
  let wal: { release(): void };
  try {
    configureDatabase(db);
    db.pragma('cache_size = -65536');
    checkpointer = startWalCheckpointer(db, options.onError);
    wal = acquireWalSync(db.name, options);
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    database: db,
    close: async () => {
      await checkpointer.stop();
      wal.release();
      db.close();
    },
  };
}

/**
 * Statements of `db` by their SQL, each prepared once (better-sqlite3 does not cache them), at most `size`
 * (the oldest dropped first): for SQL that is built per call (the key list's filters) or run on every pass
 * (the webhook outbox).
 */
export function statementCache(
  db: Database.Database,
  size = 256,
): <P extends unknown[] = unknown[], R = unknown>(sql: string) => Database.Statement<P, R> {
  const statements = new Map<string, Database.Statement>();
  return <P extends unknown[], R>(sql: string) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      if (statements.size >= size) statements.delete(statements.keys().next().value as string);
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement as Database.Statement<P, R>;
  };
}

/** An fsync that failed: the commit may not survive a power loss, so it is not reported done. */
function syncFailed(error: unknown): DependencyUnavailableError {
  const code = (error as { code?: unknown } | null)?.code;
  return new DependencyUnavailableError('sqlite', `SQLite store unavailable (fsync: ${String(code ?? error)})`, {
    cause: error,
  });
}

/**
 * Runs synchronous better-sqlite3 work behind the ports' promise API; a thrown error becomes a
 * rejection rather than a synchronous throw from an "async" method.
 */
export function promised<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(unavailableOrAsIs(error));
  }
}

/**
 * SQLite result codes that say the disk or the file cannot be used right now (full, read-only, an I/O
 * error, locked beyond busy_timeout), not that the request is wrong: the transaction was rolled back,
 * and the same connection works again once the cause is gone.
 */
const UNAVAILABLE_CODES = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED|NOMEM|PROTOCOL)(_|$)/;

/** A SQLite error whose code says the store is unavailable becomes {@link DependencyUnavailableError}. */
export function unavailableOrAsIs(error: unknown): Error {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.test(code))
    return new DependencyUnavailableError('sqlite', `SQLite store unavailable (${code})`, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

/** True for the SQLite error codes of a UNIQUE or PRIMARY KEY violation. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
