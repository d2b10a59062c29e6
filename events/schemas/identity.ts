import { z } from 'zod';
import type { ApiKeyEvent } from '../../domain/identity/api-key.ts';
import type { InstanceEvent } from '../../domain/identity/instance.ts';
import type { PrincipalEvent } from '../../domain/identity/principal.ts';
import type { SigningKeysEvent } from '../../domain/identity/signing-keys.ts';
import type { StoredEvent } from '../store/event-store.ts';
import { eventSchema, UnknownEventSchemaError, type EventSchema } from './versioned.ts';

const keyHash = z.string().regex(/^[0-9a-f]{64}$/);
const publicSigningKey = z.object({ kid: z.string().min(1).max(64), publicKey: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/) });

/** Stored schemas of the identity aggregates: principals, their API keys, instances. */
export const identityEventSchemas = {
  PrincipalCreated: eventSchema('PrincipalCreated', z.object({ principalId: z.string(), name: z.string(), admin: z.boolean() })),
  PrincipalApiKeyAdded: eventSchema('PrincipalApiKeyAdded', z.object({ keyHash: keyHash })),
  PrincipalApiKeysRevoked: eventSchema('PrincipalApiKeysRevoked', z.object({ keyHashes: z.array(keyHash) })),
  PrincipalDeleted: eventSchema('PrincipalDeleted', z.object({}).strict().transform((): Record<string, never> => ({}))),
  ApiKeyIssued: eventSchema('ApiKeyIssued', z.object({ principalId: z.string(), keyHash })),
  ApiKeyRevoked: eventSchema('ApiKeyRevoked', z.object({}).strict().transform((): Record<string, never> => ({}))),
  InstanceCreated: eventSchema('InstanceCreated', z.object({ instanceId: z.string(), name: z.string() })),
  TokenSigningKeyRotated: eventSchema('TokenSigningKeyRotated', z.object({ previous: publicSigningKey, next: publicSigningKey })),
} as const;

type IdentityEvent = PrincipalEvent | ApiKeyEvent | InstanceEvent | SigningKeysEvent;

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

export const principalCodec = identityCodec<PrincipalEvent>(['PrincipalCreated', 'PrincipalApiKeyAdded', 'PrincipalApiKeysRevoked', 'PrincipalDeleted']);
export const apiKeyCodec = identityCodec<ApiKeyEvent>(['ApiKeyIssued', 'ApiKeyRevoked']);
export const instanceCodec = identityCodec<InstanceEvent>(['InstanceCreated']);
export const signingKeysCodec = identityCodec<SigningKeysEvent>(['TokenSigningKeyRotated']);
