import { DomainError } from '../../errors.ts';
import type { SetKeyPolicy } from '../commands.ts';
import type { KeyEvent } from '../events.ts';
import type { KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/**
 * Sets a key policy (KeyPolicySet):
 * - rotation: root keys only (400 KEY_ROOT_REQ_ERR), intervalMonth an integer 1..12 (400
 *   INVALID_FIELD_ERR), enabled or disabled; without intervalMonth the key's interval stays (Key
 *   Protect's answer to the Go client's Enable/DisableRotationPolicy), and a key without one is refused;
 * - dualAuthDelete: any key; once enabled it stays (manage-dual-auth.md: "a dual auth policy on a
 *   key cannot be disabled"), so disabling answers 400 BAD_BODY_ERR (keyledger's choice of code).
 * Setting a policy for the first time records it even when its value is the key's default (Key
 * Protect then lists it); setting what is already set changes nothing.
 */
export function setKeyPolicy(command: SetKeyPolicy, state: KeyState): KeyEvent[] {
  const key = assertAllowed(state, 'SetKeyPolicy', command.now);
  const policy = command.policy;
  switch (policy.policy) {
    case 'rotation': {
      if (key.keyType !== 'root')
        throw new DomainError('KEY_ROOT_REQ_ERR', 'Requested action can only be completed with a root key');
      const current = key.rotationPolicy;
      const intervalMonth = policy.intervalMonth ?? current?.intervalMonth;
      if (intervalMonth === undefined || !Number.isInteger(intervalMonth) || intervalMonth < 1 || intervalMonth > 12) {
        throw new DomainError(
          'INVALID_FIELD_ERR',
          "The field 'interval_month' must be: an integer between 1 and 12 (inclusive)",
          { type: 'field', name: 'interval_month' },
        );
      }
      if (current?.enabled === policy.enabled && current.intervalMonth === intervalMonth) return [];
      return [
        {
          type: 'KeyPolicySet',
          data: { policy: 'rotation', enabled: policy.enabled, intervalMonth },
          meta: stamp(command),
        },
      ];
    }
    case 'dualAuthDelete': {
      if (key.dualAuthDelete && !policy.enabled) {
        throw new DomainError('BAD_BODY_ERR', "A key's dual authorization policy cannot be disabled once set");
      }
      if (key.dualAuthDelete === policy.enabled && key.policyRecords.dualAuthDelete) return [];
      return [
        { type: 'KeyPolicySet', data: { policy: 'dualAuthDelete', enabled: policy.enabled }, meta: stamp(command) },
      ];
    }
    default: {
      const unhandled: never = policy;
      return unhandled;
    }
  }
}
