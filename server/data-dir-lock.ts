/**
 * Who holds the data directory: the local server, or an offline read-model rebuild
 * (`keyledger read-models rebuild`, server/rebuild-read-models.ts). The two must not overlap: the
 * rebuild replaces the key list under a running projector otherwise.
 *
 * Two files under `$KEYLEDGER_DATA_DIR`, each holding the owner's pid:
 * - `server.pid`, written by the server at start and removed when it exits;
 * - `read-models-rebuild.pid`, written by a rebuild and removed when it ends. A rebuild that dies while
 *   replacing the DynamoDB key list leaves it behind, and the server then refuses to start until a
 *   rebuild has run to its end.
 * Each side writes its own file before it checks the other's, so of two that start at once at least
 * one sees the other. A file whose pid is no longer running is stale (a SIGKILLed server). One
 * machine only: a pid says nothing about another host sharing the directory.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SERVER_PID_FILE = 'server.pid';
const REBUILD_PID_FILE = 'read-models-rebuild.pid';

/** The data directory is held by someone else; the message says by whom and what to do. */
class DataDirBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirBusyError';
  }
}

interface DataDirHold {
  /** Removes this holder's pid file (if it still holds its own pid). Idempotent, synchronous. */
  release(): void;
}

function pidIn(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function hold(file: string): DataDirHold {
  writeFileSync(file, `${process.pid}\n`, { mode: 0o600 });
  return {
    release() {
      if (pidIn(file) === process.pid) rmSync(file, { force: true });
    },
  };
}

/**
 * The server's hold, taken before it opens any store. Refuses while a rebuild runs, or after one
 * was interrupted in a state the server must not serve.
 */
export function holdDataDirForServer(dataDir: string): DataDirHold {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const held = hold(join(dataDir, SERVER_PID_FILE));
  const rebuild = pidIn(join(dataDir, REBUILD_PID_FILE));
  if (rebuild === undefined) return held;
  held.release();
  throw new DataDirBusyError(
    isRunning(rebuild)
      ? `a read-model rebuild (pid ${rebuild}) is running on ${dataDir}; start the server once it has finished`
      : `a read-model rebuild of ${dataDir} was interrupted before it finished; run \`npm run keyledger -- read-models rebuild\` again, then start the server`,
  );
}

/** The rebuild's hold. Refuses while the server or another rebuild runs; takes over an interrupted rebuild's file. */
export function holdDataDirForRebuild(dataDir: string): DataDirHold {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, REBUILD_PID_FILE);
  const other = pidIn(file);
  if (other !== undefined && other !== process.pid && isRunning(other)) {
    throw new DataDirBusyError(`another read-model rebuild (pid ${other}) is running on ${dataDir}`);
  }
  const held = hold(file);
  const server = pidIn(join(dataDir, SERVER_PID_FILE));
  if (server === undefined || !isRunning(server)) return held;
  // Leave an interrupted rebuild's mark in place: the state it protects has not been repaired.
  if (other === undefined) held.release();
  throw new DataDirBusyError(`the keyledger server (pid ${server}) holds ${dataDir}; stop it, then run the rebuild`);
}
