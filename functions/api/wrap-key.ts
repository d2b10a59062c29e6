import { wrapKey } from '../../application/keys/wrap-key.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { decodeBase64, MAX_WRAP_PLAINTEXT_BYTES } from './schemas/keys.ts';
import { operations } from './operations.ts';

/** POST /api/v2/keys/{id}/actions/wrap: wrap a given DEK, or generate one and return it with its ciphertext. */
export const handler = keyProtectHandler(operations.wrapKey, async (req) => {
  const plaintext =
    req.body.plaintext === undefined
      ? undefined
      : decodeBase64(req.body.plaintext, 'plaintext', MAX_WRAP_PLAINTEXT_BYTES);
  const result = await wrapKey(req.runtime.services, req.instanceId, req.param('id'), { plaintext, aad: req.body.aad });
  req.audit.keyVersionId = result.keyVersionId;
  return json(200, {
    ...(result.plaintext ? { plaintext: result.plaintext.toString('base64') } : {}),
    ciphertext: result.ciphertext,
    keyVersion: { id: result.keyVersionId },
  });
});
