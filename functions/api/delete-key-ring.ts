import { deleteKeyRing } from '../../application/key-rings/delete-key-ring.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** DELETE /api/v2/key_rings/{keyRingId}[?force=true]: only an empty ring, or with force one holding only Destroyed keys. */
export const handler = keyProtectHandler(operations.deleteKeyRing, async (req) => {
  const { force } = req.query;
  await deleteKeyRing(req.runtime.services, req.scope, req.caller.principalId, req.param('keyRingId'), force);
  return noContent();
});
