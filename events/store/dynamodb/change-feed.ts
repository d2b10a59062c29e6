/**
 * `readChanges` over DynamoDB Streams, for the local DynamoDB mode, tests and tools. (On AWS the
 * projector Lambda gets the same records from an event source mapping instead.)
 *
 * Order: DynamoDB Streams orders records per shard, and all records of one partition key (one
 * event stream) go to one shard at a time; when a shard splits, the parent holds the older records.
 * Reading each shard in sequence order and a child only after its parent is exhausted therefore
 * yields every event stream in version order. There is no total order across event streams.
 *
 * The checkpoint is JSON: the stream ARN, the last sequence number read per shard, and the shards
 * read to their end. Shards that DynamoDB no longer lists (trimmed after 24 hours) are dropped
 * from it, so it stays small.
 */
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { z } from 'zod';
import type { ChangeBatch, StoredEvent } from '../../../application/ports/event-store.ts';
import { storedEventFromStreamRecord } from './stream-record.ts';

const checkpointSchema = z.object({
  stream: z.string(),
  shards: z.record(z.string(), z.string()),
  done: z.array(z.string()),
});
type FeedCheckpoint = z.infer<typeof checkpointSchema>;

/** GetRecords returns at most 1000 records per call. */
const MAX_RECORDS_PER_CALL = 1000;
/** A closed shard may answer with empty pages before its end; bound the calls spent on one. */
const MAX_EMPTY_PAGES_PER_SHARD = 16;

export async function readStreamChanges(
  streams: DynamoDBStreamsClient,
  streamArn: string,
  checkpoint: string | null,
  limit: number,
): Promise<ChangeBatch> {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  const state = parseCheckpoint(checkpoint, streamArn);
  const shards = await describeShards(streams, streamArn);
  const listed = new Set(shards.map((shard) => shard.ShardId));
  const done = new Set(state.done.filter((id) => listed.has(id)));
  const positions: Record<string, string> = {};
  for (const [id, sequence] of Object.entries(state.shards))
    if (listed.has(id) && !done.has(id)) positions[id] = sequence;

  const events: StoredEvent[] = [];
  // A child shard becomes readable once its parent is exhausted (or no longer listed), so loop
  // until a pass makes no shard newly exhausted or the page is full.
  for (let progress = true; progress && events.length < limit;) {
    progress = false;
    const ready = shards.filter(
      (shard) =>
        shard.ShardId !== undefined &&
        !done.has(shard.ShardId) &&
        (shard.ParentShardId === undefined || !listed.has(shard.ParentShardId) || done.has(shard.ParentShardId)),
    );
    for (const shard of ready) {
      const shardId = shard.ShardId as string;
      const exhausted = await readShard(streams, streamArn, shard, positions, events, limit);
      if (exhausted) {
        done.add(shardId);
        delete positions[shardId];
        progress = true;
      }
      if (events.length >= limit) break;
    }
  }

  const next: FeedCheckpoint = { stream: streamArn, shards: positions, done: [...done] };
  // Returned even when no event was read: head records consumed still move the positions on.
  return { events: restoreVersionOrder(events), checkpoint: JSON.stringify(next) };
}

/** Reads one shard into `events` until it is caught up, exhausted or the page is full; true if exhausted. */
async function readShard(
  streams: DynamoDBStreamsClient,
  streamArn: string,
  shard: Shard,
  positions: Record<string, string>,
  events: StoredEvent[],
  limit: number,
): Promise<boolean> {
  const shardId = shard.ShardId as string;
  const after = positions[shardId];
  let iterator: string | undefined;
  try {
    ({ ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: after === undefined ? 'TRIM_HORIZON' : 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: after,
      }),
    ));
  } catch (error) {
    if (error instanceof TrimmedDataAccessException) {
      throw new Error(
        `change feed checkpoint of shard ${shardId} is older than the stream's retention (24 h); rebuild the projection from the event store`,
        { cause: error },
      );
    }
    throw error;
  }
  const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
  let emptyPages = 0;
  while (iterator !== undefined && events.length < limit) {
    const page = await streams.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(MAX_RECORDS_PER_CALL, limit - events.length) }),
    );
    const records = page.Records ?? [];
    for (const record of records) {
      const event = storedEventFromStreamRecord(record);
      if (event) events.push(event);
      if (record.dynamodb?.SequenceNumber !== undefined) positions[shardId] = record.dynamodb.SequenceNumber;
    }
    iterator = page.NextShardIterator ?? undefined;
    if (records.length > 0) continue;
    // An open shard with nothing new is caught up; a closed one may still return empty pages first.
    if (!closed || ++emptyPages >= MAX_EMPTY_PAGES_PER_SHARD) return iterator === undefined;
  }
  return iterator === undefined;
}

async function describeShards(streams: DynamoDBStreamsClient, streamArn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const { StreamDescription } = await streams.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
    );
    shards.push(...(StreamDescription?.Shards ?? []));
    start = StreamDescription?.LastEvaluatedShardId;
  } while (start !== undefined);
  // Older shards first: a parent always starts before its children.
  return shards.sort((x, y) =>
    compareSequence(x.SequenceNumberRange?.StartingSequenceNumber, y.SequenceNumberRange?.StartingSequenceNumber),
  );
}

function compareSequence(x: string | undefined, y: string | undefined): number {
  const a = BigInt(x ?? '0');
  const b = BigInt(y ?? '0');
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseCheckpoint(checkpoint: string | null, streamArn: string): FeedCheckpoint {
  if (checkpoint === null) return { stream: streamArn, shards: {}, done: [] };
  let parsed: FeedCheckpoint;
  try {
    parsed = checkpointSchema.parse(JSON.parse(checkpoint));
  } catch (error) {
    throw new RangeError('not a DynamoDB change-feed checkpoint', { cause: error });
  }
  // A new stream (table recreated, streams re-enabled) restarts sequence numbers; reading it from
  // an old checkpoint would silently skip or repeat events.
  if (parsed.stream !== streamArn) {
    throw new RangeError(`change-feed checkpoint belongs to ${parsed.stream}, not to the table's stream ${streamArn}`);
  }
  return parsed;
}

/**
 * The records of one TransactWriteItems are not guaranteed to reach the stream in item order, so
 * within a page the events of each stream are put back in version order, each stream keeping the
 * slots it occupied. (A commit split across two pages could still arrive out of order; projectors
 * are idempotent by version, see events/read-models.)
 */
function restoreVersionOrder(events: StoredEvent[]): StoredEvent[] {
  const byStream = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const list = byStream.get(event.streamId);
    if (list) list.push(event);
    else byStream.set(event.streamId, [event]);
  }
  for (const list of byStream.values()) list.sort((x, y) => x.version - y.version);
  const cursor = new Map<string, number>();
  return events.map((event) => {
    const index = cursor.get(event.streamId) ?? 0;
    cursor.set(event.streamId, index + 1);
    return byStream.get(event.streamId)?.[index] ?? event;
  });
}
