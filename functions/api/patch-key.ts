import { moveKey } from '../../application/keys/move-key.ts';
import { keyProtectHandler } from '../shared/api-handler.ts';
import { keyResult } from './responses/keys.ts';
import { operations } from './operations.ts';

/**
 * PATCH /api/v2/keys/{id} `{keyRingID}`: moves the key to another key ring of the instance; the caller needs
 * Manager on the key (the operation's rule) and on the ring it moves to.
 */
export const handler = keyProtectHandler(operations.patchKey, async (req) => {
  await req.runtime.authorizer.authorizeMoveTarget(req.caller, req.instanceId, req.body.keyRingID);
  const key = await moveKey(
    req.runtime.services,
    req.scope,
    req.caller.principalId,
    req.param('id'),
    req.body.keyRingID,
  );
  req.audit.keyId = key.keyId;
  return keyResult(req, 200, key);
});
