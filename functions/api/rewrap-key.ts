import { rewrapKey } from '../../application/keys/rewrap-key.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** POST /api/v2/keys/{id}/actions/rewrap: move a ciphertext to the key's latest version. */
export const handler = keyProtectHandler(operations.rewrapKey, async (req) => {
  const result = await rewrapKey(req.runtime.services, req.instanceId, req.param('id'), {
    ciphertext: req.body.ciphertext,
    aad: req.body.aad,
  });
  req.audit.keyVersionId = result.keyVersionId;
  return json(200, {
    ciphertext: result.ciphertext,
    keyVersion: { id: result.keyVersionId },
    rewrappedKeyVersion: { id: result.rewrappedKeyVersionId },
  });
});
