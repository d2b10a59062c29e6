import type { DomainError } from '../errors.ts';
import { refusalError, verdictFor, type KeyOperation, type Verdict } from './transitions.ts';
import { isExisting, type ExistingKey, type KeyState } from './state.ts';

/**
 * Checks for the hot path (wrap, unwrap, rewrap, reading a standard key's payload): pure,
 * O(1), on the head state, with expiry computed from `now` so a key past its expirationDate
 * refuses wrap before the scheduler has recorded KeyExpired. They read the same table as the
 * deciders (transitions.ts).
 *
 * Key Protect (concepts/key-states.md, error-messages.md): wrap needs Active; unwrap and rewrap
 * work in Active and Deactivated (an expired key keeps decrypting); a Suspended (disabled) key
 * answers 409 KEY_ACTION_INVALID_STATE_ERR ("the key state must be active to wrap, unwrap...");
 * a deleted key 410 KEY_DELETED_ERR; an expired key's wrap 400 KEY_EXPIRED_ERR; a standard key
 * 400 KEY_ROOT_REQ_ERR.
 */
export type UseCheck =
  { readonly allowed: true; readonly key: ExistingKey } | { readonly allowed: false; readonly error: DomainError };

function check(state: KeyState, operation: KeyOperation, now: string): UseCheck {
  const verdict: Verdict = verdictFor(state, operation, now);
  if (verdict !== 'allowed') return { allowed: false, error: refusalError(verdict) };
  if (!isExisting(state)) throw new Error(`invariant: ${operation} allowed on a missing key`);
  return { allowed: true, key: state };
}

export function checkCanWrap(state: KeyState, now: string): UseCheck {
  return check(state, 'Wrap', now);
}

export function checkCanUnwrap(state: KeyState, now: string): UseCheck {
  return check(state, 'Unwrap', now);
}

export function checkCanRewrap(state: KeyState, now: string): UseCheck {
  return check(state, 'Rewrap', now);
}

/**
 * Whether a standard key's payload may be returned. A root key answers FEATURE_RESTRICTED_ERR:
 * the edge leaves the payload out of GET /keys/{id} for it rather than failing the request.
 */
export function checkCanReadPayload(state: KeyState, now: string): UseCheck {
  return check(state, 'ReadPayload', now);
}

/** Whether GET /keys/{id}/versions lists the key's versions without `allKeyStates=true`: an Active key only. */
export function checkCanListVersions(state: KeyState, now: string): UseCheck {
  return check(state, 'ListVersions', now);
}

/** Returns the key or throws the refusal: for callers that answer with the error. */
export function assertUse(result: UseCheck): ExistingKey {
  if (!result.allowed) throw result.error;
  return result.key;
}

/** Whether GET and list show the key at all: every state but missing and purged (404). */
export function isVisible(state: KeyState): state is ExistingKey {
  return isExisting(state);
}
