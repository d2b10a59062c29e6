import { Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { KeyledgerConfig } from '../config.ts';
import { KeyledgerFunction } from './node-function.ts';
import type { Tables } from './tables.ts';

export interface ProjectorProps {
  readonly config: KeyledgerConfig;
  readonly tables: Tables;
  readonly bus: events.IEventBus;
}

/** Retries of a failing batch before its records go to the dead-letter queue. */
export const PROJECTOR_RETRY_ATTEMPTS = 5;

/**
 * The projector: reads the events table's stream and maintains the read models and key-state
 * publication. It reads the stream (not the table) and writes only read models: it cannot append events.
 */
export class Projector extends Construct {
  readonly function: KeyledgerFunction;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ProjectorProps) {
    super(scope, id);
    const { config, tables } = props;
    this.function = new KeyledgerFunction(this, 'Function', {
      entry: 'functions/projector/handler.ts',
      description: 'keyledger projector: events stream -> read models and key-state events',
      config,
      timeout: Duration.seconds(60),
      environment: {
        KEYLEDGER_EVENTS_TABLE: tables.events.tableName,
        KEYLEDGER_READ_MODELS_TABLE: tables.readModels.tableName,
        KEYLEDGER_AUDIT_TABLE: tables.audit.tableName,
        KEYLEDGER_EVENT_BUS: props.bus.eventBusName,
      },
    });
    // Holds the metadata of records that failed every retry (not the records: they stay in the stream for 24 h).
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: tables.key,
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
    });
    this.function.addEventSource(
      new DynamoEventSource(tables.events, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        // One batch per shard at a time keeps each stream's events in order.
        parallelizationFactor: 1,
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        retryAttempts: PROJECTOR_RETRY_ATTEMPTS,
        maxRecordAge: Duration.hours(24),
        onFailure: new SqsDlq(this.deadLetterQueue),
      }),
    );
    // Reads streams to fold a key's state; never writes events.
    tables.events.grantReadData(this.function);
    tables.readModels.grantReadWriteData(this.function);
    props.bus.grantPutEventsTo(this.function);
  }
}
