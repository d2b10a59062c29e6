/**
 * `keyledger read-models rebuild`: replays every event into fresh read models and swaps them in, on
 * the data directory directly, holding its lock (server/data-dir-lock.ts): the server must be stopped.
 *
 * Read models rebuilt: the key list (events/read-models), the only read model of events. Not
 * rebuilt, on purpose: the audit trail is its own record of requests, not derived from events (it
 * cannot be replayed, and its hash chain must never be rewritten); the webhook outbox holds
 * deliveries still owed to consumers, and replaying it would send every event again.
 *
 * - SQLite: the change feed (global position) replayed from its start by the live projector's own
 *   pass into a fresh key list in `key-list-rebuild.db`, then swapped into `keyledger.db` in one
 *   transaction (rows and checkpoint), so the projector resumes after the last event replayed.
 * - DynamoDB: every key stream, listed from the head items (the change feed, DynamoDB Streams,
 *   keeps only 24 hours), folded into a fresh staging table `<prefix>-key-list-rebuild`, which then
 *   replaces the live table's rows row by row (events/read-models/dynamodb/replace-key-list.ts). A
 *   crash in that step leaves a mark behind (server/data-dir-lock.ts), and the server refuses to start
 *   until a rebuild has run to its end.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import { KEY_LIST_PROJECTION } from '../events/projections/key-list-projection.ts';
import { replayChangeFeed, replayKeyStreams } from '../events/projections/rebuild-key-list.ts';
import { createKeyListTable } from '../events/read-models/dynamodb/create-key-list-table.ts';
import { openDynamoDbKeyList } from '../events/read-models/dynamodb/dynamodb-key-list.ts';
import { replaceDynamoDbKeyList } from '../events/read-models/dynamodb/replace-key-list.ts';
import type { KeyListReplacement } from '../events/read-models/key-list-replacement.ts';
import { replaceSqliteKeyList } from '../events/read-models/sqlite/replace-key-list.ts';
import { openSqliteKeyList } from '../events/read-models/sqlite/sqlite-key-list.ts';
import { openDynamoDbEventStore } from '../events/store/dynamodb/dynamodb-event-store.ts';
import { scanStreamHeads } from '../events/store/dynamodb/scan-stream-heads.ts';
import { openSqliteEventStore } from '../events/store/sqlite/sqlite-event-store.ts';
import type { ServerConfig } from './config.ts';
import { lockDataDir, markRebuildComplete, markRebuildIncomplete } from './data-dir-lock.ts';
import { localDynamoDbClient } from './local-dynamodb-clients.ts';
import { localTableNames } from './local-tables.ts';

interface RebuildReport {
  readonly store: 'sqlite' | 'dynamodb';
  readonly keyList: KeyListReplacement;
  readonly durationMs: number;
}

/** The fresh key list's database file under the data directory (SQLite); removed afterwards. */
const SQLITE_REBUILD_FILE = 'key-list-rebuild.db';

function removeSqliteFile(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

/** Hears each step of a rebuild, for a progress display: what is being done and how far it has come. */
export type RebuildProgress = (step: string) => void;

async function rebuildSqlite(config: ServerConfig, progress: RebuildProgress): Promise<KeyListReplacement> {
  const liveFile = join(config.dataDir, 'keyledger.db');
  const freshFile = join(config.dataDir, SQLITE_REBUILD_FILE);
  removeSqliteFile(freshFile);
  try {
    const store = await openSqliteEventStore({ file: liveFile });
    try {
      const fresh = await openSqliteKeyList({ file: freshFile });
      try {
        await replayChangeFeed(store, fresh, (events) => progress(`replaying events: ${events}`));
      } finally {
        await fresh.close();
      }
    } finally {
      await store.close();
    }
    progress('swapping the rebuilt key list in');
    return await replaceSqliteKeyList(liveFile, freshFile, KEY_LIST_PROJECTION);
  } finally {
    removeSqliteFile(freshFile);
  }
}

async function dropTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return;
    throw error;
  }
  await waitUntilTableNotExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
}

async function rebuildDynamoDb(config: ServerConfig, progress: RebuildProgress): Promise<KeyListReplacement> {
  const client = localDynamoDbClient(config);
  const { events: eventsTable, keyList: liveTable } = localTableNames(config);
  const freshTable = `${liveTable}-rebuild`;
  try {
    try {
      await client.send(new DescribeTableCommand({ TableName: eventsTable }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException)
        throw new Error(`no events table ${eventsTable} at ${config.dynamodbEndpoint} (check KEYLEDGER_TABLE_PREFIX)`, {
          cause: error,
        });
      throw error;
    }
    await createKeyListTable(client, liveTable);
    await dropTable(client, freshTable);
    await createKeyListTable(client, freshTable);
    const store = await openDynamoDbEventStore({ client, tableName: eventsTable });
    try {
      const fresh = await openDynamoDbKeyList({ client, tableName: freshTable });
      await replayKeyStreams(
        store,
        fresh,
        scanStreamHeads(client, eventsTable, 'key:'),
        `rebuild:${new Date().toISOString()}`,
        (rows) => progress(`folding key streams: ${rows}`),
      );
    } finally {
      await store.close();
    }
    // From here until the last row is replaced, the live key list is neither the old one nor the new one.
    markRebuildIncomplete(config.dataDir);
    progress('replacing the live key list');
    const replaced = await replaceDynamoDbKeyList(client, liveTable, freshTable);
    await dropTable(client, freshTable);
    return replaced;
  } finally {
    client.destroy();
  }
}

/**
 * Rebuilds the read models of the data directory `config` names; refuses while another process holds it.
 * `progress` hears each step (the CLI's progress line).
 */
export async function rebuildReadModels(
  config: ServerConfig,
  progress: RebuildProgress = () => undefined,
): Promise<RebuildReport> {
  const started = Date.now();
  const lock = await lockDataDir(config.dataDir, 'a read-model rebuild');
  try {
    const keyList =
      config.store === 'sqlite' ? await rebuildSqlite(config, progress) : await rebuildDynamoDb(config, progress);
    markRebuildComplete(config.dataDir);
    return { store: config.store, keyList, durationMs: Date.now() - started };
  } finally {
    lock.release();
  }
}
