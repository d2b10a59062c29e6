import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { KeyledgerConfig } from './config.ts';
import { Alarms } from './constructs/alarms.ts';
import { Api } from './constructs/api.ts';
import { Bootstrap } from './constructs/bootstrap.ts';
import { CryptoFunction } from './constructs/crypto-function.ts';
import { KeyStateEventBus } from './constructs/event-bus.ts';
import { Projector } from './constructs/projector.ts';
import { Schedules } from './constructs/schedules.ts';
import { Tables } from './constructs/tables.ts';
import { WebConsole } from './constructs/web-console.ts';

export interface KeyledgerStackProps extends StackProps {
  readonly config: KeyledgerConfig;
}

/** keyledger on AWS: HTTP API, route-group functions, crypto function, tables, projector, schedules, alarms, web console. */
export class KeyledgerStack extends Stack {
  readonly tables: Tables;
  readonly bus: KeyStateEventBus;
  readonly crypto: CryptoFunction;
  readonly api: Api;
  readonly projector: Projector;
  readonly schedules: Schedules;
  readonly alarms: Alarms;
  readonly bootstrap: Bootstrap;
  readonly console: WebConsole;

  constructor(scope: Construct, id: string, props: KeyledgerStackProps) {
    super(scope, id, props);
    const { config } = props;
    Tags.of(this).add('app', 'keyledger');
    Tags.of(this).add('stage', config.stage);

    this.tables = new Tables(this, 'Tables', { config });
    this.bus = new KeyStateEventBus(this, 'KeyStateEvents', { config });
    this.crypto = new CryptoFunction(this, 'Crypto', { config, encryptionKey: this.tables.key });
    this.console = new WebConsole(this, 'Console', config);
    this.api = new Api(this, 'Api', {
      config,
      tables: this.tables,
      crypto: this.crypto.function,
      corsOrigins: [this.console.origin],
    });
    this.projector = new Projector(this, 'Projector', { config, tables: this.tables, bus: this.bus.bus });
    this.schedules = new Schedules(this, 'Schedules', {
      config,
      tables: this.tables,
      crypto: this.crypto.function,
      bus: this.bus.bus,
    });
    this.bootstrap = new Bootstrap(this, 'Bootstrap', { config, tables: this.tables, crypto: this.crypto.function });
    this.console.deploy(this.api.httpApi.apiEndpoint, this.bootstrap.defaultInstanceId);

    const functions = new Map<string, lambda.IFunction>([
      ['Authorizer', this.api.authorizerFunction],
      ...[...this.api.groupFunctions].map(([group, fn]): [string, lambda.IFunction] => [`Api-${group}`, fn]),
      ['Crypto', this.crypto.function],
      ['Projector', this.projector.function],
      ['Scheduler', this.schedules.function],
      ['Bootstrap', this.bootstrap.function],
    ]);
    this.alarms = new Alarms(this, 'Alarms', {
      config,
      functions,
      deadLetterQueues: new Map<string, sqs.IQueue>([
        ['ProjectorDlq', this.projector.deadLetterQueue],
        ['SchedulerDlq', this.schedules.deadLetterQueue],
      ]),
      projector: this.projector.function,
    });

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.httpApi.apiEndpoint,
      description: 'Base URL of the keyledger API',
    });
    new CfnOutput(this, 'ConsoleUrl', {
      value: this.console.origin,
      description: 'The web console (sign in with an API key)',
    });
    new CfnOutput(this, 'EventBusName', {
      value: this.bus.bus.eventBusName,
      description: 'EventBridge bus of key-state events',
    });
    new CfnOutput(this, 'DefaultInstanceId', {
      value: this.bootstrap.defaultInstanceId,
      description: 'Id of the default instance (bluemix-instance header)',
    });
    new CfnOutput(this, 'AdminApiKeySecretArn', {
      value: this.bootstrap.adminApiKey.secretArn,
      description:
        'Secrets Manager secret holding the service administrator API key (read it with your own credentials)',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarms.topic.topicArn,
      description: 'SNS topic of keyledger alarms',
    });
  }
}
