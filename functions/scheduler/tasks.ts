/** The periodic jobs of the service; the CDK stack schedules each, the local server runs them in-process. */
export const SCHEDULED_TASKS = ['rotation', 'expiration', 'purge'] as const;
export type ScheduledTask = (typeof SCHEDULED_TASKS)[number];
