import {
  ConditionalCheckFailedException,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { createTableIfMissing } from '../../dynamodb/create-table-if-missing.ts';
import { KEY_LIST_TABLE, listOrder } from './key-list-table-schema.ts';

const { partitionKey: pk, sortKey: sk, attributes: a } = KEY_LIST_TABLE;

/**
 * Creates the key list table (with its list-order index) if missing; the CDK stack mirrors it. A
 * table made before the index gets it, and its live rows get their `listOrder`
 * ({@link backfillListOrder}), so no key drops out of GET /keys.
 */
export async function createKeyListTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const added = await createTableIfMissing(client, tableName, KEY_LIST_TABLE);
  if (added.length > 0) await backfillListOrder(client, tableName);
}

/**
 * Gives every live key row without a `listOrder` its value, so it appears in the `byListOrder`
 * index. Each update applies only if the row is still the version that was read: a row the
 * projector rewrote meanwhile already has its `listOrder`. Idempotent; returns the rows updated.
 */
export async function backfillListOrder(client: DynamoDBClient, tableName: string): Promise<number> {
  let updated = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: '#pk, #sk, #created, #v',
        FilterExpression: '#deleted = :false AND attribute_not_exists(#order)',
        ExpressionAttributeNames: {
          '#pk': pk.name,
          '#sk': sk.name,
          '#created': a.creationDate,
          '#v': a.lastVersion,
          '#deleted': a.deleted,
          '#order': a.listOrder,
        },
        ExpressionAttributeValues: { ':false': { BOOL: false } },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const keyId = item[sk.name]?.S;
      const creationDate = item[a.creationDate]?.S;
      const version = item[a.lastVersion]?.N;
      if (keyId === undefined || creationDate === undefined || version === undefined) continue;
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { [pk.name]: item[pk.name] as AttributeValue, [sk.name]: { S: keyId } },
            UpdateExpression: 'SET #order = :order',
            ConditionExpression: '#v = :v AND #deleted = :false',
            ExpressionAttributeNames: { '#order': a.listOrder, '#v': a.lastVersion, '#deleted': a.deleted },
            ExpressionAttributeValues: {
              ':order': { S: listOrder(creationDate, keyId) },
              ':v': { N: version },
              ':false': { BOOL: false },
            },
          }),
        );
        updated += 1;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return updated;
}
