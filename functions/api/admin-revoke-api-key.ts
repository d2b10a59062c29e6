import { revokeApiKeys } from '../../application/identity/revoke-api-keys.ts';
import { adminHandler } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** DELETE /admin/v1/principals/{id}/api-key -> 204: every API key of the principal stops working at once. */
export const handler = adminHandler(operations.adminRevokeApiKey, async (req) => {
  await revokeApiKeys(req.runtime.services, req.scope, {
    principalId: req.param('id'),
    callerPrincipalId: req.caller.principalId,
  });
  return { statusCode: 204 };
});
