import {
  CreateTableCommand,
  DescribeTableCommand,
  LimitExceededException,
  ResourceInUseException,
  UpdateTableCommand,
  waitUntilTableExists,
  type AttributeDefinition,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DependencyUnavailableError } from '../../application/ports/dependency-unavailable.ts';
import { isUnavailable } from './dynamodb-clients.ts';

interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

/** A global secondary index projecting every attribute. */
interface GlobalIndex {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
}

/** The part of a table definition (events, key list, audit, idempotency) that creating it needs; the CDK stack reads the same definitions. */
export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  /** Absent for a table keyed by its partition key alone. */
  readonly sortKey?: KeyAttribute;
  readonly billingMode: 'PAY_PER_REQUEST';
  readonly streamViewType?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';
  readonly globalIndexes?: readonly GlobalIndex[];
}

const keySchema = (partitionKey: KeyAttribute, sortKey: KeyAttribute | undefined) => [
  { AttributeName: partitionKey.name, KeyType: 'HASH' as const },
  ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
];

const indexSpec = (index: GlobalIndex) => ({
  IndexName: index.name,
  KeySchema: keySchema(index.partitionKey, index.sortKey),
  Projection: { ProjectionType: 'ALL' as const },
});

function attributeDefinitions(attributes: readonly KeyAttribute[]): AttributeDefinition[] {
  const byName = new Map(attributes.map((a) => [a.name, { AttributeName: a.name, AttributeType: a.type }]));
  return [...byName.values()];
}

/**
 * Creates a table if it does not exist and waits until it is ACTIVE; a table made before one of its
 * global indexes existed gets the index added (and waited for). Idempotent, so tests and the local
 * DynamoDB mode call it on every start; on AWS the stack creates the tables and indexes. Returns the
 * names of the indexes it added to an existing table (their items may need backfilling).
 */
export async function createTableIfMissing(
  client: DynamoDBClient,
  tableName: string,
  table: TableDefinition,
): Promise<string[]> {
  const { partitionKey, sortKey } = table;
  const indexes = table.globalIndexes ?? [];
  let created = true;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: table.billingMode,
        AttributeDefinitions: attributeDefinitions([
          partitionKey,
          ...(sortKey ? [sortKey] : []),
          ...indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
        ]),
        KeySchema: keySchema(partitionKey, sortKey),
        ...(indexes.length ? { GlobalSecondaryIndexes: indexes.map(indexSpec) } : {}),
        ...(table.streamViewType
          ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.streamViewType } }
          : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    created = false;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
  if (created || indexes.length === 0) return [];
  const { Table: described } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((described?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const added: string[] = [];
  // DynamoDB creates one global index per UpdateTable.
  for (const index of indexes.filter((i) => !present.has(i.name))) {
    await addIndex(client, tableName, index);
    await waitUntilIndexActive(client, tableName, index.name);
    added.push(index.name);
  }
  return added;
}

/** Attempts at adding one index when DynamoDB refuses it for a passing reason, a growing pause between them. */
const INDEX_ADD_ATTEMPTS = 5;

/**
 * Asks DynamoDB to create `index`. A refusal that passes (another index or table change still in progress,
 * LimitExceeded or ResourceInUse; DynamoDB unavailable after the SDK's retries, as keyledger's client reports
 * it or as a plain SDK client does, which includes the server fault DynamoDB Local also answers while another
 * table changes) is tried again after a pause of seconds, longer than the SDK's own retries wait, unless the
 * index turns out to exist after all.
 */
async function addIndex(client: DynamoDBClient, tableName: string, index: GlobalIndex): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: attributeDefinitions([index.partitionKey, index.sortKey]),
          GlobalSecondaryIndexUpdates: [{ Create: indexSpec(index) }],
        }),
      );
      return;
    } catch (error) {
      const passing =
        error instanceof LimitExceededException ||
        error instanceof ResourceInUseException ||
        error instanceof DependencyUnavailableError ||
        isUnavailable(error);
      if (!passing || attempt >= INDEX_ADD_ATTEMPTS) throw error;
      const { Table: described } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (described?.GlobalSecondaryIndexes?.some((i) => i.IndexName === index.name)) return;
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
  }
}

async function waitUntilIndexActive(client: DynamoDBClient, tableName: string, indexName: string): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const { Table: described } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const status = described?.GlobalSecondaryIndexes?.find((i) => i.IndexName === indexName)?.IndexStatus;
    if (status === 'ACTIVE') return;
    if (Date.now() > deadline)
      throw new Error(`index ${indexName} of ${tableName} is not ACTIVE after 5 minutes (${status ?? 'missing'})`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
