import { z } from 'zod';
import { deleteKeyRing } from '../../application/key-rings/delete-key-ring.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';
import { flagParam } from './query-params.ts';

const query = z.object({ force: flagParam });

/** DELETE /api/v2/key_rings/{keyRingId}[?force=true]: only an empty ring, or with force one holding only Destroyed keys. */
export const handler = keyProtectHandler('deleteKeyRing', null, async (req) => {
  const { force } = query.parse(req.event.queryStringParameters ?? {});
  await deleteKeyRing(req.runtime.services, req.scope, req.caller.principalId, req.param('keyRingId'), force);
  return noContent();
});
