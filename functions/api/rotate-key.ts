import { rotateKey } from '../../application/keys/rotate-key.ts';
import { currentVersion } from '../../domain/keys/state.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';
import { keyResult, prefersRepresentation } from './responses/keys.ts';
import { suppliedMaterial } from './schemas/keys.ts';
import { operations } from './operations.ts';

/** Largest root key material, in bytes (AES-256). */
const MAX_ROOT_KEY_BYTES = 32;

/**
 * POST /api/v2/keys/{id}/actions/rotate: a new version of a root key, for an imported one from the
 * caller's material (in the clear, or under the instance's import token); 204, or 200 with the key for
 * `Prefer: return=representation`.
 */
export const handler = keyProtectHandler(operations.rotateKey, async (req) => {
  const supplied = suppliedMaterial(req.body, MAX_ROOT_KEY_BYTES);
  const key = await rotateKey(req.runtime.services, req.scope, req.caller.principalId, req.param('id'), supplied);
  req.audit.keyVersionId = currentVersion(key).id;
  return prefersRepresentation(req) ? keyResult(req, 200, key) : noContent();
});
