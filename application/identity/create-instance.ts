import { handleCommand, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { instanceAggregate, instanceStreamId } from './instance-aggregate.ts';

interface CreatedInstance {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

/** Creates a service instance, the tenant boundary. */
export async function createInstance(
  services: Pick<AppServices, 'store' | 'now' | 'newId'>,
  request: RequestScope,
  input: { name: string; instanceId?: string | undefined; callerPrincipalId: string },
): Promise<CreatedInstance> {
  const instanceId = input.instanceId ?? services.newId();
  const { state } = await handleCommand(
    services.store,
    instanceAggregate,
    instanceStreamId(instanceId),
    {
      type: 'CreateInstance',
      instanceId,
      name: input.name,
      now: services.now().toISOString(),
      principalIdOfCaller: input.callerPrincipalId,
    },
    { ...request, instanceId },
  );
  if (state.status !== 'Active') throw new Error('invariant: a created instance exists');
  return { id: state.instanceId, name: state.name, createdAt: state.createdAt };
}
