import { disableKey } from '../../application/keys/disable-key.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** POST /api/v2/keys/{id}/actions/disable: Active -> Suspended; 204. */
export const handler = keyProtectHandler(operations.disableKey, async (req) => {
  await disableKey(req.runtime.services, req.scope, req.caller.principalId, req.param('id'));
  return noContent();
});
