import type { DisableKey } from '../commands.ts';
import type { KeyEvent } from '../events.ts';
import type { KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/**
 * Active -> Suspended (root keys only). Key Protect imposes no wait before a disable; its 30 s
 * wait guards the reverse actions, enable and restore (error-messages.md REQ_TOO_EARLY_ERR).
 */
export function disableKey(command: DisableKey, state: KeyState): KeyEvent[] {
  assertAllowed(state, 'DisableKey', command.now);
  return [{ type: 'KeyDisabled', data: {}, meta: stamp(command) }];
}
