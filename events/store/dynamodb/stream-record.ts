/**
 * Turns a DynamoDB Streams record of the event store table into a {@link StoredEvent}. Shared by
 * the projector Lambda (records delivered by the event source mapping, `DynamoDBRecord` of
 * `@types/aws-lambda`), the local Streams poller and `readChanges` (records from GetRecords), so
 * all three see exactly the same events.
 */
import type { StoredEvent } from '../../../application/ports/event-store.ts';
import { parseStoredEvent, parseStoredJson } from '../stored-event-schema.ts';
import { EVENT_STORE_TABLE } from './table-schema.ts';

/** The attribute shapes the event store writes (strings and numbers only). */
interface StreamAttributeLike {
  readonly S?: string | undefined;
  readonly N?: string | undefined;
}

/**
 * The part of a stream record this module reads. Both Lambda's `DynamoDBRecord` and the
 * `Record` returned by `@aws-sdk/client-dynamodb-streams` GetRecords fit it structurally.
 */
export interface StreamRecordLike {
  readonly eventName?: string | undefined;
  readonly dynamodb?:
    | {
        readonly NewImage?: Readonly<Record<string, StreamAttributeLike>> | undefined;
        readonly Keys?: Readonly<Record<string, StreamAttributeLike>> | undefined;
        readonly SequenceNumber?: string | undefined;
      }
    | undefined;
}

const { partitionKey, sortKey, headSortKey, attributes } = EVENT_STORE_TABLE;

/**
 * The event an INSERT record carries, or null for records that are not events: head items (sort
 * key 0) and REMOVEs (the store never deletes; only a table-level purge would). Throws for a record
 * without a new image (the table's stream view type must include NEW_IMAGE), for a malformed event
 * (corruption must stop the projector, not be skipped) and for a MODIFY of an event item, since a
 * stored event is never rewritten.
 */
export function storedEventFromStreamRecord(record: StreamRecordLike): StoredEvent | null {
  if (record.eventName === 'REMOVE') return null;
  const image = record.dynamodb?.NewImage;
  if (!image) {
    throw new Error(`stream record without NewImage; the table stream must use ${EVENT_STORE_TABLE.streamViewType}`);
  }
  const streamId = image[partitionKey.name]?.S;
  const version = Number(image[sortKey.name]?.N);
  const where = `stream record ${record.dynamodb?.SequenceNumber ?? '?'} (${streamId ?? '?'} v${version})`;
  if (version === headSortKey) return null;
  if (record.eventName === 'MODIFY') throw new Error(`stored event rewritten: ${where}`);
  return parseStoredEvent(
    {
      streamId,
      version,
      type: image[attributes.type]?.S,
      schemaVersion: Number(image[attributes.schemaVersion]?.N),
      data: parseJsonAttribute(image[attributes.data], where),
      meta: parseJsonAttribute(image[attributes.meta], where),
    },
    where,
  );
}

/** Reads a JSON string attribute; a missing one yields undefined, which the envelope schema rejects. */
export function parseJsonAttribute(value: StreamAttributeLike | undefined, where: string): unknown {
  return value?.S === undefined ? undefined : parseStoredJson(value.S, where);
}
