import { z } from 'zod';
import type { SubscriptionEvent } from '../../domain/subscriptions/subscription.ts';
import { eventSchema, schemaCodec } from './versioned.ts';

const wrapped = z.object({ masterKeyId: z.string().min(1), wrapped: z.string().min(1) });

/** Stored schemas of the webhook subscription aggregate (v1). Secrets are stored only wrapped. */
export const subscriptionEventSchemas = {
  SubscriptionCreated: eventSchema(
    'SubscriptionCreated',
    z.object({
      subscriptionId: z.string().min(1),
      instanceId: z.string().min(1),
      url: z.url(),
      events: z.array(z.string()),
      secret: wrapped,
    }),
  ),
  SubscriptionDeleted: eventSchema(
    'SubscriptionDeleted',
    z.object({}).transform((): Record<string, never> => ({})),
  ),
  SubscriptionSecretRotated: eventSchema(
    'SubscriptionSecretRotated',
    z.object({ secret: wrapped, previousValidUntil: z.iso.datetime() }),
  ),
} as const;

export const subscriptionCodec = schemaCodec<SubscriptionEvent>(subscriptionEventSchemas);
