/**
 * The periodic jobs of the service. The local server runs them all in-process on an interval; on
 * AWS the CDK stack schedules each (cdk/constructs/schedules.ts) and the scheduled Lambda runs one.
 */
export const SCHEDULED_TASKS = ['rotation', 'expiration', 'purge'] as const;
export type ScheduledTask = (typeof SCHEDULED_TASKS)[number];

/** The principal recorded on the events the scheduler causes (`meta.principalId`). */
export const SCHEDULER_PRINCIPAL = 'keyledger-scheduler';

/**
 * The operation a task's events carry (`scheduler.rotation`, ...): no request audits them, so the
 * audit reconciler writes their records from the events (application/audit/reconcile-audit-trail.ts).
 */
export function schedulerOperation(task: ScheduledTask): string {
  return `${SCHEDULER_OPERATION_PREFIX}${task}`;
}

export const SCHEDULER_OPERATION_PREFIX = 'scheduler.';
