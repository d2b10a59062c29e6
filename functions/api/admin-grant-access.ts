import { grantAccess } from '../../application/access/grant-access.ts';
import { adminHandler, json } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/**
 * POST /admin/v1/instances/{instanceId}/access `{principalId, role, keyRingId?, keyId?}` -> 201
 * `{id, instanceId, principalId, role, keyRingId?, keyId?, createdAt}`. No scope: the whole instance.
 */
export const handler = adminHandler(operations.adminGrantAccess, async (req) => {
  const binding = await grantAccess(req.runtime.services, req.scope, {
    instanceId: req.param('instanceId'),
    ...req.body,
    callerPrincipalId: req.caller.principalId,
  });
  if (binding.keyId) req.audit.keyId = binding.keyId;
  return json(201, binding);
});
