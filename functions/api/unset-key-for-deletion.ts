import { unsetKeyForDeletion } from '../../application/keys/unset-key-for-deletion.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** POST /api/v2/keys/{id}/actions/unsetKeyForDeletion: withdraws that authorisation; 204. */
export const handler = keyProtectHandler(operations.unsetKeyForDeletion, async (req) => {
  await unsetKeyForDeletion(req.runtime.services, req.scope, req.caller.principalId, req.param('id'));
  return noContent();
});
