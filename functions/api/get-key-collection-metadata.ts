import { countKeys } from '../../application/keys/count-keys.ts';
import { keyProtectHandler } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** HEAD /api/v2/keys: how many keys match `state` and `extractable`, in the `Key-Total` header; no body. */
export const handler = keyProtectHandler(operations.getKeyCollectionMetadata, async (req) => {
  const q = req.query;
  const total = await countKeys(req.runtime.services, req.instanceId, {
    states: q.state,
    extractable: q.extractable,
    visible: req.access.filter,
  });
  return { statusCode: 200, headers: { 'key-total': String(total) } };
});
