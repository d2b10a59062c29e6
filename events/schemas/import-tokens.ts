import { z } from 'zod';
import type { ImportTokenEvent } from '../../domain/import-tokens/import-token.ts';
import { eventSchema, schemaCodec } from './versioned.ts';

/**
 * Stored schemas of the import-token aggregate (domain/import-tokens). All at v1. The public key
 * and nonce are not secrets (Key Protect hands both to any caller who retrieves the token); the
 * private key never leaves the HSM, only its id is stored.
 */
const iso = z.iso.datetime({ offset: true });
const empty = z.object({}).transform((): Record<string, never> => ({}));

export const importTokenEventSchemas = {
  ImportTokenCreated: eventSchema(
    'ImportTokenCreated',
    z.object({
      keyPairId: z.string().min(1),
      publicKey: z.string().min(1),
      nonce: z.string().min(1),
      expiration: z.number().int(),
      maxAllowedRetrievals: z.number().int(),
      expirationDate: iso,
    }),
  ),
  ImportTokenRetrieved: eventSchema('ImportTokenRetrieved', empty),
  ImportTokenUsed: eventSchema('ImportTokenUsed', empty),
  ImportTokenRetired: eventSchema(
    'ImportTokenRetired',
    z.object({ reason: z.enum(['expired', 'usedUp']), keyPairId: z.string().min(1) }),
  ),
} as const;

export const importTokenCodec = schemaCodec<ImportTokenEvent>(importTokenEventSchemas);
