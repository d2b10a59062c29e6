import { DomainError } from '../../errors.ts';
import type { SetKeyForDeletion } from '../commands.ts';
import type { KeyEvent } from '../events.ts';
import type { KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/**
 * The first of two authorisations to delete a dual-auth key (Active only). Setting it again
 * restarts the seven-day period under the new principal. A key without the policy answers 409
 * NOT_DUAL_AUTH_ERR.
 */
export function setKeyForDeletion(command: SetKeyForDeletion, state: KeyState): KeyEvent[] {
  const key = assertAllowed(state, 'SetKeyForDeletion', command.now);
  if (!key.dualAuthDelete) {
    throw new DomainError('NOT_DUAL_AUTH_ERR', 'The key is not dual auth enabled and cannot be set for deletion');
  }
  return [{ type: 'KeySetForDeletion', data: {}, meta: stamp(command) }];
}
