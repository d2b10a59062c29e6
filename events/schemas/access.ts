import { z } from 'zod';
import type { AccessEvent } from '../../domain/access/bindings.ts';
import { ROLES } from '../../domain/access/roles.ts';
import { eventSchema, schemaCodec } from './versioned.ts';

/** Stored schemas of the access aggregate (one stream of bindings per instance). All at v1. */
const scope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('instance') }),
  z.object({ kind: z.literal('keyRing'), keyRingId: z.string().min(1) }),
  z.object({ kind: z.literal('key'), keyId: z.string().min(1) }),
]);

export const accessEventSchemas = {
  AccessGranted: eventSchema(
    'AccessGranted',
    z.object({ bindingId: z.string().min(1), principalId: z.string().min(1), role: z.enum(ROLES), scope }),
  ),
  AccessRevoked: eventSchema('AccessRevoked', z.object({ bindingId: z.string().min(1) })),
} as const;

export const accessCodec = schemaCodec<AccessEvent>(accessEventSchemas);
