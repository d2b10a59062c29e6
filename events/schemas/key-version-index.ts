import { z } from 'zod';
import { keyVersionSchema } from '../../domain/keys/events.ts';
import type { KeyVersionIndexed } from '../../domain/keys/version-index.ts';
import { eventSchema, schemaCodec } from './versioned.ts';

/** Stored schema of the key version index (domain/keys/version-index.ts). At v1. */
const data = z.object({ keyId: z.string().min(1), ordinal: z.number().int().min(1), version: keyVersionSchema });

export const keyVersionIndexEventSchemas = {
  KeyVersionIndexed: eventSchema('KeyVersionIndexed', data),
} as const;

export const keyVersionIndexCodec = schemaCodec<KeyVersionIndexed>(keyVersionIndexEventSchemas);
