import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteEventStore } from '../../../events/store/sqlite/sqlite-event-store.ts';
import { eventStoreContract } from './event-store.contract.ts';

const dir = await mkdtemp(join(tmpdir(), 'keyledger-es-sqlite-'));
after(() => rm(dir, { recursive: true, force: true }));
let count = 0;
const newFile = (): string => join(dir, `events-${++count}.db`);

eventStoreContract('sqlite', async () => {
  const file = newFile();
  return { store: await openSqliteEventStore({ file }), reopen: () => openSqliteEventStore({ file }) };
});

void describe('sqlite event store specifics', () => {
  const meta = { time: '2024-05-01T12:00:00Z', instanceId: 'i', principalId: 'p' };

  void it('runs in WAL mode with synchronous=NORMAL (durability comes from the log fsync below)', async () => {
    const file = newFile();
    const store = await openSqliteEventStore({ file });
    const db = new Database(file, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(store.onAppended(() => undefined) instanceof Function, true);
    } finally {
      db.close();
      await store.close();
    }
    const shared = new Database(file);
    const onShared = await openSqliteEventStore({ database: shared });
    assert.equal(shared.pragma('synchronous', { simple: true }), 1); // NORMAL
    await onShared.close();
    assert.equal(shared.open, true, 'a caller-owned connection stays open');
    shared.close();
  });

  void it('uses the global position as the checkpoint, in commit order across streams', async () => {
    const store = await openSqliteEventStore({ file: newFile() });
    try {
      await store.append([
        { streamId: 'b', expectedVersion: 0, events: [{ type: 'X', schemaVersion: 1, data: 1, meta }] },
      ]);
      await store.append([
        { streamId: 'a', expectedVersion: 0, events: [{ type: 'Y', schemaVersion: 1, data: 2, meta }] },
      ]);
      const first = await store.readChanges(null, 1);
      assert.equal(first.checkpoint, '1');
      assert.deepEqual(
        first.events.map((e) => e.streamId),
        ['b'],
      );
      const second = await store.readChanges(first.checkpoint, 5);
      assert.equal(second.checkpoint, '2');
      assert.deepEqual(
        second.events.map((e) => e.streamId),
        ['a'],
      );
      await assert.rejects(store.readChanges('{"not":"sqlite"}', 5), RangeError);
    } finally {
      await store.close();
    }
  });

  void it('commits the appends made in one turn of the event loop together: one commit, not one each', async () => {
    const file = newFile();
    const store = await openSqliteEventStore({ file });
    const db = new Database(file, { readonly: true });
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    // Each commit appends every page it changed to the WAL (header 32 bytes, each frame 24 + a page).
    const walFrames = () => (statSync(`${file}-wal`).size - 32) / (24 + pageSize);
    try {
      await store.append([
        { streamId: 'warm', expectedVersion: 0, events: [{ type: 'X', schemaVersion: 1, data: 0, meta }] },
      ]);
      const before = walFrames();
      const appends = 32;
      await Promise.all(
        Array.from({ length: appends }, (_, i) =>
          store.append([
            { streamId: `s${i}`, expectedVersion: 0, events: [{ type: 'X', schemaVersion: 1, data: i, meta }] },
          ]),
        ),
      );
      const frames = walFrames() - before;
      // One commit of 32 small appends rewrites a handful of pages once; 32 commits would write at least 32 frames.
      assert.ok(frames > 0 && frames < appends, `${frames} WAL frames for ${appends} appends`);
      assert.equal((await store.readChanges(null, 100)).events.length, appends + 1);
    } finally {
      await store.close();
    }
  });

  void it('fails loudly on a corrupted row', async () => {
    const file = newFile();
    const store = await openSqliteEventStore({ file });
    await store.append([
      { streamId: 's', expectedVersion: 0, events: [{ type: 'X', schemaVersion: 1, data: {}, meta }] },
    ]);
    const db = new Database(file);
    db.prepare('UPDATE events SET meta = \'{"time":"not a time"}\' WHERE stream_id = \'s\'').run();
    db.close();
    try {
      await assert.rejects(store.readStream('s'), /corrupted event in storage \(events.position 1\)/);
      await assert.rejects(store.readChanges(null, 10), /corrupted event/);
    } finally {
      await store.close();
    }
  });

  void it('maps a UNIQUE violation from an event row written outside the adapter to a conflict', async () => {
    const file = newFile();
    const store = await openSqliteEventStore({ file });
    const db = new Database(file);
    db.prepare(
      "INSERT INTO events (stream_id, version, type, schema_version, data, meta) VALUES ('t', 1, 'X', 1, '1', '{}')",
    ).run();
    db.close();
    try {
      await assert.rejects(
        store.append([{ streamId: 't', expectedVersion: 0, events: [{ type: 'X', schemaVersion: 1, data: 1, meta }] }]),
        (error: Error) => error.name === 'ConcurrencyError',
      );
      assert.equal(await store.readHead('t'), null);
    } finally {
      await store.close();
    }
  });
});
