/**
 * `keyledger read-models rebuild`: after a mixed run through the real server, the key list
 * rebuilt from events equals the live one, on SQLite and on DynamoDB Local. The live key list is
 * then damaged (a row changed, one removed, one added, one at a version no replay would overwrite)
 * so that a rebuild which did nothing would fail. Also: the rebuild refuses while the server holds
 * the data directory, and the server refuses to start after an interrupted rebuild.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import Database from 'better-sqlite3';
import { markRebuildIncomplete } from '../../server/data-dir-lock.ts';
import { Admin, call } from '../support/access-helpers.ts';
import { keyledger, type CliRun } from '../support/keyledger-cli.ts';
import { startServer, storeEnv, STORE_MODES, type ServerProcess } from '../support/local-server.ts';

const WAITS = {
  KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
  KEYLEDGER_MIN_PURGE_DELAY_S: '0',
  KEYLEDGER_MIN_ACTION_INTERVAL_S: '0',
};

function rebuild(dataDir: string, env: Record<string, string>): Promise<CliRun> {
  return keyledger(['read-models', 'rebuild', '--output', 'json'], { KEYLEDGER_DATA_DIR: dataDir, ...env });
}

interface Report {
  store: string;
  keyList: { live: number; tombstones: number; changed: number };
}

/** Direct access to the live key list of one mode: every row of every instance, tombstones included. */
interface KeyListTable {
  dump(): Promise<unknown[]>;
  /** Damages four rows (edit, delete, add, version bump); returns how many keys differ afterwards. */
  damage(keyIds: { edit: string; remove: string; bump: string }): Promise<number>;
  close(): void;
}

function sqliteTable(dataDir: string): KeyListTable {
  const db = new Database(join(dataDir, 'keyledger.db'));
  return {
    dump: () => Promise.resolve(db.prepare('SELECT * FROM key_list ORDER BY instance_id, key_id').all()),
    damage({ edit, remove, bump }) {
      db.transaction(() => {
        db.prepare('UPDATE key_list SET state = 2, document = ? WHERE key_id = ?').run('{"damaged":true}', edit);
        db.prepare('DELETE FROM key_list WHERE key_id = ?').run(remove);
        db.prepare("UPDATE key_list SET last_version = 1000000, key_ring_id = 'elsewhere' WHERE key_id = ?").run(bump);
        db.prepare(
          `INSERT INTO key_list (instance_id, key_id, state, extractable, key_ring_id, creation_date, last_version, document)
                    SELECT instance_id, ?, 1, 0, 'default', creation_date, 1, '{}' FROM key_list WHERE key_id = ?`,
        ).run(randomUUID(), edit);
      })();
      return Promise.resolve(4);
    },
    close: () => db.close(),
  };
}

function dynamoDbTable(prefix: string): KeyListTable {
  const client = new DynamoDBClient({
    endpoint: process.env.KEYLEDGER_TEST_DYNAMODB_ENDPOINT,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const TableName = `${prefix}-key-list`;
  const rows = async (): Promise<Record<string, AttributeValue>[]> => {
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName, ConsistentRead: true, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []).filter((i) => i.pk?.S !== '#checkpoint'));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  };
  const byKey = async (keyId: string) => {
    const item = (await rows()).find((i) => i.sk?.S === keyId);
    assert.ok(item, `row of ${keyId}`);
    return item;
  };
  return {
    async dump() {
      const sorted = (await rows()).map((item) =>
        Object.fromEntries(Object.entries(item).sort(([x], [y]) => (x < y ? -1 : 1))),
      );
      return sorted.sort((x, y) => JSON.stringify([x.pk, x.sk]).localeCompare(JSON.stringify([y.pk, y.sk])));
    },
    async damage({ edit, remove, bump }) {
      const edited = await byKey(edit);
      await client.send(
        new PutItemCommand({ TableName, Item: { ...edited, state: { N: '2' }, document: { S: '{"damaged":true}' } } }),
      );
      const removed = await byKey(remove);
      await client.send(
        new DeleteItemCommand({
          TableName,
          Key: { pk: removed.pk as AttributeValue, sk: removed.sk as AttributeValue },
        }),
      );
      const bumped = await byKey(bump);
      await client.send(
        new PutItemCommand({
          TableName,
          Item: { ...bumped, lastVersion: { N: '1000000' }, keyRingId: { S: 'elsewhere' } },
        }),
      );
      await client.send(new PutItemCommand({ TableName, Item: { ...edited, sk: { S: randomUUID() } } }));
      return 4;
    },
    close: () => client.destroy(),
  };
}

for (const mode of STORE_MODES)
  describe(`read-models rebuild (${mode})`, () => {
    const env: Record<string, string> = {
      ...storeEnv(mode),
      ...WAITS,
      KEYLEDGER_ADMIN_API_KEY: `rebuild-admin-${randomUUID()}`,
    };
    let server: ServerProcess;
    let admin: Admin;
    let instances: string[];
    /** GET /api/v2/keys of every state, per instance, before the rebuild. */
    let listed: unknown[];
    const keys: Record<string, string> = {};

    const req = async (instanceId: string, method: string, path: string, status: number, body?: unknown) => {
      const res = await call(server, admin.token, method, path, {
        instanceId,
        ...(body === undefined ? {} : { body }),
      });
      assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
      return res;
    };
    const listAll = async (): Promise<unknown[]> =>
      Promise.all(
        instances.map(async (instanceId) => {
          const res = await call(server, admin.token, 'GET', '/api/v2/keys?state=0,1,2,3,5&limit=5000', { instanceId });
          assert.equal(res.status, 200);
          return res.body;
        }),
      );

    before(async () => {
      server = await startServer(env);
      admin = await Admin.connect(server);
      instances = [server.defaultInstanceId, await admin.createInstance('second')];
      for (const [n, instance] of instances.entries()) {
        const key = async (name: string, options: { ring?: string; payload?: string } = {}) =>
          (keys[`${name}${n}`] = await admin.createKey(instance, name, options));
        await admin.createKeyRing(instance, 'ring-1');
        const rotated = await key('rotated');
        for (let i = 0; i < 3; i++) await req(instance, 'POST', `/api/v2/keys/${rotated}/actions/rotate`, 204, {});
        await key('standard', { payload: Buffer.from('a secret').toString('base64') });
        const disabled = await key('disabled', { ring: 'ring-1' });
        await req(instance, 'POST', `/api/v2/keys/${disabled}/actions/disable`, 204);
        const reenabled = await key('reenabled');
        await req(instance, 'POST', `/api/v2/keys/${reenabled}/actions/disable`, 204);
        await req(instance, 'POST', `/api/v2/keys/${reenabled}/actions/enable`, 204);
        const deleted = await key('deleted');
        await req(instance, 'DELETE', `/api/v2/keys/${deleted}`, 204);
        const restored = await key('restored');
        await req(instance, 'DELETE', `/api/v2/keys/${restored}`, 204);
        await req(instance, 'POST', `/api/v2/keys/${restored}/restore`, 201);
        const purged = await key('purged');
        await req(instance, 'DELETE', `/api/v2/keys/${purged}`, 204);
        await req(instance, 'DELETE', `/api/v2/keys/${purged}/purge`, 200);
        const organised = await key('organised');
        await req(instance, 'POST', `/api/v2/keys/${organised}/aliases/alias-${n}`, 201);
        await req(instance, 'PATCH', `/api/v2/keys/${organised}`, 200, { keyRingID: 'ring-1' });
        await req(instance, 'PUT', `/api/v2/keys/${organised}/policies?policy=rotation`, 200, {
          metadata: { collectionType: 'application/vnd.ibm.kms.policy+json', collectionTotal: 1 },
          resources: [{ type: 'application/vnd.ibm.kms.policy+json', rotation: { interval_month: 3 } }],
        });
      }
      listed = await listAll(); // also waits until the projection has caught up (read-your-writes)
    });
    after(async () => {
      await server.dispose();
    });

    it('refuses to run while the server holds the data directory', async () => {
      const refused = await rebuild(server.dataDir, env);
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /the keyledger server \(pid \d+\b[^)]*\) holds/);
      assert.equal(
        (await call(server, admin.token, 'GET', '/api/v2/keys', { instanceId: instances[0] })).status,
        200,
        'the server is unaffected',
      );
    });

    it('replays every event into a fresh key list that equals the live one, and swaps it in', async () => {
      assert.equal(await server.stop(), 0);
      const table = mode === 'sqlite' ? sqliteTable(server.dataDir) : dynamoDbTable(env.KEYLEDGER_TABLE_PREFIX ?? '');
      try {
        const live = await table.dump();
        assert.equal(live.length, 16, 'eight keys per instance, the purged ones as tombstones');
        const damaged = await table.damage({
          edit: keys.rotated0 ?? '',
          remove: keys.deleted1 ?? '',
          bump: keys.organised0 ?? '',
        });
        assert.notDeepEqual(await table.dump(), live);

        const first = await rebuild(server.dataDir, env);
        assert.equal(first.code, 0, first.stdout + first.stderr);
        console.log(`rebuild (${mode}): ${first.stdout.trim()}`);
        const report = JSON.parse(first.stdout) as Report;
        assert.equal(report.store, mode);
        assert.deepEqual(report.keyList, { live: 14, tombstones: 2, changed: damaged });
        assert.deepEqual(await table.dump(), live, 'the rebuilt key list equals the live one, row for row');

        const again = await rebuild(server.dataDir, env);
        assert.equal(again.code, 0, again.stdout + again.stderr);
        assert.equal((JSON.parse(again.stdout) as Report).keyList.changed, 0, 'a second rebuild changes nothing');
        assert.deepEqual(await table.dump(), live);
      } finally {
        table.close();
      }
    });

    it('the server refuses to start after an interrupted rebuild, and serves the rebuilt list after a full one', async () => {
      markRebuildIncomplete(server.dataDir); // what a rebuild killed while it replaced the live rows leaves behind
      await assert.rejects(startServer(env, server.dataDir), /read-model rebuild of .* was interrupted/);
      const done = await rebuild(server.dataDir, env);
      assert.equal(done.code, 0, done.stdout + done.stderr);
      server = await server.restart();
      admin = await Admin.connect(server);
      assert.deepEqual(await listAll(), listed, 'GET /api/v2/keys answers as before the rebuild');
      const created = await admin.createKey(instances[0] ?? '', 'after-rebuild');
      const res = await call(server, admin.token, 'GET', `/api/v2/keys?limit=5000`, { instanceId: instances[0] });
      assert.ok(
        (res.body as { resources: { id: string }[] }).resources.some((k) => k.id === created),
        'the projector resumes after the rebuild',
      );
    });
  });
