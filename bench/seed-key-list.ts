import { randomUUID } from 'node:crypto';
import { BatchWriteItemCommand, type BatchWriteItemCommandInput } from '@aws-sdk/client-dynamodb';
import { openDynamoDbKeyList, rowItem } from '../events/read-models/dynamodb/dynamodb-key-list.ts';
import { configFromEnv } from '../server/config.ts';
import { localDynamoDbClient } from '../server/local-dynamodb-clients.ts';
import { localTableNames } from '../server/local-tables.ts';

/**
 * Adds `count` rows to the DynamoDB key list of `$KEYLEDGER_TABLE_PREFIX`, each a copy of the row of
 * `templateKeyId` (a key bench/seed-keys.ts created) with its own id, name and dates, written 25 at a
 * time with BatchWriteItem: the listing at 100,000 keys on DynamoDB Local, whose event appends and
 * Streams are too slow to create that many keys through the application layer in a bench run. Only
 * listing reads these rows (their keys have no events). Prints the time taken as JSON.
 * Usage: node --import tsx bench/seed-key-list.ts <count> <instanceId> <templateKeyId>
 */
const [countArg = '0', instanceId = '', templateKeyId = ''] = process.argv.slice(2);

async function main(): Promise<void> {
  const count = Number(countArg);
  const config = configFromEnv();
  if (config.store !== 'dynamodb') throw new Error('seed-key-list is for DynamoDB only');
  const dynamodb = localDynamoDbClient(config);
  const tableName = localTableNames(config).keyList;
  const model = await openDynamoDbKeyList({ client: dynamodb, tableName });
  const stored = await model.get(instanceId, templateKeyId);
  if (!stored) throw new Error(`no key list row ${instanceId}/${templateKeyId}`);
  const { documentJson, ...template } = stored;
  const document = JSON.parse(documentJson) as Record<string, unknown>;
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const start = next;
        next += 25;
        const items = Array.from({ length: Math.min(25, count - start) }, (_, j) => {
          const i = start + j;
          const keyId = randomUUID();
          const date = new Date(Date.parse(template.creationDate) - (i + 1) * 1000).toISOString();
          const name = `bulk-${i}`;
          return {
            PutRequest: {
              Item: rowItem({
                ...template,
                keyId,
                name,
                creationDate: date,
                lastUpdateDate: date,
                document: { ...document, id: keyId, name, creationDate: date, lastUpdateDate: date },
              }),
            },
          };
        });
        let pending: BatchWriteItemCommandInput['RequestItems'] = { [tableName]: items };
        while (pending && Object.keys(pending).length > 0)
          pending = (await dynamodb.send(new BatchWriteItemCommand({ RequestItems: pending }))).UnprocessedItems;
      }
    }),
  );
  const writeS = (performance.now() - t0) / 1000;
  await model.close();
  dynamodb.destroy();
  console.log(JSON.stringify({ count, writeS }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
