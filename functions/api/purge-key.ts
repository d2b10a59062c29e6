import { purgeKey } from '../../application/keys/purge-key.ts';
import { keyProtectHandler } from '../shared/api-handler.ts';
import { keyResult } from './responses/keys.ts';
import { operations } from './operations.ts';

/**
 * DELETE /api/v2/keys/{id}/purge: removes a deleted key for good, no sooner than minPurgeDelayS
 * after its deletion (409 REQ_TOO_EARLY_ERR); 200 with the key as it was; 404 from then on. Key
 * Protect requires the KeyPurge role; until roles land every caller of an instance is its
 * administrator, who holds KeyPurge (README "Access control").
 */
export const handler = keyProtectHandler(operations.purgeKey, async (req) => {
  const { before } = await purgeKey(req.runtime.services, req.scope, req.caller.principalId, req.param('id'));
  return keyResult(req, 200, before);
});
