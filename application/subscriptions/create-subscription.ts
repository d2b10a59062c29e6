import { Buffer } from 'node:buffer';
import { handleCommand, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { subscriptionAggregate, subscriptionStreamId } from './subscription-aggregate.ts';

interface CreatedSubscription {
  readonly id: string;
  /** Shown once: the HMAC-SHA256 key of `x-keyledger-signature`. */
  readonly secret: string;
}

/**
 * Registers a webhook for an instance's key-state events. The secret comes from the HSM's random
 * generator and is stored only wrapped under the master key (importSecret), so the event store never
 * holds it in the clear; the delivery worker unwraps it to sign.
 */
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
  const secret = Buffer.from(await services.hsm.random(32)).toString('hex');
  const wrapped = await services.hsm.importSecret(Buffer.from(secret, 'utf8'));
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
      secret: { masterKeyId: wrapped.masterKeyId, wrapped: Buffer.from(wrapped.wrapped).toString('base64') },
      now: services.now().toISOString(),
      principalId: input.callerPrincipalId,
    },
    { ...scope, instanceId: input.instanceId },
  );
  return { id: subscriptionId, secret };
}
