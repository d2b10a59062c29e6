import { isExisting, type ExistingKey } from '../../domain/keys/state.ts';
import { ConcurrencyError } from '../ports/event-store.ts';
import { decideAppend, loadState, type RequestScope } from '../command-handler.ts';
import { findKey } from '../keys/find-key.ts';
import { keyAggregate, keyStreamId } from '../keys/key-aggregate.ts';
import type { AppServices } from '../services.ts';
import { aliasIndexAggregate, aliasStreamId } from './alias-index-aggregate.ts';

const MAX_ATTEMPTS = 4;

/**
 * Adds or removes an alias: the key's AliasAdded/AliasRemoved and the alias index's
 * AliasClaimed/AliasReleased are decided together and committed in ONE atomic append of both
 * streams, each at its expected version. Two keys claiming one alias cannot both commit; the loser
 * re-reads, and its decider then answers 409 DUPLICATE_ALIAS_ERR.
 */
export async function changeAlias(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
  alias: string,
  change: 'add' | 'remove',
): Promise<ExistingKey> {
  const key = await findKey(services, scope.instanceId, id);
  const keyId = key.keyId;
  for (let attempt = 1; ; attempt++) {
    const now = services.now().toISOString();
    const keyStream = keyStreamId(keyId);
    const indexStream = aliasStreamId(scope.instanceId, alias);
    const keyDecision = decideAppend(
      keyAggregate,
      keyStream,
      await loadState(services.store, keyAggregate, keyStream),
      change === 'add'
        ? { type: 'AddAlias', keyId, alias, now, principalId, settings: services.settings }
        : { type: 'RemoveAlias', keyId, alias, now, principalId, settings: services.settings },
      scope,
    );
    const index = await loadState(services.store, aliasIndexAggregate, indexStream);
    const holderStillHoldsIt =
      index.state.status === 'Taken' && index.state.keyId !== keyId
        ? await holds(services, index.state.keyId, alias)
        : false;
    const indexDecision = decideAppend(
      aliasIndexAggregate,
      indexStream,
      index,
      change === 'add'
        ? { type: 'ClaimAlias', alias, keyId, holderStillHoldsIt, now, principalId }
        : { type: 'ReleaseAlias', alias, keyId, now, principalId },
      scope,
    );
    const appends = [keyDecision.append, indexDecision.append].filter((a) => a !== null);
    try {
      if (appends.length > 0) await services.store.append(appends);
      if (!isExisting(keyDecision.state)) throw new Error('invariant: an aliased key exists');
      return keyDecision.state;
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** Whether key `keyId` still has `alias` (a purged key has none). */
async function holds(services: AppServices, keyId: string, alias: string): Promise<boolean> {
  const { state } = await loadState(services.store, keyAggregate, keyStreamId(keyId));
  return isExisting(state) && state.aliases.includes(alias);
}
