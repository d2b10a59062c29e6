import type { RemoveAlias } from '../commands.ts';
import type { KeyEvent } from '../events.ts';
import type { KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/** Removes an alias; one the key does not have changes nothing (the edge may answer 404 for it). */
export function removeAlias(command: RemoveAlias, state: KeyState): KeyEvent[] {
  const key = assertAllowed(state, 'RemoveAlias', command.now);
  if (!key.aliases.includes(command.alias)) return [];
  return [{ type: 'AliasRemoved', data: { alias: command.alias }, meta: stamp(command) }];
}
