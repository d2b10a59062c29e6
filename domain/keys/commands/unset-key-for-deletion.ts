import { DomainError } from '../../errors.ts';
import type { UnsetKeyForDeletion } from '../commands.ts';
import { pendingDeletionAuthorization } from '../dual-auth.ts';
import type { KeyEvent } from '../events.ts';
import type { KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/** Withdraws a pending deletion authorisation; nothing to withdraw (none, or lapsed) changes nothing. */
export function unsetKeyForDeletion(command: UnsetKeyForDeletion, state: KeyState): KeyEvent[] {
  const key = assertAllowed(state, 'UnsetKeyForDeletion', command.now);
  if (!key.dualAuthDelete) {
    throw new DomainError('NOT_DUAL_AUTH_ERR', 'The key is not dual auth enabled and cannot be set for deletion');
  }
  if (pendingDeletionAuthorization(key, command.now) === undefined) return [];
  return [{ type: 'KeyUnsetForDeletion', data: {}, meta: stamp(command) }];
}
