/**
 * The shared connection's log is checkpointed by the worker thread (events/store/sqlite/wal-checkpointer.ts),
 * not inside commits: a commit leaves the database file as it was, and the rows reach it shortly after.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
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
