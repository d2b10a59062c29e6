import { findKey } from '../../application/keys/find-key.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { collection, COLLECTION, keyPolicyResources } from './responses/organize.ts';
import { operations } from './operations.ts';

/** GET /api/v2/keys/{id}/policies[?policy=rotation|dualAuthDelete]: the key's policies. */
export const handler = keyProtectHandler(operations.getPolicy, async (req) => {
  const { policy } = req.query;
  const key = await findKey(req.runtime.services, req.instanceId, req.param('id'));
  req.audit.keyId = key.keyId;
  return json(200, collection(COLLECTION.policy, keyPolicyResources(key, policy)));
});
