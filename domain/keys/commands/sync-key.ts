import { DomainError } from '../../errors.ts';
import type { SyncKey } from '../commands.ts';
import type { KeyEvent } from '../events.ts';
import { hasElapsed, resolveSettings } from '../settings.ts';
import { lastRotationDate, type KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/**
 * Asks the key's registered resources to re-read its state (root keys, any state but purged).
 * sync-resources.md: refused with 409 "if ... the key has been synced or a key lifecycle action
 * has been taken within the past hour"; Key Protect documents no reason code for it, keyledger
 * answers REQ_TOO_EARLY_ERR, Key Protect's code for "updated recently".
 */
export function syncKey(command: SyncKey, state: KeyState): KeyEvent[] {
  const key = assertAllowed(state, 'SyncKey', command.now);
  const { minSyncIntervalS } = resolveSettings(command.settings);
  const recent = [key.lastSyncDate, key.lastStateChangeDate, lastRotationDate(key)].filter(
    (d): d is string => d !== undefined,
  );
  if (recent.some((since) => !hasElapsed(since, command.now, minSyncIntervalS))) {
    throw new DomainError('REQ_TOO_EARLY_ERR', 'The key was synced or changed recently: Please wait and try again');
  }
  return [{ type: 'KeySynced', data: {}, meta: stamp(command) }];
}
