import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { KeyledgerConfig } from '../config.ts';
import { POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from './node-function.ts';

/** The custom metric handlers emit (Powertools metrics, dimension `service`) when an audit record cannot be written. */
export const AUDIT_WRITE_FAILURES_METRIC = 'AuditWriteFailures';

export interface AlarmsProps {
  readonly config: KeyledgerConfig;
  /** Every function, by a readable name used in the alarm names. */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  readonly deadLetterQueues: ReadonlyMap<string, sqs.IQueue>;
  /** The projector, whose iterator age says how far the read models lag behind the events. */
  readonly projector: lambda.IFunction;
}

/** CloudWatch alarms, all sent to one SNS topic (optionally e-mailed). */
export class Alarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { displayName: `keyledger ${props.config.stage} alarms` });
    if (props.config.alarmEmail !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.config.alarmEmail));
    }
    const action = new actions.SnsAction(this.topic);
    const add = (alarm: cloudwatch.Alarm): void => {
      alarm.addAlarmAction(action);
    };
    const period = Duration.minutes(1);

    for (const [name, fn] of props.functions) {
      add(
        fn.metricErrors({ period, statistic: 'Sum' }).createAlarm(this, `${name}Errors`, {
          alarmDescription: `keyledger ${name}: function errors`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
      add(
        fn.metricThrottles({ period, statistic: 'Sum' }).createAlarm(this, `${name}Throttles`, {
          alarmDescription: `keyledger ${name}: throttled invocations`,
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const [name, queue] of props.deadLetterQueues) {
      add(
        queue
          .metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' })
          .createAlarm(this, `${name}Depth`, {
            alarmDescription: `keyledger ${name}: messages in the dead-letter queue`,
            threshold: 0,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }

    add(
      new cloudwatch.Metric({
        namespace: POWERTOOLS_METRICS_NAMESPACE,
        metricName: AUDIT_WRITE_FAILURES_METRIC,
        dimensionsMap: { service: POWERTOOLS_SERVICE_NAME },
        statistic: 'Sum',
        period,
      }).createAlarm(this, 'AuditWriteFailures', {
        alarmDescription: 'keyledger: audit records could not be written (requests failed closed)',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );

    // Read models more than a minute behind the events.
    add(
      new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName: 'IteratorAge',
        dimensionsMap: { FunctionName: props.projector.functionName },
        statistic: 'Maximum',
        period,
      }).createAlarm(this, 'ProjectorIteratorAge', {
        alarmDescription: 'keyledger projector: read models lag behind the events',
        threshold: 60_000,
        evaluationPeriods: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
