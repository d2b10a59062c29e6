import { DomainError } from '../../errors.ts';
import type { PurgeKey } from '../commands.ts';
import type { KeyEvent } from '../events.ts';
import { hasElapsed, resolveSettings } from '../settings.ts';
import type { KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/**
 * Destroyed -> Purged: by a caller no sooner than minPurgeDelayS after deletion, by the
 * scheduler (automatic) no sooner than autoPurgeAfterS (409 REQ_TOO_EARLY_ERR otherwise).
 * Afterwards every operation answers 404 KEY_NOT_FOUND_ERR (delete-purge-keys.md).
 */
export function purgeKey(command: PurgeKey, state: KeyState): KeyEvent[] {
  const key = assertAllowed(state, 'PurgeKey', command.now);
  if (key.status !== 'Destroyed') throw new Error('invariant: only a Destroyed key is purged');
  const settings = resolveSettings(command.settings);
  const delay = command.automatic ? settings.autoPurgeAfterS : settings.minPurgeDelayS;
  if (!hasElapsed(key.deletionDate, command.now, delay)) {
    throw new DomainError('REQ_TOO_EARLY_ERR', 'The key was deleted recently: it cannot be purged yet');
  }
  return [{ type: 'KeyPurged', data: { automatic: command.automatic }, meta: stamp(command) }];
}
