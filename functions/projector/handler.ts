import { dynamoDbClient } from '../../events/dynamodb/dynamodb-clients.ts';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { KEY_LIST_PROJECTION, projectKeyList } from '../../events/projections/key-list-projection.ts';
import type { KeyListReadModel } from '../../application/ports/key-list.ts';
import { openDynamoDbKeyList } from '../../events/read-models/dynamodb/dynamodb-key-list.ts';
import type { EventStore, StoredEvent } from '../../application/ports/event-store.ts';
import { openDynamoDbEventStore } from '../../events/store/dynamodb/dynamodb-event-store.ts';
import { storedEventFromStreamRecord } from '../../events/store/dynamodb/stream-record.ts';
import { logger } from '../shared/logger.ts';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { publicEventOf } from '../../events/public/key-state-events.ts';
import type { PublicKeyEvent } from '../../events/public/key-state-event-schemas.ts';
import { eventBridgePublisher, type KeyStatePublisher } from './eventbridge-publisher.ts';

export interface ProjectorDeps {
  readonly store: EventStore;
  readonly keyList: KeyListReadModel;
  /** Key-state events go here once their batch is projected (EventBridge on AWS); none = not published. */
  readonly publish?: KeyStatePublisher | undefined;
}

/**
 * Projects one batch of event-store stream records into the read models. The projection folds each
 * touched key stream up to the newest version in the batch, so it is idempotent: when it fails, the
 * first record is reported as the batch item failure and Lambda retries the whole batch (bisecting on
 * repeated errors), which changes nothing that was already applied.
 */
export async function projectRecords(
  records: readonly DynamoDBRecord[],
  deps: ProjectorDeps,
): Promise<DynamoDBBatchResponse> {
  const first = records[0]?.dynamodb?.SequenceNumber;
  const last = records[records.length - 1]?.dynamodb?.SequenceNumber;
  if (first === undefined || last === undefined) return { batchItemFailures: [] };
  try {
    const events = records.map((r) => storedEventFromStreamRecord(r)).filter((e): e is StoredEvent => e !== null);
    const { upserts, deletes } = await projectKeyList(deps.store, events);
    await deps.keyList.applyBatch(KEY_LIST_PROJECTION, last, upserts, deletes);
    // After the read model, so a retried batch (at least once) republishes rather than skips.
    await deps.publish?.(events.map(publicEventOf).filter((e): e is PublicKeyEvent => e !== null));
    return { batchItemFailures: [] };
  } catch (error) {
    logger.error('projection failed', {
      sequenceNumber: first,
      errorName: error instanceof Error ? error.name : typeof error,
    });
    return { batchItemFailures: [{ itemIdentifier: first }] };
  }
}

let deps: Promise<ProjectorDeps> | undefined;

function depsFromEnv(): Promise<ProjectorDeps> {
  const eventsTable = process.env.KEYLEDGER_EVENTS_TABLE;
  const readModelsTable = process.env.KEYLEDGER_READ_MODELS_TABLE;
  if (!eventsTable || !readModelsTable)
    throw new Error('KEYLEDGER_EVENTS_TABLE and KEYLEDGER_READ_MODELS_TABLE must be set');
  const client = dynamoDbClient();
  return Promise.all([
    openDynamoDbEventStore({ client, tableName: eventsTable }),
    openDynamoDbKeyList({ client, tableName: readModelsTable }),
  ]).then(([store, keyList]) => {
    const bus = process.env.KEYLEDGER_EVENT_BUS;
    return { store, keyList, publish: bus ? eventBridgePublisher(new EventBridgeClient({}), bus) : undefined };
  });
}

/** DynamoDB Streams event source of the events table (ReportBatchItemFailures on). */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  deps ??= depsFromEnv();
  return projectRecords(event.Records, await deps);
}
