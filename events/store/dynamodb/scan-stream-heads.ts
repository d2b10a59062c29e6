/**
 * Every stream of the events table with its current version, read from the head items by a
 * strongly consistent Scan. For tools that need the whole history (a read-model rebuild): the
 * change feed (DynamoDB Streams) keeps only the last 24 hours, the table keeps everything.
 */
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EVENT_STORE_TABLE } from './table-schema.ts';

const { partitionKey: pk, sortKey: sk, headSortKey, attributes: a } = EVENT_STORE_TABLE;

/** One Scan page: stream id -> version, for the streams whose id starts with `prefix`. */
export async function* scanStreamHeads(
  client: DynamoDBClient,
  tableName: string,
  prefix: string,
): AsyncGenerator<Map<string, number>> {
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ConsistentRead: true,
        FilterExpression: '#sk = :head AND begins_with(#pk, :prefix)',
        ProjectionExpression: '#pk, #v',
        ExpressionAttributeNames: { '#pk': pk.name, '#sk': sk.name, '#v': a.version },
        ExpressionAttributeValues: { ':head': { N: String(headSortKey) }, ':prefix': { S: prefix } },
        ExclusiveStartKey: start,
      }),
    );
    const heads = new Map<string, number>();
    for (const item of page.Items ?? []) {
      const streamId = item[pk.name]?.S;
      const version = Number(item[a.version]?.N);
      if (streamId === undefined || !Number.isSafeInteger(version) || version < 1) {
        throw new Error(`corrupted head item in storage (${streamId ?? '?'})`);
      }
      heads.set(streamId, version);
    }
    yield heads;
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
}
