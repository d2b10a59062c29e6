import { DUAL_AUTH_WINDOW_S, secondsBetween } from './settings.ts';
import type { DeletionAuthorization, KeyFacts } from './state.ts';

/**
 * The key's set-for-deletion authorisation if it still holds at `now`: Key Protect's seven-day
 * authorisation period, after which "you must restart the dual authorization process"
 * (delete-dual-auth-keys.md). Computed from `now`, so a lapsed one needs no scheduler.
 */
export function pendingDeletionAuthorization(key: KeyFacts, now: string): DeletionAuthorization | undefined {
  const auth = key.deletionAuthorization;
  if (auth === undefined) return undefined;
  return secondsBetween(auth.time, now) < DUAL_AUTH_WINDOW_S ? auth : undefined;
}
