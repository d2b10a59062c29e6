import { handleCommand, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { subscriptionAggregate } from './subscription-aggregate.ts';
import { subscriptionStreamOf } from './subscription-id.ts';

/** Ends a webhook subscription; deliveries still queued for it are dropped. */
export async function deleteSubscription(
  services: Pick<AppServices, 'store' | 'now'>,
  scope: RequestScope,
  input: { instanceId: string; subscriptionId: string; callerPrincipalId: string },
): Promise<void> {
  await handleCommand(
    services.store,
    subscriptionAggregate,
    subscriptionStreamOf(input.subscriptionId),
    {
      type: 'DeleteSubscription',
      instanceId: input.instanceId,
      now: services.now().toISOString(),
      principalId: input.callerPrincipalId,
    },
    { ...scope, instanceId: input.instanceId },
  );
}
