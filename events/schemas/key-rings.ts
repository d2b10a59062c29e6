import { z } from 'zod';
import type { KeyRingsEvent } from '../../domain/key-rings/key-rings.ts';
import type { StoredEvent } from '../store/event-store.ts';
import { eventSchema, UnknownEventSchemaError } from './versioned.ts';

/** Stored schemas of the key-rings aggregate (domain/key-rings). All at v1. */
const keyRingId = z.string().regex(/^[A-Za-z0-9-]{2,100}$/);

export const keyRingEventSchemas = {
  KeyRingCreated: eventSchema('KeyRingCreated', z.object({ keyRingId })),
  KeyRingDeleted: eventSchema('KeyRingDeleted', z.object({ keyRingId, force: z.boolean() })),
} as const;

export function isKeyRingEventType(type: string): type is KeyRingsEvent['type'] {
  return Object.hasOwn(keyRingEventSchemas, type);
}

export const keyRingsCodec = {
  encode(event: KeyRingsEvent) {
    const schema = keyRingEventSchemas[event.type];
    return { type: event.type, schemaVersion: schema.currentVersion, data: schema.encode(event.data as never) };
  },
  decode(stored: StoredEvent): KeyRingsEvent {
    if (!isKeyRingEventType(stored.type)) throw new UnknownEventSchemaError(stored.type, stored.schemaVersion);
    const meta = { time: stored.meta.time, principalId: stored.meta.principalId };
    return stored.type === 'KeyRingCreated'
      ? { type: stored.type, data: keyRingEventSchemas.KeyRingCreated.parse(stored.schemaVersion, stored.data), meta }
      : { type: stored.type, data: keyRingEventSchemas.KeyRingDeleted.parse(stored.schemaVersion, stored.data), meta };
  },
};
