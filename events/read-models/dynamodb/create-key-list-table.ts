import {
  ConditionalCheckFailedException,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { createTableIfMissing } from '../../dynamodb/create-table-if-missing.ts';
import { listedAttributes, listedOf } from './dynamodb-key-list.ts';
import { INDEXED_SORT_FIELDS, KEY_LIST_TABLE, SORT_INDEXES } from './key-list-table-schema.ts';

const { partitionKey: pk, sortKey: sk, attributes: a } = KEY_LIST_TABLE;

/**
 * Creates the key list table (with its sort indexes) if missing; the CDK stack mirrors it. A table
 * made before some index gets it, and its live rows get the attributes the indexes sort on
 * ({@link backfillListingAttributes}), so no key drops out of GET /keys.
 */
export async function createKeyListTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const added = await createTableIfMissing(client, tableName, KEY_LIST_TABLE);
  if (added.length > 0) await backfillListingAttributes(client, tableName);
}

/**
 * Gives every live key row that lacks one of its index sort keys all its listing attributes
 * (dynamodb-key-list.ts `listedAttributes`, from the row's own attributes or, for a row older than
 * them, its document), so it appears in every sort index. Each update applies only if the row is
 * still the version that was read: a row the projector rewrote meanwhile already has them.
 * Idempotent; returns the rows updated.
 */
export async function backfillListingAttributes(client: DynamoDBClient, tableName: string): Promise<number> {
  const orderNames = Object.fromEntries(INDEXED_SORT_FIELDS.map((f, i) => [`#o${i}`, SORT_INDEXES[f].attribute]));
  let updated = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: `#deleted = :false AND (${Object.keys(orderNames)
          .map((n) => `attribute_not_exists(${n})`)
          .join(' OR ')})`,
        ExpressionAttributeNames: { '#deleted': a.deleted, ...orderNames },
        ExpressionAttributeValues: { ':false': { BOOL: false } },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const keyId = item[sk.name]?.S;
      const version = item[a.lastVersion]?.N;
      if (keyId === undefined || version === undefined) continue;
      const attributes = listedAttributes(listedOf(item));
      const names: Record<string, string> = { '#v': a.lastVersion, '#deleted': a.deleted };
      const values: Record<string, AttributeValue> = { ':v': { N: version }, ':false': { BOOL: false } };
      const sets = Object.entries(attributes).map(([name, value], i) => {
        names[`#a${i}`] = name;
        values[`:a${i}`] = value;
        return `#a${i} = :a${i}`;
      });
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { [pk.name]: item[pk.name] as AttributeValue, [sk.name]: { S: keyId } },
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: '#v = :v AND #deleted = :false',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
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
