import { rotateSigningKey } from '../../application/identity/signing-keys.ts';
import { adminHandler, json } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/**
 * POST /admin/v1/token-signing-keys -> 201 `{kid, previousKid}`: new tokens are signed with a new
 * HSM key at once; tokens signed with the previous key keep verifying until they expire.
 */
export const handler = adminHandler(operations.adminRotateSigningKey, async (req) => {
  return json(201, await rotateSigningKey(req.runtime.services, req.scope, req.caller.principalId));
});
