import { z } from 'zod';
import { deleteKey } from '../../application/keys/delete-key.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';
import { keyResult, prefersRepresentation } from './key-responses.ts';
import { flagParam } from './query-params.ts';

const query = z.object({ force: flagParam });

/**
 * DELETE /api/v2/keys/{id}: the key becomes Destroyed (state 5) at once; 200 with the deleted
 * key for `Prefer: return=representation`, else 204. `force=true` deletes past registrations.
 */
export const handler = keyProtectHandler('deleteKey', null, async (req) => {
  const { force } = query.parse(req.event.queryStringParameters ?? {});
  const key = await deleteKey(req.runtime.services, req.scope, req.caller.principalId, req.param('id'), force);
  return prefersRepresentation(req) ? keyResult(200, key) : noContent();
});
