import type { KeyCreatedData, RegistrationChange, WrappedMaterial } from './events.ts';
import type { KeySettings } from './settings.ts';

/**
 * Commands to the key aggregate. Everything impure arrives in the command: the time, the acting
 * principal, ids, HSM outputs (wrapped material) and the operator's settings (docs/decisions/0001-event-sourcing.md).
 */
export interface CommandContext {
  readonly now: string;
  readonly principalId: string;
  /** Operator settings; missing ones take Key Protect's defaults (settings.ts). */
  readonly settings?: Partial<KeySettings> | undefined;
}

/** A new key: the facts KeyCreated records, less what the decider works out (its first version, its policy). */
export interface CreateKey extends CommandContext, Omit<KeyCreatedData, 'version' | 'dualAuthDelete' | 'tags'> {
  readonly type: 'CreateKey';
  /** Key Protect's tags; none when absent. */
  readonly tags?: readonly string[] | undefined;
  /** True when the caller supplied the material (KeyImported), false when the HSM generated it. */
  readonly imported: boolean;
  readonly versionId: string;
  readonly material: WrappedMaterial;
  /**
   * The instance's dualAuthDelete policy at this moment. Key Protect applies an instance policy
   * to keys created after it, and a key keeps it for life; later changes of the instance policy
   * do not touch existing keys.
   */
  readonly dualAuthDelete?: boolean | undefined;
  /**
   * The key's own policies (Key Protect's keys_with_policy_overrides), set in the same append as the
   * key; a dualAuthDelete among them replaces the instance's.
   */
  readonly policies?: readonly KeyPolicyInput[] | undefined;
}

interface KeyCommandBase<T extends string> extends CommandContext {
  readonly type: T;
  readonly keyId: string;
}

export type DisableKey = KeyCommandBase<'DisableKey'>;
export type EnableKey = KeyCommandBase<'EnableKey'>;
/** Issued by the scheduler once the key's expiration date has passed. */
export type ExpireKey = KeyCommandBase<'ExpireKey'>;

export interface RotateKey extends KeyCommandBase<'RotateKey'> {
  readonly versionId: string;
  /** The new version's material, wrapped by the HSM under the master key. */
  readonly material: WrappedMaterial;
  /** True when the caller sent the material (required for imported keys, refused for generated ones). */
  readonly suppliedByCaller: boolean;
}

export type SetKeyForDeletion = KeyCommandBase<'SetKeyForDeletion'>;
export type UnsetKeyForDeletion = KeyCommandBase<'UnsetKeyForDeletion'>;

export interface DeleteKey extends KeyCommandBase<'DeleteKey'> {
  /** Delete although registrations exist (never past one with preventKeyDeletion). */
  readonly force: boolean;
}

export type RestoreKey = KeyCommandBase<'RestoreKey'>;

export interface PurgeKey extends KeyCommandBase<'PurgeKey'> {
  /** True when the scheduler purges after autoPurgeAfterS; false for a caller's purge (KeyPurge role). */
  readonly automatic: boolean;
}

export interface MoveKeyToKeyRing extends KeyCommandBase<'MoveKeyToKeyRing'> {
  /** The application checks that the ring exists in the instance. */
  readonly keyRingId: string;
  /** Set when the key's ring is being force-deleted: a Destroyed key may then move to `default`. */
  readonly ringDeleted?: boolean | undefined;
}

export interface AddAlias extends KeyCommandBase<'AddAlias'> {
  /** The application checks it is not another key's alias in the instance (DUPLICATE_ALIAS_ERR). */
  readonly alias: string;
}

export interface RemoveAlias extends KeyCommandBase<'RemoveAlias'> {
  readonly alias: string;
}

/**
 * A key policy as PUT /keys/{id}/policies sets it. A rotation policy without `intervalMonth` keeps the
 * key's interval (the Go client's EnableRotationPolicy and DisableRotationPolicy send none).
 */
export type KeyPolicyInput =
  | { readonly policy: 'rotation'; readonly enabled: boolean; readonly intervalMonth?: number | undefined }
  | { readonly policy: 'dualAuthDelete'; readonly enabled: boolean };

export interface SetKeyPolicy extends KeyCommandBase<'SetKeyPolicy'> {
  readonly policy: KeyPolicyInput;
}

export interface ChangeRegistration extends KeyCommandBase<'ChangeRegistration'> {
  readonly change: RegistrationChange;
  readonly crn: string;
  /** For created/updated; a deleted registration keeps its last value. */
  readonly preventKeyDeletion?: boolean | undefined;
  readonly description?: string | undefined;
}

export type SyncKey = KeyCommandBase<'SyncKey'>;

export type KeyCommand =
  | CreateKey
  | DisableKey
  | EnableKey
  | ExpireKey
  | RotateKey
  | SetKeyForDeletion
  | UnsetKeyForDeletion
  | DeleteKey
  | RestoreKey
  | PurgeKey
  | MoveKeyToKeyRing
  | AddAlias
  | RemoveAlias
  | SetKeyPolicy
  | ChangeRegistration
  | SyncKey;

export type KeyCommandType = KeyCommand['type'];
