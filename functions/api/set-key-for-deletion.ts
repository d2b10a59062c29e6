import { setKeyForDeletion } from '../../application/keys/set-key-for-deletion.ts';
import { keyProtectHandler } from '../shared/api-handler.ts';
import { noContent, requestScope } from './key-action-responses.ts';

/** POST /api/v2/keys/{id}/actions/setKeyForDeletion: first authorisation to delete a dual-auth key; 204. */
export const handler = keyProtectHandler('setKeyForDeletion', null, async (req) => {
  await setKeyForDeletion(req.runtime.services, requestScope(req), req.caller.principalId, req.param('id'));
  return noContent();
});
