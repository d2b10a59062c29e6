import { DomainError } from '../../errors.ts';
import type { ExpireKey } from '../commands.ts';
import type { KeyEvent } from '../events.ts';
import { isPastExpiration, type KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/**
 * The scheduler's command once an Active key's expiration date has passed: Active -> Deactivated
 * (Key Protect moves it "within one hour past its expiration date"). Idempotent on a Deactivated
 * key, so a retried schedule changes nothing; refused before the date (REQ_TOO_EARLY_ERR).
 */
export function expireKey(command: ExpireKey, state: KeyState): KeyEvent[] {
  const key = assertAllowed(state, 'ExpireKey', command.now);
  if (key.status === 'Deactivated') return [];
  if (key.expirationDate === undefined || !isPastExpiration(key, command.now)) {
    throw new DomainError('REQ_TOO_EARLY_ERR', 'The key has not reached its expiration date');
  }
  return [{ type: 'KeyExpired', data: { expirationDate: key.expirationDate }, meta: stamp(command) }];
}
