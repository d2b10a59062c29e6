import { unwrapKey } from '../../application/keys/unwrap-key.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** POST /api/v2/keys/{id}/actions/unwrap: the DEK inside a ciphertext, and the ciphertext rewrapped when its version is not the latest. */
export const handler = keyProtectHandler(operations.unwrapKey, async (req) => {
  const result = await unwrapKey(req.runtime.services, req.instanceId, req.param('id'), {
    ciphertext: req.body.ciphertext,
    aad: req.body.aad,
  });
  req.audit.keyVersionId = result.keyVersionId;
  return json(200, {
    plaintext: result.plaintext.toString('base64'),
    keyVersion: { id: result.keyVersionId },
    ...(result.rewrapped
      ? { ciphertext: result.rewrapped.ciphertext, rewrappedKeyVersion: { id: result.rewrapped.keyVersionId } }
      : {}),
  });
});
