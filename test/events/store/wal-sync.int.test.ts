/**
 * Durable acknowledgements on SQLite (events/store/sqlite/wal-sync.ts): an append, or an audit commit, is
 * answered only after an fdatasync of the write-ahead log that began once its commit was in the log, and
 * commits made while one fsync runs share the next; when the owner of the connection says nothing else
 * waits for the event loop, the fsync runs on the loop itself. The real fdatasync runs; the test only
 * watches it (node:fs wrapped, then syncBuiltinESMExports so the module's import sees the wrapper) and
 * holds each one in the thread pool back a little, so a commit can arrive while it is in flight.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteEventStore } from '../../../events/store/sqlite/sqlite-event-store.ts';
import { openSqliteAuditStorage } from '../../../events/audit/sqlite/sqlite-audit-storage.ts';
import { openSharedSqliteDatabase } from '../../../events/store/sqlite/open-database.ts';

const dir = await mkdtemp(join(tmpdir(), 'keyledger-wal-sync-'));
const file = join(dir, 'keyledger.db');
const meta = { time: '2024-05-01T12:00:00Z', instanceId: 'i', principalId: 'p' };

interface Sync {
  readonly path: string;
  /** Rows of `events` a separate connection saw when the fsync began: what the log held by then. */
  readonly eventsAtStart: number;
  /** fdatasyncSync on the event loop, rather than fdatasync in the thread pool. */
  readonly onLoop: boolean;
  ended: boolean;
}
const syncs: Sync[] = [];
const realFdatasync = fs.fdatasync;
const realFdatasyncSync = fs.fdatasyncSync;
let reader: Database.Database;

/** Starts watching one fsync of `fd`: what it syncs and what the log holds as it begins. */
function watch(fd: number, onLoop: boolean): Sync {
  const eventsTable = reader.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'events'").get() as {
    n: number;
  };
  const sync: Sync = {
    path: fs.readlinkSync(`/proc/self/fd/${fd}`),
    eventsAtStart: eventsTable.n === 0 ? 0 : eventCount(),
    onLoop,
    ended: false,
  };
  syncs.push(sync);
  return sync;
}

const eventCount = () => (reader.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

before(() => {
  reader = new Database(file);
  reader.exec('CREATE TABLE IF NOT EXISTS probe (x)');
  fs.fdatasync = ((fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
    const sync = watch(fd, false);
    setTimeout(
      () =>
        realFdatasync(fd, (error) => {
          sync.ended = true;
          callback(error);
        }),
      30,
    );
  }) as typeof fs.fdatasync;
  fs.fdatasyncSync = (fd: number) => {
    const sync = watch(fd, true);
    realFdatasyncSync(fd);
    sync.ended = true;
  };
  syncBuiltinESMExports();
});
after(async () => {
  fs.fdatasync = realFdatasync;
  fs.fdatasyncSync = realFdatasyncSync;
  syncBuiltinESMExports();
  reader.close();
  await rm(dir, { recursive: true, force: true });
});

/** Waits, a millisecond at a time, until `condition` holds (an fsync is held back 30 ms, so it is seen in flight). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((r) => setTimeout(r, 1));
  assert.ok(condition(), 'an fsync of the log began');
}

const append = (store: Awaited<ReturnType<typeof openSqliteEventStore>>, streamId: string) =>
  store.append([{ streamId, expectedVersion: 0, events: [{ type: 'X', schemaVersion: 1, data: 1, meta }] }]);

void describe('durable acknowledgements on SQLite', () => {
  void it('answers an append after an fsync of the log that began with the append in it', async () => {
    const store = await openSqliteEventStore({ file });
    try {
      const first = append(store, 'a');
      // Committed on the next turn, then synced: the second append arrives while that fsync runs.
      await until(() => syncs.length === 1);
      let secondDone = false;
      const second = append(store, 'b').then(() => (secondDone = true));
      await first;
      assert.equal(syncs[0]?.ended, true);
      assert.equal(syncs[0]?.onLoop, false, 'the log is opened, and synced, in the thread pool');
      assert.equal(syncs[0]?.path, `${file}-wal`, 'the log is what is synced');
      assert.equal(syncs[0]?.eventsAtStart, 1, 'the first append was in the log when its fsync began');
      assert.equal(secondDone, false, 'an fsync that began before a commit does not acknowledge it');
      await second;
      assert.equal(syncs.length, 2);
      assert.equal(syncs[1]?.eventsAtStart, 2, 'the second append was in the log when its own fsync began');
      assert.equal(syncs[1]?.ended, true);
    } finally {
      await store.close();
    }
  });

  void it('lets appends made during one fsync share the next', async () => {
    const store = await openSqliteEventStore({ file });
    try {
      const before = syncs.length;
      const first = append(store, 'c');
      await until(() => syncs.length === before + 1);
      // Three groups, one per turn, all committed while the first fsync runs.
      const later = [];
      for (const stream of ['d', 'e', 'f']) {
        later.push(append(store, stream));
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all([first, ...later]);
      assert.equal(syncs.length - before, 2, 'one fsync for the first group, one for the three after it');
      assert.equal(syncs.at(-1)?.onLoop, false, 'the thread pool syncs');
    } finally {
      await store.close();
    }
  });

  void it('syncs on the event loop itself only when its owner says nothing else waits and no fsync runs', async () => {
    let alone = false;
    const shared = openSharedSqliteDatabase(file, { onError: () => undefined, syncOnLoop: () => alone });
    const store = await openSqliteEventStore({ database: shared.database });
    try {
      await append(store, 'g');
      const before = syncs.length;
      const inLog = eventCount();
      alone = true;
      await append(store, 'h');
      // Not alone: the thread pool, held back, so the next append comes while it runs.
      alone = false;
      const first = append(store, 'i');
      await until(() => syncs.length === before + 2);
      alone = true;
      const second = append(store, 'j');
      await Promise.all([first, second]);
      assert.deepEqual(
        syncs.slice(before).map((s) => [s.path, s.eventsAtStart, s.onLoop, s.ended]),
        [
          [`${file}-wal`, inLog + 1, true, true],
          [`${file}-wal`, inLog + 2, false, true],
          [`${file}-wal`, inLog + 3, false, true],
        ],
        'alone and no fsync running: on the loop; otherwise in the pool, the last one after the one running',
      );
    } finally {
      await store.close();
      await shared.close();
    }
  });

  void it('answers an audit commit after an fsync of the log', async () => {
    const storage = await openSqliteAuditStorage({ file });
    try {
      const before = syncs.length;
      const row = {
        seq: 1,
        time: meta.time,
        instanceId: 'i',
        principalId: 'p',
        operation: 'wrap',
        keyId: 'k',
        keyVersionId: 'v',
        outcome: 'success' as const,
        reason: '',
        requestId: 'r',
        correlationId: 'c',
        sourceIp: '127.0.0.1',
        prevHash: '0'.repeat(64),
        hash: '1'.repeat(64),
      };
      await storage.commit([{ chain: 'i', afterSeq: 0, rows: [row] }]);
      assert.equal(syncs.length - before, 1);
      assert.equal(syncs.at(-1)?.ended, true);
    } finally {
      await storage.close();
    }
  });
});
