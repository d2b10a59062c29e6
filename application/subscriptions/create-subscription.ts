import { Buffer } from 'node:buffer';
import { handleCommand, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { subscriptionAggregate, subscriptionStreamId } from './subscription-aggregate.ts';

interface CreatedSubscription {
  readonly id: string;
  /** Shown once: the Standard Webhooks signing secret, `whsec_` + base64 of 32 random bytes. */
  readonly secret: string;
}

/**
 * A new signing secret from the HSM's random generator, in the form the `standardwebhooks` package takes,
 * and its wrapped form (importSecret: the event store never holds it in the clear).
 */
export async function newWebhookSecret(
  hsm: AppServices['hsm'],
): Promise<{ secret: string; wrapped: { masterKeyId: string; wrapped: string } }> {
  const secret = `whsec_${Buffer.from(await hsm.random(32)).toString('base64')}`;
  const wrapped = await hsm.importSecret(Buffer.from(secret, 'utf8'));
  return {
    secret,
    wrapped: { masterKeyId: wrapped.masterKeyId, wrapped: Buffer.from(wrapped.wrapped).toString('base64') },
  };
}

/** Registers a webhook for an instance's key-state events; the delivery worker unwraps its secret to sign. */
export async function createSubscription(
  services: Pick<AppServices, 'store' | 'hsm' | 'now' | 'newId'>,
  scope: RequestScope,
  input: {
    instanceId: string;
    url: string;
    events: readonly string[];
    callerPrincipalId: string;
  },
): Promise<CreatedSubscription> {
  const subscriptionId = services.newId();
  const { secret, wrapped } = await newWebhookSecret(services.hsm);
  await handleCommand(
    services.store,
    subscriptionAggregate,
    subscriptionStreamId(subscriptionId),
    {
      type: 'CreateSubscription',
      subscriptionId,
      instanceId: input.instanceId,
      url: input.url,
      events: [...input.events],
      secret: wrapped,
      now: services.now().toISOString(),
      principalId: input.callerPrincipalId,
    },
    { ...scope, instanceId: input.instanceId },
  );
  return { id: subscriptionId, secret };
}
