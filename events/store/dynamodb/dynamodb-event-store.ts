/**
 * The scale-out event store on DynamoDB. Every append is one TransactWriteItems: per stream a
 * conditional write of its head item (the expected-version check) plus a conditional Put per
 * event, so a multi-stream commit lands entirely or not at all. Reads are strongly consistent so
 * a command handler never decides on a stale head.
 */
import { randomUUID } from 'node:crypto';
import {
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  DescribeTableCommand,
  type DynamoDBClient,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { dynamoDbStreamsClient } from '../../dynamodb/dynamodb-clients.ts';
import {
  CommitTooLargeError,
  ConcurrencyError,
  type EventStore,
  type StoredEvent,
  type StreamAppend,
} from '../../../application/ports/event-store.ts';
import { validateAppends } from '../validate-appends.ts';
import { readStreamChanges } from './change-feed.ts';
import { appendWrites, eventFromItem, headFromItem, headKey, writtenItem, type Item } from './event-items.ts';
import { itemSize } from './item-size.ts';
import { DYNAMODB_LIMITS, EVENT_STORE_TABLE } from './table-schema.ts';

interface DynamoDbEventStoreOptions {
  /** Owned by the caller: {@link EventStore.close} does not destroy it. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /**
   * For `readChanges`. When omitted, one is built from `client`'s region, endpoint and credentials
   * (and destroyed by `close`).
   */
  readonly streamsClient?: DynamoDBStreamsClient;
}

/** The DynamoDB event store: the port plus an in-process append notification. */
export interface DynamoDbEventStore extends EventStore {
  onAppended(listener: () => void): () => void;
}

/** Reserve for attribute-name differences between an Update's values and the item it leaves. */
const SIZE_MARGIN = 256;

/** Opens the store on an existing table (see `createEventStoreTable`); does no I/O until used. */
export function openDynamoDbEventStore(options: DynamoDbEventStoreOptions): Promise<DynamoDbEventStore> {
  const { client, tableName } = options;
  let streams = options.streamsClient;
  const ownsStreams = streams === undefined;
  let streamArn: Promise<string> | undefined;
  const listeners = new Set<() => void>();

  const latestStreamArn = async (): Promise<string> => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const arn = Table?.LatestStreamArn;
    if (!arn || Table.StreamSpecification?.StreamEnabled !== true) {
      throw new Error(`table ${tableName} has no stream; create it with createEventStoreTable or the CDK stack`);
    }
    return arn;
  };

  const store: DynamoDbEventStore = {
    async append(appends) {
      validateAppends(appends);
      const writes: TransactWriteItem[] = [];
      const owners: StreamAppend[] = [];
      for (const append of appends) {
        appendWrites(tableName, append).forEach((write, index) => {
          checkItemSize(
            write,
            index === 0
              ? `head (snapshot) of stream ${append.streamId}`
              : `event ${append.expectedVersion + index} of stream ${append.streamId}`,
          );
          writes.push(write);
          owners.push(append);
        });
      }
      checkTransactionLimits(writes);
      try {
        // The token makes the SDK's own retries idempotent: a retried transaction that had in fact
        // committed succeeds instead of failing its conditions and posing as a conflict.
        await client.send(new TransactWriteItemsCommand({ TransactItems: writes, ClientRequestToken: randomUUID() }));
      } catch (error) {
        throw toConcurrencyError(error, owners) ?? error;
      }
      for (const listener of listeners) {
        try {
          listener();
        } catch (error) {
          console.error('keyledger: onAppended listener failed', error);
        }
      }
    },

    async readStream(streamId, fromVersion = 1) {
      const events: StoredEvent[] = [];
      let start: Item | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: '#pk = :pk AND #sk >= :from',
            ExpressionAttributeNames: {
              '#pk': EVENT_STORE_TABLE.partitionKey.name,
              '#sk': EVENT_STORE_TABLE.sortKey.name,
            },
            ExpressionAttributeValues: { ':pk': { S: streamId }, ':from': { N: String(Math.max(1, fromVersion)) } },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) events.push(eventFromItem(item));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      return events;
    },

    async readHead(streamId) {
      const { Item: item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: headKey(streamId), ConsistentRead: true }),
      );
      return item ? headFromItem(item) : null;
    },

    async readChanges(checkpoint, limit) {
      streams ??= dynamoDbStreamsClient({
        region: client.config.region,
        endpoint: client.config.endpoint,
        credentials: client.config.credentials,
      });
      streamArn ??= latestStreamArn().catch((error: unknown) => {
        streamArn = undefined; // let a later call retry, e.g. once the table exists
        throw error;
      });
      return readStreamChanges(streams, await streamArn, checkpoint, limit);
    },

    async *readAll(pageSize) {
      let start: Item | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            ConsistentRead: true,
            // Head items (sort key 0) are not events.
            FilterExpression: '#sk > :head',
            ExpressionAttributeNames: { '#sk': EVENT_STORE_TABLE.sortKey.name },
            ExpressionAttributeValues: { ':head': { N: String(EVENT_STORE_TABLE.headSortKey) } },
            Limit: pageSize,
            ExclusiveStartKey: start,
          }),
        );
        const events = (page.Items ?? []).map(eventFromItem);
        if (events.length > 0) yield events;
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
    },

    onAppended(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    close() {
      listeners.clear();
      if (ownsStreams) streams?.destroy();
      return Promise.resolve();
    },
  };
  return Promise.resolve(store);
}

function checkItemSize(write: TransactWriteItem, what: string): void {
  const size = itemSize(writtenItem(write)) + SIZE_MARGIN;
  if (size > DYNAMODB_LIMITS.itemBytes) {
    throw new CommitTooLargeError(
      `the ${what} is about ${size} bytes; DynamoDB allows ${DYNAMODB_LIMITS.itemBytes} per item`,
    );
  }
}

function checkTransactionLimits(writes: readonly TransactWriteItem[]): void {
  if (writes.length > DYNAMODB_LIMITS.itemsPerTransaction) {
    throw new CommitTooLargeError(
      `a commit writes ${writes.length} items (one head per stream plus one per event); DynamoDB allows ${DYNAMODB_LIMITS.itemsPerTransaction} per transaction`,
    );
  }
  const total = writes.reduce((sum, write) => sum + itemSize(writtenItem(write)), 0);
  if (total > DYNAMODB_LIMITS.transactionBytes) {
    throw new CommitTooLargeError(
      `a commit is about ${total} bytes; DynamoDB allows ${DYNAMODB_LIMITS.transactionBytes} per transaction`,
    );
  }
}

/**
 * Maps a cancelled transaction to the stream that caused it. ConditionalCheckFailed is a stream
 * not at its expected version; TransactionConflict is another transaction writing the same head at
 * the same moment, which the caller handles the same way (re-read, re-decide).
 */
function toConcurrencyError(error: unknown, owners: readonly StreamAppend[]): ConcurrencyError | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  const index = reasons.findIndex(
    (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
  );
  const owner = owners[index];
  if (owner) return new ConcurrencyError(owner.streamId, owner.expectedVersion, { cause: error });
  // Without reasons (some emulators omit them) the message still names the cause.
  const first = owners[0];
  if (first && /ConditionalCheckFailed|TransactionConflict/.test(error.message)) {
    return new ConcurrencyError(first.streamId, first.expectedVersion, { cause: error });
  }
  return undefined;
}
