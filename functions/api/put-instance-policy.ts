import { setInstancePolicies } from '../../application/instances/set-instance-policies.ts';
import { keyProtectHandler, noContent } from '../shared/api-handler.ts';
import { instancePolicyBody, instancePolicyInputs, instancePolicyQuery } from './policy-schemas.ts';

/** PUT /api/v2/instance/policies[?policy=]: sets one (with `policy`) or several instance policies; 204. */
export const handler = keyProtectHandler('putInstancePolicy', instancePolicyBody, async (req) => {
  const { policy } = instancePolicyQuery.parse(req.event.queryStringParameters ?? {});
  await setInstancePolicies(
    req.runtime.services,
    req.scope,
    req.caller.principalId,
    instancePolicyInputs(req.body, policy),
  );
  return noContent();
});
