import { restoreKey } from '../../application/keys/restore-key.ts';
import { keyProtectHandler } from '../shared/api-handler.ts';
import { keyResult } from './responses/keys.ts';
import { operations } from './operations.ts';

/**
 * POST /api/v2/keys/{id}/restore: a deleted key becomes Active again, with its versions, aliases
 * and policies; 201 with the key. Key Protect once required an imported key's material here; it
 * restores any key without it now, and so does keyledger (a body, if sent, is not used).
 */
export const handler = keyProtectHandler(operations.restoreKey, async (req) => {
  const key = await restoreKey(req.runtime.services, req.scope, req.caller.principalId, req.param('id'));
  return keyResult(req, 201, key);
});
