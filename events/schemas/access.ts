import { z } from 'zod';
import type { AccessEvent } from '../../domain/access/bindings.ts';
import { ROLES } from '../../domain/access/roles.ts';
import type { StoredEvent } from '../store/event-store.ts';
import { eventSchema, UnknownEventSchemaError } from './versioned.ts';

/** Stored schemas of the access aggregate (one stream of bindings per instance). All at v1. */
const scope = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('instance') }),
  z.object({ kind: z.literal('keyRing'), keyRingId: z.string().min(1) }),
  z.object({ kind: z.literal('key'), keyId: z.string().min(1) }),
]);

export const accessEventSchemas = {
  AccessGranted: eventSchema('AccessGranted', z.object({ bindingId: z.string().min(1), principalId: z.string().min(1), role: z.enum(ROLES), scope })),
  AccessRevoked: eventSchema('AccessRevoked', z.object({ bindingId: z.string().min(1) })),
} as const;

export function isAccessEventType(type: string): type is AccessEvent['type'] {
  return Object.hasOwn(accessEventSchemas, type);
}

export const accessCodec = {
  encode(event: AccessEvent) {
    const schema = accessEventSchemas[event.type];
    return { type: event.type, schemaVersion: schema.currentVersion, data: (schema.encode as (d: unknown) => unknown)(event.data) };
  },
  decode(stored: StoredEvent): AccessEvent {
    const meta = { time: stored.meta.time, principalId: stored.meta.principalId };
    switch (stored.type) {
      case 'AccessGranted':
        return { type: 'AccessGranted', data: accessEventSchemas.AccessGranted.parse(stored.schemaVersion, stored.data), meta };
      case 'AccessRevoked':
        return { type: 'AccessRevoked', data: accessEventSchemas.AccessRevoked.parse(stored.schemaVersion, stored.data), meta };
      default:
        throw new UnknownEventSchemaError(stored.type, stored.schemaVersion);
    }
  },
};
