import { setInstancePolicies } from '../../application/instances/set-instance-policies.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';
import { instancePolicyInputs } from './schemas/policies.ts';
import { operations } from './operations.ts';

/** PUT /api/v2/instance/policies[?policy=]: sets one (with `policy`) or several instance policies; 204. */
export const handler = keyProtectHandler(operations.putInstancePolicy, async (req) => {
  const { policy } = req.query;
  await setInstancePolicies(
    req.runtime.services,
    req.scope,
    req.caller.principalId,
    instancePolicyInputs(req.body, policy),
  );
  return noContent();
});
