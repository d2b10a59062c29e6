import { getKey } from '../../application/keys/get-key.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { keyCollection, keyDocument } from './responses/keys.ts';
import { operations } from './operations.ts';

/** GET /api/v2/keys/{id}: a key's metadata, with the payload of a standard key. */
export const handler = keyProtectHandler(operations.getKey, async (req) => {
  const { key, payload } = await getKey(req.runtime.services, req.instanceId, req.param('id'));
  return json(
    200,
    keyCollection([{ ...keyDocument(req, key), ...(payload ? { payload: payload.toString('base64') } : {}) }]),
  );
});
