import { DomainError } from '../../errors.ts';
import type { MoveKeyToKeyRing } from '../commands.ts';
import type { KeyEvent } from '../events.ts';
import type { KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/** Moves a key that is not deleted to another key ring of its instance; to its own ring, nothing happens. */
export function moveKeyToKeyRing(command: MoveKeyToKeyRing, state: KeyState): KeyEvent[] {
  const key = assertAllowed(state, 'MoveKeyToKeyRing', command.now);
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
