/**
 * Makes the live key list table hold exactly the key rows of a rebuilt one (a staging table built
 * by the same adapter): rows that differ are overwritten, rows the rebuild has not are deleted, the
 * rest is left alone. Checkpoint items are not touched (the local Streams poller and the projector
 * Lambda keep their positions; replays after a rebuild are harmless, rows carry versions).
 *
 * Not one atomic step: DynamoDB has no transaction over a table, only over 100 items. Each row is
 * replaced atomically, no row is ever absent while it exists in both tables, and running the
 * replacement again after a crash completes it. Nothing may write the live table meanwhile (the
 * rebuild holds the data directory; on AWS, disable the projector's event source mapping first).
 */
import {
  DeleteItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { KeyListReplacement } from '../key-list-replacement.ts';
import { KEY_LIST_TABLE } from './key-list-table-schema.ts';

type Item = Record<string, AttributeValue>;

const { partitionKey: pk, sortKey: sk, checkpointPartition, attributes: a } = KEY_LIST_TABLE;
const CONCURRENCY = 16;

/** Key rows of a key list table by "instanceId/keyId" (checkpoint items excluded). */
async function keyRows(client: DynamoDBClient, tableName: string): Promise<Map<string, Item>> {
  const rows = new Map<string, Item>();
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) {
      const instanceId = item[pk.name]?.S;
      if (instanceId === undefined || instanceId === checkpointPartition) continue;
      rows.set(`${instanceId}/${item[sk.name]?.S ?? ''}`, item);
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return rows;
}

/** Order-independent text of an item, to tell equal rows from different ones. */
function canonical(item: Item): string {
  return JSON.stringify(
    Object.keys(item)
      .sort()
      .map((name) => [name, item[name]]),
  );
}

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += CONCURRENCY)
    await Promise.all(items.slice(start, start + CONCURRENCY).map(work));
}

export async function replaceDynamoDbKeyList(
  client: DynamoDBClient,
  liveTable: string,
  rebuiltTable: string,
): Promise<KeyListReplacement> {
  const [live, rebuilt] = await Promise.all([keyRows(client, liveTable), keyRows(client, rebuiltTable)]);
  const puts = [...rebuilt]
    .filter(([key, item]) => live.get(key) === undefined || canonical(live.get(key) as Item) !== canonical(item))
    .map(([, item]) => item);
  const deletes = [...live].filter(([key]) => !rebuilt.has(key)).map(([, item]) => item);
  await inBatches(puts, (item) => client.send(new PutItemCommand({ TableName: liveTable, Item: item })));
  await inBatches(deletes, (item) =>
    client.send(
      new DeleteItemCommand({
        TableName: liveTable,
        Key: { [pk.name]: item[pk.name] as AttributeValue, [sk.name]: item[sk.name] as AttributeValue },
      }),
    ),
  );
  const tombstones = [...rebuilt.values()].filter((item) => item[a.deleted]?.BOOL === true).length;
  return { live: rebuilt.size - tombstones, tombstones, changed: puts.length + deletes.length };
}
