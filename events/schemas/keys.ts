import { z } from 'zod';
import type { KeyEvent, KeyEventData, KeyEventType } from '../../domain/keys/events.ts';
import { eventSchema, olderVersion, schemaCodec, type EventSchema } from './versioned.ts';

/**
 * Stored schemas of the key aggregate's events (domain/keys/events.ts), one per event type, each
 * with its schema version. ISO-8601 timestamps; only wrapped material ever appears.
 *
 * Version history:
 * - KeyCreated / KeyImported v2 adds `dualAuthDelete`, the instance policy the key inherited at
 *   creation. v1 events (written before keys recorded it) upcast with `dualAuthDelete: false`:
 *   Key Protect applies an instance policy only to keys created after it was set, and keyledger
 *   had no instance dual-auth policy before v2.
 * - Every other type is at v1.
 */
const iso = z.iso.datetime({ offset: true });
const id = z.string().min(1);

const wrappedMaterial = z.object({ masterKeyId: id, wrapped: z.string().min(1) });
const keyVersion = z.object({ id, creationDate: iso, material: wrappedMaterial });
const empty = z.object({});

const keyCreatedV1 = z.object({
  keyId: id,
  instanceId: id,
  keyType: z.enum(['root', 'standard']),
  name: z.string().min(1),
  description: z.string().optional(),
  extractable: z.boolean(),
  keyRingId: id,
  expirationDate: iso.optional(),
  version: keyVersion,
});
const keyCreatedV2 = keyCreatedV1.extend({ dualAuthDelete: z.boolean() });
const keyCreatedHistory = [olderVersion(keyCreatedV1, (v1) => ({ ...v1, dualAuthDelete: false }))];

const alias = z.object({ alias: z.string().min(2).max(90) });

/** The current schema of each event type. */
const currentKeySchemas = {
  KeyCreated: keyCreatedV2,
  KeyImported: keyCreatedV2,
  KeyVersionRotated: z.object({ version: keyVersion, suppliedByCaller: z.boolean() }),
  KeyDisabled: empty,
  KeyEnabled: empty,
  KeyExpired: z.object({ expirationDate: iso }),
  KeySetForDeletion: empty,
  KeyUnsetForDeletion: empty,
  KeyDeleted: z.object({ force: z.boolean() }),
  KeyRestored: empty,
  KeyPurged: z.object({ automatic: z.boolean() }),
  KeyMovedToKeyRing: z.object({ fromKeyRingId: id, toKeyRingId: id }),
  AliasAdded: alias,
  AliasRemoved: alias,
  KeyPolicySet: z.discriminatedUnion('policy', [
    z.object({ policy: z.literal('rotation'), enabled: z.boolean(), intervalMonth: z.number().int().min(1).max(12) }),
    z.object({ policy: z.literal('dualAuthDelete'), enabled: z.boolean() }),
  ]),
  RegistrationChanged: z.object({
    change: z.enum(['created', 'updated', 'deleted']),
    crn: z.string().min(1),
    preventKeyDeletion: z.boolean(),
    description: z.string().optional(),
  }),
  KeySynced: empty,
} as const satisfies Record<KeyEventType, z.ZodType>;

type Schemas = typeof currentKeySchemas;

/**
 * Compile-time proof that every stored schema yields its domain event's data: an entry is `true`
 * only when z.infer of the schema is assignable to the domain type, so a drift fails `tsc`.
 */
type Yields<S extends z.ZodType, D> = z.output<S> extends D ? true : false;
export const schemasMatchDomain: { readonly [T in KeyEventType]: Yields<Schemas[T], KeyEventData<T>> } = {
  KeyCreated: true,
  KeyImported: true,
  KeyVersionRotated: true,
  KeyDisabled: true,
  KeyEnabled: true,
  KeyExpired: true,
  KeySetForDeletion: true,
  KeyUnsetForDeletion: true,
  KeyDeleted: true,
  KeyRestored: true,
  KeyPurged: true,
  KeyMovedToKeyRing: true,
  AliasAdded: true,
  AliasRemoved: true,
  KeyPolicySet: true,
  RegistrationChanged: true,
  KeySynced: true,
};

/** Every key event type's versioned schema (current schema plus older versions and upcasters). */
export const keyEventSchemas: { readonly [T in KeyEventType]: EventSchema<KeyEventData<T>> } = {
  KeyCreated: eventSchema('KeyCreated', currentKeySchemas.KeyCreated, keyCreatedHistory),
  KeyImported: eventSchema('KeyImported', currentKeySchemas.KeyImported, keyCreatedHistory),
  KeyVersionRotated: eventSchema('KeyVersionRotated', currentKeySchemas.KeyVersionRotated),
  KeyDisabled: eventSchema('KeyDisabled', currentKeySchemas.KeyDisabled),
  KeyEnabled: eventSchema('KeyEnabled', currentKeySchemas.KeyEnabled),
  KeyExpired: eventSchema('KeyExpired', currentKeySchemas.KeyExpired),
  KeySetForDeletion: eventSchema('KeySetForDeletion', currentKeySchemas.KeySetForDeletion),
  KeyUnsetForDeletion: eventSchema('KeyUnsetForDeletion', currentKeySchemas.KeyUnsetForDeletion),
  KeyDeleted: eventSchema('KeyDeleted', currentKeySchemas.KeyDeleted),
  KeyRestored: eventSchema('KeyRestored', currentKeySchemas.KeyRestored),
  KeyPurged: eventSchema('KeyPurged', currentKeySchemas.KeyPurged),
  KeyMovedToKeyRing: eventSchema('KeyMovedToKeyRing', currentKeySchemas.KeyMovedToKeyRing),
  AliasAdded: eventSchema('AliasAdded', currentKeySchemas.AliasAdded),
  AliasRemoved: eventSchema('AliasRemoved', currentKeySchemas.AliasRemoved),
  KeyPolicySet: eventSchema('KeyPolicySet', currentKeySchemas.KeyPolicySet),
  RegistrationChanged: eventSchema('RegistrationChanged', currentKeySchemas.RegistrationChanged),
  KeySynced: eventSchema('KeySynced', currentKeySchemas.KeySynced),
};

const keyCodec = schemaCodec<KeyEvent>(keyEventSchemas);

export const isKeyEventType: (type: string) => type is KeyEventType = keyCodec.owns;

/** A domain key event as the store keeps it: current schema version, data checked. */
export const encodeKeyEvent = keyCodec.encode;

/** A stored key event as the domain sees it, upcast to the current schema. */
export const decodeKeyEvent = keyCodec.decode;
