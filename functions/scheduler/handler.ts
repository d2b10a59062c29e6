import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { findDueKeys } from './due-keys.ts';
import { SCHEDULED_TASKS, type ScheduledTask } from './tasks.ts';

const logger = new Logger();
const metrics = new Metrics();
const client = new DynamoDBClient({});

const scheduledInput = z.object({ task: z.enum(SCHEDULED_TASKS) });

export interface ScheduledResult {
  readonly task: ScheduledTask;
  readonly due: number;
}

/**
 * Entry of the EventBridge schedules (input `{"task": "rotation" | "expiration" | "purge"}`): finds the
 * keys whose action is due and reports how many, as the `ScheduledKeysDue` metric per task.
 */
export async function handler(input: unknown): Promise<ScheduledResult> {
  const { task } = scheduledInput.parse(input);
  const table = process.env['KEYLEDGER_READ_MODELS_TABLE'];
  if (table === undefined || table === '') throw new Error('KEYLEDGER_READ_MODELS_TABLE is not set');
  const due = await findDueKeys(client, table, task, new Date());
  logger.info('scheduled task', { task, due: due.length });
  metrics.addDimension('task', task);
  metrics.addMetric('ScheduledKeysDue', MetricUnit.Count, due.length);
  metrics.publishStoredMetrics();
  return { task, due: due.length };
}
