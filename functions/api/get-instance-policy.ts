import { loadInstancePolicyEntries } from '../../application/instances/instance-policies.ts';
import { INSTANCE_POLICY_TYPES } from '../../domain/instances/policies.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { collection, COLLECTION, instancePolicyResource } from './organize-responses.ts';
import { instancePolicyQuery } from './policy-schemas.ts';

/** GET /api/v2/instance/policies[?policy=]: the instance policies that have been set. */
export const handler = keyProtectHandler('getInstancePolicy', null, async (req) => {
  const { policy } = instancePolicyQuery.parse(req.event.queryStringParameters ?? {});
  const entries = await loadInstancePolicyEntries(req.runtime.services, req.instanceId);
  const resources = INSTANCE_POLICY_TYPES.filter((type) => policy === undefined || type === policy).flatMap((type) => {
    const entry = entries[type];
    return entry ? [instancePolicyResource(entry)] : [];
  });
  return json(200, collection(COLLECTION.policy, resources));
});
