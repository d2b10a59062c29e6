import { countKeys } from '../../application/keys/count-keys.ts';
import { keyProtectHandler } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** HEAD /api/v2/keys: how many keys `state`, `extractable`, `filter` and `x-kms-key-ring` select, in the `Key-Total` header; no body. */
export const handler = keyProtectHandler(operations.getKeyCollectionMetadata, async (req) => {
  const total = await countKeys(req.runtime.services, req.instanceId, {
    ...req.query,
    keyRingId: req.header('x-kms-key-ring') || undefined,
    visible: req.access.filter,
  });
  return { statusCode: 200, headers: { 'key-total': String(total) } };
});
