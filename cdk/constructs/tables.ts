import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { AUDIT_TABLE } from '../../events/audit/dynamodb/audit-table-schema.ts';
import { KEY_LIST_TABLE } from '../../events/read-models/dynamodb/key-list-table-schema.ts';
import { EVENT_STORE_TABLE } from '../../events/store/dynamodb/table-schema.ts';
import { IDEMPOTENCY_TABLE } from '../../events/idempotency/dynamodb/idempotency-table.ts';
import type { KeyledgerConfig } from '../config.ts';

/**
 * Key names of the tables, from their adapters' own definitions (events/store/dynamodb/table-schema.ts,
 * events/read-models/dynamodb/key-list-table-schema.ts, events/audit/dynamodb/audit-table-schema.ts,
 * events/idempotency/dynamodb/idempotency-table.ts), so the stack and the adapters cannot drift apart.
 */
export const TABLE_KEYS = {
  events: { partitionKey: EVENT_STORE_TABLE.partitionKey.name, sortKey: EVENT_STORE_TABLE.sortKey.name },
  readModels: { partitionKey: KEY_LIST_TABLE.partitionKey.name, sortKey: KEY_LIST_TABLE.sortKey.name },
  audit: { partitionKey: AUDIT_TABLE.partitionKey.name, sortKey: AUDIT_TABLE.sortKey.name },
  idempotency: { partitionKey: IDEMPOTENCY_TABLE.partitionKey.name },
} as const;

export interface TablesProps {
  readonly config: KeyledgerConfig;
}

/**
 * The DynamoDB tables: events (the source of truth, with the stream that feeds the projector), read
 * models, audit and idempotency. All on demand, with point-in-time recovery and encrypted under one
 * customer managed KMS key (rotated yearly) whose policy the operator controls and whose use CloudTrail logs.
 */
export class Tables extends Construct {
  readonly key: kms.Key;
  readonly events: dynamodb.Table;
  readonly readModels: dynamodb.Table;
  readonly audit: dynamodb.Table;
  readonly idempotency: dynamodb.Table;

  constructor(scope: Construct, id: string, props: TablesProps) {
    super(scope, id);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.key = new kms.Key(this, 'TableKey', {
      description: `keyledger ${config.stage}: encryption of tables, queues and the HSM token store`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const common = {
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.deletionProtection,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      removalPolicy,
    };
    this.events = new dynamodb.Table(this, 'Events', {
      ...common,
      partitionKey: { name: TABLE_KEYS.events.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.events.sortKey, type: dynamodb.AttributeType.NUMBER },
      stream: dynamodb.StreamViewType[EVENT_STORE_TABLE.streamViewType],
    });
    this.readModels = new dynamodb.Table(this, 'ReadModels', {
      ...common,
      partitionKey: { name: TABLE_KEYS.readModels.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.readModels.sortKey, type: dynamodb.AttributeType.STRING },
    });
    for (const index of KEY_LIST_TABLE.globalIndexes) {
      this.readModels.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey.name, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey.name, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    this.audit = new dynamodb.Table(this, 'Audit', {
      ...common,
      partitionKey: { name: TABLE_KEYS.audit.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.audit.sortKey, type: dynamodb.AttributeType.NUMBER },
    });
    this.idempotency = new dynamodb.Table(this, 'Idempotency', {
      ...common,
      partitionKey: { name: TABLE_KEYS.idempotency.partitionKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: IDEMPOTENCY_TABLE.timeToLiveAttribute,
    });
  }

  /** Table names as the functions read them from their environment. */
  environment(): Record<string, string> {
    return {
      KEYLEDGER_EVENTS_TABLE: this.events.tableName,
      KEYLEDGER_READ_MODELS_TABLE: this.readModels.tableName,
      KEYLEDGER_AUDIT_TABLE: this.audit.tableName,
      KEYLEDGER_IDEMPOTENCY_TABLE: this.idempotency.tableName,
    };
  }
}
