import { z } from 'zod';
import type { SubscriptionEvent } from '../../domain/subscriptions/subscription.ts';
import { eventSchema, schemaCodec } from './versioned.ts';

/** Stored schemas of the webhook subscription aggregate (v1). The secret is stored only wrapped. */
export const subscriptionEventSchemas = {
  SubscriptionCreated: eventSchema(
    'SubscriptionCreated',
    z.object({
      subscriptionId: z.string().min(1),
      instanceId: z.string().min(1),
      url: z.url(),
      events: z.array(z.string()),
      secret: z.object({ masterKeyId: z.string().min(1), wrapped: z.string().min(1) }),
    }),
  ),
  SubscriptionDeleted: eventSchema(
    'SubscriptionDeleted',
    z.object({}).transform((): Record<string, never> => ({})),
  ),
} as const;

export const subscriptionCodec = schemaCodec<SubscriptionEvent>(subscriptionEventSchemas);
