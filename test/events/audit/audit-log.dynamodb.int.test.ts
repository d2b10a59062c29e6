import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { hsmCheckpointSigner } from '../../../application/audit/hsm-checkpoint-signer.ts';
import { AUDIT_TABLE } from '../../../events/audit/dynamodb/audit-table-schema.ts';
import { createAuditTable } from '../../../events/audit/dynamodb/create-audit-table.ts';
import { openDynamoDbAuditStorage } from '../../../events/audit/dynamodb/dynamodb-audit-storage.ts';
import type { Hsm } from '../../../application/ports/hsm.ts';
import { openSoftHsm } from '../../../functions/crypto/pkcs11/open-softhsm.ts';
import {
  deleteTables,
  dynamoDbLocalEndpoint,
  localDynamoDbClient,
  uniqueTableNamer,
} from '../../support/dynamodb-local.ts';
import { auditLogContract, type Tamper } from './audit-log.contract.ts';

const local = dynamoDbLocalEndpoint();
if ('error' in local) {
  void test('DynamoDB Local is available', () => assert.fail(local.error));
} else {
  const client = localDynamoDbClient(local.endpoint);
  const nextTable = uniqueTableNamer('keyledger-test-audit');
  const tables: string[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'keyledger-audit-ddb-'));
  let hsm: Hsm | undefined;
  after(async () => {
    await deleteTables(client, tables);
    client.destroy();
    await hsm?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const key = (pk: string, sk: number): Record<string, AttributeValue> => ({
    [AUDIT_TABLE.partitionKey.name]: { S: pk },
    [AUDIT_TABLE.sortKey.name]: { N: String(sk) },
  });

  /** Edits items directly with the AWS SDK, as someone with write access to the table could. */
  const itemTamper = (TableName: string): Tamper => {
    const get = async (chain: string, seq: number) =>
      (await client.send(new GetItemCommand({ TableName, Key: key(chain, seq), ConsistentRead: true }))).Item ?? {};
    const put = async (chain: string, seq: number, item: Record<string, AttributeValue>) => {
      await client.send(new PutItemCommand({ TableName, Item: { ...item, ...key(chain, seq) } }));
    };
    return {
      setField: async (chain, seq, field, value) => {
        await client.send(
          new UpdateItemCommand({
            TableName,
            Key: key(chain, seq),
            UpdateExpression: 'SET #f = :v',
            ExpressionAttributeNames: { '#f': field },
            ExpressionAttributeValues: { ':v': { S: value } },
          }),
        );
      },
      deleteRow: async (chain, seq) => {
        await client.send(new DeleteItemCommand({ TableName, Key: key(chain, seq) }));
      },
      swapRows: async (chain, a, b) => {
        const [x, y] = [await get(chain, a), await get(chain, b)];
        await put(chain, a, y);
        await put(chain, b, x);
      },
      putRow: async (chain, row) => {
        const { seq, instanceId: _instanceId, ...fields } = row;
        await put(chain, seq, Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { S: String(v) }])));
      },
      setCheckpointSignature: async (chain, n, signature) => {
        await client.send(
          new UpdateItemCommand({
            TableName,
            Key: key(`${chain}${AUDIT_TABLE.checkpointSuffix}`, n),
            UpdateExpression: 'SET signature = :v',
            ExpressionAttributeValues: { ':v': { S: signature } },
          }),
        );
      },
    };
  };

  auditLogContract(
    'dynamodb',
    async () => {
      const tableName = nextTable();
      tables.push(tableName);
      await createAuditTable(client, tableName);
      return {
        storage: await openDynamoDbAuditStorage({ client, tableName }),
        reopen: () => openDynamoDbAuditStorage({ client, tableName }),
        tamper: itemTamper(tableName),
      };
    },
    async () => {
      hsm ??= await openSoftHsm({ dataDir: dir });
      return hsmCheckpointSigner(hsm);
    },
  );
}
