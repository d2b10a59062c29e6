import { setKeyForDeletion } from '../../application/keys/set-key-for-deletion.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** POST /api/v2/keys/{id}/actions/setKeyForDeletion: first authorisation to delete a dual-auth key; 204. */
export const handler = keyProtectHandler(operations.setKeyForDeletion, async (req) => {
  await setKeyForDeletion(req.runtime.services, req.scope, req.caller.principalId, req.param('id'));
  return noContent();
});
