import { revokeAccess } from '../../application/access/grant-access.ts';
import { adminHandler } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** DELETE /admin/v1/instances/{instanceId}/access/{bindingId} -> 204. */
export const handler = adminHandler(operations.adminRevokeAccess, async (req) => {
  await revokeAccess(req.runtime.services, req.scope, {
    instanceId: req.param('instanceId'),
    bindingId: req.param('bindingId'),
    callerPrincipalId: req.caller.principalId,
  });
  return { statusCode: 204 };
});
