import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it, test } from 'node:test';
import { CommitTooLargeError, type EventStore, type NewEvent } from '../../../application/ports/event-store.ts';
import { createEventStoreTable } from '../../../events/store/dynamodb/create-table.ts';
import { openDynamoDbEventStore } from '../../../events/store/dynamodb/dynamodb-event-store.ts';
import { storedEventFromStreamRecord, type StreamRecordLike } from '../../../events/store/dynamodb/stream-record.ts';
import type { DynamoDBRecord } from 'aws-lambda';
import type { _Record as StreamsRecord } from '@aws-sdk/client-dynamodb-streams';
import { eventStoreContract } from './event-store.contract.ts';
import {
  deleteTables,
  dynamoDbLocalEndpoint,
  localDynamoDbClient,
  localStreamsClient,
  uniqueTableNamer,
} from '../../support/dynamodb-local.ts';

const local = dynamoDbLocalEndpoint();
if ('error' in local) {
  void test('DynamoDB Local is available', () => assert.fail(local.error));
} else {
  const { endpoint } = local;
  const nextTable = uniqueTableNamer('keyledger-test-events');
  const tables: string[] = [];
  const admin = localDynamoDbClient(endpoint);
  after(async () => {
    await deleteTables(admin, tables);
    admin.destroy();
  });

  /** A store on its own client; closing it destroys the client too. */
  const openOn = async (tableName: string, withStreamsClient: boolean): Promise<EventStore> => {
    const client = localDynamoDbClient(endpoint);
    const streamsClient = withStreamsClient ? localStreamsClient(endpoint) : undefined;
    const store = await openDynamoDbEventStore({ client, tableName, ...(streamsClient ? { streamsClient } : {}) });
    return {
      ...store,
      close: async () => {
        await store.close();
        streamsClient?.destroy();
        client.destroy();
      },
    };
  };
  const freshTable = async (): Promise<string> => {
    const tableName = nextTable();
    tables.push(tableName);
    await createEventStoreTable(admin, tableName);
    return tableName;
  };

  eventStoreContract('dynamodb', async () => {
    const tableName = await freshTable();
    // The first handle builds its own Streams client from the DynamoDB client; the second is given one.
    return { store: await openOn(tableName, false), reopen: () => openOn(tableName, true) };
  });

  void describe('dynamodb event store specifics', () => {
    const meta = { time: '2024-05-01T12:00:00Z', instanceId: 'i', principalId: 'p' };
    const event = (data: unknown): NewEvent => ({ type: 'E', schemaVersion: 1, data, meta });

    void it('creates the table idempotently', async () => {
      const tableName = await freshTable();
      await createEventStoreTable(admin, tableName);
    });

    void it('rejects a commit of more than 100 items, and an item over 400 KB, writing nothing', async () => {
      const store = await openOn(await freshTable(), true);
      try {
        const streamId = `s-${randomUUID()}`;
        const tooMany = Array.from({ length: 100 }, (_, i) => event(i)); // + the head = 101 items
        await assert.rejects(store.append([{ streamId, expectedVersion: 0, events: tooMany }]), (error: Error) => {
          assert.ok(error instanceof CommitTooLargeError);
          assert.match(error.message, /101 items.*100 per transaction/);
          return true;
        });
        await assert.rejects(
          store.append([{ streamId, expectedVersion: 0, events: [event('x'.repeat(410 * 1024))] }]),
          (error: Error) => error instanceof CommitTooLargeError && /event 1 of stream/.test(error.message),
        );
        await assert.rejects(
          store.append([{ streamId, expectedVersion: 0, events: [event(1)], snapshot: 'y'.repeat(410 * 1024) }]),
          (error: Error) => error instanceof CommitTooLargeError && /head \(snapshot\)/.test(error.message),
        );
        assert.equal(await store.readHead(streamId), null);
        await store.append([{ streamId, expectedVersion: 0, events: tooMany.slice(1) }]); // exactly 100 items
        assert.equal((await store.readHead(streamId))?.version, 99);
      } finally {
        await store.close();
      }
    });

    void it('accepts both Lambda records and GetRecords records (a compile-time check)', () => {
      const fromLambda = (record: DynamoDBRecord): StreamRecordLike => record;
      const fromGetRecords = (record: StreamsRecord): StreamRecordLike => record;
      assert.equal(typeof fromLambda, typeof fromGetRecords);
    });

    void it('converts Lambda stream records: events to StoredEvents, heads and removals to null', () => {
      const image = {
        pk: { S: 'key-1' },
        sk: { N: '2' },
        type: { S: 'KeyRotated' },
        schemaVersion: { N: '1' },
        data: { S: '{"n":1}' },
        meta: { S: JSON.stringify(meta) },
      };
      assert.deepEqual(storedEventFromStreamRecord({ eventName: 'INSERT', dynamodb: { NewImage: image } }), {
        streamId: 'key-1',
        version: 2,
        type: 'KeyRotated',
        schemaVersion: 1,
        data: { n: 1 },
        meta,
      });
      const head = { pk: { S: 'key-1' }, sk: { N: '0' }, version: { N: '2' } };
      assert.equal(storedEventFromStreamRecord({ eventName: 'MODIFY', dynamodb: { NewImage: head } }), null);
      assert.equal(
        storedEventFromStreamRecord({ eventName: 'REMOVE', dynamodb: { Keys: { pk: image.pk, sk: image.sk } } }),
        null,
      );
      assert.throws(
        () => storedEventFromStreamRecord({ eventName: 'MODIFY', dynamodb: { NewImage: image } }),
        /rewritten/,
      );
      assert.throws(
        () =>
          storedEventFromStreamRecord({ eventName: 'INSERT', dynamodb: { NewImage: { ...image, meta: { S: '{}' } } } }),
        /corrupted event/,
      );
    });

    void it('refuses a checkpoint of another table', async () => {
      const first = await openOn(await freshTable(), true);
      const second = await openOn(await freshTable(), true);
      try {
        await first.append([{ streamId: 'x', expectedVersion: 0, events: [event(1)] }]);
        const { checkpoint } = await first.readChanges(null, 10);
        await assert.rejects(second.readChanges(checkpoint, 10), /checkpoint belongs to/);
      } finally {
        await first.close();
        await second.close();
      }
    });
  });
}
