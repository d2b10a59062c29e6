import { DomainError } from '../../errors.ts';
import type { RestoreKey } from '../commands.ts';
import type { KeyEvent } from '../events.ts';
import { hasElapsed, resolveSettings, secondsBetween } from '../settings.ts';
import { isPastExpiration, type KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/**
 * Destroyed -> Active, for any key, generated or imported, root or standard (restore-keys.md:
 * "All keys ... can be restored"; the restored key is in the Active state with its previous
 * attributes and policies). Refused:
 * - 409 REQ_TOO_EARLY_ERR within minActionIntervalS of the deletion ("you must wait 30 seconds
 *   after deleting a key before you are able to restore it");
 * - 400 KEY_RESTORE_EXPIRED after restoreWindowS;
 * - 400 KEY_EXPIRED_ERR when the key's expiration date has passed ("You cannot restore a key that
 *   has an expiration date that is current or in the past"), so a restore never yields Deactivated.
 */
export function restoreKey(command: RestoreKey, state: KeyState): KeyEvent[] {
  const key = assertAllowed(state, 'RestoreKey', command.now);
  if (key.status !== 'Destroyed') throw new Error('invariant: only a Destroyed key is restored');
  const settings = resolveSettings(command.settings);
  if (!hasElapsed(key.deletionDate, command.now, settings.minActionIntervalS)) {
    throw new DomainError('REQ_TOO_EARLY_ERR', 'The key was updated recently: Please wait and try again');
  }
  if (secondsBetween(key.deletionDate, command.now) > settings.restoreWindowS) {
    throw new DomainError('KEY_RESTORE_EXPIRED', 'Key restoration has expired');
  }
  if (isPastExpiration(key, command.now)) {
    throw new DomainError('KEY_EXPIRED_ERR', 'The action could not be performed on the key because the key is expired');
  }
  return [{ type: 'KeyRestored', data: {}, meta: stamp(command) }];
}
