import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createTableIfMissing } from '../../../events/dynamodb/create-table-if-missing.ts';
import { dynamoDbClient } from '../../../events/dynamodb/dynamodb-clients.ts';
import {
  backfillListingAttributes,
  createKeyListTable,
} from '../../../events/read-models/dynamodb/create-key-list-table.ts';
import { KEY_LIST_TABLE } from '../../../events/read-models/dynamodb/key-list-table-schema.ts';
import { openDynamoDbKeyList } from '../../../events/read-models/dynamodb/dynamodb-key-list.ts';
import type { KeyListReadModel } from '../../../application/ports/key-list.ts';
import type { KeySortField } from '../../../domain/keys/key-listing.ts';
import {
  deleteTables,
  dynamoDbLocalEndpoint,
  localConfig,
  localDynamoDbClient,
  uniqueTableNamer,
} from '../../support/dynamodb-local.ts';
import { DynamoDbFaultProxy } from '../../support/dynamodb-fault-proxy.ts';
import { keyListContract } from './key-list.contract.ts';

const local = dynamoDbLocalEndpoint();
if ('error' in local) {
  void test('DynamoDB Local is available', () => assert.fail(local.error));
} else {
  const { endpoint } = local;
  const nextTable = uniqueTableNamer('keyledger-test-keylist');
  const tables: string[] = [];
  const admin = localDynamoDbClient(endpoint);
  after(async () => {
    await deleteTables(admin, tables);
    admin.destroy();
  });

  const openOn = async (tableName: string): Promise<KeyListReadModel> => {
    const client = localDynamoDbClient(endpoint);
    const model = await openDynamoDbKeyList({ client, tableName });
    return { ...model, close: () => model.close().finally(() => client.destroy()) };
  };

  keyListContract('dynamodb', async () => {
    const tableName = nextTable();
    tables.push(tableName);
    await createKeyListTable(admin, tableName);
    return { model: await openOn(tableName), reopen: () => openOn(tableName) };
  });

  void test('a key list table made before its sort indexes gets them, and its rows stay listed in every order', async () => {
    const tableName = nextTable();
    tables.push(tableName);
    const { globalIndexes: _added, ...before } = KEY_LIST_TABLE;
    assert.deepEqual(await createTableIfMissing(admin, tableName, before), []);
    const instanceId = randomUUID();
    // Rows as the adapter wrote them before the indexes: the listing facts only in the document.
    const rows = [
      ['k2', '2024-01-02T00:00:00Z', 'beta', '2024-03-01T00:00:00Z'],
      ['k1', '2024-01-02T00:00:00Z', 'alpha', '2024-02-01T00:00:00Z'],
      ['k3', '2024-01-01T00:00:00Z', 'gamma', '2024-01-01T00:00:00Z'],
    ] as const;
    for (const [keyId, creationDate, name, lastUpdateDate] of rows) {
      await admin.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            pk: { S: instanceId },
            sk: { S: keyId },
            state: { N: '1' },
            extractable: { BOOL: false },
            keyRingId: { S: 'default' },
            creationDate: { S: creationDate },
            lastVersion: { N: '1' },
            deleted: { BOOL: false },
            document: { S: JSON.stringify({ id: keyId, name, aliases: [`${name}-alias`], lastUpdateDate }) },
          },
        }),
      );
    }
    await createKeyListTable(admin, tableName);
    const model = await openOn(tableName);
    const order = async (field: KeySortField, descending = false) =>
      (await model.list({ instanceId, limit: 10, offset: 0, sort: [{ field, descending }] })).map((r) => r.keyId);
    try {
      assert.deepEqual(await order('id'), ['k1', 'k2', 'k3']);
      assert.deepEqual(await order('creationDate'), ['k3', 'k1', 'k2']);
      assert.deepEqual(await order('lastUpdateDate', true), ['k2', 'k1', 'k3']);
      assert.deepEqual(await order('lastRotateDate'), ['k1', 'k2', 'k3']);
      const found = await model.list({
        instanceId,
        limit: 10,
        offset: 0,
        search: { query: 'ALPHA-', scopes: ['alias'], not: false, exact: false },
      });
      assert.deepEqual(
        found.map((r) => r.keyId),
        ['k1'],
      );
      const k1 = await model.get(instanceId, 'k1');
      assert.deepEqual(
        [k1?.name, k1?.aliases, k1?.lastUpdateDate],
        ['alpha', ['alpha-alias'], '2024-02-01T00:00:00.000Z'],
      );
      assert.equal(await backfillListingAttributes(admin, tableName), 0, 'a second backfill finds nothing to do');
      await createKeyListTable(admin, tableName);
    } finally {
      await model.close();
    }
  });

  // Both kinds of client: keyledger's (the server's; it reports DynamoDB unavailable once the SDK's retries are
  // spent) and a plain SDK client (which throws the SDK's own error).
  for (const [kind, clientOn] of [
    ['keyledger', (url: string) => dynamoDbClient(localConfig(url))],
    ['plain SDK', localDynamoDbClient],
  ] as const) {
    void test(`an index addition refused with a server fault through all of the SDK retries is tried again (${kind} client)`, async () => {
      const tableName = nextTable();
      tables.push(tableName);
      const { globalIndexes, ...before } = KEY_LIST_TABLE;
      await createTableIfMissing(admin, tableName, before);
      const proxy = new DynamoDbFaultProxy(endpoint);
      await proxy.start();
      const client = clientOn(proxy.url);
      try {
        // The first six UpdateTable requests fail, more than one SDK call tries (its own retries included), then
        // DynamoDB answers again.
        let refusals = 0;
        proxy.set(({ target }) => (target === 'UpdateTable' && refusals++ < 6 ? 'fail' : 'pass'));
        const added = await createTableIfMissing(client, tableName, KEY_LIST_TABLE);
        assert.equal(proxy.injected.fail, 6);
        assert.deepEqual(
          added,
          (globalIndexes ?? []).map((i) => i.name),
        );
        const { Table: described } = await admin.send(new DescribeTableCommand({ TableName: tableName }));
        assert.deepEqual(
          (described?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.IndexStatus]).sort(),
          (globalIndexes ?? []).map((i) => [i.name, 'ACTIVE']).sort(),
        );
      } finally {
        client.destroy();
        await proxy.close();
      }
    });
  }
}
