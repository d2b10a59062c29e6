/**
 * The shared connection's log is checkpointed by the worker thread (events/store/sqlite/wal-checkpointer.ts),
 * not inside commits: a commit leaves the database file as it was, and the rows reach it shortly after. Under
 * a steady stream of commits the log still restarts, so its file stays near journal_size_limit.
 */
import assert from 'node:assert/strict';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { CHECKPOINT_INTERVAL_MS } from '../../../events/store/sqlite/wal-checkpointer.ts';
import { openSharedSqliteDatabase } from '../../../events/store/sqlite/open-database.ts';

const dir = await mkdtemp(join(tmpdir(), 'keyledger-checkpointer-'));
after(() => rm(dir, { recursive: true, force: true }));

void it('checkpoints the shared connection from a worker, not inside its commits', async () => {
  const file = join(dir, 'keyledger.db');
  const errors: unknown[] = [];
  const shared = openSharedSqliteDatabase(file, { onError: (error) => errors.push(error) });
  try {
    const db = shared.database;
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0, 'no checkpoint inside commits');
    db.exec('CREATE TABLE t (x BLOB)');
    const insert = db.prepare('INSERT INTO t VALUES (randomblob(3000))');
    const before = statSync(file).size;
    // About 2,000 pages, twice what SQLite's automatic checkpoint would have copied inside a commit.
    for (let i = 0; i < 2000; i++) insert.run();
    assert.equal(statSync(file).size, before, 'the commits wrote the log only');
    const deadline = Date.now() + 10 * CHECKPOINT_INTERVAL_MS;
    while (statSync(file).size < 2000 * 3000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(statSync(file).size >= 2000 * 3000, 'the worker copied the rows into the database file');
    assert.deepEqual(errors, []);
  } finally {
    await shared.close();
  }
});

/** The checkpoint sequence number in a log's header (SQLite's file format: big-endian, bytes 12-15), which each restart of the log increments. */
function logRestarts(logFile: string): number {
  const header = Buffer.alloc(32);
  const fd = openSync(logFile, 'r');
  try {
    readSync(fd, header, 0, 32, 0);
  } finally {
    closeSync(fd);
  }
  return header.readUInt32BE(12);
}

void it('restarts the log under a steady stream of commits once it reaches journal_size_limit', async () => {
  const file = join(dir, 'steady.db');
  const errors: unknown[] = [];
  const shared = openSharedSqliteDatabase(file, { onError: (error) => errors.push(error) });
  try {
    const db = shared.database;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    // A small limit, so that a few seconds of commits reach it several times.
    db.pragma(`journal_size_limit = ${256 * pageSize}`);
    db.exec('CREATE TABLE t (x BLOB)');
    const insert = db.prepare('INSERT INTO t VALUES (randomblob(1000))');
    const restartsBefore = logRestarts(`${file}-wal`);
    // One commit about every millisecond, for five checkpoint intervals: a commit always lands while the worker
    // copies, so without a checkpoint between two commits the log would keep every one of them.
    let commits = 0;
    const until = Date.now() + 5 * CHECKPOINT_INTERVAL_MS;
    while (Date.now() < until) {
      insert.run();
      commits += 1;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const logBytes = statSync(`${file}-wal`).size;
    const restarts = logRestarts(`${file}-wal`) - restartsBefore;
    assert.ok(restarts >= 2, `the log restarted ${restarts} times`);
    // Each commit wrote at least one page to the log; a log that never restarted would hold them all.
    assert.ok(logBytes < (commits * pageSize) / 2, `log of ${logBytes} bytes after ${commits} commits`);
    assert.deepEqual(errors, []);
  } finally {
    await shared.close();
  }
});
