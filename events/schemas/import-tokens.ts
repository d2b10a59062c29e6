import { z } from 'zod';
import type { ImportTokenEvent } from '../../domain/import-tokens/import-token.ts';
import type { StoredEvent } from '../store/event-store.ts';
import { eventSchema, UnknownEventSchemaError } from './versioned.ts';

/**
 * Stored schemas of the import-token aggregate (domain/import-tokens). All at v1. The public key
 * and nonce are not secrets (Key Protect hands both to any caller who retrieves the token); the
 * private key never leaves the HSM, only its id is stored.
 */
const iso = z.iso.datetime({ offset: true });
const empty = z.object({}).transform((): Record<string, never> => ({}));

export const importTokenEventSchemas = {
  ImportTokenCreated: eventSchema('ImportTokenCreated', z.object({
    keyPairId: z.string().min(1),
    publicKey: z.string().min(1),
    nonce: z.string().min(1),
    expiration: z.number().int(),
    maxAllowedRetrievals: z.number().int(),
    expirationDate: iso,
  })),
  ImportTokenRetrieved: eventSchema('ImportTokenRetrieved', empty),
  ImportTokenUsed: eventSchema('ImportTokenUsed', empty),
  ImportTokenRetired: eventSchema('ImportTokenRetired', z.object({ reason: z.enum(['expired', 'usedUp']), keyPairId: z.string().min(1) })),
} as const;

export function isImportTokenEventType(type: string): type is ImportTokenEvent['type'] {
  return Object.hasOwn(importTokenEventSchemas, type);
}

export const importTokenCodec = {
  encode(event: ImportTokenEvent) {
    const schema = importTokenEventSchemas[event.type] as { currentVersion: number; encode(d: unknown): unknown };
    return { type: event.type, schemaVersion: schema.currentVersion, data: schema.encode(event.data) };
  },
  decode(stored: StoredEvent): ImportTokenEvent {
    if (!isImportTokenEventType(stored.type)) throw new UnknownEventSchemaError(stored.type, stored.schemaVersion);
    const schema = importTokenEventSchemas[stored.type] as { parse(v: number, d: unknown): unknown };
    // Type and data were checked together; TypeScript cannot correlate them.
    return { type: stored.type, data: schema.parse(stored.schemaVersion, stored.data), meta: { time: stored.meta.time, principalId: stored.meta.principalId } } as ImportTokenEvent;
  },
};
