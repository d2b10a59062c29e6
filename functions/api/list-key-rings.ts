import { listKeyRings } from '../../application/key-rings/list-key-rings.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { collection, COLLECTION, keyRingResource } from './responses/organize.ts';
import { operations } from './operations.ts';

/** GET /api/v2/key_rings: the instance's key rings, `default` first, paged (`limit`, `offset`, `totalCount`). */
export const handler = keyProtectHandler(operations.listKeyRings, async (req) => {
  const q = req.query;
  const rings = await listKeyRings(req.runtime.services, req.instanceId);
  return json(
    200,
    collection(
      COLLECTION.keyRing,
      rings.slice(q.offset, q.offset + q.limit).map(keyRingResource),
      q.totalCount ? { totalCount: rings.length } : {},
    ),
  );
});
