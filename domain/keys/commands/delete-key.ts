import { DomainError } from '../../errors.ts';
import type { DeleteKey } from '../commands.ts';
import { pendingDeletionAuthorization } from '../dual-auth.ts';
import type { KeyEvent } from '../events.ts';
import type { KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/**
 * Active, Suspended or Deactivated -> Destroyed at once. Refused (all 409, error-messages.md):
 * - PREV_KEY_DEL_ERR while a registration has preventKeyDeletion, force or not (Key Protect's
 *   code for a retention policy; PROTECTED_RESOURCE_ERR is its code for "registrations exist,
 *   no force");
 * - PROTECTED_RESOURCE_ERR while registrations exist and force is false;
 * - AUTHORIZATIONS_NOT_MET for a dual-auth key without a pending setKeyForDeletion by another
 *   principal within the last seven days.
 * A deleted key keeps its registrations (delete-purge-keys.md: "key metadata, registrations, and
 * policies are available" until the purge); the registered services react to the deletion.
 */
export function deleteKey(command: DeleteKey, state: KeyState): KeyEvent[] {
  const key = assertAllowed(state, 'DeleteKey', command.now);
  if (key.registrations.some((r) => r.preventKeyDeletion)) {
    throw new DomainError(
      'PREV_KEY_DEL_ERR',
      "The key cannot be deleted because it's protecting a cloud resource that has a retention policy",
    );
  }
  if (key.registrations.length > 0 && !command.force) {
    throw new DomainError('PROTECTED_RESOURCE_ERR', 'Key is protecting one or more cloud resources');
  }
  if (key.dualAuthDelete) {
    const auth = pendingDeletionAuthorization(key, command.now);
    if (auth === undefined || auth.principalId === command.principalId) {
      throw new DomainError(
        'AUTHORIZATIONS_NOT_MET',
        '1 prior authorization(s) are required for deletion, by a user other than the one deleting',
      );
    }
  }
  return [{ type: 'KeyDeleted', data: { force: command.force }, meta: stamp(command) }];
}
