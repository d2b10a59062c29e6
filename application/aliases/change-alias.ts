import { isExisting, type ExistingKey } from '../../domain/keys/state.ts';
import { decideAppend, handleCommands, loadState, type RequestScope } from '../command-handler.ts';
import { findKey } from '../keys/find-key.ts';
import { keyAggregate, keyStreamId } from '../keys/key-aggregate.ts';
import type { AppServices } from '../services.ts';
import { aliasClaimStreams, decideAliasClaims } from './alias-claims.ts';

/**
 * Adds or removes an alias: the key's AliasAdded/AliasRemoved, the alias index's
 * AliasClaimed/AliasReleased and the instance's alias quota are decided together and committed in ONE
 * atomic append, each stream at its expected version. Two keys claiming one alias cannot both commit;
 * the loser re-reads, and its decider then answers 409 DUPLICATE_ALIAS_ERR.
 */
export async function changeAlias(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
  alias: string,
  change: 'add' | 'remove',
): Promise<ExistingKey> {
  const { keyId } = await findKey(services, scope.instanceId, id);
  const keyStream = keyStreamId(keyId);
  const [keyDecision] = await handleCommands(
    services.store,
    [keyStream, ...aliasClaimStreams(scope.instanceId, [alias])],
    async () => {
      const now = services.now().toISOString();
      const key = decideAppend(
        keyAggregate,
        keyStream,
        await loadState(services.store, keyAggregate, keyStream),
        change === 'add'
          ? { type: 'AddAlias', keyId, alias, now, principalId, settings: services.settings }
          : { type: 'RemoveAlias', keyId, alias, now, principalId, settings: services.settings },
        scope,
      );
      const claims = await decideAliasClaims(services, scope, {
        keyId,
        aliases: [alias],
        kind: change,
        now,
        principalId,
      });
      return [key, ...claims] as const;
    },
  );
  if (!isExisting(keyDecision.state)) throw new Error('invariant: an aliased key exists');
  return keyDecision.state;
}
