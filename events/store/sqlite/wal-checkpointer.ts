/**
 * Checkpoints a SQLite file's write-ahead log from a worker thread. SQLite's automatic checkpoint runs
 * inside whichever commit finds the log past 1,000 pages: it copies them into the database file and
 * fsyncs both, on the event loop, stalling every request for milliseconds about every twenty creates.
 * The shared connection (open-database.ts) turns it off and this worker runs a PASSIVE checkpoint every
 * {@link CHECKPOINT_INTERVAL_MS} on a connection of its own instead: PASSIVE never waits for or blocks
 * the writer, and the log restarts from its beginning once a checkpoint has caught up with it. If the
 * worker cannot run, the connection's automatic checkpoint comes back, so the log never grows unbounded.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export const CHECKPOINT_INTERVAL_MS = 1000;

// CommonJS, evaluated in the worker: better-sqlite3 is required by the path resolved here.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { if (error.code !== 'SQLITE_BUSY') throw error; }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface WalCheckpointer {
  /** Stops the worker once its checkpoint in progress, if any, ends. */
  stop(): Promise<void>;
}

export function startWalCheckpointer(db: Database.Database, onError: (error: unknown) => void): WalCheckpointer {
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      module: createRequire(import.meta.url).resolve('better-sqlite3'),
      file: db.name,
      intervalMs: CHECKPOINT_INTERVAL_MS,
    },
  });
  worker.unref();
  worker.on('error', (error) => {
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
    onError(error);
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
