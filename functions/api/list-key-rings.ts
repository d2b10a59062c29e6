import { listKeyRings } from '../../application/key-rings/list-key-rings.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { collection, COLLECTION, keyRingResource } from './responses/organize.ts';
import { operations } from './operations.ts';

/** GET /api/v2/key_rings: the instance's key rings, `default` included. */
export const handler = keyProtectHandler(operations.listKeyRings, async (req) => {
  const rings = await listKeyRings(req.runtime.services, req.instanceId);
  return json(200, collection(COLLECTION.keyRing, rings.map(keyRingResource)));
});
