import { DomainError } from '../../errors.ts';
import type { CreateKey } from '../commands.ts';
import type { KeyCreatedData, KeyEvent } from '../events.ts';
import type { KeyState } from '../state.ts';
import { refusalError, verdictFor } from '../transitions.ts';
import { evolve } from '../evolve.ts';
import { setKeyPolicy } from './set-key-policy.ts';
import { stamp } from './stamp.ts';

/**
 * Creates or imports a root or standard key with its first version, and sets the key's own policies
 * (if any) as SetKeyPolicy would on the new key, with its rules and refusals, in the same decision:
 * one append, so no reader ever sees the key without them.
 */
export function createKey(command: CreateKey, state: KeyState): KeyEvent[] {
  const verdict = verdictFor(state, 'CreateKey', command.now);
  if (verdict !== 'allowed') throw refusalError(verdict);
  if (command.keyType === 'root' && command.extractable) {
    throw new DomainError('BAD_BODY_ERR', 'a root key cannot be extractable');
  }
  if (command.expirationDate !== undefined && Date.parse(command.expirationDate) <= Date.parse(command.now)) {
    throw new DomainError('BAD_BODY_ERR', 'expirationDate must be in the future');
  }
  const { type: _type, now, principalId, settings, imported, versionId, material, policies = [], ...facts } = command;
  const ownDualAuth = policies.find((p) => p.policy === 'dualAuthDelete');
  const data: KeyCreatedData = {
    ...facts,
    tags: [...(command.tags ?? [])],
    version: { id: versionId, creationDate: now, material },
    dualAuthDelete: ownDualAuth?.enabled ?? command.dualAuthDelete ?? false,
  };
  const meta = stamp(command);
  const events: KeyEvent[] = [imported ? { type: 'KeyImported', data, meta } : { type: 'KeyCreated', data, meta }];
  let key = events.reduce(evolve, state);
  for (const policy of policies) {
    const set = setKeyPolicy({ type: 'SetKeyPolicy', keyId: command.keyId, now, principalId, settings, policy }, key);
    key = set.reduce(evolve, key);
    events.push(...set);
  }
  return events;
}
