import { setKeyPolicies } from '../../application/keys/set-key-policy.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { collection, COLLECTION, keyPolicyResources } from './responses/organize.ts';
import { keyPolicyInputs } from './schemas/policies.ts';
import { operations } from './operations.ts';

/** PUT /api/v2/keys/{id}/policies[?policy=]: sets the key's rotation and/or dualAuthDelete policy. */
export const handler = keyProtectHandler(operations.putPolicy, async (req) => {
  const { policy } = req.query;
  const inputs = keyPolicyInputs(req.body, policy);
  const key = await setKeyPolicies(req.runtime.services, req.scope, req.caller.principalId, req.param('id'), inputs);
  req.audit.keyId = key.keyId;
  return json(200, collection(COLLECTION.policy, keyPolicyResources(key, policy)));
});
