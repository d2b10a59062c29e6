import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteKeyList } from '../../events/read-models/sqlite/sqlite-key-list.ts';
import { openSqliteEventStore } from '../../events/store/sqlite/sqlite-event-store.ts';
import { keyListContract } from './key-list.contract.ts';

const dir = await mkdtemp(join(tmpdir(), 'keyledger-kl-sqlite-'));
after(() => rm(dir, { recursive: true, force: true }));
let count = 0;
const newFile = (): string => join(dir, `keys-${++count}.db`);

keyListContract('sqlite', async () => {
  const file = newFile();
  return { model: await openSqliteKeyList({ file }), reopen: () => openSqliteKeyList({ file }) };
});

void describe('sqlite key list specifics', () => {
  const row = { instanceId: 'i', keyId: 'k', state: 1, extractable: false, keyRingId: 'default', creationDate: '2024-01-01T00:00:00Z', lastVersion: 1, document: {} };

  void it('ignores a batch whose checkpoint is not newer, comparing positions as numbers', async () => {
    const model = await openSqliteKeyList({ file: newFile() });
    try {
      await model.applyBatch('key-list', '10', [row], []);
      await model.applyBatch('key-list', '9', [{ ...row, lastVersion: 2, state: 2 }], []);
      assert.equal((await model.get('i', 'k'))?.state, 1, '"9" < "10" numerically although not as text');
      assert.equal(await model.getCheckpoint('key-list'), '10');
      await model.applyBatch('key-list', '11', [{ ...row, lastVersion: 2, state: 2 }], []);
      assert.equal((await model.get('i', 'k'))?.state, 2);
      await assert.rejects(model.applyBatch('key-list', '{"shards":{}}', [], []), RangeError);
    } finally {
      await model.close();
    }
  });

  void it('shares one connection with the event store, leaving it open', async () => {
    const database = new Database(newFile());
    const store = await openSqliteEventStore({ database });
    const model = await openSqliteKeyList({ database });
    await store.append([{ streamId: 's', expectedVersion: 0, events: [{ type: 'KeyCreated', schemaVersion: 1, data: {}, meta: { time: '2024-01-01T00:00:00Z', instanceId: 'i', principalId: 'p' } }] }]);
    const { checkpoint } = await store.readChanges(null, 10);
    await model.applyBatch('key-list', checkpoint ?? '', [row], []);
    assert.equal(await model.getCheckpoint('key-list'), '1');
    await model.close();
    await store.close();
    assert.equal(database.open, true);
    database.close();
  });

  void it('fails loudly on a corrupted row', async () => {
    const file = newFile();
    const model = await openSqliteKeyList({ file });
    await model.applyBatch('key-list', '1', [row], []);
    const db = new Database(file);
    db.prepare("UPDATE key_list SET document = '[1, 2]'").run();
    db.close();
    try {
      await assert.rejects(model.get('i', 'k'), /corrupted key list row \(i\/k\)/);
    } finally {
      await model.close();
    }
  });
});
