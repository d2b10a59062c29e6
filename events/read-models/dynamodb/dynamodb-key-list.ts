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
import {
  datesMatch,
  DEFAULT_KEY_SORT,
  keyOrder,
  listingDate,
  searchMatches,
  type KeySortField,
  type ListedKey,
} from '../../../domain/keys/key-listing.ts';
import { SCHEDULE_FIELDS, type KeySchedule } from '../../../domain/keys/schedule.ts';
import type {
  DueKey,
  KeyListFilter,
  KeyListReadModel,
  KeyRemoval,
  KeySummaryRow,
  ListedKeyRow,
} from '../../../application/ports/key-list.ts';
import { assertKeySummaryRow, FINAL_REMOVAL_VERSION, storedKeySummaryRow } from '../key-summary-schema.ts';
import { INDEXED_SORT_FIELDS, KEY_LIST_TABLE, orderAttribute, SORT_INDEXES } from './key-list-table-schema.ts';

type Item = Record<string, AttributeValue>;

export interface DynamoDbKeyListOptions {
  /** Owned by the caller: `close` does not destroy it. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

const { partitionKey: pk, sortKey: sk, checkpointPartition, attributes: a } = KEY_LIST_TABLE;
/** Fewest rows one listing request reads (see `matching`). */
const MIN_READ = 100;
/** Rows written at once by applyBatch: enough to hide latency, few enough not to throttle a table. */
const WRITE_CONCURRENCY = 16;
interface Reading {
  /** The sort property whose order to read in (an index, or the table for `id`). */
  readonly field: KeySortField;
  readonly descending: boolean;
  /** Stop once this many rows matched (undefined: read everything). */
  readonly want?: number | undefined;
  /** Also read on until the rows equal to the last wanted one on `field` are all read (a sort on more properties orders them). */
  readonly wholeTies?: boolean | undefined;
}

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

  /**
   * Reads rows of the instance matching `filter` in the order of `reading.field` (its index, or the
   * table for the id), stopping once `want` rows matched (and, with `wholeTies`, the rows equal to the
   * last of them on that property were read). State and extractable filter in DynamoDB (still charged
   * as read); key rings, visibility, dates and search in memory (the domain's own matchers; key ring
   * and key id lists can be long, and FilterExpression is capped at 4 KB). Each request asks for what
   * is still missing (DynamoDB's Limit counts rows before filters; at least {@link MIN_READ} so a
   * selective state filter does not crawl), but none when memory filters: those may match few rows of
   * many, and 1 MB pages then take the fewest round trips.
   */
  const matching = async (filter: KeyListFilter, reading: Reading): Promise<Item[]> => {
    if (filter.states?.length === 0 || filter.keyRingIds?.length === 0) return [];
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
    const inMemory = inMemoryFilter(filter);
    const index = reading.field === 'id' ? undefined : SORT_INDEXES[reading.field];
    const tieValue = (item: Item): string | undefined =>
      (index ? item[index.attribute]?.S : item[sk.name]?.S)?.replace(/#[^#]*$/, '');
    const matched: Item[] = [];
    let tie: string | undefined;
    let start: Item | undefined;
    const enough = (): boolean => reading.want !== undefined && matched.length >= reading.want && !reading.wholeTies;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          ...(index ? { IndexName: index.index } : {}),
          KeyConditionExpression: '#pk = :pk',
          FilterExpression: filters.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: !reading.descending,
          ...(reading.want !== undefined && !inMemory && !reading.wholeTies
            ? { Limit: Math.max(reading.want - matched.length, MIN_READ) }
            : {}),
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        if (tie !== undefined && tieValue(item) !== tie) return matched;
        if (!inMemory || inMemory(item)) {
          matched.push(item);
          if (reading.wholeTies && reading.want !== undefined && matched.length === reading.want) tie = tieValue(item);
        }
        if (enough()) return matched;
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
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
      const sort = query.sort && query.sort.length > 0 ? query.sort : DEFAULT_KEY_SORT;
      const [first] = sort;
      if (!first) throw new Error('invariant: a sort has a first property');
      const want = query.offset + query.limit;
      const rows = (
        await matching(query, { field: first.field, descending: first.descending, want, wholeTies: sort.length > 1 })
      ).map(toSummary);
      if (sort.length > 1) rows.sort(keyOrder(sort));
      return rows
        .slice(query.offset, want)
        .map(({ instanceId, keyId, state, documentJson }) => ({ instanceId, keyId, state, documentJson }));
    },

    /** Reads the instance's partition (charged whole: filters apply after the read); with `atMost`, only until that many matched. */
    async count(filter, atMost) {
      return (await matching(filter, { field: 'id', descending: false, want: atMost })).length;
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
    keep({ key: JSON.stringify([row.instanceId, row.keyId]), lastVersion: row.lastVersion, item: rowItem(row) });
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

/** The item of a live row. */
export function rowItem(row: KeySummaryRow): Item {
  return {
    [pk.name]: { S: row.instanceId },
    [sk.name]: { S: row.keyId },
    ...listedAttributes(row),
    [a.keyRingId]: { S: row.keyRingId },
    [a.lastVersion]: { N: String(row.lastVersion) },
    [a.deleted]: { BOOL: false },
    [a.document]: { S: JSON.stringify(row.document) },
    ...scheduleAttributes(row.schedule),
  };
}

/** The attributes of a row's listing facts, with the sort key of each sort property's index. */
export function listedAttributes(key: ListedKey): Item {
  const item: Item = {
    [a.name]: { S: key.name },
    [a.aliases]: { S: JSON.stringify(key.aliases) },
    [a.state]: { N: String(key.state) },
    [a.extractable]: { BOOL: key.extractable },
    [a.imported]: { BOOL: key.imported },
    [a.creationDate]: { S: key.creationDate },
    [a.lastUpdateDate]: { S: key.lastUpdateDate },
  };
  for (const field of ['lastRotateDate', 'deletionDate', 'expirationDate'] as const) {
    const value = key[field];
    if (value !== undefined) item[a[field]] = { S: value };
  }
  for (const field of INDEXED_SORT_FIELDS) item[SORT_INDEXES[field].attribute] = { S: orderAttribute(key, field) };
  return item;
}

/**
 * A row's listing facts from its attributes, or, for a row written before they existed (until the
 * backfill of create-key-list-table.ts reaches it), from its document.
 */
export function listedOf(item: Item): ListedKey {
  const keyId = item[sk.name]?.S ?? '';
  if (item[a.name]?.S === undefined) return listedFromDocument(keyId, item);
  const date = (attribute: string): { [k: string]: string } | undefined => {
    const value = item[attribute]?.S;
    return value === undefined ? undefined : { [attribute]: value };
  };
  return {
    keyId,
    name: item[a.name]?.S as string,
    aliases: JSON.parse(item[a.aliases]?.S ?? '[]') as string[],
    state: Number(item[a.state]?.N),
    extractable: item[a.extractable]?.BOOL as boolean,
    imported: item[a.imported]?.BOOL as boolean,
    creationDate: item[a.creationDate]?.S as string,
    lastUpdateDate: item[a.lastUpdateDate]?.S as string,
    ...date(a.lastRotateDate),
    ...date(a.deletionDate),
    ...date(a.expirationDate),
  };
}

/** The listing facts in a row's Key Protect document (the API's own field names). */
function listedFromDocument(keyId: string, item: Item): ListedKey {
  const doc = JSON.parse(item[a.document]?.S ?? '{}') as Record<string, unknown>;
  const text = (field: string): string | undefined => (typeof doc[field] === 'string' ? doc[field] : undefined);
  const date = (field: 'lastRotateDate' | 'deletionDate' | 'expirationDate') => {
    const value = text(field);
    return value === undefined ? {} : { [field]: listingDate(value) };
  };
  const creationDate = item[a.creationDate]?.S ?? text('creationDate') ?? '';
  return {
    keyId,
    name: text('name') ?? '',
    aliases: Array.isArray(doc.aliases) ? doc.aliases.filter((x): x is string => typeof x === 'string') : [],
    state: Number(item[a.state]?.N ?? doc.state),
    extractable: item[a.extractable]?.BOOL ?? doc.extractable === true,
    imported: doc.imported === true,
    creationDate,
    lastUpdateDate: listingDate(text('lastUpdateDate') ?? creationDate),
    ...date('lastRotateDate'),
    ...date('deletionDate'),
    ...date('expirationDate'),
  };
}

/** The filters `matching` applies in memory, or null when there are none. */
function inMemoryFilter(filter: KeyListFilter): ((item: Item) => boolean) | null {
  const keyRings = filter.keyRingIds ? new Set(filter.keyRingIds) : undefined;
  const visibleRings = filter.visible ? new Set(filter.visible.keyRingIds) : undefined;
  const visibleKeys = filter.visible ? new Set(filter.visible.keyIds) : undefined;
  const { dates, search } = filter;
  if (!keyRings && !visibleRings && !dates && !search) return null;
  return (item) => {
    const ring = item[a.keyRingId]?.S ?? '';
    if (keyRings && !keyRings.has(ring)) return false;
    if (visibleRings && !visibleRings.has(ring) && !visibleKeys?.has(item[sk.name]?.S ?? '')) return false;
    if (!dates && !search) return true;
    const key = listedOf(item);
    return datesMatch(key, dates) && (!search || searchMatches(key, search));
  };
}

function toSummary(item: Item): ListedKeyRow {
  const schedule = scheduleOf(item);
  return storedKeySummaryRow(
    {
      ...listedOf(item),
      instanceId: item[pk.name]?.S as string,
      keyRingId: item[a.keyRingId]?.S as string,
      lastVersion: Number(item[a.lastVersion]?.N),
      document: item[a.document]?.S,
      ...(schedule !== undefined ? { schedule } : {}),
    },
    `${item[pk.name]?.S ?? '?'}/${item[sk.name]?.S ?? '?'}`,
  );
}
