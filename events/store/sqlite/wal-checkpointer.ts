/**
 * Checkpoints a SQLite file's write-ahead log from a worker thread. SQLite's automatic checkpoint runs
 * inside whichever commit finds the log past 1,000 pages: it copies them into the database file and
 * fsyncs both, on the event loop, stalling every request for milliseconds about every twenty creates.
 * The shared connection (open-database.ts) turns it off and this worker runs a PASSIVE checkpoint every
 * {@link CHECKPOINT_INTERVAL_MS} on a connection of its own instead: PASSIVE never waits for or blocks
 * the writer. If the worker cannot run, the connection's automatic checkpoint comes back.
 *
 * The log restarts from its beginning only when a commit finds every frame in it copied. A pass copies
 * the frames that were in the log when it began, and under a steady load some commit always lands while
 * it copies and fsyncs, so the log never restarts: wrap at 16 connections for two minutes left a 2.7 GB
 * log, and the server then took 2.3 s to its first request after a SIGKILL (SQLite reads the whole log
 * to recover). So once a pass finds the log at {@link LOG_SIZE_LIMIT_BYTES} (the connection's
 * journal_size_limit), the connection itself checkpoints once more, on the event loop between two
 * commits: that copies only the frames committed during the worker's pass, and the next commit restarts
 * the log (and cuts its file back to the limit). Measured: the same two minutes left a 94 MB log and a
 * first request 0.6 s after a SIGKILL, at the same request rate; the extra checkpoint holds the loop
 * about 8 ms, once every few seconds under that load.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export const CHECKPOINT_INTERVAL_MS = 1000;
/** Past this much log, the connection finishes a worker's pass itself (and a restarted log's file is cut back to it). */
export const LOG_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

// CommonJS, evaluated in the worker: better-sqlite3 is required by the path resolved here.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  let pass;
  try { [pass] = db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { if (error.code !== 'SQLITE_BUSY') throw error; return; }
  parentPort.postMessage(pass.log); // the frames in the log as the pass began
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface WalCheckpointer {
  /** Stops the worker once its checkpoint in progress, if any, ends. */
  stop(): Promise<void>;
}

/** Hears a checkpoint that failed, and what happens next. */
export type CheckpointFailure = (error: unknown, next: string) => void;

export function startWalCheckpointer(db: Database.Database, onError: CheckpointFailure): WalCheckpointer {
  db.pragma('wal_autocheckpoint = 0');
  db.pragma(`journal_size_limit = ${LOG_SIZE_LIMIT_BYTES}`);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      module: createRequire(import.meta.url).resolve('better-sqlite3'),
      file: db.name,
      intervalMs: CHECKPOINT_INTERVAL_MS,
    },
  });
  worker.unref();
  worker.on('message', (frames: number) => {
    // Read per pass: the limit is the connection's setting (-1, no limit, makes every pass finish).
    if (!db.open || frames * pageSize < (db.pragma('journal_size_limit', { simple: true }) as number)) return;
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      onError(error, 'the next pass tries again');
    }
  });
  worker.on('error', (error) => {
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
    onError(error, 'SQLite checkpoints inside commits again');
  });
  const exited = new Promise<void>((done) => worker.once('exit', () => done()));
  return {
    stop: async () => {
      worker.ref(); // held until it has exited, which an unreferenced worker would not keep the process alive for
      worker.postMessage('stop');
      await exited;
    },
  };
}
