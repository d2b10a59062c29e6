import { revokeApiKeys } from '../../application/identity/revoke-api-keys.ts';
import { adminHandler } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** DELETE /admin/v1/principals/{id} -> 204: the principal and all its API keys stop working. */
export const handler = adminHandler(operations.adminDeletePrincipal, async (req) => {
  await revokeApiKeys(req.runtime.services, req.scope, {
    principalId: req.param('id'),
    callerPrincipalId: req.caller.principalId,
    deletePrincipal: true,
  });
  return { statusCode: 204 };
});
