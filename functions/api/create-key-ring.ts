import { createKeyRing } from '../../application/key-rings/create-key-ring.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { collection, COLLECTION, keyRingResource } from './responses/organize.ts';
import { operations } from './operations.ts';

/** POST /api/v2/key_rings/{keyRingId}: creates a key ring (409 CONFLICT_ERR if it exists). */
export const handler = keyProtectHandler(operations.createKeyRing, async (req) => {
  const ring = await createKeyRing(req.runtime.services, req.scope, req.caller.principalId, req.param('keyRingId'));
  return json(201, collection(COLLECTION.keyRing, [keyRingResource(ring)]));
});
