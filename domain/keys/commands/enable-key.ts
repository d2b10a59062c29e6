import { DomainError } from '../../errors.ts';
import type { EnableKey } from '../commands.ts';
import type { KeyEvent } from '../events.ts';
import { hasElapsed, resolveSettings } from '../settings.ts';
import { isPastExpiration, type KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/**
 * Suspended -> Active, not before minActionIntervalS after the disable (Key Protect: "You must
 * wait 30 seconds after disabling a root key before you are able to enable it again"). A key
 * past its expiration date cannot be enabled (error-messages.md, KEY_ACTION_INVALID_STATE_ERR
 * example 2).
 */
export function enableKey(command: EnableKey, state: KeyState): KeyEvent[] {
  const key = assertAllowed(state, 'EnableKey', command.now);
  const { minActionIntervalS } = resolveSettings(command.settings);
  if (isPastExpiration(key, command.now)) {
    throw new DomainError(
      'KEY_ACTION_INVALID_STATE_ERR',
      'Key is not in a valid state: the key has expired and cannot be enabled',
    );
  }
  if (key.lastStateChangeDate !== undefined && !hasElapsed(key.lastStateChangeDate, command.now, minActionIntervalS)) {
    throw new DomainError('REQ_TOO_EARLY_ERR', 'The key was updated recently: Please wait and try again');
  }
  return [{ type: 'KeyEnabled', data: {}, meta: stamp(command) }];
}
