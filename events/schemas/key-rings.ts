import { z } from 'zod';
import type { KeyRingsEvent } from '../../domain/key-rings/key-rings.ts';
import { eventSchema, schemaCodec } from './versioned.ts';

/** Stored schemas of the key-rings aggregate (domain/key-rings). All at v1. */
const keyRingId = z.string().regex(/^[A-Za-z0-9-]{2,100}$/);

export const keyRingEventSchemas = {
  KeyRingCreated: eventSchema('KeyRingCreated', z.object({ keyRingId })),
  KeyRingDeleted: eventSchema('KeyRingDeleted', z.object({ keyRingId, force: z.boolean() })),
} as const;

export const keyRingsCodec = schemaCodec<KeyRingsEvent>(keyRingEventSchemas);
