import { DomainError } from '../../errors.ts';
import type { ChangeRegistration } from '../commands.ts';
import type { KeyEvent } from '../events.ts';
import type { KeyState } from '../state.ts';
import { assertAllowed, type KeyOperation } from '../transitions.ts';
import { stamp } from './stamp.ts';

const operations = {
  created: 'CreateRegistration',
  updated: 'UpdateRegistration',
  deleted: 'DeleteRegistration',
} as const satisfies Record<ChangeRegistration['change'], KeyOperation>;

/**
 * A registration (a cloud resource protected by this root key) created, updated or deleted.
 * Creating needs an Active root key (422 KEY_INVALID_STATE_ERR / KEY_ROOT_REQ_REG_ERR) and a new
 * CRN (409 CONFLICT_ERR); updating and deleting need an existing one (404 REGISTRATION_NOT_FOUND_ERR).
 */
export function changeRegistration(command: ChangeRegistration, state: KeyState): KeyEvent[] {
  const key = assertAllowed(state, operations[command.change], command.now);
  if (command.crn.trim() === '') throw new DomainError('INVALID_FIELD_ERR', "The field 'crn' must not be empty");
  const existing = key.registrations.find((r) => r.crn === command.crn);
  if (command.change === 'created' && existing) {
    throw new DomainError('CONFLICT_ERR', 'a registration with this CRN already exists for the key');
  }
  if (command.change !== 'created' && !existing) {
    throw new DomainError('REGISTRATION_NOT_FOUND_ERR', 'no registration with this CRN exists for the key');
  }
  const preventKeyDeletion =
    command.change === 'deleted'
      ? (existing?.preventKeyDeletion ?? false)
      : (command.preventKeyDeletion ?? existing?.preventKeyDeletion ?? false);
  const description =
    command.change === 'deleted' ? existing?.description : (command.description ?? existing?.description);
  return [
    {
      type: 'RegistrationChanged',
      data: { change: command.change, crn: command.crn, preventKeyDeletion, description },
      meta: stamp(command),
    },
  ];
}
