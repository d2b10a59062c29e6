import type { KeyCreatedData, KeyVersion, RotationPolicy } from './events.ts';

/** Key Protect's NIST SP 800-57 state codes. Purged keys have none: they answer 404. */
export const KeyStateCode = { Active: 1, Suspended: 2, Deactivated: 3, Destroyed: 5 } as const;

/** A registration: a cloud resource (by CRN) protected by this root key. */
export interface Registration {
  readonly crn: string;
  readonly preventKeyDeletion: boolean;
  readonly description?: string | undefined;
  readonly createdBy: string;
  readonly creationDate: string;
  readonly lastUpdateDate: string;
}

/** The two key policies (PUT /keys/{id}/policies). */
export type KeyPolicyType = 'rotation' | 'dualAuthDelete';

/** Who set a key policy first and last, and when (Key Protect returns them with the policy). */
export interface KeyPolicyRecord {
  readonly createdBy: string;
  readonly creationDate: string;
  readonly updatedBy: string;
  readonly lastUpdateDate: string;
}

/** The first authorisation of a dual-authorisation delete (setKeyForDeletion). */
export interface DeletionAuthorization {
  readonly principalId: string;
  readonly time: string;
}

/**
 * What every existing key carries, whatever its status: what it was created with (KeyCreated's data,
 * less its first version, which opens `versions`) and what its later events changed.
 */
export interface KeyFacts extends Omit<KeyCreatedData, 'version'> {
  readonly imported: boolean;
  readonly creationDate: string;
  readonly createdBy: string;
  readonly lastUpdateDate: string;
  /** How many versions the key has had (the first is 1): the ordinal of the current version. */
  readonly versionCount: number;
  /**
   * The newest versions, at most {@link RECENT_KEY_VERSIONS}, oldest first; the last one is the
   * current version. Never empty. Older versions live in the key's version index (domain/keys/version-index.ts),
   * so the state, and the snapshot it is kept as, stays the same size however often the key rotates.
   */
  readonly recentVersions: readonly KeyVersion[];
  /** At most five; instance-wide uniqueness is the application's alias index's job. */
  readonly aliases: readonly string[];
  readonly rotationPolicy?: RotationPolicy | undefined;
  /**
   * The key policies that were set (a dualAuthDelete inherited from the instance at creation counts
   * as set then, by the key's creator): Key Protect lists only these.
   */
  readonly policyRecords: Readonly<Partial<Record<KeyPolicyType, KeyPolicyRecord>>>;
  readonly registrations: readonly Registration[];
  readonly deletionAuthorization?: DeletionAuthorization | undefined;
  /** Last disable, enable, expiry, delete or restore: the "last action" of Key Protect's waits. */
  readonly lastStateChangeDate?: string | undefined;
  readonly lastSyncDate?: string | undefined;
}

/** A deleted key: restorable for a while, purgeable after a while. */
export interface DestroyedFacts {
  readonly deletionDate: string;
  readonly deletedBy: string;
}

/** The key aggregate's state: a discriminated union on `status`. */
export type KeyState =
  | { readonly status: 'Absent' }
  | ({ readonly status: 'Active' } & KeyFacts)
  | ({ readonly status: 'Suspended' } & KeyFacts)
  | ({ readonly status: 'Deactivated' } & KeyFacts)
  | ({ readonly status: 'Destroyed' } & KeyFacts & DestroyedFacts)
  | {
      readonly status: 'Purged';
      readonly keyId: string;
      readonly instanceId: string;
      readonly purgeDate: string;
      readonly purgedBy: string;
    };

export type KeyStatus = KeyState['status'];

/** A key the API can see: it has a Key Protect state code. */
export type ExistingKey = Exclude<KeyState, { status: 'Absent' } | { status: 'Purged' }>;

export function isExisting(state: KeyState): state is ExistingKey {
  return state.status !== 'Absent' && state.status !== 'Purged';
}

/** How many versions a key's state carries with their material: wrap and unwrap of these read nothing more. */
export const RECENT_KEY_VERSIONS = 10;

/** The versions a key keeps after `version` is added: the newest {@link RECENT_KEY_VERSIONS}. */
export function withNewVersion(key: Pick<KeyFacts, 'recentVersions'>, version: KeyVersion): readonly KeyVersion[] {
  return [...key.recentVersions, version].slice(-RECENT_KEY_VERSIONS);
}

export function currentVersion(key: KeyFacts): KeyVersion {
  const v = key.recentVersions[key.recentVersions.length - 1];
  if (!v) throw new Error('invariant: a key has at least one version');
  return v;
}

/** When the key was last rotated; undefined before its first rotation. */
export function lastRotationDate(key: KeyFacts): string | undefined {
  return key.versionCount > 1 ? currentVersion(key).creationDate : undefined;
}

/** True when the key has an expiration date at or before `now`. */
export function isPastExpiration(key: KeyFacts, now: string): boolean {
  return key.expirationDate !== undefined && Date.parse(key.expirationDate) <= Date.parse(now);
}

/**
 * The status that decides what a key may do at `now`: an Active key past its expiration date is
 * Deactivated even before the scheduler's ExpireKey has been recorded. A Suspended key stays
 * Suspended: expiry must not reopen unwrap on a key someone disabled (Key Protect: a suspended
 * key "can only be moved to the Active or Destroyed states").
 */
export function effectiveStatus(state: KeyState, now: string): KeyStatus {
  if (state.status === 'Active' && isPastExpiration(state, now)) return 'Deactivated';
  return state.status;
}
