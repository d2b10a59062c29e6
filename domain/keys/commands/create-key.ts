import { DomainError } from '../../errors.ts';
import type { CreateKey } from '../commands.ts';
import type { KeyCreatedData, KeyEvent } from '../events.ts';
import type { KeyState } from '../state.ts';
import { refusalError, verdictFor } from '../transitions.ts';
import { stamp } from './stamp.ts';

/** Creates or imports a root or standard key with its first version. */
export function createKey(command: CreateKey, state: KeyState): KeyEvent[] {
  const verdict = verdictFor(state, 'CreateKey', command.now);
  if (verdict !== 'allowed') throw refusalError(verdict, 'CreateKey');
  if (command.keyType === 'root' && command.extractable) {
    throw new DomainError('BAD_BODY_ERR', 'a root key cannot be extractable');
  }
  if (command.expirationDate !== undefined && Date.parse(command.expirationDate) <= Date.parse(command.now)) {
    throw new DomainError('BAD_BODY_ERR', 'expirationDate must be in the future');
  }
  const { type: _type, now, principalId: _by, settings: _settings, imported, versionId, material, ...facts } = command;
  const data: KeyCreatedData = {
    ...facts,
    version: { id: versionId, creationDate: now, material },
    dualAuthDelete: command.dualAuthDelete ?? false,
  };
  const meta = stamp(command);
  return [imported ? { type: 'KeyImported', data, meta } : { type: 'KeyCreated', data, meta }];
}
