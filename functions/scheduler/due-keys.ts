import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ScheduledTask } from './tasks.ts';

/** A key of the key-list read model whose scheduled action is due. */
export interface DueKey {
  readonly instanceId: string;
  readonly keyId: string;
}

/**
 * The key-list attribute (ISO-8601 time) that says when each task is due for a key: its expiration
 * date, the next rotation its policy calls for, the end of its restore window for the automatic purge.
 */
export const DUE_ATTRIBUTE: Record<ScheduledTask, string> = {
  expiration: 'expirationDate',
  rotation: 'nextRotationAt',
  purge: 'purgeAfter',
};

/** Keys of every instance whose `task` is due at `now`, read page by page from the key list. */
export async function findDueKeys(client: DynamoDBClient, tableName: string, task: ScheduledTask, now: Date): Promise<DueKey[]> {
  const due: DueKey[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({
      TableName: tableName,
      ProjectionExpression: 'instanceId, keyId',
      FilterExpression: '#due <= :now AND #state <> :destroyed',
      ExpressionAttributeNames: { '#due': DUE_ATTRIBUTE[task], '#state': 'state' },
      ExpressionAttributeValues: { ':now': { S: now.toISOString() }, ':destroyed': { S: 'Destroyed' } },
      ExclusiveStartKey: startKey,
    }));
    for (const item of page.Items ?? []) {
      const instanceId = item['instanceId']?.S;
      const keyId = item['keyId']?.S;
      if (instanceId !== undefined && keyId !== undefined) due.push({ instanceId, keyId });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return due;
}
