/**
 * Key Protect's waiting periods and limits as the key decider sees them (README
 * "Settings"). They arrive in the command; `0` disables a waiting period.
 */
export interface KeySettings {
  /** Least time between two rotations of one key (KEY_ROTATION_NOT_PERMITTED). */
  readonly minRotationIntervalS: number;
  /** Least time after disable before enable, and after delete before restore (REQ_TOO_EARLY_ERR). */
  readonly minActionIntervalS: number;
  /** Least time between deletion and a manual purge (REQ_TOO_EARLY_ERR). */
  readonly minPurgeDelayS: number;
  /** How long after deletion a key can be restored (KEY_RESTORE_EXPIRED after it). */
  readonly restoreWindowS: number;
  /** When the scheduler may purge a deleted key on its own. */
  readonly autoPurgeAfterS: number;
  /** Least time between two syncs, or a lifecycle action and a sync (REQ_TOO_EARLY_ERR). */
  readonly minSyncIntervalS: number;
}

export const DEFAULT_KEY_SETTINGS: KeySettings = {
  minRotationIntervalS: 3600,
  minActionIntervalS: 30,
  minPurgeDelayS: 14_400,
  restoreWindowS: 2_592_000,
  autoPurgeAfterS: 7_776_000,
  minSyncIntervalS: 3600,
};

/** Key Protect: a set-for-deletion authorisation lapses after seven days. */
export const DUAL_AUTH_WINDOW_S = 7 * 24 * 3600;

export function resolveSettings(settings: Partial<KeySettings> | undefined): KeySettings {
  return { ...DEFAULT_KEY_SETTINGS, ...settings };
}

/** Seconds from `from` to `to` (ISO-8601 strings); negative when `to` is earlier. */
export function secondsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 1000;
}

/** True when at least `intervalS` seconds lie between `since` and `now` (always true for 0). */
export function hasElapsed(since: string, now: string, intervalS: number): boolean {
  return intervalS <= 0 || secondsBetween(since, now) >= intervalS;
}
