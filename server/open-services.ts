import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppServices } from '../application/services.ts';
import { openSoftHsm } from '../functions/crypto/pkcs11/open-softhsm.ts';
import { errorFields, logger } from '../functions/shared/logger.ts';
import { observeLogSync } from '../functions/shared/request-metrics.ts';
import type { KeyListReadModel } from '../application/ports/key-list.ts';
import { createKeyListTable } from '../events/read-models/dynamodb/create-key-list-table.ts';
import { openDynamoDbKeyList } from '../events/read-models/dynamodb/dynamodb-key-list.ts';
import { openSqliteKeyList } from '../events/read-models/sqlite/sqlite-key-list.ts';
import type { EventStore } from '../application/ports/event-store.ts';
import { createEventStoreTable } from '../events/store/dynamodb/create-table.ts';
import { openDynamoDbEventStore } from '../events/store/dynamodb/dynamodb-event-store.ts';
import { openSqliteEventStore } from '../events/store/sqlite/sqlite-event-store.ts';
import { openSharedSqliteDatabase, type SqliteSource } from '../events/store/sqlite/open-database.ts';
import type { ServerConfig } from './config.ts';
import type { InFlightRequests } from './in-flight-requests.ts';
import { localDynamoDbClient, localDynamoDbStreamsClient } from './local-dynamodb-clients.ts';
import { startLocalSchedules } from './local-schedules.ts';
import { localTableNames } from './local-tables.ts';
import { startReadModelFeed } from './read-model-feed.ts';
import type { AuditLog } from '../application/audit/audit-log.ts';
import { ChainedAuditLog } from '../application/audit/chained-audit-log.ts';
import { hsmCheckpointSigner } from '../application/audit/hsm-checkpoint-signer.ts';
import type { AuditReconcilerState } from '../application/ports/audit-reconciler-state.ts';
import type { AuditStorage } from '../application/ports/audit-storage.ts';
import { openDynamoDbAuditReconcilerState } from '../events/audit/dynamodb/dynamodb-audit-reconciler-state.ts';
import { openSqliteAuditReconcilerState } from '../events/audit/sqlite/sqlite-audit-reconciler-state.ts';
import { createAuditTable } from '../events/audit/dynamodb/create-audit-table.ts';
import { openDynamoDbAuditStorage } from '../events/audit/dynamodb/dynamodb-audit-storage.ts';
import { openSqliteAuditStorage } from '../events/audit/sqlite/sqlite-audit-storage.ts';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import {
  createIdempotencyTable,
  openDynamoDbIdempotencyStore,
} from '../events/idempotency/dynamodb/idempotency-table.ts';
import { SqliteIdempotencyStore } from '../events/idempotency/sqlite/sqlite-idempotency-store.ts';
import { WebhookDispatcher, webhookOptionsFromEnv } from './webhooks/webhook-dispatcher.ts';
import { WebhookOutbox } from './webhooks/webhook-outbox.ts';

interface Stores {
  readonly store: EventStore;
  readonly keyList: KeyListReadModel;
  readonly auditStorage: AuditStorage;
  readonly auditReconcilerState: AuditReconcilerState;
  /** Idempotency records of create and rotate retries (functions/shared/idempotent-request.ts). */
  readonly idempotency: BasePersistenceLayer;
  /** Where the webhook outbox lives: the stores' own connection in SQLite mode, webhooks.db beside DynamoDB. */
  readonly webhookSource: SqliteSource;
  /** Releases what the stores were opened on and do not own (the DynamoDB clients), after they are closed. */
  release(): Promise<void>;
}

async function openStores(config: ServerConfig, inFlight: InFlightRequests | undefined): Promise<Stores> {
  if (config.store === 'sqlite') {
    const shared = openSharedSqliteDatabase(join(config.dataDir, 'keyledger.db'), {
      onError: (error, next) => {
        logger.error(`WAL checkpoint failed; ${next}`, errorFields(error));
      },
      // With one request in flight (the one committing), nothing else waits for the event loop.
      syncOnLoop: inFlight && (() => inFlight.size <= 1),
      onSync: observeLogSync,
    });
    const source = { database: shared.database };
    try {
      const sqliteIdempotency = new SqliteIdempotencyStore(source);
      return {
        store: await openSqliteEventStore(source),
        keyList: await openSqliteKeyList(source),
        auditStorage: await openSqliteAuditStorage(source),
        auditReconcilerState: await openSqliteAuditReconcilerState(source),
        idempotency: sqliteIdempotency,
        webhookSource: source,
        release: async () => {
          sqliteIdempotency.close();
          await shared.close();
        },
      };
    } catch (error) {
      await shared.close();
      throw error;
    }
  }
  const client = localDynamoDbClient(config);
  const streamsClient = localDynamoDbStreamsClient(config);
  const tables = localTableNames(config);
  await createEventStoreTable(client, tables.events);
  await createKeyListTable(client, tables.keyList);
  await createAuditTable(client, tables.audit);
  await createIdempotencyTable(client, tables.idempotency);
  return {
    idempotency: openDynamoDbIdempotencyStore({ client, tableName: tables.idempotency }),
    webhookSource: { file: join(config.dataDir, 'webhooks.db') },
    auditStorage: await openDynamoDbAuditStorage({ client, tableName: tables.audit }),
    auditReconcilerState: openDynamoDbAuditReconcilerState({ client, tableName: tables.audit }),
    store: await openDynamoDbEventStore({ client, tableName: tables.events, streamsClient }),
    keyList: await openDynamoDbKeyList({ client, tableName: tables.keyList }),
    release: () => {
      client.destroy();
      streamsClient.destroy();
      return Promise.resolve();
    },
  };
}

interface LocalServices extends AppServices {
  /** The audit trail (hash-chained, HSM-signed checkpoints) in the same store as the events. */
  readonly audit: AuditLog;
  readonly auditReconcilerState: AuditReconcilerState;
  readonly idempotency: BasePersistenceLayer;
  close(): Promise<void>;
}

/**
 * Opens the event store, read models and HSM under the data directory, starts the in-process
 * projector, and assembles the application's services. `inFlight`: the requests the server is
 * serving, when there is a server (a log fsync runs on the event loop while it serves one only).
 */
export async function openServices(config: ServerConfig, inFlight?: InFlightRequests): Promise<LocalServices> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const hsm = await openSoftHsm({
    dataDir: config.dataDir,
    hsmDir: config.hsm.dir,
    pin: config.hsm.pin?.value,
    modulePath: config.pkcs11Module,
  });
  let stores: Stores;
  try {
    stores = await openStores(config, inFlight);
  } catch (error) {
    await hsm.close();
    throw error;
  }
  // SQLite: the in-process projector; DynamoDB: the Streams poller feeding the projector Lambda's handler (one path).
  const feed = startReadModelFeed(config, stores.store, stores.keyList);
  // DynamoDB mode runs the scheduled Lambda handler on the stack's schedule too.
  const schedules = config.store === 'dynamodb' ? await startLocalSchedules(config) : undefined;
  const audit = new ChainedAuditLog({
    storage: stores.auditStorage,
    signer: await hsmCheckpointSigner(hsm),
    sealIntervalMs: config.auditSealIntervalMs,
    onSealError: (chain, error) => {
      logger.error('audit checkpoint seal failed; retried after the seal interval', {
        chain,
        errorName: error instanceof Error ? error.name : typeof error,
      });
    },
  });
  const outbox = new WebhookOutbox(stores.webhookSource);
  const webhooks = new WebhookDispatcher(stores.store, outbox, hsm, webhookOptionsFromEnv(), (error) => {
    logger.error('webhook fan-out failed', errorFields(error));
  });
  webhooks.start();
  return {
    ...stores,
    hsm,
    audit,
    settings: config.settings,
    webhookDeliveries: outbox.deliveries(),
    catchUpReadModels: () => feed.catchUp(),
    now: () => new Date(),
    newId: () => randomUUID(),
    async close() {
      // The server has stopped accepting and finished in-flight requests: their records are queued or durable.
      await audit.close();
      await stores.auditReconcilerState.close();
      await webhooks.stop();
      await schedules?.stop();
      await feed.stop();
      await stores.keyList.close();
      await stores.store.close();
      await stores.release();
      await hsm.close();
    },
  };
}
