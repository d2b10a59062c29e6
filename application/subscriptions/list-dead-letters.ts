import type { DeadLetter } from '../ports/webhook-deliveries.ts';
import type { AppServices } from '../services.ts';
import { requireActiveSubscription } from './active-subscription.ts';

/** The deliveries of a subscription that were given up after their last attempt, oldest first. */
export async function listDeadLetters(
  services: Pick<AppServices, 'store' | 'webhookDeliveries'>,
  input: { instanceId: string; subscriptionId: string },
): Promise<readonly DeadLetter[]> {
  await requireActiveSubscription(services, input.instanceId, input.subscriptionId);
  return (await services.webhookDeliveries?.deadLetters(input.subscriptionId.toLowerCase())) ?? [];
}
