import { z } from 'zod';
import type { SubscriptionEvent } from '../../domain/subscriptions/subscription.ts';
import type { StoredEvent } from '../store/event-store.ts';
import { eventSchema, UnknownEventSchemaError, type EventSchema } from './versioned.ts';

/** Stored schemas of the webhook subscription aggregate (v1). The secret is stored only wrapped. */
export const subscriptionEventSchemas = {
  SubscriptionCreated: eventSchema('SubscriptionCreated', z.object({
    subscriptionId: z.string().min(1),
    instanceId: z.string().min(1),
    url: z.url(),
    events: z.array(z.string()),
    secret: z.object({ masterKeyId: z.string().min(1), wrapped: z.string().min(1) }),
  })),
  SubscriptionDeleted: eventSchema('SubscriptionDeleted', z.object({}).transform((): Record<string, never> => ({}))),
} as const;

export type SubscriptionEventType = keyof typeof subscriptionEventSchemas;

export function isSubscriptionEventType(type: string): type is SubscriptionEventType {
  return Object.hasOwn(subscriptionEventSchemas, type);
}

export const subscriptionCodec = {
  encode(event: SubscriptionEvent) {
    const schema = subscriptionEventSchemas[event.type] as EventSchema<unknown>;
    return { type: event.type, schemaVersion: schema.currentVersion, data: schema.encode(event.data) };
  },
  decode(stored: Pick<StoredEvent, 'type' | 'schemaVersion' | 'data' | 'meta'>): SubscriptionEvent {
    if (!isSubscriptionEventType(stored.type)) throw new UnknownEventSchemaError(stored.type, stored.schemaVersion);
    const schema = subscriptionEventSchemas[stored.type] as EventSchema<unknown>;
    // Type and data were checked together; TypeScript cannot correlate them.
    return { type: stored.type, data: schema.parse(stored.schemaVersion, stored.data), meta: { time: stored.meta.time, principalId: stored.meta.principalId } } as SubscriptionEvent;
  },
};
