import { CustomResource, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { KEY_LIST_TABLE } from '../../events/read-models/dynamodb/key-list-table-schema.ts';
import type { KeyledgerConfig } from '../config.ts';
import { KeyledgerFunction, logRetention } from './node-function.ts';
import type { Tables } from './tables.ts';

export interface BootstrapProps {
  readonly config: KeyledgerConfig;
  readonly tables: Tables;
  readonly crypto: lambda.IFunction;
}

/**
 * The bootstrap identity on AWS (README "The local server" and "Deploy"): a custom resource whose handler
 * (functions/bootstrap/handler.ts) creates the service administrator and the default instance once the
 * tables and the crypto function exist, and starts the crypto function once (which initialises the HSM
 * token) before any traffic.
 *
 * The administrator's API key is a secret the stack generates; only the bootstrap function's role may
 * read it (the operator reads it with their own credentials, by the `AdminApiKeySecretArn` output). It is
 * read by the function at run time: a CloudFormation dynamic reference in the custom resource's properties
 * would hand the value to the Provider framework, which logs its events. The default instance's id is the
 * `defaultInstance` context, else the UUID in the stack's id: fixed for the stack's life, so a repeated
 * bootstrap finds the same instance.
 */
export class Bootstrap extends Construct {
  readonly function: KeyledgerFunction;
  readonly adminApiKey: secretsmanager.Secret;
  readonly resource: CustomResource;
  /** The default instance's id, as the bootstrap reports it (so it resolves only once the bootstrap ran). */
  readonly defaultInstanceId: string;

  constructor(scope: Construct, id: string, props: BootstrapProps) {
    super(scope, id);
    const { config, tables } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.adminApiKey = new secretsmanager.Secret(this, 'AdminApiKey', {
      description: `keyledger ${config.stage}: API key of the service administrator (read it to exchange it for a token)`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      encryptionKey: tables.key,
      removalPolicy,
    });

    this.function = new KeyledgerFunction(this, 'Function', {
      entry: 'functions/bootstrap/handler.ts',
      description: 'keyledger bootstrap: service administrator and default instance (custom resource)',
      config,
      // The crypto function's first start initialises the token on EFS and may take a while.
      timeout: Duration.minutes(2),
      environment: {
        KEYLEDGER_EVENTS_TABLE: tables.events.tableName,
        // The key list, whose rows it backfills for an index added since they were written.
        KEYLEDGER_READ_MODELS_TABLE: tables.readModels.tableName,
        KEYLEDGER_CRYPTO_FUNCTION: props.crypto.functionName,
        KEYLEDGER_ADMIN_API_KEY_SECRET_ARN: this.adminApiKey.secretArn,
      },
    });
    // Reads the identity streams and appends the administrator's and the instance's events.
    tables.events.grantReadWriteData(this.function);
    props.crypto.grantInvoke(this.function);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Scan', 'dynamodb:UpdateItem'],
        resources: [tables.readModels.tableArn],
      }),
    );
    this.adminApiKey.grantRead(this.function);

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.function,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', {
        retention: logRetention(config.logRetentionDays),
        removalPolicy,
      }),
    });
    const defaultInstanceId = config.defaultInstance ?? Fn.select(2, Fn.split('/', Stack.of(this).stackId));
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::KeyledgerBootstrap',
      // The key list's indexes: the deploy that adds one updates this resource, which backfills the rows.
      properties: {
        DefaultInstanceId: defaultInstanceId,
        KeyListIndexes: KEY_LIST_TABLE.globalIndexes.map((index) => index.name).join(','),
      },
    });
    this.defaultInstanceId = this.resource.getAttString('DefaultInstanceId');
  }
}
