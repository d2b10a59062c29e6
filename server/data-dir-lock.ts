/**
 * One owner of the data directory at a time: the local server, or a command that writes the directory
 * (`keyledger read-models rebuild`). Two servers on one directory would each run a projector, a
 * scheduler and a webhook sender over the same stores; a rebuild under a live server would replace the
 * key list beneath its projector.
 *
 * The lock is the operating system's: an SQLite write lock (a POSIX advisory lock, taken by
 * `BEGIN IMMEDIATE`) on `data-dir.lock`, held for the life of the process. The kernel drops it when the
 * process ends in any way, SIGKILL and power loss included, so there is no stale lock to clean up. Who
 * holds it (pid, what, since when) is written next to it, for the message the next contender prints.
 * One machine only: advisory locks are not reliable on network file systems.
 *
 * An interrupted DynamoDB rebuild is a different matter: the live key list may be half replaced. The
 * rebuild leaves `read-models-rebuild.incomplete` while it replaces rows, and the server refuses to start
 * while that mark exists; the next rebuild that runs to its end removes it.
 */
import { hostname } from 'node:os';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';

const LOCK_FILE = 'data-dir.lock';
const HOLDER_FILE = 'data-dir.lock.holder';
const INCOMPLETE_REBUILD_FILE = 'read-models-rebuild.incomplete';

/** The data directory is held by another process; the message names it. */
export class DataDirBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirBusyError';
  }
}

export interface DataDirLock {
  /** Releases the lock (the process's end releases it too). Idempotent, synchronous. */
  release(): void;
}

interface Holder {
  readonly pid: number;
  readonly what: string;
  readonly since: string;
  readonly host: string;
}

function readHolder(dataDir: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(join(dataDir, HOLDER_FILE), 'utf8')) as Partial<Holder>;
    if (typeof holder.pid !== 'number' || typeof holder.what !== 'string') return undefined;
    return { pid: holder.pid, what: holder.what, since: String(holder.since), host: String(holder.host) };
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isBusy(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY');
}

/**
 * Takes the data directory for `what` (`the keyledger server`, `a read-model rebuild`), or throws
 * {@link DataDirBusyError} naming the process that holds it.
 */
export async function lockDataDir(dataDir: string, what: string): Promise<DataDirLock> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    db.close();
    if (!isBusy(error)) throw error;
    throw new DataDirBusyError(`${await describeHolder(dataDir)} holds ${dataDir}; stop it first`);
  }
  const holder: Holder = { pid: process.pid, what, since: new Date().toISOString(), host: hostname() };
  const holderFile = join(dataDir, HOLDER_FILE);
  writeFileSync(`${holderFile}.tmp`, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  renameSync(`${holderFile}.tmp`, holderFile);
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      if (readHolder(dataDir)?.pid === process.pid) rmSync(holderFile, { force: true });
      db.close(); // ends the open transaction, and with it the lock
    },
  };
}

/**
 * The lock's holder, as it recorded itself. It records itself right after it takes the lock, so a record
 * that is missing or names a process that is gone (a holder killed earlier) is read again for a moment.
 */
async function describeHolder(dataDir: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const holder = readHolder(dataDir);
    if (holder !== undefined && (holder.host !== hostname() || isRunning(holder.pid)))
      return `${holder.what} (pid ${holder.pid} on ${holder.host}, since ${holder.since})`;
    await sleep(50);
  }
  return 'another process';
}

/** Refuses to serve a data directory whose DynamoDB key list a rebuild left half replaced. */
export function assertNoIncompleteRebuild(dataDir: string): void {
  try {
    readFileSync(join(dataDir, INCOMPLETE_REBUILD_FILE));
  } catch {
    return;
  }
  throw new DataDirBusyError(
    `a read-model rebuild of ${dataDir} was interrupted before it finished; run \`npx keyledger read-models rebuild\` again, then start the server`,
  );
}

/** Marks the live key list as being replaced (a rebuild holding the lock calls it before it touches a live row). */
export function markRebuildIncomplete(dataDir: string): void {
  writeFileSync(join(dataDir, INCOMPLETE_REBUILD_FILE), `${new Date().toISOString()}\n`, { mode: 0o600 });
}

/** Removes the mark: a rebuild of either store finished, so the live key list is whole again. */
export function markRebuildComplete(dataDir: string): void {
  rmSync(join(dataDir, INCOMPLETE_REBUILD_FILE), { force: true });
}
