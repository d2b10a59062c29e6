import { syncKey } from '../../application/keys/sync-key.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** POST /api/v2/keys/{id}/actions/sync: asks the key's registered resources to re-read it (once per minSyncIntervalS); 204. */
export const handler = keyProtectHandler(operations.syncAssociatedResources, async (req) => {
  await syncKey(req.runtime.services, req.scope, req.caller.principalId, req.param('id'));
  return noContent();
});
