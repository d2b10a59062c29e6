import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SCHEDULED_TASKS, TASK_INTERVAL_S, type ScheduledTask } from '../../functions/scheduler/tasks.ts';
import type { KeyledgerConfig } from '../config.ts';
import { KeyledgerFunction } from './node-function.ts';
import type { Tables } from './tables.ts';

/** How often each task runs (functions/scheduler/tasks.ts). Expiration and rotation are minute-exact; purge waits hours anyway. */
export const TASK_RATE: Record<ScheduledTask, Duration> = Object.fromEntries(
  SCHEDULED_TASKS.map((task) => [task, Duration.seconds(TASK_INTERVAL_S[task])]),
) as Record<ScheduledTask, Duration>;

export interface SchedulesProps {
  readonly config: KeyledgerConfig;
  readonly tables: Tables;
  readonly crypto: lambda.IFunction;
  readonly bus: events.IEventBus;
}

/** The scheduled function (functions/scheduler/handler.ts) and one EventBridge rule per task. */
export class Schedules extends Construct {
  readonly function: KeyledgerFunction;
  readonly deadLetterQueue: sqs.Queue;
  readonly rules = new Map<ScheduledTask, events.Rule>();

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const { config, tables } = props;
    this.function = new KeyledgerFunction(this, 'Function', {
      entry: 'functions/scheduler/handler.ts',
      description: 'keyledger scheduler: rotation policies, expiration, purge',
      config,
      timeout: Duration.seconds(50),
      environment: {
        ...tables.environment(),
        KEYLEDGER_CRYPTO_FUNCTION: props.crypto.functionName,
        KEYLEDGER_EVENT_BUS: props.bus.eventBusName,
      },
    });
    // It decides and appends lifecycle events (expire, rotate, purge) and rotation needs the HSM.
    tables.events.grantReadWriteData(this.function);
    tables.readModels.grantReadData(this.function);
    tables.audit.grantReadWriteData(this.function);
    props.crypto.grantInvoke(this.function);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
    });
    for (const task of SCHEDULED_TASKS) {
      const rule = new events.Rule(this, `${task}Rule`, {
        description: `keyledger ${config.stage}: ${task}`,
        schedule: events.Schedule.rate(TASK_RATE[task]),
        targets: [
          new targets.LambdaFunction(this.function, {
            event: events.RuleTargetInput.fromObject({ task }),
            retryAttempts: 2,
            maxEventAge: Duration.minutes(5),
            deadLetterQueue: this.deadLetterQueue,
          }),
        ],
      });
      this.rules.set(task, rule);
    }
  }
}
