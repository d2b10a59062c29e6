import { join } from 'node:path';
import { projectRecords } from '../functions/projector/handler.ts';
import { errorFields, logger } from '../functions/shared/logger.ts';
import { Projector } from '../events/projections/projector.ts';
import type { KeyListReadModel } from '../application/ports/key-list.ts';
import type { EventStore } from '../application/ports/event-store.ts';
import type { ServerConfig } from './config.ts';
import { DynamoDbStreamsPoller } from './dynamodb-streams-poller.ts';
import { localDynamoDbClient, localDynamoDbStreamsClient } from './local-dynamodb-clients.ts';
import { localTableNames } from './local-tables.ts';

/** How the local server keeps its read models fed: one path per mode, never two. */
interface ReadModelFeed {
  /** Resolves once everything appended before the call is projected (read-your-writes). */
  catchUp(): Promise<void>;
  stop(): Promise<void>;
}

/** Name of the streams poller's checkpoint file under the data directory (DynamoDB mode). */
export const STREAMS_CHECKPOINT_FILE = 'dynamodb-streams-checkpoint.json';

function logFailure(what: string) {
  return (error: unknown): void => {
    logger.error(what, errorFields(error));
  };
}

/**
 * SQLite: the in-process {@link Projector} reads the global position change feed.
 * DynamoDB (Local): the {@link DynamoDbStreamsPoller} reads the events table's stream and hands the
 * projector Lambda's handler logic the records Lambda would, so the read models fill through the
 * Streams path as on AWS; the in-process projector does not run.
 */
export function startReadModelFeed(config: ServerConfig, store: EventStore, keyList: KeyListReadModel): ReadModelFeed {
  if (config.store === 'sqlite') {
    const projector = new Projector(store, keyList, logFailure('projection failed'));
    projector.start();
    return { catchUp: () => projector.catchUp(), stop: () => projector.stop() };
  }
  const dynamodb = localDynamoDbClient(config);
  const streams = localDynamoDbStreamsClient(config);
  const poller = new DynamoDbStreamsPoller({
    dynamodb,
    streams,
    tableName: localTableNames(config).events,
    checkpointFile: join(config.dataDir, STREAMS_CHECKPOINT_FILE),
    handle: (records) => projectRecords(records, { store, keyList }),
    onError: logFailure('streams poller: pass failed'),
  });
  poller.start();
  const unsubscribe = store.onAppended?.(() => poller.wake());
  return {
    catchUp: () => poller.catchUp(),
    async stop() {
      unsubscribe?.();
      await poller.stop();
      dynamodb.destroy();
      streams.destroy();
    },
  };
}
