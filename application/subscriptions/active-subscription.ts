import { loadState } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { ApplicationError } from '../errors.ts';
import { subscriptionAggregate } from './subscription-aggregate.ts';
import { subscriptionStreamOf } from './subscription-id.ts';

/** Fails like a missing subscription unless it exists, is active and belongs to the instance. */
export async function requireActiveSubscription(
  services: Pick<AppServices, 'store'>,
  instanceId: string,
  subscriptionId: string,
): Promise<void> {
  const { state } = await loadState(services.store, subscriptionAggregate, subscriptionStreamOf(subscriptionId));
  if (state.status !== 'Active' || state.instanceId !== instanceId)
    throw new ApplicationError('SUBSCRIPTION_NOT_FOUND_ERR', 'Subscription does not exist');
}
