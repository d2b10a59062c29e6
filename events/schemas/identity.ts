import { z } from 'zod';
import type { ApiKeyEvent } from '../../domain/identity/api-key.ts';
import type { InstanceEvent } from '../../domain/identity/instance.ts';
import type { PrincipalEvent } from '../../domain/identity/principal.ts';
import type { SigningKeysEvent } from '../../domain/identity/signing-keys.ts';
import { eventSchema, schemaCodec } from './versioned.ts';

const keyHash = z.string().regex(/^[0-9a-f]{64}$/);
const publicSigningKey = z.object({
  kid: z.string().min(1).max(64),
  publicKey: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
});

/** Stored schemas of the identity aggregates: principals, their API keys, instances. */
export const identityEventSchemas = {
  PrincipalCreated: eventSchema(
    'PrincipalCreated',
    z.object({ principalId: z.string(), name: z.string(), admin: z.boolean() }),
  ),
  PrincipalApiKeyAdded: eventSchema('PrincipalApiKeyAdded', z.object({ keyHash: keyHash })),
  PrincipalApiKeysRevoked: eventSchema('PrincipalApiKeysRevoked', z.object({ keyHashes: z.array(keyHash) })),
  PrincipalDeleted: eventSchema(
    'PrincipalDeleted',
    z
      .object({})
      .strict()
      .transform((): Record<string, never> => ({})),
  ),
  ApiKeyIssued: eventSchema('ApiKeyIssued', z.object({ principalId: z.string(), keyHash })),
  ApiKeyRevoked: eventSchema(
    'ApiKeyRevoked',
    z
      .object({})
      .strict()
      .transform((): Record<string, never> => ({})),
  ),
  InstanceCreated: eventSchema('InstanceCreated', z.object({ instanceId: z.string(), name: z.string() })),
  TokenSigningKeyRotated: eventSchema(
    'TokenSigningKeyRotated',
    z.object({ previous: publicSigningKey, next: publicSigningKey }),
  ),
} as const;

const {
  PrincipalCreated,
  PrincipalApiKeyAdded,
  PrincipalApiKeysRevoked,
  PrincipalDeleted,
  ApiKeyIssued,
  ApiKeyRevoked,
  InstanceCreated,
  TokenSigningKeyRotated,
} = identityEventSchemas;

export const principalCodec = schemaCodec<PrincipalEvent>({
  PrincipalCreated,
  PrincipalApiKeyAdded,
  PrincipalApiKeysRevoked,
  PrincipalDeleted,
});
export const apiKeyCodec = schemaCodec<ApiKeyEvent>({ ApiKeyIssued, ApiKeyRevoked });
export const instanceCodec = schemaCodec<InstanceEvent>({ InstanceCreated });
export const signingKeysCodec = schemaCodec<SigningKeysEvent>({ TokenSigningKeyRotated });
