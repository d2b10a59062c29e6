/**
 * Key-state publication by the projector Lambda handler (EventBridge on AWS), tested without AWS:
 * the handler is fed the DynamoDB Local stream records Lambda would deliver and a publisher that
 * collects what would be put on the bus. Each key-state event is published once its batch is
 * projected, validates against its published schema, carries no material; a failing publish makes
 * the batch fail so Lambda retries it (at least once).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideAppend } from '../../../application/command-handler.ts';
import { keyAggregate, keyStreamId } from '../../../application/keys/key-aggregate.ts';
import type { KeyCommand } from '../../../domain/keys/commands.ts';
import { assertPublicEvent, type PublicKeyEvent } from '../../../events/public/key-state-event-schemas.ts';
import { createKeyListTable } from '../../../events/read-models/dynamodb/create-key-list-table.ts';
import { openDynamoDbKeyList } from '../../../events/read-models/dynamodb/dynamodb-key-list.ts';
import { createEventStoreTable } from '../../../events/store/dynamodb/create-table.ts';
import { openDynamoDbEventStore } from '../../../events/store/dynamodb/dynamodb-event-store.ts';
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
const KEY = '00000000-0000-4000-8000-000000000001';
const material = { masterKeyId: 'm', wrapped: 'QUFBQUFBQUFBQUFBQUFBQQ==' };
const at = (s: number) => new Date(Date.parse('2025-01-01T00:00:00.000Z') + s * 1000).toISOString();

void describe('projector: key-state events to the bus', () => {
  void it('publishes each key-state change of a batch after projecting it; a failed publish fails the batch', async (t) => {
    const endpoint = dynamoDbLocalEndpoint();
    if ('error' in endpoint) assert.fail(endpoint.error);
    const client = localDynamoDbClient(endpoint.endpoint);
    const streams = localStreamsClient(endpoint.endpoint);
    const name = uniqueTableNamer('publication');
    const [eventsTable, listTable] = [name(), name()];
    t.after(() => deleteTables(client, [eventsTable, listTable]));
    await createEventStoreTable(client, eventsTable);
    await createKeyListTable(client, listTable);
    const store = await openDynamoDbEventStore({ client, tableName: eventsTable, streamsClient: streams });
    const keyList = await openDynamoDbKeyList({ client, tableName: listTable });

    const ctx = (s: number) => ({
      now: at(s),
      principalId: 'p1',
      settings: { minActionIntervalS: 0, minPurgeDelayS: 0, minRotationIntervalS: 0 },
    });
    const commands: KeyCommand[] = [
      {
        type: 'CreateKey',
        keyId: KEY,
        instanceId: INSTANCE,
        keyType: 'root',
        name: 'root-1',
        extractable: false,
        keyRingId: 'default',
        tags: ['team-a', 'pci'],
        imported: false,
        versionId: '00000000-0000-4000-8000-000000000101',
        material,
        ...ctx(1),
      },
      {
        type: 'RotateKey',
        keyId: KEY,
        versionId: '00000000-0000-4000-8000-000000000102',
        material,
        suppliedByCaller: false,
        ...ctx(2),
      },
      { type: 'DisableKey', keyId: KEY, ...ctx(3) },
      { type: 'DeleteKey', keyId: KEY, force: false, ...ctx(4) },
    ];
    for (const command of commands) {
      const events = await store.readStream(keyStreamId(KEY));
      const state = events.reduce(
        (s, e) => keyAggregate.decider.evolve(s, keyAggregate.codec.decode(e)),
        keyAggregate.decider.initialState(),
      );
      const decision = decideAppend(keyAggregate, keyStreamId(KEY), { state, version: events.length }, command, {
        instanceId: INSTANCE,
      });
      if (decision.append) await store.append([decision.append]);
    }

    const records = await readStreamRecords(client, streams, eventsTable);

    const failing = await projectRecords(records, {
      store,
      keyList,
      publish: () => Promise.reject(new Error('bus unavailable')),
    });
    assert.equal(failing.batchItemFailures.length, 1, 'Lambda retries the batch');

    const bus: PublicKeyEvent[] = [];
    const ok = await projectRecords(records, {
      store,
      keyList,
      publish: (events) => {
        bus.push(...events);
        return Promise.resolve();
      },
    });
    assert.deepEqual(ok, { batchItemFailures: [] });
    assert.deepEqual(
      bus.map((e) => e.type),
      ['key.created', 'key.rotated', 'key.disabled', 'key.deleted'],
    );
    assert.deepEqual(
      bus.map((e) => e.id),
      [1, 2, 3, 4].map((v) => `${KEY}/${v}`),
    );
    for (const event of bus) {
      assertPublicEvent(event);
      assert.equal(event.instanceId, INSTANCE);
      assert.equal(JSON.stringify(event).includes(material.wrapped), false);
    }
    // key.created carries the key's attributes as created: its name and its tags among them.
    assert.deepEqual([bus[0]?.data.name, bus[0]?.data.tags], ['root-1', ['team-a', 'pci']]);
    assert.equal(bus[1]?.data.keyVersionId, '00000000-0000-4000-8000-000000000102');
  });
});
