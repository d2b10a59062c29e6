import { DomainError } from '../../errors.ts';
import type { MoveKeyToKeyRing } from '../commands.ts';
import type { KeyEvent } from '../events.ts';
import type { KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/** The ring every key of a force-deleted ring moves to. */
const DEFAULT_KEY_RING = 'default';

/**
 * Moves a key that is not deleted to another key ring of its instance; to its own ring, nothing
 * happens. One exception: when its ring is force-deleted, a Destroyed key moves to `default`
 * (Key Protect: "force=true ... keys in the Destroyed state are moved to the default key ring").
 */
export function moveKeyToKeyRing(command: MoveKeyToKeyRing, state: KeyState): KeyEvent[] {
  const key =
    command.ringDeleted === true && state.status === 'Destroyed' && command.keyRingId === DEFAULT_KEY_RING
      ? state
      : assertAllowed(state, 'MoveKeyToKeyRing', command.now);
  if (command.keyRingId.trim() === '') throw new DomainError('INVALID_FIELD_ERR', 'keyRingId must not be empty');
  if (command.keyRingId === key.keyRingId) return [];
  return [
    {
      type: 'KeyMovedToKeyRing',
      data: { fromKeyRingId: key.keyRingId, toKeyRingId: command.keyRingId },
      meta: stamp(command),
    },
  ];
}
