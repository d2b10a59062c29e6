/**
 * The local stand-in for Lambda's DynamoDB Streams event source mapping (`npm run start:dynamodb`):
 * it reads the events table's stream from DynamoDB Local and hands the projector Lambda's handler
 * logic (functions/projector/handler.ts `projectRecords`) the same `DynamoDBRecord` batches Lambda
 * would, so the read models fill through the Streams path exactly as on AWS.
 *
 * Like the event source mapping: shards are read in sequence order, a child shard only after its
 * parent is exhausted (so every event stream arrives in version order), at most `batchSize` records
 * per call, and `batchItemFailures` are honoured: the records before the lowest failed one count as
 * done and the batch is retried from the failed record. Unlike it: there is no retry limit and no
 * dead-letter queue; a failing record is retried on every pass (and logged) until it succeeds.
 *
 * The position per shard is saved to `checkpointFile` after every batch (write, then rename), so a
 * restart resumes after the last record handled; a replayed batch is harmless (projections are
 * idempotent). A checkpoint of another stream (table recreated) is discarded and reading restarts
 * at the stream's oldest record.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type AttributeValue,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type DynamoDBStreamsClient,
  type Shard,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue as LambdaAttributeValue, DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { z } from 'zod';
import { PassQueue } from '../events/pass-queue.ts';

interface StreamsPollerOptions {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  /** The events table; its latest stream is read. */
  readonly tableName: string;
  /** JSON file holding the position per shard. */
  readonly checkpointFile: string;
  /** The Lambda handler's logic for one batch (the projector's `projectRecords`). */
  readonly handle: (records: DynamoDBRecord[]) => Promise<DynamoDBBatchResponse>;
  /** Records per batch; the stack's event source mapping uses 100. */
  readonly batchSize?: number;
  /** Pass failures (a batch item failure, an unreachable DynamoDB Local); never given record contents. */
  readonly onError: (error: unknown) => void;
}

const checkpointSchema = z.object({
  streamArn: z.string(),
  shards: z.record(z.string(), z.string()),
  done: z.array(z.string()),
});
type Checkpoint = z.infer<typeof checkpointSchema>;

/** A closed shard may answer with empty pages before its end; bound the calls spent on one per pass. */
const MAX_EMPTY_PAGES = 16;

/** A batch the handler reported as failed; the shard is retried from `sequenceNumber` on the next pass. */
class BatchItemFailureError extends Error {
  constructor(
    readonly shardId: string,
    readonly sequenceNumber: string,
  ) {
    super(`projector reported a batch item failure at record ${sequenceNumber} of shard ${shardId}; retrying from it`);
    this.name = 'BatchItemFailureError';
  }
}

export class DynamoDbStreamsPoller {
  private readonly batchSize: number;
  private checkpoint: Checkpoint | undefined;
  private streamArn: string | undefined;
  private readonly passes = new PassQueue(() => (this.stopped ? Promise.resolve() : this.pass()));
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: StreamsPollerOptions) {
    this.batchSize = options.batchSize ?? 100;
  }

  /** Polls every `pollMs` (and whenever {@link wake} is called) until {@link stop}. */
  start(pollMs = 500): void {
    this.timer = setInterval(() => this.wake(), pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Starts a pass soon (after the one in progress), e.g. after a local append. */
  wake(): void {
    void this.catchUp().catch(this.options.onError);
  }

  /**
   * Resolves after a whole pass that started after this call: every record in the stream when the
   * call was made has then been handed to the projector (DynamoDB Local makes a write's stream record
   * readable by the time the write returns), which gives the local server read-your-writes listings.
   * Rejects if that pass hit a failure.
   */
  catchUp(): Promise<void> {
    return this.passes.request();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.passes.stop();
  }

  private async pass(): Promise<void> {
    const streamArn = await this.latestStreamArn();
    const checkpoint = this.loadCheckpoint(streamArn);
    const shards = await this.describeShards(streamArn);
    const listed = new Set(shards.map((shard) => shard.ShardId));
    checkpoint.done = checkpoint.done.filter((id) => listed.has(id));
    const done = new Set(checkpoint.done);
    const failures: BatchItemFailureError[] = [];
    const failed = new Set<string>();
    for (let progress = true; progress;) {
      progress = false;
      const ready = shards.filter((shard) => {
        const id = shard.ShardId;
        if (id === undefined || done.has(id) || failed.has(id)) return false;
        const parent = shard.ParentShardId;
        return parent === undefined || !listed.has(parent) || done.has(parent);
      });
      for (const shard of ready) {
        const id = shard.ShardId as string;
        try {
          if (await this.drainShard(streamArn, shard, checkpoint)) {
            done.add(id);
            checkpoint.done = [...done];
            delete checkpoint.shards[id];
            this.saveCheckpoint(checkpoint);
            progress = true;
          } else {
            failed.add(id); // caught up: nothing more this pass
          }
        } catch (error) {
          if (!(error instanceof BatchItemFailureError)) throw error;
          failed.add(id);
          failures.push(error);
        }
      }
    }
    if (failures[0]) throw failures[0];
  }

  /** Hands the shard's new records to the handler, batch by batch; true once the shard is exhausted. */
  private async drainShard(streamArn: string, shard: Shard, checkpoint: Checkpoint): Promise<boolean> {
    const shardId = shard.ShardId as string;
    let iterator = await this.iteratorAfter(streamArn, shardId, checkpoint.shards[shardId]);
    const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
    let emptyPages = 0;
    while (iterator !== undefined && !this.stopped) {
      const page = await this.options.streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: this.batchSize }),
      );
      const records = page.Records ?? [];
      iterator = page.NextShardIterator ?? undefined;
      if (records.length === 0) {
        if (!closed || ++emptyPages >= MAX_EMPTY_PAGES) return iterator === undefined;
        continue;
      }
      const batch = records.map((record) => toLambdaRecord(record, streamArn));
      const response = await this.options.handle(batch);
      const failedAt = firstFailure(batch, response);
      if (failedAt !== undefined) {
        // Lambda semantics: everything before the lowest failed record is done; retry from it.
        const previous = failedAt > 0 ? batch[failedAt - 1]?.dynamodb?.SequenceNumber : undefined;
        if (previous !== undefined) {
          checkpoint.shards[shardId] = previous;
          this.saveCheckpoint(checkpoint);
        }
        throw new BatchItemFailureError(shardId, batch[failedAt]?.dynamodb?.SequenceNumber ?? '?');
      }
      const last = batch[batch.length - 1]?.dynamodb?.SequenceNumber;
      if (last !== undefined) {
        checkpoint.shards[shardId] = last;
        this.saveCheckpoint(checkpoint);
      }
    }
    return iterator === undefined;
  }

  private async iteratorAfter(
    streamArn: string,
    shardId: string,
    after: string | undefined,
  ): Promise<string | undefined> {
    try {
      const { ShardIterator } = await this.options.streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: after === undefined ? 'TRIM_HORIZON' : 'AFTER_SEQUENCE_NUMBER',
          SequenceNumber: after,
        }),
      );
      return ShardIterator;
    } catch (error) {
      if (!(error instanceof TrimmedDataAccessException) || after === undefined) throw error;
      // Stopped for longer than the stream keeps records (24 h): what was trimmed cannot be replayed.
      this.options.onError(
        new Error(
          `stream records after the checkpoint of shard ${shardId} were trimmed; resuming at the oldest record kept`,
        ),
      );
      return this.iteratorAfter(streamArn, shardId, undefined);
    }
  }

  private async latestStreamArn(): Promise<string> {
    if (this.streamArn) return this.streamArn;
    const { Table } = await this.options.dynamodb.send(new DescribeTableCommand({ TableName: this.options.tableName }));
    const arn = Table?.LatestStreamArn;
    if (!arn) throw new Error(`table ${this.options.tableName} has no stream`);
    this.streamArn = arn;
    return arn;
  }

  private async describeShards(streamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.options.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start !== undefined);
    const begin = (shard: Shard) => BigInt(shard.SequenceNumberRange?.StartingSequenceNumber ?? '0');
    return shards.sort((x, y) => (begin(x) < begin(y) ? -1 : begin(x) > begin(y) ? 1 : 0));
  }

  private loadCheckpoint(streamArn: string): Checkpoint {
    if (this.checkpoint?.streamArn === streamArn) return this.checkpoint;
    let stored: Checkpoint | undefined;
    try {
      stored = checkpointSchema.parse(JSON.parse(readFileSync(this.options.checkpointFile, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new Error(`unreadable streams checkpoint ${this.options.checkpointFile}`, { cause: error });
    }
    this.checkpoint = stored?.streamArn === streamArn ? stored : { streamArn, shards: {}, done: [] };
    return this.checkpoint;
  }

  private saveCheckpoint(checkpoint: Checkpoint): void {
    const temporary = `${this.options.checkpointFile}.tmp`;
    writeFileSync(temporary, JSON.stringify(checkpoint), { mode: 0o600 });
    renameSync(temporary, this.options.checkpointFile);
  }
}

/** Index of the lowest-sequence failed record; the whole batch when the identifier is unknown (as Lambda does). */
function firstFailure(
  batch: readonly DynamoDBRecord[],
  response: DynamoDBBatchResponse | undefined,
): number | undefined {
  const failures = response?.batchItemFailures ?? [];
  if (failures.length === 0) return undefined;
  const indexes = failures.map((failure) =>
    batch.findIndex((record) => record.dynamodb?.SequenceNumber === failure.itemIdentifier),
  );
  return indexes.includes(-1) ? 0 : Math.min(...indexes);
}

/** A GetRecords record in the shape Lambda's event source mapping delivers (`DynamoDBRecord`). */
function toLambdaRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const data = record.dynamodb;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource,
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: data && {
      ApproximateCreationDateTime:
        data.ApproximateCreationDateTime === undefined ? undefined : data.ApproximateCreationDateTime.getTime() / 1000,
      Keys: data.Keys && toLambdaImage(data.Keys),
      NewImage: data.NewImage && toLambdaImage(data.NewImage),
      OldImage: data.OldImage && toLambdaImage(data.OldImage),
      SequenceNumber: data.SequenceNumber,
      SizeBytes: data.SizeBytes,
      StreamViewType: data.StreamViewType,
    },
  };
}

function toLambdaImage(image: Record<string, AttributeValue>): Record<string, LambdaAttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));
}

/** Lambda delivers binary values base64-encoded; everything else keeps its shape. */
function toLambdaValue(value: AttributeValue): LambdaAttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  throw new Error('stream record holds an attribute of an unknown type');
}
