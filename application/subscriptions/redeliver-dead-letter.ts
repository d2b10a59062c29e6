import { ApplicationError } from '../errors.ts';
import type { AppServices } from '../services.ts';
import { requireActiveSubscription } from './active-subscription.ts';

/**
 * Queues a dead-lettered delivery again (at the end of its subscription's queue, with fresh attempts).
 * It keeps its `webhook-id`, so a consumer that did process it can tell.
 */
export async function redeliverDeadLetter(
  services: Pick<AppServices, 'store' | 'webhookDeliveries'>,
  input: { instanceId: string; subscriptionId: string; deadLetterId: string },
): Promise<void> {
  await requireActiveSubscription(services, input.instanceId, input.subscriptionId);
  const queued = await services.webhookDeliveries?.redeliver(input.subscriptionId.toLowerCase(), input.deadLetterId);
  if (!queued) throw new ApplicationError('DEAD_LETTER_NOT_FOUND_ERR', 'Dead letter does not exist');
}
