import { DomainError } from '../../errors.ts';
import type { RotateKey } from '../commands.ts';
import type { KeyEvent } from '../events.ts';
import { hasElapsed, resolveSettings } from '../settings.ts';
import { lastRotationDate, type KeyState } from '../state.ts';
import { assertAllowed } from '../transitions.ts';
import { stamp } from './stamp.ts';

/**
 * A new version of a root key, in Active or Deactivated. An imported key needs material from the
 * caller (400 KEY_PAYLOAD_REQ_ERR), a generated key takes the HSM's (a caller's material for it is
 * 400 INVALID_QUERY_PARAM_ERR, as Key Protect answers). At most one rotation per minRotationIntervalS (409
 * KEY_ROTATION_NOT_PERMITTED), counted from the last rotation: Key Protect puts "no time
 * restriction when rotating the key the first time".
 */
export function rotateKey(command: RotateKey, state: KeyState): KeyEvent[] {
  const key = assertAllowed(state, 'RotateKey', command.now);
  if (key.imported && !command.suppliedByCaller) {
    throw new DomainError(
      'KEY_PAYLOAD_REQ_ERR',
      "This root key was created with user-supplied key material: Key material is required to perform a 'rotate' action",
      { type: 'field', name: 'payload' },
    );
  }
  if (!key.imported && command.suppliedByCaller) {
    // Key Protect's own words, and its target: `payload` reported as a query parameter, though it is a body field.
    throw new DomainError(
      'INVALID_QUERY_PARAM_ERR',
      "The query_param 'payload' must be: provided only if key is imported",
      {
        type: 'query_param',
        name: 'payload',
      },
    );
  }
  const last = lastRotationDate(key);
  if (last !== undefined && !hasElapsed(last, command.now, resolveSettings(command.settings).minRotationIntervalS)) {
    throw new DomainError(
      'KEY_ROTATION_NOT_PERMITTED',
      'This root key has been rotated recently: wait before rotating it again',
    );
  }
  // Version ids are fresh UUIDs: a repeat of one would be a repeated command, whose version is among the newest.
  if (key.recentVersions.some((v) => v.id === command.versionId)) {
    throw new DomainError('CONFLICT_ERR', 'a key version with this id already exists');
  }
  return [
    {
      type: 'KeyVersionRotated',
      data: {
        version: { id: command.versionId, creationDate: command.now, material: command.material },
        suppliedByCaller: command.suppliedByCaller,
      },
      meta: stamp(command),
    },
  ];
}
