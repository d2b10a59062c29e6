import { currentVersion, isExisting, type ExistingKey, type KeyState } from './state.ts';

/**
 * What the scheduler may have to do with a key, and from when, as far as the key's own events say.
 * Pure: the key-list projection stores it with the key's row, the scheduler queries it, and
 * re-checks it on the key's current state before it acts. Operator settings (the automatic purge
 * delay) and instance policies (the default rotation interval) are applied by the scheduler.
 */
export interface KeySchedule {
  /** An Active key's expiration date: ExpireKey is due from then. */
  readonly expiresAt?: string | undefined;
  /** When a generated root key's own enabled rotation policy calls for its next rotation. */
  readonly rotateAt?: string | undefined;
  /**
   * For a generated root key without a rotation policy of its own: its last rotation (or creation).
   * The instance's default rotation policy, if any, counts its interval from here.
   */
  readonly rotationBase?: string | undefined;
  /** A deleted key's deletion date: the automatic purge is due autoPurgeAfterS later. */
  readonly deletedAt?: string | undefined;
}

export const SCHEDULE_FIELDS = [
  'expiresAt',
  'rotateAt',
  'rotationBase',
  'deletedAt',
] as const satisfies readonly (keyof KeySchedule)[];
export type ScheduleField = (typeof SCHEDULE_FIELDS)[number];

/** `months` calendar months after `iso` (UTC); a day past the month's end clamps to its last day (31 Jan + 1 = 28/29 Feb). */
export function addMonths(iso: string, months: number): string {
  const date = new Date(iso);
  const day = date.getUTCDate();
  const target = new Date(date.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString();
}

/** When the key was last given a new version: its last rotation, else its creation. */
export function lastVersionDate(key: ExistingKey): string {
  return currentVersion(key).creationDate;
}

/**
 * A key the scheduler can rotate: a root key in Active or Deactivated (an expired key still
 * rotates) whose material the HSM generates. Imported keys need the caller's material, so Key
 * Protect allows rotation policies only on generated keys.
 */
function rotatable(key: ExistingKey): boolean {
  return key.keyType === 'root' && !key.imported && (key.status === 'Active' || key.status === 'Deactivated');
}

/** The same instant in UTC with milliseconds (`toISOString`), so stored times compare as text. */
function utc(iso: string): string {
  return new Date(iso).toISOString();
}

/** The scheduler's view of a key; empty for a key that needs nothing. Times are UTC `toISOString` text. */
export function keySchedule(state: KeyState): KeySchedule {
  if (!isExisting(state)) return {};
  const schedule: { -readonly [F in ScheduleField]?: string } = {};
  if (state.status === 'Active' && state.expirationDate !== undefined) schedule.expiresAt = utc(state.expirationDate);
  if (state.status === 'Destroyed') schedule.deletedAt = utc(state.deletionDate);
  if (rotatable(state)) {
    const policy = state.rotationPolicy;
    if (policy === undefined) schedule.rotationBase = utc(lastVersionDate(state));
    else if (policy.enabled) schedule.rotateAt = addMonths(lastVersionDate(state), policy.intervalMonth);
  }
  return schedule;
}

/**
 * Whether the key is due for a rotation at `now`: by its own enabled policy, or, when it has none,
 * by the instance's default interval (`instanceIntervalMonth`, undefined when the instance has no
 * enabled rotation policy). A key whose own policy is disabled is never rotated by the scheduler.
 */
export function isRotationDue(state: KeyState, now: string, instanceIntervalMonth: number | undefined): boolean {
  const schedule = keySchedule(state);
  const dueAt =
    schedule.rotateAt ??
    (schedule.rotationBase !== undefined && instanceIntervalMonth !== undefined
      ? addMonths(schedule.rotationBase, instanceIntervalMonth)
      : undefined);
  return dueAt !== undefined && Date.parse(dueAt) <= Date.parse(now);
}
