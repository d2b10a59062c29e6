import { DomainError, REASON_STATUS, type ReasonCode, type ReasonStatus } from '../errors.ts';
import type { KeyCommandType } from './commands.ts';
import type { KeyType } from './events.ts';
import { effectiveStatus, isExisting, type ExistingKey, type KeyState, type KeyStatus } from './state.ts';

/**
 * THE key state machine: for every (status x operation), 'allowed' or the Key Protect refusal.
 * Every decider and every use check consults this table first, then adds only what a status
 * cannot say (key type, waiting periods, registrations, dual authorisation).
 *
 * Sources (ibm-cloud-docs/key-protect): concepts/key-states.md "Key states and service actions"
 * (2022: Active: everything but enable/restore; Suspended: enable, delete; Deactivated: unwrap,
 * rewrap, rotate, delete; Destroyed: restore), error-messages.md (which code each refusal uses),
 * delete-purge-keys.md ("impossible to purge an active key"; purged keys answer 404).
 *
 * ChangeRegistration is three operations here because Key Protect treats them differently:
 * creating one needs an Active key (422 KEY_INVALID_STATE_ERR), while updating and deleting
 * must keep working on disabled, expired and deleted keys (their resources are being cleaned up).
 */
export type KeyOperation =
  | Exclude<KeyCommandType, 'ChangeRegistration'>
  | 'CreateRegistration'
  | 'UpdateRegistration'
  | 'DeleteRegistration'
  | 'Wrap'
  | 'Unwrap'
  | 'Rewrap'
  | 'ReadPayload'
  | 'ListVersions';

export interface Refusal {
  readonly code: ReasonCode;
  readonly httpStatus: ReasonStatus;
}

export type Verdict = 'allowed' | Refusal;

function no(code: ReasonCode): Refusal {
  return { code, httpStatus: REASON_STATUS[code] };
}

const ok = 'allowed' as const;
const notFound = no('KEY_NOT_FOUND_ERR');
const deleted = no('KEY_DELETED_ERR');
const invalid = no('KEY_ACTION_INVALID_STATE_ERR');
const expired = no('KEY_EXPIRED_ERR');
const exists = no('CONFLICT_ERR');
const notActive = no('KEY_INVALID_STATE_ERR');

/** Whatever a key was, once it is Absent or Purged it does not exist (404). */
const gone = { Absent: notFound, Purged: notFound } as const;

export const transitions: Readonly<Record<KeyOperation, Readonly<Record<KeyStatus, Verdict>>>> = {
  CreateKey: { Absent: ok, Active: exists, Suspended: exists, Deactivated: exists, Destroyed: exists, Purged: exists },
  DisableKey: { ...gone, Active: ok, Suspended: invalid, Deactivated: invalid, Destroyed: deleted },
  EnableKey: { ...gone, Active: invalid, Suspended: ok, Deactivated: invalid, Destroyed: deleted },
  // The scheduler's ExpireKey is decided on the stored status (an Active key past its date is
  // exactly what it expires); repeating it on a Deactivated key changes nothing.
  ExpireKey: { ...gone, Active: ok, Suspended: invalid, Deactivated: ok, Destroyed: deleted },
  RotateKey: { ...gone, Active: ok, Suspended: invalid, Deactivated: ok, Destroyed: deleted },
  SetKeyForDeletion: { ...gone, Active: ok, Suspended: invalid, Deactivated: invalid, Destroyed: deleted },
  UnsetKeyForDeletion: { ...gone, Active: ok, Suspended: invalid, Deactivated: invalid, Destroyed: deleted },
  DeleteKey: { ...gone, Active: ok, Suspended: ok, Deactivated: ok, Destroyed: deleted },
  RestoreKey: { ...gone, Active: invalid, Suspended: invalid, Deactivated: invalid, Destroyed: ok },
  PurgeKey: { ...gone, Active: invalid, Suspended: invalid, Deactivated: invalid, Destroyed: ok },
  MoveKeyToKeyRing: { ...gone, Active: ok, Suspended: ok, Deactivated: ok, Destroyed: deleted },
  AddAlias: { ...gone, Active: ok, Suspended: ok, Deactivated: ok, Destroyed: deleted },
  RemoveAlias: { ...gone, Active: ok, Suspended: ok, Deactivated: ok, Destroyed: deleted },
  SetKeyPolicy: { ...gone, Active: ok, Suspended: ok, Deactivated: ok, Destroyed: deleted },
  CreateRegistration: { ...gone, Active: ok, Suspended: notActive, Deactivated: notActive, Destroyed: deleted },
  UpdateRegistration: { ...gone, Active: ok, Suspended: ok, Deactivated: ok, Destroyed: ok },
  DeleteRegistration: { ...gone, Active: ok, Suspended: ok, Deactivated: ok, Destroyed: ok },
  // sync-resources.md: a deleted key is synced so its resources learn of the deletion.
  SyncKey: { ...gone, Active: ok, Suspended: ok, Deactivated: ok, Destroyed: ok },
  Wrap: { ...gone, Active: ok, Suspended: invalid, Deactivated: expired, Destroyed: deleted },
  Unwrap: { ...gone, Active: ok, Suspended: invalid, Deactivated: ok, Destroyed: deleted },
  Rewrap: { ...gone, Active: ok, Suspended: invalid, Deactivated: ok, Destroyed: deleted },
  // Standard keys only (below); a standard key is never Suspended (disable is root-only).
  ReadPayload: { ...gone, Active: ok, Suspended: invalid, Deactivated: expired, Destroyed: deleted },
  // view-key-versions.md: without allKeyStates=true, 409 for a key not in state 1 and 410 for a destroyed one
  // (with it, every existing key lists its versions).
  ListVersions: { ...gone, Active: ok, Suspended: invalid, Deactivated: invalid, Destroyed: deleted },
};

/**
 * Operations Key Protect allows on one key type only, and its refusal for the other
 * (error-messages.md: KEY_ROOT_REQ_ERR lists disable, enable, rotate, wrap, unwrap; registrations
 * answer KEY_ROOT_REQ_REG_ERR). A root key's material never leaves the HSM: ReadPayload is refused.
 */
export const keyTypeRestrictions: Readonly<
  Partial<Record<KeyOperation, { readonly only: KeyType; readonly refusal: Refusal }>>
> = {
  DisableKey: { only: 'root', refusal: no('KEY_ROOT_REQ_ERR') },
  EnableKey: { only: 'root', refusal: no('KEY_ROOT_REQ_ERR') },
  RotateKey: { only: 'root', refusal: no('KEY_ROOT_REQ_ERR') },
  Wrap: { only: 'root', refusal: no('KEY_ROOT_REQ_ERR') },
  Unwrap: { only: 'root', refusal: no('KEY_ROOT_REQ_ERR') },
  Rewrap: { only: 'root', refusal: no('KEY_ROOT_REQ_ERR') },
  SyncKey: { only: 'root', refusal: no('KEY_ROOT_REQ_ERR') },
  CreateRegistration: { only: 'root', refusal: no('KEY_ROOT_REQ_REG_ERR') },
  ReadPayload: { only: 'standard', refusal: no('FEATURE_RESTRICTED_ERR') },
};

/** The status the table is read with: the stored one for ExpireKey, the effective one otherwise. */
export function statusFor(state: KeyState, operation: KeyOperation, now: string): KeyStatus {
  return operation === 'ExpireKey' ? state.status : effectiveStatus(state, now);
}

/**
 * The verdict for `operation` on `state` at `now`: a missing key first (404), then the key type,
 * then the table.
 */
export function verdictFor(state: KeyState, operation: KeyOperation, now: string): Verdict {
  const fromTable = transitions[operation][statusFor(state, operation, now)];
  if (!isExisting(state)) return fromTable;
  const restriction = keyTypeRestrictions[operation];
  if (restriction && state.keyType !== restriction.only) return restriction.refusal;
  return fromTable;
}

const messages: Partial<Record<ReasonCode, string>> = {
  KEY_NOT_FOUND_ERR: 'Key does not exist',
  KEY_DELETED_ERR: 'Key has already been deleted: Please delete references to this key',
  KEY_ACTION_INVALID_STATE_ERR: 'Key is not in a valid state',
  KEY_INVALID_STATE_ERR: 'Key is not in a valid state',
  KEY_EXPIRED_ERR: 'The action could not be performed on the key because the key is expired',
  KEY_ROOT_REQ_ERR: 'Requested action can only be completed with a root key',
  KEY_ROOT_REQ_REG_ERR: 'Requested action can only be completed with a root key',
  FEATURE_RESTRICTED_ERR: 'This action is not permitted on this resource: a root key never leaves the HSM',
  CONFLICT_ERR: 'A key with this id already exists',
};

/**
 * The refusal as Key Protect words it (error-messages of its docs): the message alone, as Key Protect gives it; the
 * operation refused is in the answer's `errorMsg` ("Wrap with key could not be performed: ...").
 */
export function refusalError(refusal: Refusal): DomainError {
  return new DomainError(refusal.code, messages[refusal.code] ?? refusal.code);
}

/** Throws the table's refusal; returns the key, narrowed to an existing one, when allowed. */
export function assertAllowed(state: KeyState, operation: KeyOperation, now: string): ExistingKey {
  const verdict = verdictFor(state, operation, now);
  if (verdict !== 'allowed') throw refusalError(verdict);
  if (!isExisting(state)) throw new Error(`invariant: ${operation} allowed on a missing key`);
  return state;
}
