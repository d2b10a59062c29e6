import { ApplicationError } from '../errors.ts';
import { isUuid } from '../../domain/ids.ts';
import { handleCommand, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { subscriptionAggregate, subscriptionStreamId } from './subscription-aggregate.ts';

/** Ends a webhook subscription; deliveries still queued for it are dropped. */
export async function deleteSubscription(
  services: Pick<AppServices, 'store' | 'now'>,
  scope: RequestScope,
  input: { instanceId: string; subscriptionId: string; callerPrincipalId: string },
): Promise<void> {
  if (!isUuid(input.subscriptionId))
    throw new ApplicationError('SUBSCRIPTION_NOT_FOUND_ERR', 'Subscription does not exist');
  await handleCommand(
    services.store,
    subscriptionAggregate,
    subscriptionStreamId(input.subscriptionId.toLowerCase()),
    {
      type: 'DeleteSubscription',
      instanceId: input.instanceId,
      now: services.now().toISOString(),
      principalId: input.callerPrincipalId,
    },
    { ...scope, instanceId: input.instanceId },
  );
}
