import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { runScheduledTask, type TaskReport } from '../../application/scheduler/run-scheduled-task.ts';
import { SCHEDULED_TASKS } from '../../application/scheduler/scheduled-tasks.ts';
import type { AppServices } from '../../application/services.ts';
import { createLambdaServices } from '../shared/lambda-runtime.ts';
import { installedRuntime } from '../shared/runtime.ts';
import { logger } from '../shared/logger.ts';

const metrics = new Metrics();

const scheduledInput = z.object({ task: z.enum(SCHEDULED_TASKS) });

let services: Promise<AppServices> | undefined;

/**
 * The local server's services when it runs this handler in-process (the local DynamoDB mode,
 * server/local-schedules.ts: its SoftHSM and stores); on AWS, built once per instance from the environment.
 */
function servicesForRun(): Promise<AppServices> {
  const local = installedRuntime();
  if (local) return Promise.resolve(local.services);
  services ??= createLambdaServices();
  return services;
}

/**
 * Entry of the EventBridge schedules (input `{"task": "rotation" | "expiration" | "purge"}`, see
 * cdk/constructs/schedules.ts): runs the task through the same use case the local server's
 * in-process scheduler runs (application/scheduler/run-scheduled-task.ts), and reports what it did
 * as the `ScheduledKeysDone`, `ScheduledKeysSkipped` and `ScheduledKeysFailed` metrics per task.
 * Failed keys are retried by the next run; the run itself fails (and EventBridge retries it) only
 * when the task cannot run at all.
 */
export async function handler(input: unknown): Promise<TaskReport> {
  const { task } = scheduledInput.parse(input);
  const report = await runScheduledTask(await servicesForRun(), task);
  logger.info('scheduled task', {
    task,
    candidates: report.candidates,
    done: report.done,
    skipped: report.skipped,
    failed: report.failures.length,
  });
  for (const failure of report.failures)
    logger.error('scheduled action failed', { task, keyId: failure.keyId, error: failure.error });
  metrics.addDimension('task', task);
  metrics.addMetric('ScheduledKeysDone', MetricUnit.Count, report.done);
  metrics.addMetric('ScheduledKeysSkipped', MetricUnit.Count, report.skipped);
  metrics.addMetric('ScheduledKeysFailed', MetricUnit.Count, report.failures.length);
  metrics.publishStoredMetrics();
  return report;
}
