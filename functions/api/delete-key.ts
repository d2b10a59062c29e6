import { deleteKey } from '../../application/keys/delete-key.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';
import { keyResult, prefersRepresentation } from './responses/keys.ts';
import { operations } from './operations.ts';

/**
 * DELETE /api/v2/keys/{id}: the key becomes Destroyed (state 5) at once; 200 with the deleted
 * key for `Prefer: return=representation`, else 204. `force=true` deletes past registrations.
 */
export const handler = keyProtectHandler(operations.deleteKey, async (req) => {
  const { force } = req.query;
  const key = await deleteKey(req.runtime.services, req.scope, req.caller.principalId, req.param('id'), force);
  return prefersRepresentation(req) ? keyResult(req, 200, key) : noContent();
});
