/**
 * The key list on DynamoDB. Rows are written one conditional Put each ("only if newer than the
 * version stored"), then the checkpoint: a transaction would be cancelled whole by one stale row,
 * and stale rows are exactly what a replay brings. See {@link KeyListReadModel.applyBatch}.
 */
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { SCHEDULE_FIELDS, type KeySchedule } from '../../../domain/keys/schedule.ts';
import type {
  DueKey,
  KeyListFilter,
  KeyListReadModel,
  KeyRemoval,
  KeySummaryRow,
} from '../../../application/ports/key-list.ts';
import { assertKeySummaryRow, FINAL_REMOVAL_VERSION, storedKeySummaryRow } from '../key-summary-schema.ts';
import { KEY_LIST_TABLE, listOrder } from './key-list-table-schema.ts';

type Item = Record<string, AttributeValue>;

export interface DynamoDbKeyListOptions {
  /** Owned by the caller: `close` does not destroy it. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

const { partitionKey: pk, sortKey: sk, checkpointPartition, attributes: a } = KEY_LIST_TABLE;
/** Fewest rows one listing request reads from the index (see `matching`). */
const MIN_READ = 100;
/** Rows written at once by applyBatch: enough to hide latency, few enough not to throttle a table. */
const WRITE_CONCURRENCY = 16;

/** Opens the key list on an existing table (see `createKeyListTable`); does no I/O until used. */
export function openDynamoDbKeyList(options: DynamoDbKeyListOptions): Promise<KeyListReadModel> {
  const { client, tableName } = options;

  const putIfNewer = async (item: Item, lastVersion: number): Promise<void> => {
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk) OR #v < :v',
          ExpressionAttributeNames: { '#pk': pk.name, '#v': a.lastVersion },
          ExpressionAttributeValues: { ':v': { N: String(lastVersion) } },
        }),
      );
    } catch (error) {
      // The stored row is as new or newer: this write is a replay or a duplicate.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  };

  const [listIndex] = KEY_LIST_TABLE.globalIndexes;

  /**
   * Reads rows of the instance matching `filter`, in list order when `ordered` (the `byListOrder`
   * index; otherwise the table, whose partition is read whole), stopping once `want` rows matched.
   * State and extractable filter in DynamoDB (still charged as read); key ring and key id lists,
   * which can be long (FilterExpression is capped at 4 KB), in memory. Each request asks for what is
   * still missing (DynamoDB's Limit counts rows before filters; at least {@link MIN_READ} so a
   * selective state filter does not crawl), but none when memory filters: those may match few rows
   * of many, and 1 MB pages then take the fewest round trips.
   */
  const matching = async (
    filter: KeyListFilter,
    options: { ordered: boolean; project?: string[]; want?: number },
  ): Promise<Item[]> => {
    if (filter.states?.length === 0 || filter.keyRingIds?.length === 0 || filter.keyIds?.length === 0) return [];
    const names: Record<string, string> = { '#pk': pk.name, '#deleted': a.deleted };
    const values: Item = { ':pk': { S: filter.instanceId }, ':false': { BOOL: false } };
    const filters = ['#deleted = :false'];
    if (filter.states) {
      names['#state'] = a.state;
      const placeholders = filter.states.map((state, i) => {
        values[`:s${i}`] = { N: String(state) };
        return `:s${i}`;
      });
      filters.push(`#state IN (${placeholders.join(', ')})`);
    }
    if (filter.extractable !== undefined) {
      names['#extractable'] = a.extractable;
      values[':extractable'] = { BOOL: filter.extractable };
      filters.push('#extractable = :extractable');
    }
    const projection = options.project?.map((attribute, i) => {
      names[`#p${i}`] = attribute;
      return `#p${i}`;
    });
    const keyRings = filter.keyRingIds ? new Set(filter.keyRingIds) : undefined;
    const keys = filter.keyIds ? new Set(filter.keyIds) : undefined;
    const matched: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          ...(options.ordered ? { IndexName: listIndex.name } : {}),
          KeyConditionExpression: '#pk = :pk',
          FilterExpression: filters.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ...(projection ? { ProjectionExpression: projection.join(', ') } : {}),
          ...(options.want !== undefined && !keyRings && !keys
            ? { Limit: Math.max(options.want - matched.length, MIN_READ) }
            : {}),
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        if ((!keyRings || keyRings.has(item[a.keyRingId]?.S ?? '')) && (!keys || keys.has(item[sk.name]?.S ?? '')))
          matched.push(item);
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined && (options.want === undefined || matched.length < options.want));
    return matched;
  };

  const model: KeyListReadModel = {
    async applyBatch(projection, checkpoint, upserts, deletes) {
      upserts.forEach(assertKeySummaryRow);
      const writes = newestWrites(upserts, deletes);
      for (let start = 0; start < writes.length; start += WRITE_CONCURRENCY) {
        await Promise.all(writes.slice(start, start + WRITE_CONCURRENCY).map((w) => putIfNewer(w.item, w.lastVersion)));
      }
      // Last, so a crash before it replays the batch instead of skipping it. Checkpoints of the
      // DynamoDB Streams feed are not ordered, so this one is not compared: there is one projector
      // per projection, and the rows' own versions already make a replay harmless.
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            [pk.name]: { S: checkpointPartition },
            [sk.name]: { S: projection },
            [a.checkpoint]: { S: checkpoint },
          },
        }),
      );
    },

    async getCheckpoint(projection) {
      const { Item: item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: { [pk.name]: { S: checkpointPartition }, [sk.name]: { S: projection } },
          ConsistentRead: true,
        }),
      );
      return item?.[a.checkpoint]?.S ?? null;
    },

    /**
     * Reads the `byListOrder` index in order until offset + limit rows matched: a first page costs
     * about itself, whatever the size of the instance (a far offset costs what it skips).
     */
    async list(query) {
      if (
        !Number.isSafeInteger(query.limit) ||
        query.limit < 0 ||
        !Number.isSafeInteger(query.offset) ||
        query.offset < 0
      ) {
        throw new RangeError('limit and offset must be non-negative integers');
      }
      if (query.limit === 0) return [];
      const want = query.offset + query.limit;
      const rows = await matching(query, { ordered: true, want });
      return rows.slice(query.offset, want).map(toSummary);
    },

    /**
     * Reads the instance's partition (charged whole: filters apply after the read), but only the
     * attributes the in-memory filters need.
     */
    async count(filter) {
      return (await matching(filter, { ordered: false, project: [sk.name, a.keyRingId] })).length;
    },

    /**
     * A filtered Scan of the whole table, sorted and sliced in memory. Cost: every call reads the
     * table (RCUs are charged before the filter), once per scheduler run (every minute on AWS).
     * Fine for tens of thousands of keys; beyond that, a sparse GSI per schedule field
     * (pk = a few shards, sk = dueAt#instanceId#keyId) makes it a Query of the due rows only.
     */
    async listDue(query): Promise<DueKey[]> {
      if (!Number.isSafeInteger(query.limit) || query.limit < 0)
        throw new RangeError('limit must be a non-negative integer');
      const attribute = a[query.field];
      const due: DueKey[] = [];
      let start: Item | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            ProjectionExpression: '#pk, #sk, #due',
            FilterExpression: '#due <= :at AND #deleted = :false',
            ExpressionAttributeNames: { '#pk': pk.name, '#sk': sk.name, '#due': attribute, '#deleted': a.deleted },
            ExpressionAttributeValues: { ':at': { S: query.atOrBefore }, ':false': { BOOL: false } },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          const instanceId = item[pk.name]?.S;
          const keyId = item[sk.name]?.S;
          const dueAt = item[attribute]?.S;
          if (instanceId !== undefined && keyId !== undefined && dueAt !== undefined)
            due.push({ instanceId, keyId, dueAt });
        }
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
      const order = (x: DueKey, y: DueKey): number =>
        compare(x.dueAt, y.dueAt) || compare(x.instanceId, y.instanceId) || compare(x.keyId, y.keyId);
      const after = query.after;
      return due
        .sort(order)
        .filter((d) => after === undefined || order(d, after) > 0)
        .slice(0, query.limit);
    },

    async get(instanceId, keyId) {
      const { Item: item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: { [pk.name]: { S: instanceId }, [sk.name]: { S: keyId } } }),
      );
      return item && item[a.deleted]?.BOOL !== true ? toSummary(item) : null;
    },

    close: () => Promise.resolve(),
  };
  return Promise.resolve(model);
}

interface Write {
  readonly key: string;
  readonly item: Item;
  readonly lastVersion: number;
}

/** One write per key, the newest of the batch: concurrent Puts of one key would race each other. */
function newestWrites(upserts: readonly KeySummaryRow[], deletes: readonly KeyRemoval[]): Write[] {
  const newest = new Map<string, Write>();
  const keep = (write: Write): void => {
    const existing = newest.get(write.key);
    if (!existing || write.lastVersion > existing.lastVersion) newest.set(write.key, write);
  };
  for (const row of upserts) {
    keep({
      key: JSON.stringify([row.instanceId, row.keyId]),
      lastVersion: row.lastVersion,
      item: {
        [pk.name]: { S: row.instanceId },
        [sk.name]: { S: row.keyId },
        [a.state]: { N: String(row.state) },
        [a.extractable]: { BOOL: row.extractable },
        [a.keyRingId]: { S: row.keyRingId },
        [a.creationDate]: { S: row.creationDate },
        [a.lastVersion]: { N: String(row.lastVersion) },
        [a.deleted]: { BOOL: false },
        [a.document]: { S: JSON.stringify(row.document) },
        [a.listOrder]: { S: listOrder(row.creationDate, row.keyId) },
        ...scheduleAttributes(row.schedule),
      },
    });
  }
  for (const removal of deletes) {
    const lastVersion = removal.lastVersion ?? FINAL_REMOVAL_VERSION;
    keep({
      key: JSON.stringify([removal.instanceId, removal.keyId]),
      lastVersion,
      item: {
        [pk.name]: { S: removal.instanceId },
        [sk.name]: { S: removal.keyId },
        [a.lastVersion]: { N: String(lastVersion) },
        [a.deleted]: { BOOL: true },
      },
    });
  }
  return [...newest.values()];
}

function scheduleAttributes(schedule: KeySchedule | undefined): Item {
  const item: Item = {};
  for (const field of SCHEDULE_FIELDS) {
    const value = schedule?.[field];
    if (value !== undefined) item[a[field]] = { S: value };
  }
  return item;
}

function scheduleOf(item: Item): KeySchedule | undefined {
  const schedule: { -readonly [F in keyof KeySchedule]?: string } = {};
  for (const field of SCHEDULE_FIELDS) {
    const value = item[a[field]]?.S;
    if (value !== undefined) schedule[field] = value;
  }
  return Object.keys(schedule).length > 0 ? schedule : undefined;
}

function compare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

function toSummary(item: Item): KeySummaryRow {
  const schedule = scheduleOf(item);
  return storedKeySummaryRow(
    {
      instanceId: item[pk.name]?.S as string,
      keyId: item[sk.name]?.S as string,
      state: Number(item[a.state]?.N),
      extractable: item[a.extractable]?.BOOL as boolean,
      keyRingId: item[a.keyRingId]?.S as string,
      creationDate: item[a.creationDate]?.S as string,
      lastVersion: Number(item[a.lastVersion]?.N),
      document: item[a.document]?.S,
      ...(schedule !== undefined ? { schedule } : {}),
    },
    `${item[pk.name]?.S ?? '?'}/${item[sk.name]?.S ?? '?'}`,
  );
}
