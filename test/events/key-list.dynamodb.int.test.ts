import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createKeyListTable } from '../../events/read-models/dynamodb/create-key-list-table.ts';
import { openDynamoDbKeyList } from '../../events/read-models/dynamodb/dynamodb-key-list.ts';
import type { KeyListReadModel } from '../../events/read-models/key-list.ts';
import { deleteTables, dynamoDbLocalEndpoint, localDynamoDbClient, uniqueTableNamer } from './dynamodb-local.ts';
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
}
