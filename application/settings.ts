import type { KeySettings } from '../domain/keys/settings.ts';

/**
 * Operator settings (README "Settings"): Key Protect's waiting periods and limits
 * are the defaults; `0` disables a waiting period.
 */
export interface Settings extends KeySettings {
  /** Per-instance requests per second; 0 = no limit. */
  readonly rateLimitRps: number;
}

const variables: Record<keyof Settings, [name: string, fallback: number]> = {
  minRotationIntervalS: ['KEYLEDGER_MIN_ROTATION_INTERVAL_S', 3600],
  minActionIntervalS: ['KEYLEDGER_MIN_ACTION_INTERVAL_S', 30],
  minPurgeDelayS: ['KEYLEDGER_MIN_PURGE_DELAY_S', 14400],
  restoreWindowS: ['KEYLEDGER_RESTORE_WINDOW_S', 2592000],
  autoPurgeAfterS: ['KEYLEDGER_AUTO_PURGE_AFTER_S', 7776000],
  minSyncIntervalS: ['KEYLEDGER_MIN_SYNC_INTERVAL_S', 3600],
  rateLimitRps: ['KEYLEDGER_RATE_LIMIT_RPS', 0],
};

/** The settings in the order the table above lists them. */
export const SETTING_KEYS = Object.keys(variables) as readonly (keyof Settings)[];

/** The environment variable that carries `key` (e.g. `KEYLEDGER_MIN_ROTATION_INTERVAL_S`). */
export function settingVariable(key: keyof Settings): string {
  return variables[key][0];
}

/** The environment that makes {@link settingsFromEnv} return `settings` (the CDK stack sets it on its functions). */
export function settingsToEnv(settings: Settings): Record<string, string> {
  return Object.fromEntries(SETTING_KEYS.map((key) => [settingVariable(key), String(settings[key])]));
}

/** Reads the settings from the environment; a malformed value stops the start with a clear message. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  const read = (key: keyof Settings): number => {
    const [name, fallback] = variables[key];
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
    return value;
  };
  return {
    minRotationIntervalS: read('minRotationIntervalS'),
    minActionIntervalS: read('minActionIntervalS'),
    minPurgeDelayS: read('minPurgeDelayS'),
    restoreWindowS: read('restoreWindowS'),
    autoPurgeAfterS: read('autoPurgeAfterS'),
    minSyncIntervalS: read('minSyncIntervalS'),
    rateLimitRps: read('rateLimitRps'),
  };
}
