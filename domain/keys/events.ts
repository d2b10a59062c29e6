import type { KeyVersion } from './material.ts';

/**
 * Lifecycle events of the key aggregate, past tense. Their stored form (zod schemas with a
 * schema version and upcasters) lives in events/schemas/keys.ts and is checked against these types.
 * Each event's `meta` says when and by whom; `data` holds only what the event itself adds.
 */
export type KeyType = 'root' | 'standard';

/** When and by whom; decided by the command, recorded with the event. */
export interface EventStamp {
  readonly time: string;
  readonly principalId: string;
}

export interface KeyCreatedData {
  readonly keyId: string;
  readonly instanceId: string;
  readonly keyType: KeyType;
  readonly name: string;
  readonly description?: string | undefined;
  readonly extractable: boolean;
  readonly keyRingId: string;
  readonly expirationDate?: string | undefined;
  /** The first key version (for a standard key, its payload). */
  readonly version: KeyVersion;
  /** Inherited from the instance's dualAuthDelete policy at creation (schema v2; v1 events upcast to false). */
  readonly dualAuthDelete: boolean;
}

export interface KeyVersionRotatedData {
  readonly version: KeyVersion;
  /** True when the caller supplied the new material (imported keys), false when the HSM generated it. */
  readonly suppliedByCaller: boolean;
}

export interface KeyExpiredData {
  readonly expirationDate: string;
}

export interface KeyDeletedData {
  /** Deleted although registrations existed; they stay, as Key Protect keeps a deleted key's registrations. */
  readonly force: boolean;
}

export interface KeyPurgedData {
  /** True when the scheduler purged it after autoPurgeAfterS. */
  readonly automatic: boolean;
}

export interface KeyMovedToKeyRingData {
  readonly fromKeyRingId: string;
  readonly toKeyRingId: string;
}

export interface AliasData {
  readonly alias: string;
}

export interface RotationPolicy {
  readonly enabled: boolean;
  /** 1 to 12 months. */
  readonly intervalMonth: number;
}

export type KeyPolicySetData =
  ({ readonly policy: 'rotation' } & RotationPolicy) | { readonly policy: 'dualAuthDelete'; readonly enabled: boolean };

export type RegistrationChange = 'created' | 'updated' | 'deleted';

export interface RegistrationChangedData {
  readonly change: RegistrationChange;
  readonly crn: string;
  readonly preventKeyDeletion: boolean;
  readonly description?: string | undefined;
}

/** Events with nothing to add beyond who and when. */
export type EmptyData = Readonly<Record<string, never>>;

type E<T extends string, D> = { readonly type: T; readonly data: D; readonly meta: EventStamp };

export type KeyEvent =
  | E<'KeyCreated', KeyCreatedData>
  | E<'KeyImported', KeyCreatedData>
  | E<'KeyVersionRotated', KeyVersionRotatedData>
  | E<'KeyDisabled', EmptyData>
  | E<'KeyEnabled', EmptyData>
  | E<'KeyExpired', KeyExpiredData>
  | E<'KeySetForDeletion', EmptyData>
  | E<'KeyUnsetForDeletion', EmptyData>
  | E<'KeyDeleted', KeyDeletedData>
  | E<'KeyRestored', EmptyData>
  | E<'KeyPurged', KeyPurgedData>
  | E<'KeyMovedToKeyRing', KeyMovedToKeyRingData>
  | E<'AliasAdded', AliasData>
  | E<'AliasRemoved', AliasData>
  | E<'KeyPolicySet', KeyPolicySetData>
  | E<'RegistrationChanged', RegistrationChangedData>
  | E<'KeySynced', EmptyData>;

export type KeyEventType = KeyEvent['type'];

/** The data of one event type. */
export type KeyEventData<T extends KeyEventType> = Extract<KeyEvent, { type: T }>['data'];

/** Every event type, in lifecycle order (for exhaustive tests and schema registries). */
export const KEY_EVENT_TYPES = [
  'KeyCreated',
  'KeyImported',
  'KeyVersionRotated',
  'KeyDisabled',
  'KeyEnabled',
  'KeyExpired',
  'KeySetForDeletion',
  'KeyUnsetForDeletion',
  'KeyDeleted',
  'KeyRestored',
  'KeyPurged',
  'KeyMovedToKeyRing',
  'AliasAdded',
  'AliasRemoved',
  'KeyPolicySet',
  'RegistrationChanged',
  'KeySynced',
] as const satisfies readonly KeyEventType[];
