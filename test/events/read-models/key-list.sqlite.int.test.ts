import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteKeyList } from '../../../events/read-models/sqlite/sqlite-key-list.ts';
import { openSqliteEventStore } from '../../../events/store/sqlite/sqlite-event-store.ts';
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
  const row = {
    instanceId: 'i',
    keyId: 'k',
    state: 1,
    extractable: false,
    keyRingId: 'default',
    name: 'k',
    aliases: [],
    imported: false,
    creationDate: '2024-01-01T00:00:00.000Z',
    lastUpdateDate: '2024-01-01T00:00:00.000Z',
    lastVersion: 1,
    document: {},
  };

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
    await store.append([
      {
        streamId: 's',
        expectedVersion: 0,
        events: [
          {
            type: 'KeyCreated',
            schemaVersion: 1,
            data: {},
            meta: { time: '2024-01-01T00:00:00Z', instanceId: 'i', principalId: 'p' },
          },
        ],
      },
    ]);
    const { checkpoint } = await store.readChanges(null, 10);
    await model.applyBatch('key-list', checkpoint ?? '', [row], []);
    assert.equal(await model.getCheckpoint('key-list'), '1');
    await model.close();
    await store.close();
    assert.equal(database.open, true);
    database.close();
  });

  void it('adds the schedule and listing columns to a key list made before them and starts its projection over', async () => {
    const file = newFile();
    const db = new Database(file);
    db.exec(`CREATE TABLE key_list (instance_id TEXT NOT NULL, key_id TEXT NOT NULL, state INTEGER NOT NULL, extractable INTEGER NOT NULL,
      key_ring_id TEXT NOT NULL, creation_date TEXT NOT NULL, last_version INTEGER NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
      document TEXT NOT NULL, PRIMARY KEY (instance_id, key_id)) WITHOUT ROWID;
      CREATE TABLE projection_checkpoints (projection TEXT PRIMARY KEY, checkpoint TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO key_list VALUES ('i', 'k', 1, 0, 'default', '2024-01-01T00:00:00Z', 7, 0, '{}');
      INSERT INTO projection_checkpoints VALUES ('key-list', '42');`);
    db.close();
    const model = await openSqliteKeyList({ file });
    try {
      assert.equal(await model.getCheckpoint('key-list'), null, 'the projection replays from the start');
      assert.equal((await model.get('i', 'k'))?.lastVersion, 0);
      await model.applyBatch(
        'key-list',
        '1',
        [{ ...row, lastVersion: 7, schedule: { expiresAt: '2030-01-01T00:00:00.000Z' } }],
        [],
      );
      assert.deepEqual(await model.listDue({ field: 'expiresAt', atOrBefore: '2030-01-01T00:00:00.000Z', limit: 10 }), [
        { instanceId: 'i', keyId: 'k', dueAt: '2030-01-01T00:00:00.000Z' },
      ]);
    } finally {
      await model.close();
    }
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

  void it('pages a date-filtered listing by walking its order, not by sorting every match', async () => {
    const database = new Database(newFile());
    const model = await openSqliteKeyList({ database });
    try {
      await model.applyBatch('key-list', '1', [row, { ...row, keyId: 'k2', name: 'k2' }], []);
      // Records the SQL and parameters of each page read, and runs them as they were.
      const pages: { sql: string; params: unknown }[] = [];
      const prepare = database.prepare.bind(database);
      database.prepare = ((sql: string) => {
        const statement = prepare(sql);
        if (sql.includes('FROM key_list') && sql.includes('OFFSET')) {
          const all = statement.all.bind(statement);
          statement.all = (params: unknown) => {
            pages.push({ sql, params });
            return all(params);
          };
        }
        return statement;
      }) as typeof database.prepare;
      const rows = await model.list({
        instanceId: 'i',
        dates: { creationDate: [{ op: 'gte', at: '2000-01-01T00:00:00.000Z' }] },
        limit: 200,
        offset: 0,
      });
      assert.deepEqual(
        rows.map((r) => r.keyId),
        ['k', 'k2'],
      );
      const [page] = pages;
      assert.ok(page, 'the page read was seen');
      // SQLite's own plan for what the adapter ran: a sort would read and order every match to return a page.
      const plan = prepare(`EXPLAIN QUERY PLAN ${page.sql}`)
        .all(page.params)
        .map((step) => (step as { detail: string }).detail);
      assert.ok(!plan.some((step) => step.includes('TEMP B-TREE')), plan.join(' | '));
    } finally {
      await model.close();
      database.close();
    }
  });
});
