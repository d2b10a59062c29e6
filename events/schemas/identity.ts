import { z } from 'zod';
import type { ApiKeyEvent } from '../../domain/identity/api-key.ts';
import type { InstanceEvent } from '../../domain/identity/instance.ts';
import type { PrincipalEvent } from '../../domain/identity/principal.ts';
import type { StoredEvent } from '../store/event-store.ts';
import { eventSchema, UnknownEventSchemaError, type EventSchema } from './versioned.ts';

/** Stored schemas of the identity aggregates: principals, their API keys, instances. */
export const identityEventSchemas = {
  PrincipalCreated: eventSchema('PrincipalCreated', z.object({ principalId: z.string(), name: z.string(), admin: z.boolean() })),
  ApiKeyIssued: eventSchema('ApiKeyIssued', z.object({ principalId: z.string(), keyHash: z.string().regex(/^[0-9a-f]{64}$/) })),
  ApiKeyRevoked: eventSchema('ApiKeyRevoked', z.object({}).strict().transform((): Record<string, never> => ({}))),
  InstanceCreated: eventSchema('InstanceCreated', z.object({ instanceId: z.string(), name: z.string() })),
} as const;

type IdentityEvent = PrincipalEvent | ApiKeyEvent | InstanceEvent;

export function isIdentityEventType(type: string): type is IdentityEvent['type'] {
  return Object.hasOwn(identityEventSchemas, type);
}

/** A codec for one identity aggregate's events, restricted to the types it owns. */
function identityCodec<E extends IdentityEvent>(types: readonly E['type'][]) {
  const owns = (type: string): type is E['type'] => (types as readonly string[]).includes(type);
  return {
    encode(event: E) {
      const schema = identityEventSchemas[event.type] as EventSchema<unknown>;
      return { type: event.type, schemaVersion: schema.currentVersion, data: schema.encode(event.data) };
    },
    decode(stored: StoredEvent): E {
      if (!owns(stored.type)) throw new UnknownEventSchemaError(stored.type, stored.schemaVersion);
      const schema = identityEventSchemas[stored.type] as EventSchema<unknown>;
      // Type and data were checked together; TypeScript cannot correlate them.
      return { type: stored.type, data: schema.parse(stored.schemaVersion, stored.data), meta: { time: stored.meta.time, principalId: stored.meta.principalId } } as E;
    },
  };
}

export const principalCodec = identityCodec<PrincipalEvent>(['PrincipalCreated']);
export const apiKeyCodec = identityCodec<ApiKeyEvent>(['ApiKeyIssued', 'ApiKeyRevoked']);
export const instanceCodec = identityCodec<InstanceEvent>(['InstanceCreated']);
