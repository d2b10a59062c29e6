import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { AppServices } from '../application/services.ts';
import { openSoftHsm } from '../functions/crypto/pkcs11/open-softhsm.ts';
import { logger } from '../functions/shared/logger.ts';
import { Projector } from '../events/projections/projector.ts';
import type { KeyListReadModel } from '../events/read-models/key-list.ts';
import { createKeyListTable } from '../events/read-models/dynamodb/create-key-list-table.ts';
import { openDynamoDbKeyList } from '../events/read-models/dynamodb/dynamodb-key-list.ts';
import { openSqliteKeyList } from '../events/read-models/sqlite/sqlite-key-list.ts';
import type { EventStore } from '../events/store/event-store.ts';
import { createEventStoreTable } from '../events/store/dynamodb/create-table.ts';
import { openDynamoDbEventStore } from '../events/store/dynamodb/dynamodb-event-store.ts';
import { openSqliteEventStore } from '../events/store/sqlite/sqlite-event-store.ts';
import type { ServerConfig } from './config.ts';

interface Stores {
  readonly store: EventStore;
  readonly keyList: KeyListReadModel;
}

async function openStores(config: ServerConfig): Promise<Stores> {
  if (config.store === 'sqlite') {
    const file = join(config.dataDir, 'keyledger.db');
    return { store: await openSqliteEventStore({ file }), keyList: await openSqliteKeyList({ file }) };
  }
  if (!config.dynamodbEndpoint) throw new Error('KEYLEDGER_DYNAMODB_ENDPOINT is required with KEYLEDGER_STORE=dynamodb');
  const clientConfig = { endpoint: config.dynamodbEndpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const client = new DynamoDBClient(clientConfig);
  const eventsTable = `${config.tablePrefix}-events`;
  const keyListTable = `${config.tablePrefix}-key-list`;
  await createEventStoreTable(client, eventsTable);
  await createKeyListTable(client, keyListTable);
  return {
    store: await openDynamoDbEventStore({ client, tableName: eventsTable, streamsClient: new DynamoDBStreamsClient(clientConfig) }),
    keyList: await openDynamoDbKeyList({ client, tableName: keyListTable }),
  };
}

export interface LocalServices extends AppServices {
  close(): Promise<void>;
}

/**
 * Opens the event store, read models and HSM under the data directory, starts the in-process
 * projector, and assembles the application's services.
 */
export async function openServices(config: ServerConfig): Promise<LocalServices> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const hsm = await openSoftHsm({ dataDir: config.dataDir, modulePath: config.pkcs11Module });
  let stores: Stores;
  try {
    stores = await openStores(config);
  } catch (error) {
    await hsm.close();
    throw error;
  }
  const projector = new Projector(stores.store, stores.keyList, (error) => {
    logger.error('projection failed', { errorName: error instanceof Error ? error.name : typeof error, errorMessage: error instanceof Error ? error.message : undefined });
  });
  projector.start();
  return {
    ...stores,
    hsm,
    settings: config.settings,
    catchUpReadModels: () => projector.catchUp(),
    now: () => new Date(),
    newId: () => randomUUID(),
    async close() {
      await projector.stop();
      await stores.keyList.close();
      await stores.store.close();
      await hsm.close();
    },
  };
}
