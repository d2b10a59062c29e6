import { findKey } from '../../application/keys/find-key.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { keyCollection, keyDocument } from './responses/keys.ts';
import { operations } from './operations.ts';

/** GET /api/v2/keys/{id}/metadata: a key's metadata, never its material. */
export const handler = keyProtectHandler(operations.getKeyMetadata, async (req) => {
  const key = await findKey(req.runtime.services, req.instanceId, req.param('id'));
  return json(200, keyCollection([keyDocument(req, key)]));
});
