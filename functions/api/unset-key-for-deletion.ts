import { unsetKeyForDeletion } from '../../application/keys/unset-key-for-deletion.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';

/** POST /api/v2/keys/{id}/actions/unsetKeyForDeletion: withdraws that authorisation; 204. */
export const handler = keyProtectHandler('unsetKeyForDeletion', null, async (req) => {
  await unsetKeyForDeletion(req.runtime.services, req.scope, req.caller.principalId, req.param('id'));
  return noContent();
});
