import { SCHEDULED_TASKS, TASK_INTERVAL_S, type ScheduledTask } from '../functions/scheduler/tasks.ts';
import { errorFields, logger } from '../functions/shared/logger.ts';
import type { ServerConfig } from './config.ts';
import { localTableNames } from './local-tables.ts';

interface LocalSchedules {
  stop(): Promise<void>;
}

/**
 * The local DynamoDB mode runs the scheduled Lambda handler (functions/scheduler/handler.ts) on the
 * stack's schedule (functions/scheduler/tasks.ts TASK_INTERVAL_S), with the event EventBridge sends
 * (`{"task": ...}`). The handler uses the runtime the server installs (its SoftHSM and stores); the
 * Lambda environment it would read otherwise (DynamoDB Local's endpoint, the local table names) is set
 * too, so nothing it touches can reach a real AWS endpoint. One run per task at a time; a failed run is
 * logged and the next one comes on schedule.
 */
export async function startLocalSchedules(
  config: ServerConfig,
  intervals: Record<ScheduledTask, number> = TASK_INTERVAL_S,
): Promise<LocalSchedules> {
  if (!config.dynamodbEndpoint) throw new Error('the local schedules need KEYLEDGER_DYNAMODB_ENDPOINT');
  const tables = localTableNames(config);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: config.dynamodbEndpoint,
    AWS_REGION: process.env.AWS_REGION ?? 'local',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    KEYLEDGER_EVENTS_TABLE: tables.events,
    KEYLEDGER_READ_MODELS_TABLE: tables.keyList,
    KEYLEDGER_AUDIT_TABLE: tables.audit,
  });
  const { handler } = await import('../functions/scheduler/handler.ts');
  const running = new Map<ScheduledTask, Promise<void>>();
  const timers = SCHEDULED_TASKS.map((task) => {
    const run = () => {
      if (running.has(task)) return;
      const done = handler({ task })
        .then(
          () => undefined,
          (error: unknown) => {
            logger.error('scheduled task failed', {
              task,
              ...errorFields(error),
            });
          },
        )
        .finally(() => running.delete(task));
      running.set(task, done);
    };
    const timer = setInterval(run, intervals[task] * 1000);
    timer.unref();
    return timer;
  });
  return {
    async stop() {
      timers.forEach(clearInterval);
      await Promise.all(running.values());
    },
  };
}
