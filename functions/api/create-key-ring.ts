import { createKeyRing } from '../../application/key-rings/create-key-ring.ts';
import { keyProtectHandler } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/**
 * POST /api/v2/key_rings/{keyRingId}: creates a key ring (409 CONFLICT_ERR if it exists). 201 with no
 * body, as Key Protect answers (the Go client fails on any body here).
 */
export const handler = keyProtectHandler(operations.createKeyRing, async (req) => {
  await createKeyRing(req.runtime.services, req.scope, req.caller.principalId, req.param('keyRingId'));
  return { statusCode: 201 };
});
