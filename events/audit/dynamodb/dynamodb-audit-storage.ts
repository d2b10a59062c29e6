/**
 * The audit trail in DynamoDB (the stack's audit table, see audit-table-schema.ts). A chain's commit
 * is one TransactWriteItems: a condition that the record the writer chained onto exists, and
 * conditional puts (attribute_not_exists) of the new records and checkpoint; a writer that lost a
 * race gets {@link AuditChainConflictError} and chains again on the new tail.
 */
import { randomUUID } from 'node:crypto';
import {
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import {
  AuditChainConflictError,
  MAX_ROWS_PER_CHAIN_WRITE,
  SERVICE_CHAIN_ID,
  type AuditCheckpoint,
  type AuditRecord,
  type AuditRowFilter,
  type AuditStorage,
} from '../../../application/ports/audit-storage.ts';
import { AUDIT_TABLE } from './audit-table-schema.ts';

type Item = Record<string, AttributeValue>;

export interface DynamoDbAuditStorageOptions {
  /** Owned by the caller: `close` does not destroy it. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

const PK = AUDIT_TABLE.partitionKey.name;
const SK = AUDIT_TABLE.sortKey.name;
const STRING_FIELDS = [
  'time',
  'principalId',
  'operation',
  'keyId',
  'keyVersionId',
  'outcome',
  'reason',
  'requestId',
  'correlationId',
  'sourceIp',
  'prevHash',
  'hash',
] as const;
const FILTERS: [keyof AuditRowFilter, string, string][] = [
  ['keyId', 'keyId', '='],
  ['principalId', 'principalId', '='],
  ['operation', 'operation', '='],
  ['outcome', 'outcome', '='],
  ['from', 'time', '>='],
  ['to', 'time', '<='],
];

export function openDynamoDbAuditStorage(options: DynamoDbAuditStorageOptions): Promise<AuditStorage> {
  const { client, tableName } = options;
  const checkpointPk = (chain: string): string => `${chain}${AUDIT_TABLE.checkpointSuffix}`;

  const last = async (pk: string): Promise<Item | undefined> => {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return out.Items?.[0];
  };

  const queryAll = async (
    input: QueryCommandInput,
    enough: (count: number) => boolean,
  ): Promise<{ items: Item[]; more: boolean }> => {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await client.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start && !enough(items.length));
    return { items, more: start !== undefined };
  };

  const storage: AuditStorage = {
    async tail(chain) {
      const [row, cp] = await Promise.all([last(chain), last(checkpointPk(chain))]);
      return {
        seq: row ? Number(row[SK]?.N) : 0,
        hash: row?.hash?.S ?? null,
        checkpoint: cp ? fromCheckpointItem(cp) : null,
      };
    },

    async commit(writes) {
      await Promise.all(
        writes.map(async (write) => {
          if (write.rows.length > MAX_ROWS_PER_CHAIN_WRITE)
            throw new RangeError(`at most ${MAX_ROWS_PER_CHAIN_WRITE} audit rows per chain write`);
          const items: TransactWriteItem[] = [];
          const first = write.rows[0];
          if (first && write.afterSeq > 0) {
            // The tail must be the record the rows were chained onto (the writer may chain a batch
            // onto one whose commit is still in flight), not merely a record with that seq.
            items.push({
              ConditionCheck: {
                TableName: tableName,
                Key: { [PK]: { S: write.chain }, [SK]: { N: String(write.afterSeq) } },
                ConditionExpression: 'attribute_exists(#pk) AND #hash = :prev',
                ExpressionAttributeNames: { '#pk': PK, '#hash': 'hash' },
                ExpressionAttributeValues: { ':prev': { S: first.prevHash } },
              },
            });
          }
          const cp = write.checkpoint;
          // The record a checkpoint seals must be stored with its hash, unless this write puts it, or
          // checks it already (a transaction names each item once).
          const checked = first !== undefined && cp?.seq === write.afterSeq;
          if (checked && cp.hash !== first.prevHash) throw new AuditChainConflictError(write.chain);
          if (cp && cp.seq > 0 && !checked && !write.rows.some((r) => r.seq === cp.seq)) {
            items.push({
              ConditionCheck: {
                TableName: tableName,
                Key: { [PK]: { S: write.chain }, [SK]: { N: String(cp.seq) } },
                ConditionExpression: 'attribute_exists(#pk) AND #hash = :hash',
                ExpressionAttributeNames: { '#pk': PK, '#hash': 'hash' },
                ExpressionAttributeValues: { ':hash': { S: cp.hash } },
              },
            });
          }
          for (const row of write.rows) {
            items.push({
              Put: {
                TableName: tableName,
                Item: toRowItem(write.chain, row),
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': PK },
              },
            });
          }
          if (cp) {
            items.push({
              Put: {
                TableName: tableName,
                Item: toCheckpointItem(checkpointPk(write.chain), cp),
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': PK },
              },
            });
          }
          if (items.length === 0) return;
          try {
            // The token makes the SDK's retry of a timed-out attempt that did commit a success, not a
            // conflict that would chain the same records a second time (events/dynamodb/dynamodb-clients.ts).
            await client.send(
              new TransactWriteItemsCommand({ TransactItems: items, ClientRequestToken: randomUUID() }),
            );
          } catch (error) {
            // A failed condition (someone chained first) or a concurrent transaction on the same items.
            if (error instanceof TransactionCanceledException)
              throw new AuditChainConflictError(write.chain, { cause: error });
            throw error;
          }
        }),
      );
    },

    async query(filter) {
      const names: Record<string, string> = { '#pk': PK, '#sk': SK };
      const values: Item = { ':pk': { S: filter.chain }, ':after': { N: String(filter.afterSeq) } };
      const clauses: string[] = [];
      FILTERS.forEach(([field, attribute, op], i) => {
        const value = filter[field];
        if (value === undefined) return;
        names[`#f${i}`] = attribute;
        values[`:f${i}`] = { S: String(value) };
        clauses.push(`#f${i} ${op} :f${i}`);
      });
      const { items, more } = await queryAll(
        {
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk AND #sk > :after',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ConsistentRead: true,
          Limit: Math.max(filter.limit + 1, 100),
          ...(clauses.length > 0 ? { FilterExpression: clauses.join(' AND ') } : {}),
        },
        (count) => count > filter.limit,
      );
      return {
        rows: items.slice(0, filter.limit).map((item) => fromRowItem(filter.chain, item)),
        more: more || items.length > filter.limit,
      };
    },

    async scan(chain, afterSeq, limit) {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk AND #sk > :after',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: { ':pk': { S: chain }, ':after': { N: String(afterSeq) } },
          Limit: limit,
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? []).map((item) => fromRowItem(chain, item));
    },

    async readBack(chain, beforeSeq, limit) {
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: beforeSeq === null ? '#pk = :pk' : '#pk = :pk AND #sk < :before',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK, '#time': 'time', '#req': 'requestId' },
          ExpressionAttributeValues: {
            ':pk': { S: chain },
            ...(beforeSeq === null ? {} : { ':before': { N: String(beforeSeq) } }),
          },
          ProjectionExpression: '#sk, #time, #req',
          ScanIndexForward: false,
          Limit: limit,
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? []).map((item) => ({
        seq: Number(item[SK]?.N),
        time: item.time?.S ?? '',
        requestId: item.requestId?.S ?? '',
      }));
    },

    async checkpoints(chain) {
      const { items } = await queryAll(
        {
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':pk': { S: checkpointPk(chain) } },
          ConsistentRead: true,
        },
        () => false,
      );
      return items.map(fromCheckpointItem);
    },

    close: () => Promise.resolve(),
  };
  return Promise.resolve(storage);
}

function toRowItem(chain: string, row: AuditRecord): Item {
  const item: Item = { [PK]: { S: chain }, [SK]: { N: String(row.seq) } };
  for (const field of STRING_FIELDS) item[field] = { S: row[field] };
  return item;
}

/** Read back as stored, whatever was done to the item: verification must see tampered values. */
function fromRowItem(chain: string, item: Item): AuditRecord {
  const s = (name: string): string => item[name]?.S ?? '';
  return {
    seq: Number(item[SK]?.N),
    time: s('time'),
    instanceId: chain === SERVICE_CHAIN_ID ? '' : chain,
    principalId: s('principalId'),
    operation: s('operation'),
    keyId: s('keyId'),
    keyVersionId: s('keyVersionId'),
    outcome: s('outcome') as AuditRecord['outcome'],
    reason: s('reason'),
    requestId: s('requestId'),
    correlationId: s('correlationId'),
    sourceIp: s('sourceIp'),
    prevHash: s('prevHash'),
    hash: s('hash'),
  };
}

function toCheckpointItem(pk: string, c: AuditCheckpoint): Item {
  return {
    [PK]: { S: pk },
    [SK]: { N: String(c.n) },
    checkpointSeq: { N: String(c.seq) },
    hash: { S: c.hash },
    time: { S: c.time },
    keyLabel: { S: c.keyLabel },
    anomalySeq: { N: String(c.anomalySeq) },
    anomaly: { S: c.anomaly },
    signature: { S: c.signature },
    final: { BOOL: c.final },
    adoptedFromSeq: { N: String(c.adoptedFromSeq) },
  };
}

function fromCheckpointItem(item: Item): AuditCheckpoint {
  const s = (name: string): string => item[name]?.S ?? '';
  return {
    n: Number(item[SK]?.N),
    seq: Number(item.checkpointSeq?.N),
    hash: s('hash'),
    time: s('time'),
    keyLabel: s('keyLabel'),
    anomalySeq: Number(item.anomalySeq?.N ?? 0),
    anomaly: s('anomaly'),
    signature: s('signature'),
    // Checkpoints written before these attributes existed were all final, and adopted nothing.
    final: item.final?.BOOL ?? true,
    adoptedFromSeq: Number(item.adoptedFromSeq?.N ?? 0),
  };
}
