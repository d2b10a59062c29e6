import { isExisting } from '../../domain/keys/state.ts';
import { decideAppend, loadState, type Decision, type RequestScope } from '../command-handler.ts';
import { keyAggregate, keyStreamId } from '../keys/key-aggregate.ts';
import type { AppServices } from '../services.ts';
import {
  aliasIndexAggregate,
  aliasQuotaAggregate,
  aliasQuotaStreamId,
  aliasStreamId,
} from './alias-index-aggregate.ts';

/**
 * The streams {@link decideAliasClaims} writes for `aliases` of an instance (for the command handler's queue):
 * none without aliases, so a key without any does not wait on the instance's alias quota.
 */
export function aliasClaimStreams(instanceId: string, aliases: readonly string[]): string[] {
  if (aliases.length === 0) return [];
  return [...aliases.map((alias) => aliasStreamId(instanceId, alias)), aliasQuotaStreamId(instanceId)];
}

/**
 * The instance's side of giving key `keyId` its `aliases` (`add`) or taking them away (`remove`): one
 * decision per alias's index stream (AliasClaimed, or 409 DUPLICATE_ALIAS_ERR for an alias another key
 * still holds; AliasReleased) and one for the instance's alias quota (taken per claim, 400
 * KEY_ALIAS_QUOTA_ERR past 1,000; returned per release). The caller commits them in the same atomic
 * append as the key's own events (handleCommands), so the key, its aliases and the count never disagree.
 * No aliases, no decisions (and no reads).
 */
export async function decideAliasClaims(
  services: AppServices,
  scope: RequestScope,
  change: { keyId: string; aliases: readonly string[]; kind: 'add' | 'remove'; now: string; principalId: string },
): Promise<Decision<unknown, unknown>[]> {
  const { keyId, now, principalId } = change;
  if (change.aliases.length === 0) return [];
  const index = await Promise.all(
    change.aliases.map(async (alias) => {
      const streamId = aliasStreamId(scope.instanceId, alias);
      const loaded = await loadState(services.store, aliasIndexAggregate, streamId);
      if (change.kind === 'remove') {
        return decideAppend(
          aliasIndexAggregate,
          streamId,
          loaded,
          { type: 'ReleaseAlias', alias, keyId, now, principalId },
          scope,
        );
      }
      const holderStillHoldsIt =
        loaded.state.status === 'Taken' && loaded.state.keyId !== keyId
          ? await holds(services, loaded.state.keyId, alias)
          : false;
      return decideAppend(
        aliasIndexAggregate,
        streamId,
        loaded,
        { type: 'ClaimAlias', alias, keyId, holderStillHoldsIt, now, principalId },
        scope,
      );
    }),
  );
  const count = index.filter((decision) => decision.events.length > 0).length;
  const quotaStream = aliasQuotaStreamId(scope.instanceId);
  const quota = decideAppend(
    aliasQuotaAggregate,
    quotaStream,
    await loadState(services.store, aliasQuotaAggregate, quotaStream),
    { type: change.kind === 'add' ? 'TakeAliasQuota' : 'ReturnAliasQuota', count, now, principalId },
    scope,
  );
  return [...index, quota];
}

/** Whether key `keyId` still has `alias` (a purged key has none). */
async function holds(services: AppServices, keyId: string, alias: string): Promise<boolean> {
  const { state } = await loadState(services.store, keyAggregate, keyStreamId(keyId));
  return isExisting(state) && state.aliases.includes(alias);
}
