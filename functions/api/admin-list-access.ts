import { listAccess } from '../../application/access/grant-access.ts';
import { adminHandler, json } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** GET /admin/v1/instances/{instanceId}/access -> 200 `{bindings: [...]}` (the instance's bindings, oldest first). */
export const handler = adminHandler(operations.adminListAccess, async (req) => {
  return json(200, { bindings: await listAccess(req.runtime.services, req.param('instanceId')) });
});
