/**
 * The periodic jobs of the service. The local server runs them all in-process on an interval; on
 * AWS the CDK stack schedules each (cdk/constructs/schedules.ts) and the scheduled Lambda runs one.
 */
export const SCHEDULED_TASKS = ['rotation', 'expiration', 'purge'] as const;
export type ScheduledTask = (typeof SCHEDULED_TASKS)[number];

/** The principal recorded on the events the scheduler causes (`meta.principalId`). */
export const SCHEDULER_PRINCIPAL = 'keyledger-scheduler';
