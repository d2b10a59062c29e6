import { loadInstancePolicyEntries } from '../../application/instances/instance-policies.ts';
import { INSTANCE_POLICY_TYPES } from '../../domain/instances/policies.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { collection, COLLECTION, instancePolicyResource } from './responses/organize.ts';
import { operations } from './operations.ts';

/** GET /api/v2/instance/policies[?policy=]: the instance policies that have been set. */
export const handler = keyProtectHandler(operations.getInstancePolicy, async (req) => {
  const { policy } = req.query;
  const entries = await loadInstancePolicyEntries(req.runtime.services, req.instanceId);
  const resources = INSTANCE_POLICY_TYPES.filter((type) => policy === undefined || type === policy).flatMap((type) => {
    const entry = entries[type];
    return entry ? [instancePolicyResource(entry)] : [];
  });
  return json(200, collection(COLLECTION.policy, resources));
});
