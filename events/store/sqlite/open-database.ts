/**
 * Opens a better-sqlite3 connection configured for keyledger's durability needs. The event store
 * and the read models use this, so a shared database file gets the same settings on every handle.
 */
import Database from 'better-sqlite3';
import { DependencyUnavailableError } from '../../../application/ports/dependency-unavailable.ts';

/** Either a file to open (the adapter owns and closes the connection) or a connection the caller owns. */
export type SqliteSource = { readonly file: string } | { readonly database: Database.Database };

interface SqliteConnection {
  readonly db: Database.Database;
  /** Closes the connection when this adapter opened it; leaves a caller's connection open. */
  release(): void;
}

/**
 * WAL lets readers (projectors, list queries) run while a writer commits; synchronous=FULL syncs
 * the WAL on every commit so an acknowledged append survives a power loss, not only a process
 * crash (NORMAL would only guarantee the latter). busy_timeout lets a second process (the CLI, a
 * second server) wait for the write lock instead of failing at once.
 */
function configureDatabase(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
}

export function openSqliteConnection(source: SqliteSource): SqliteConnection {
  if ('database' in source) {
    configureDatabase(source.database);
    return { db: source.database, release: () => undefined };
  }
  const db = new Database(source.file);
  try {
    configureDatabase(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return { db, release: () => db.close() };
}

/**
 * A connection for data derived from the event store and re-derived after a crash (the key list,
 * the webhook outbox): each commit stores its rows together with the change-feed position they
 * reach, so WAL with synchronous=NORMAL keeps them atomic and consistent, and a power loss can only
 * undo their last commits, which the projector then applies again from the event store (which stays
 * FULL). This saves one fsync per projected append on the write path. A caller-owned connection
 * (possibly the event store's own) is left as it is.
 */
export function openDerivedSqliteConnection(source: SqliteSource): SqliteConnection {
  const connection = openSqliteConnection(source);
  if ('file' in source) {
    connection.db.pragma('synchronous = NORMAL');
    connection.db.pragma('cache_size = -32768');
  }
  return connection;
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
