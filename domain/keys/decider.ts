import type { Decider } from '../decider.ts';
import type { KeyCommand } from './commands.ts';
import { addAlias } from './commands/add-alias.ts';
import { changeRegistration } from './commands/change-registration.ts';
import { createKey } from './commands/create-key.ts';
import { deleteKey } from './commands/delete-key.ts';
import { disableKey } from './commands/disable-key.ts';
import { enableKey } from './commands/enable-key.ts';
import { expireKey } from './commands/expire-key.ts';
import { moveKeyToKeyRing } from './commands/move-key-to-key-ring.ts';
import { purgeKey } from './commands/purge-key.ts';
import { removeAlias } from './commands/remove-alias.ts';
import { restoreKey } from './commands/restore-key.ts';
import { rotateKey } from './commands/rotate-key.ts';
import { setKeyForDeletion } from './commands/set-key-for-deletion.ts';
import { setKeyPolicy } from './commands/set-key-policy.ts';
import { syncKey } from './commands/sync-key.ts';
import { unsetKeyForDeletion } from './commands/unset-key-for-deletion.ts';
import type { KeyEvent } from './events.ts';
import { evolve } from './evolve.ts';
import type { KeyState } from './state.ts';

function initialState(): KeyState {
  return { status: 'Absent' };
}

function decide(command: KeyCommand, state: KeyState): KeyEvent[] {
  switch (command.type) {
    case 'CreateKey':
      return createKey(command, state);
    case 'DisableKey':
      return disableKey(command, state);
    case 'EnableKey':
      return enableKey(command, state);
    case 'ExpireKey':
      return expireKey(command, state);
    case 'RotateKey':
      return rotateKey(command, state);
    case 'SetKeyForDeletion':
      return setKeyForDeletion(command, state);
    case 'UnsetKeyForDeletion':
      return unsetKeyForDeletion(command, state);
    case 'DeleteKey':
      return deleteKey(command, state);
    case 'RestoreKey':
      return restoreKey(command, state);
    case 'PurgeKey':
      return purgeKey(command, state);
    case 'MoveKeyToKeyRing':
      return moveKeyToKeyRing(command, state);
    case 'AddAlias':
      return addAlias(command, state);
    case 'RemoveAlias':
      return removeAlias(command, state);
    case 'SetKeyPolicy':
      return setKeyPolicy(command, state);
    case 'ChangeRegistration':
      return changeRegistration(command, state);
    case 'SyncKey':
      return syncKey(command, state);
    default: {
      const unhandled: never = command;
      throw new Error(`unhandled command ${String((unhandled as { type?: unknown }).type)}`);
    }
  }
}

/** The key aggregate: one stream per key. */
export const keyDecider: Decider<KeyState, KeyCommand, KeyEvent> = { initialState, decide, evolve };
