import { enableKey } from '../../application/keys/enable-key.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** POST /api/v2/keys/{id}/actions/enable: Suspended -> Active (409 REQ_TOO_EARLY_ERR within minActionIntervalS of the disable); 204. */
export const handler = keyProtectHandler(operations.enableKey, async (req) => {
  await enableKey(req.runtime.services, req.scope, req.caller.principalId, req.param('id'));
  return noContent();
});
