/** Encoding of events and heads as DynamoDB items, and the writes of one stream's append. */
import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { StoredEvent, StreamAppend, StreamHead } from '../../../application/ports/event-store.ts';
import { dataToJson } from '../validate-appends.ts';
import { storedEventFromStreamRecord, parseJsonAttribute } from './stream-record.ts';
import { EVENT_STORE_TABLE } from './table-schema.ts';

export type Item = Record<string, AttributeValue>;

const { partitionKey: pk, sortKey: sk, headSortKey, attributes: a } = EVENT_STORE_TABLE;

export function headKey(streamId: string): Item {
  return { [pk.name]: { S: streamId }, [sk.name]: { N: String(headSortKey) } };
}

/** The transaction items of one stream's append: the head write first, then one Put per event. */
export function appendWrites(tableName: string, append: StreamAppend): TransactWriteItem[] {
  const newVersion = append.expectedVersion + append.events.length;
  const hasSnapshot = append.snapshot !== undefined;
  const snapshotJson = JSON.stringify(append.snapshot ?? null);
  const head: TransactWriteItem =
    append.expectedVersion === 0
      ? {
          Put: {
            TableName: tableName,
            Item: {
              ...headKey(append.streamId),
              [a.version]: { N: String(newVersion) },
              ...(hasSnapshot
                ? { [a.snapshot]: { S: snapshotJson }, [a.snapshotVersion]: { N: String(newVersion) } }
                : {}),
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': pk.name },
          },
        }
      : {
          // An Update, not a Put: a head whose append brings no snapshot keeps the previous one.
          Update: {
            TableName: tableName,
            Key: headKey(append.streamId),
            UpdateExpression: hasSnapshot ? 'SET #v = :new, #s = :snap, #sv = :new' : 'SET #v = :new',
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: {
              '#v': a.version,
              ...(hasSnapshot ? { '#s': a.snapshot, '#sv': a.snapshotVersion } : {}),
            },
            ExpressionAttributeValues: {
              ':new': { N: String(newVersion) },
              ':expected': { N: String(append.expectedVersion) },
              ...(hasSnapshot ? { ':snap': { S: snapshotJson } } : {}),
            },
          },
        };
  const events = append.events.map((event, index): TransactWriteItem => ({
    Put: {
      TableName: tableName,
      Item: {
        [pk.name]: { S: append.streamId },
        [sk.name]: { N: String(append.expectedVersion + index + 1) },
        [a.type]: { S: event.type },
        [a.schemaVersion]: { N: String(event.schemaVersion) },
        [a.data]: { S: dataToJson(event.data) },
        [a.meta]: { S: JSON.stringify(event.meta) },
      },
      // Redundant with the head condition while the head is intact; it keeps an event from ever
      // being overwritten even if a head item were lost or edited by hand.
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': pk.name },
    },
  }));
  return [head, ...events];
}

/** The full item a write leaves behind (for size checks); an Update's item is bounded by its values. */
export function writtenItem(write: TransactWriteItem): Item {
  if (write.Put?.Item) return write.Put.Item;
  if (write.Update?.Key) return { ...write.Update.Key, ...write.Update.ExpressionAttributeValues };
  return {};
}

/** Decodes an event item read with Query; the same path as a stream record's new image. */
export function eventFromItem(item: Item): StoredEvent {
  const event = storedEventFromStreamRecord({ eventName: 'INSERT', dynamodb: { NewImage: item } });
  if (!event) throw new Error('eventFromItem: the head item is not an event');
  return event;
}

export function headFromItem(item: Item): StreamHead {
  const streamId = item[pk.name]?.S;
  const version = Number(item[a.version]?.N);
  if (streamId === undefined || !Number.isSafeInteger(version) || version < 1) {
    throw new Error(`corrupted head item in storage (${streamId ?? '?'})`);
  }
  const snapshotVersion = item[a.snapshotVersion]?.N;
  if (snapshotVersion === undefined) return { streamId, version };
  return {
    streamId,
    version,
    snapshot: parseJsonAttribute(item[a.snapshot], `head ${streamId}`),
    snapshotVersion: Number(snapshotVersion),
  };
}
