import { DomainError } from '../../errors.ts';
import { MAX_ALIASES_PER_KEY, aliasProblem } from '../aliases.ts';
import type { AddAlias } from '../commands.ts';
import type { KeyEvent } from '../events.ts';
import type { KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/**
 * Adds an alias (400 INVALID_FIELD_ERR for one that breaks Key Protect's rules, 400
 * KEY_ALIAS_QUOTA_ERR past five). An alias the key already has changes nothing. Whether another
 * key of the instance holds it is the application's alias index's question (DUPLICATE_ALIAS_ERR).
 */
export function addAlias(command: AddAlias, state: KeyState): KeyEvent[] {
  const key = assertAllowed(state, 'AddAlias', command.now);
  const problem = aliasProblem(command.alias);
  if (problem !== null) throw new DomainError('INVALID_FIELD_ERR', `The field 'alias' must be valid: ${problem}`);
  if (key.aliases.includes(command.alias)) return [];
  if (key.aliases.length >= MAX_ALIASES_PER_KEY) {
    throw new DomainError('KEY_ALIAS_QUOTA_ERR', `A key can have at most ${MAX_ALIASES_PER_KEY} aliases`);
  }
  return [{ type: 'AliasAdded', data: { alias: command.alias }, meta: stamp(command) }];
}
