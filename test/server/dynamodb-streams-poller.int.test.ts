/**
 * The local Streams poller against DynamoDB Local: it hands the handler the records Lambda would
 * (DynamoDBRecord batches that the projector's record parser reads), in version order per stream,
 * honours batchItemFailures by retrying from the failed record, and resumes from its checkpoint
 * file after a restart without replaying what was handled.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { NewEvent, StoredEvent } from '../../application/ports/event-store.ts';
import { createEventStoreTable } from '../../events/store/dynamodb/create-table.ts';
import { openDynamoDbEventStore, type DynamoDbEventStore } from '../../events/store/dynamodb/dynamodb-event-store.ts';
import { storedEventFromStreamRecord } from '../../events/store/dynamodb/stream-record.ts';
import { DynamoDbStreamsPoller } from '../../server/dynamodb-streams-poller.ts';
import {
  deleteTables,
  dynamoDbLocalEndpoint,
  localDynamoDbClient,
  localStreamsClient,
  uniqueTableNamer,
} from '../support/dynamodb-local.ts';

const target = dynamoDbLocalEndpoint();
if ('error' in target) throw new Error(target.error);
const client = localDynamoDbClient(target.endpoint);
const streams = localStreamsClient(target.endpoint);
const tableName = uniqueTableNamer('poller')();
const dir = mkdtempSync(join(tmpdir(), 'keyledger-poller-'));
const checkpointFile = join(dir, 'checkpoint.json');

const event = (type: string): NewEvent => ({
  type,
  schemaVersion: 1,
  data: { type },
  meta: { time: new Date().toISOString(), instanceId: 'i-1', principalId: 'p-1' },
});

/** A real handler: parses every record as the projector does; fails once at `failOn` (stream:version). */
class RecordingHandler {
  readonly seen: StoredEvent[] = [];
  readonly batches: DynamoDBRecord[][] = [];
  private failed = new Set<string>();
  constructor(private readonly failOnce: string | undefined) {}
  handle = (records: DynamoDBRecord[]): Promise<DynamoDBBatchResponse> => {
    this.batches.push(records);
    for (const record of records) {
      assert.equal(record.eventSource, 'aws:dynamodb');
      assert.match(record.eventSourceARN ?? '', /^arn:aws:dynamodb:/);
      assert.equal(typeof record.dynamodb?.ApproximateCreationDateTime, 'number');
      const stored = storedEventFromStreamRecord(record);
      if (stored === null) continue;
      const id = `${stored.streamId}:${stored.version}`;
      if (id === this.failOnce && !this.failed.has(id)) {
        this.failed.add(id);
        return Promise.resolve({ batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] });
      }
      this.seen.push(stored);
    }
    return Promise.resolve({ batchItemFailures: [] });
  };
  ids(): string[] {
    return this.seen.map((e) => `${e.streamId}:${e.version}`);
  }
}

function poller(handler: RecordingHandler): DynamoDbStreamsPoller {
  return new DynamoDbStreamsPoller({
    dynamodb: client,
    streams,
    tableName,
    checkpointFile,
    handle: handler.handle,
    batchSize: 3,
    onError: () => undefined,
  });
}

void describe('DynamoDB Streams poller (local AWS mode)', () => {
  let store: DynamoDbEventStore;
  before(async () => {
    await createEventStoreTable(client, tableName);
    store = await openDynamoDbEventStore({ client, tableName, streamsClient: streams });
    for (const streamId of ['key:a', 'key:b']) {
      await store.append([{ streamId, expectedVersion: 0, events: [event('KeyCreated'), event('KeyDisabled')] }]);
      await store.append([{ streamId, expectedVersion: 2, events: [event('KeyEnabled')] }]);
    }
  });
  after(async () => {
    await store.close();
    await deleteTables(client, [tableName]);
    rmSync(dir, { recursive: true, force: true });
  });

  void it('delivers Lambda-shaped batches in version order and retries from a failed record', async () => {
    const handler = new RecordingHandler('key:b:2');
    const p = poller(handler);
    await assert.rejects(p.catchUp(), /batch item failure/);
    const beforeRetry = handler.ids();
    assert.ok(
      !beforeRetry.includes('key:b:2') && !beforeRetry.includes('key:b:3'),
      'nothing after the failed record is handled',
    );
    await p.catchUp();
    assert.deepEqual([...new Set(handler.ids())].sort(), [
      'key:a:1',
      'key:a:2',
      'key:a:3',
      'key:b:1',
      'key:b:2',
      'key:b:3',
    ]);
    for (const streamId of ['key:a', 'key:b']) {
      const versions = handler.seen.filter((e) => e.streamId === streamId).map((e) => e.version);
      assert.deepEqual([...new Set(versions)], [1, 2, 3], `${streamId} in version order`);
    }
    // The records before the failed one in its batch were checkpointed, not replayed.
    assert.equal(handler.ids().filter((id) => id === 'key:b:1').length, 1);
    assert.ok(
      handler.batches.every((batch) => batch.length <= 3),
      'batch size honoured',
    );
    await p.stop();
  });

  void it('resumes after a restart from the checkpoint file, handing over only new records', async () => {
    await store.append([{ streamId: 'key:a', expectedVersion: 3, events: [event('KeyRotated')] }]);
    const handler = new RecordingHandler(undefined);
    const restarted = poller(handler);
    await restarted.catchUp();
    assert.deepEqual(handler.ids(), ['key:a:4']);
    await restarted.stop();
  });

  void it('catchUp gives read-your-writes: an append is handled by the next catchUp', async () => {
    const handler = new RecordingHandler(undefined);
    const p = poller(handler);
    p.start(60_000);
    await p.catchUp();
    await store.append([{ streamId: 'key:c', expectedVersion: 0, events: [event('KeyCreated')] }]);
    await p.catchUp();
    assert.ok(handler.ids().includes('key:c:1'));
    await p.stop();
  });

  void it('discards a checkpoint of another stream (table recreated) and reads from the oldest record', async () => {
    writeFileSync(
      checkpointFile,
      JSON.stringify({
        streamArn: 'arn:aws:dynamodb:ddblocal:000000000000:table/other/stream/x',
        shards: {},
        done: [],
      }),
    );
    const handler = new RecordingHandler(undefined);
    const p = poller(handler);
    await p.catchUp();
    assert.equal(handler.ids().length, 8);
    await p.stop();
  });
});
