import type { z } from 'zod';
import {
  keyCreatedSchema,
  keyEventDataSchemas,
  type KeyEvent,
  type KeyEventData,
  type KeyEventType,
} from '../../domain/keys/events.ts';
import { eventSchema, olderVersion, schemaCodec, type EventSchema } from './versioned.ts';

/**
 * Stored schemas of the key aggregate's events: the current version of each is the domain's own data
 * schema (domain/keys/events.ts); this file adds the schema versions and the upcasters of older ones.
 * ISO-8601 timestamps; only wrapped material ever appears.
 *
 * Version history:
 * - KeyCreated / KeyImported v2 adds `dualAuthDelete`, the instance policy the key inherited at
 *   creation. v1 events (written before keys recorded it) upcast with `dualAuthDelete: false`:
 *   Key Protect applies an instance policy only to keys created after it was set, and keyledger
 *   had no instance dual-auth policy before v2.
 * - KeyCreated / KeyImported v3 adds `tags` (Key Protect's tags, given at creation). v2 events (written
 *   before keyledger kept tags, which it then dropped) upcast with no tags.
 * - Every other type is at v1.
 */
const keyCreatedV2 = keyCreatedSchema.omit({ tags: true });
const keyCreatedV1 = keyCreatedV2.omit({ dualAuthDelete: true });
const keyCreatedHistory = [
  olderVersion(keyCreatedV1, (v1) => ({ ...v1, dualAuthDelete: false })),
  olderVersion(keyCreatedV2, (v2) => ({ ...v2, tags: [] })),
];

/** The older versions of each event type that has any, oldest first. */
const history: { readonly [T in KeyEventType]?: ReturnType<typeof olderVersion>[] } = {
  KeyCreated: keyCreatedHistory,
  KeyImported: keyCreatedHistory,
};

/** Every key event type's versioned schema (current schema plus older versions and upcasters). */
export const keyEventSchemas = Object.fromEntries(
  Object.entries(keyEventDataSchemas).map(([type, schema]: [string, z.ZodType]) => [
    type,
    eventSchema(type, schema, history[type as KeyEventType]),
  ]),
) as { readonly [T in KeyEventType]: EventSchema<KeyEventData<T>> };

const keyCodec = schemaCodec<KeyEvent>(keyEventSchemas);

export const isKeyEventType: (type: string) => type is KeyEventType = keyCodec.owns;

/** A domain key event as the store keeps it: current schema version, data checked. */
export const encodeKeyEvent = keyCodec.encode;

/** A stored key event as the domain sees it, upcast to the current schema. */
export const decodeKeyEvent = keyCodec.decode;
