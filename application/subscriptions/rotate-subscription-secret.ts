import { handleCommand, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { newWebhookSecret } from './create-subscription.ts';
import { subscriptionAggregate } from './subscription-aggregate.ts';
import { subscriptionStreamOf } from './subscription-id.ts';

/** How long the replaced secret keeps signing next to the new one, unless the caller says otherwise. */
export const DEFAULT_SECRET_OVERLAP_S = 24 * 3600;

/**
 * Gives a subscription a new signing secret (shown once). Deliveries carry a signature with each secret
 * (Standard Webhooks allows several in `webhook-signature`) until the previous one's overlap ends, so a
 * consumer can switch to the new secret at its own pace.
 */
export async function rotateSubscriptionSecret(
  services: Pick<AppServices, 'store' | 'hsm' | 'now'>,
  scope: RequestScope,
  input: { instanceId: string; subscriptionId: string; overlapS: number; callerPrincipalId: string },
): Promise<{ secret: string; previousSecretValidUntil: string }> {
  const stream = subscriptionStreamOf(input.subscriptionId);
  const now = services.now();
  const previousSecretValidUntil = new Date(now.getTime() + input.overlapS * 1000).toISOString();
  const { secret, wrapped } = await newWebhookSecret(services.hsm);
  await handleCommand(
    services.store,
    subscriptionAggregate,
    stream,
    {
      type: 'RotateSubscriptionSecret',
      instanceId: input.instanceId,
      secret: wrapped,
      previousValidUntil: previousSecretValidUntil,
      now: now.toISOString(),
      principalId: input.callerPrincipalId,
    },
    { ...scope, instanceId: input.instanceId },
  );
  return { secret, previousSecretValidUntil };
}
