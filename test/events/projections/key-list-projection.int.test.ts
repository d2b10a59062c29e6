/**
 * The key-list projection over real stores: SQLite through the in-process projector, DynamoDB
 * Local through the projector Lambda handler fed the records of the table's stream. Replays change
 * nothing, and a rebuild from events equals the live read model.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decideAppend } from '../../../application/command-handler.ts';
import { keyAggregate, keyStreamId } from '../../../application/keys/key-aggregate.ts';
import type { KeyCommand } from '../../../domain/keys/commands.ts';
import { Projector } from '../../../events/projections/projector.ts';
import type { KeyListReadModel } from '../../../application/ports/key-list.ts';
import { createKeyListTable } from '../../../events/read-models/dynamodb/create-key-list-table.ts';
import { openDynamoDbKeyList } from '../../../events/read-models/dynamodb/dynamodb-key-list.ts';
import { openSqliteKeyList } from '../../../events/read-models/sqlite/sqlite-key-list.ts';
import type { EventStore } from '../../../application/ports/event-store.ts';
import { createEventStoreTable } from '../../../events/store/dynamodb/create-table.ts';
import { openDynamoDbEventStore } from '../../../events/store/dynamodb/dynamodb-event-store.ts';
import { openSqliteEventStore } from '../../../events/store/sqlite/sqlite-event-store.ts';
import { projectRecords } from '../../../functions/projector/handler.ts';
import {
  deleteTables,
  dynamoDbLocalEndpoint,
  localDynamoDbClient,
  localStreamsClient,
  readStreamRecords,
  uniqueTableNamer,
} from '../../support/dynamodb-local.ts';

const INSTANCE = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const OTHER_INSTANCE = '0b5d0f4e-1111-4c2b-9d3e-5a6b7c8d9e0f';
const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const keyId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const material = { masterKeyId: 'm', wrapped: 'AAAA' };

/** Drives keys through a mixed history: creates, a disable, a rotation, a delete and a purge. */
async function writeHistory(store: EventStore): Promise<void> {
  const run = async (n: number, instanceId: string, command: KeyCommand) => {
    const streamId = keyStreamId(keyId(n));
    const events = await store.readStream(streamId);
    const state = events.reduce(
      (s, e) => keyAggregate.decider.evolve(s, keyAggregate.codec.decode(e)),
      keyAggregate.decider.initialState(),
    );
    const decision = decideAppend(keyAggregate, streamId, { state, version: events.length }, command, { instanceId });
    if (decision.append) await store.append([decision.append]);
  };
  const ctx = (s: number) => ({
    now: at(s),
    principalId: 'p1',
    settings: { minActionIntervalS: 0, minPurgeDelayS: 0, minRotationIntervalS: 0 },
  });
  for (let n = 1; n <= 6; n++) {
    const instanceId = n === 6 ? OTHER_INSTANCE : INSTANCE;
    await run(n, instanceId, {
      type: 'CreateKey',
      keyId: keyId(n),
      instanceId,
      keyType: n % 2 ? 'root' : 'standard',
      name: `key-${n}`,
      extractable: n % 2 === 0,
      keyRingId: 'default',
      imported: false,
      versionId: keyId(100 + n),
      material,
      ...ctx(n),
    });
  }
  await run(1, INSTANCE, { type: 'DisableKey', keyId: keyId(1), ...ctx(10) });
  await run(3, INSTANCE, {
    type: 'RotateKey',
    keyId: keyId(3),
    versionId: keyId(200),
    material,
    suppliedByCaller: false,
    ...ctx(11),
  });
  await run(4, INSTANCE, { type: 'DeleteKey', keyId: keyId(4), force: false, ...ctx(12) });
  await run(5, INSTANCE, { type: 'DeleteKey', keyId: keyId(5), force: false, ...ctx(13) });
  await run(5, INSTANCE, { type: 'PurgeKey', keyId: keyId(5), automatic: false, ...ctx(14) });
}

async function listAll(keyList: KeyListReadModel, instanceId = INSTANCE) {
  return keyList.list({ instanceId, limit: 100, offset: 0 });
}

function documentOf(row: { documentJson: string } | undefined) {
  return row && (JSON.parse(row.documentJson) as { keyVersion?: { id: string }; deleted?: boolean });
}

function checkLive(rows: Awaited<ReturnType<typeof listAll>>): void {
  const byId = new Map(rows.map((r) => [r.keyId, r]));
  assert.equal(rows.length, 4, 'keys 1-4 of the instance; 5 is purged, 6 is another instance');
  assert.equal(byId.get(keyId(1))?.state, 2);
  assert.equal(documentOf(byId.get(keyId(3)))?.keyVersion?.id, keyId(200));
  assert.equal(byId.get(keyId(4))?.state, 5);
  assert.equal(documentOf(byId.get(keyId(4)))?.deleted, true);
  assert.equal(byId.has(keyId(5)), false);
}

describe('key-list projection on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyledger-projection-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('projects a mixed history, ignores replays, and a rebuild equals the live model', async () => {
    const file = join(dir, 'keyledger.db');
    const store = await openSqliteEventStore({ file });
    const live = await openSqliteKeyList({ file });
    const projector = new Projector(store, live, (e) => {
      throw e;
    });
    await writeHistory(store);
    await projector.catchUp();
    const livePage = await listAll(live);
    checkLive(livePage);
    assert.equal((await listAll(live, OTHER_INSTANCE)).length, 1);
    assert.equal(await live.count({ instanceId: OTHER_INSTANCE }), 1);

    await projector.catchUp();
    assert.deepEqual(await listAll(live), livePage, 'a second pass changes nothing');

    const rebuilt = await openSqliteKeyList({ file: join(dir, 'rebuilt.db') });
    await new Projector(store, rebuilt, (e) => {
      throw e;
    }).catchUp();
    assert.deepEqual(await listAll(rebuilt), livePage);
    await Promise.all([rebuilt.close(), live.close(), store.close()]);
  });
});

describe('key-list projection on DynamoDB Local, through the projector Lambda handler', () => {
  const endpoint = dynamoDbLocalEndpoint();
  const tables: string[] = [];

  it('projects the stream records Lambda would deliver; redelivery and rebuild agree', async (t) => {
    if ('error' in endpoint) assert.fail(endpoint.error);
    const client = localDynamoDbClient(endpoint.endpoint);
    const streams = localStreamsClient(endpoint.endpoint);
    t.after(() => deleteTables(client, tables));
    const name = uniqueTableNamer('projection');
    const [eventsTable, liveTable, rebuiltTable] = [name(), name(), name()];
    tables.push(eventsTable, liveTable, rebuiltTable);
    await createEventStoreTable(client, eventsTable);
    await createKeyListTable(client, liveTable);
    await createKeyListTable(client, rebuiltTable);
    const store = await openDynamoDbEventStore({ client, tableName: eventsTable, streamsClient: streams });
    const live = await openDynamoDbKeyList({ client, tableName: liveTable });
    const rebuilt = await openDynamoDbKeyList({ client, tableName: rebuiltTable });
    await writeHistory(store);

    // Read the table's stream as Lambda's event source mapping would, in batches of 5.
    const records = await readStreamRecords(client, streams, eventsTable);
    assert.ok(records.length >= 11, `the stream holds the history (${records.length} records)`);
    for (let i = 0; i < records.length; i += 5) {
      assert.deepEqual(await projectRecords(records.slice(i, i + 5), { store, keyList: live }), {
        batchItemFailures: [],
      });
    }
    const livePage = await listAll(live);
    checkLive(livePage);

    // Redelivery of every batch (Lambda retries) changes nothing.
    for (let i = 0; i < records.length; i += 5) await projectRecords(records.slice(i, i + 5), { store, keyList: live });
    assert.deepEqual(await listAll(live), livePage);

    // A rebuild from the store's change feed equals the live model.
    await new Projector(store, rebuilt, (e) => {
      throw e;
    }).catchUp();
    assert.deepEqual(await listAll(rebuilt), livePage);
  });
});
