import { SCHEDULED_TASKS, type ScheduledTask } from '../../application/scheduler/scheduled-tasks.ts';

export { SCHEDULED_TASKS, type ScheduledTask };

/**
 * Seconds between two runs of each task on AWS (the EventBridge rules of cdk/constructs/schedules.ts)
 * and in the local DynamoDB mode (server/local-schedules.ts). Expiration and rotation run every
 * minute; purge waits hours anyway, so hourly.
 */
export const TASK_INTERVAL_S: Record<ScheduledTask, number> = {
  rotation: 60,
  expiration: 60,
  purge: 3600,
};
