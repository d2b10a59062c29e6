import type { InstancePolicyValue } from '../../domain/instances/policies.ts';
import { handleCommand, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { instancePoliciesAggregate, instancePoliciesStreamId } from './instance-policies.ts';

/** Sets one or more instance policies (PUT /instance/policies); unchanged ones record nothing. */
export async function setInstancePolicies(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  policies: readonly InstancePolicyValue[],
): Promise<void> {
  await handleCommand(
    services.store,
    instancePoliciesAggregate,
    instancePoliciesStreamId(scope.instanceId),
    {
      type: 'SetInstancePolicies',
      policies,
      now: services.now().toISOString(),
      principalId,
    },
    scope,
  );
}
