import { disableKey } from '../../application/keys/disable-key.ts';
import { keyProtectHandler } from '../shared/api-handler.ts';
import { noContent, requestScope } from './key-action-responses.ts';

/** POST /api/v2/keys/{id}/actions/disable: Active -> Suspended; 204. */
export const handler = keyProtectHandler('disableKey', null, async (req) => {
  await disableKey(req.runtime.services, requestScope(req), req.caller.principalId, req.param('id'));
  return noContent();
});
