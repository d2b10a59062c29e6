import { z } from 'zod';

/**
 * Lifecycle events of the key aggregate, past tense. The schema of each event's `data` below is the
 * one source of its shape: the TypeScript types are inferred from it, the stored form
 * (events/schemas/keys.ts) adds only the schema version and the upcasters of older versions, and the
 * key's state (state.ts) and commands (commands.ts) take their fields from these types.
 * Each event's `meta` says when and by whom; `data` holds only what the event itself adds.
 */

const iso = z.iso.datetime({ offset: true });
const id = z.string().min(1);

export const keyTypeSchema = z.enum(['root', 'standard']);
export type KeyType = z.output<typeof keyTypeSchema>;

/** Key material as the domain sees it: only ever wrapped under an HSM master key. */
export const wrappedMaterialSchema = z.object({
  /** The master key that wrapped it. */
  masterKeyId: id,
  /** RFC 5649 wrapped bytes, base64. */
  wrapped: z.string().min(1),
});
export type WrappedMaterial = Readonly<z.output<typeof wrappedMaterialSchema>>;

export const keyVersionSchema = z.object({
  /** UUID of the version; bound into every ciphertext made with it. */
  id,
  creationDate: iso,
  material: wrappedMaterialSchema,
});
export type KeyVersion = Readonly<z.output<typeof keyVersionSchema>>;

/** What a key is created with: everything the decider records about a new key. */
export const keyCreatedSchema = z.object({
  keyId: id,
  instanceId: id,
  keyType: keyTypeSchema,
  name: z.string().min(1),
  description: z.string().optional(),
  extractable: z.boolean(),
  keyRingId: id,
  expirationDate: iso.optional(),
  /** Key Protect's tags: labels given at creation, which no later request changes. */
  tags: z.array(z.string()),
  /** The first key version (for a standard key, its payload). */
  version: keyVersionSchema,
  /**
   * Inherited from the instance's dualAuthDelete policy at creation; a key policy may turn it on later,
   * and once on it stays on (Key Protect: a key's dual authorization policy cannot be disabled).
   */
  dualAuthDelete: z.boolean(),
});

export const rotationPolicySchema = z.object({
  enabled: z.boolean(),
  /** 1 to 12 months. */
  intervalMonth: z.number().int().min(1).max(12),
});
export type RotationPolicy = Readonly<z.output<typeof rotationPolicySchema>>;

export const registrationChangeSchema = z.enum(['created', 'updated', 'deleted']);
export type RegistrationChange = z.output<typeof registrationChangeSchema>;

const empty = z.object({});
const alias = z.object({ alias: z.string().min(2).max(90) });

/** The data schema of every key event type, in lifecycle order. */
export const keyEventDataSchemas = {
  KeyCreated: keyCreatedSchema,
  KeyImported: keyCreatedSchema,
  KeyVersionRotated: z.object({
    version: keyVersionSchema,
    /** True when the caller supplied the new material (imported keys), false when the HSM generated it. */
    suppliedByCaller: z.boolean(),
  }),
  KeyDisabled: empty,
  KeyEnabled: empty,
  KeyExpired: z.object({ expirationDate: iso }),
  KeySetForDeletion: empty,
  KeyUnsetForDeletion: empty,
  /** `force`: deleted although registrations existed; they stay, as Key Protect keeps a deleted key's registrations. */
  KeyDeleted: z.object({ force: z.boolean() }),
  KeyRestored: empty,
  /** `automatic`: the scheduler purged it after autoPurgeAfterS. */
  KeyPurged: z.object({ automatic: z.boolean() }),
  KeyMovedToKeyRing: z.object({ fromKeyRingId: id, toKeyRingId: id }),
  AliasAdded: alias,
  AliasRemoved: alias,
  KeyPolicySet: z.discriminatedUnion('policy', [
    rotationPolicySchema.extend({ policy: z.literal('rotation') }),
    z.object({ policy: z.literal('dualAuthDelete'), enabled: z.boolean() }),
  ]),
  RegistrationChanged: z.object({
    change: registrationChangeSchema,
    crn: z.string().min(1),
    preventKeyDeletion: z.boolean(),
    description: z.string().optional(),
  }),
  KeySynced: empty,
} as const;

export type KeyEventType = keyof typeof keyEventDataSchemas;

/** The data of one event type. */
export type KeyEventData<T extends KeyEventType> = Readonly<z.output<(typeof keyEventDataSchemas)[T]>>;

export type KeyCreatedData = KeyEventData<'KeyCreated'>;
export type KeyPolicySetData = KeyEventData<'KeyPolicySet'>;

/** When and by whom; decided by the command, recorded with the event. */
export interface EventStamp {
  readonly time: string;
  readonly principalId: string;
}

export type KeyEvent = {
  readonly [T in KeyEventType]: { readonly type: T; readonly data: KeyEventData<T>; readonly meta: EventStamp };
}[KeyEventType];

/** Every event type, in lifecycle order (for exhaustive tests and schema registries). */
export const KEY_EVENT_TYPES = Object.keys(keyEventDataSchemas) as readonly KeyEventType[];
