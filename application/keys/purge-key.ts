import { isExisting, type ExistingKey } from '../../domain/keys/state.ts';
import { aliasClaimStreams, decideAliasClaims } from '../aliases/alias-claims.ts';
import { decideAppend, handleCommands, loadState, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { findKey } from './find-key.ts';
import { keyAggregate, keyStreamId } from './key-aggregate.ts';

/**
 * Purges a deleted key: by a caller's request (KeyPurge role) no sooner than minPurgeDelayS after the
 * deletion, or by the scheduler (`automatic`) after autoPurgeAfterS; from then on the key answers 404.
 * The key's aliases are released in the same commit (alias index and the instance's alias quota), so
 * they can name another key and no longer count toward the instance's 1,000. Returns the key as it was
 * just before the purge, and whether this call purged it (false: it already was).
 */
export async function purgeKey(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
  automatic = false,
): Promise<{ before: ExistingKey; changed: boolean }> {
  const before = await findKey(services, scope.instanceId, id);
  const { keyId, aliases } = before;
  const keyStream = keyStreamId(keyId);
  const [key] = await handleCommands(
    services.store,
    [keyStream, ...aliasClaimStreams(scope.instanceId, aliases)],
    async () => {
      const now = services.now().toISOString();
      const loaded = await loadState(services.store, keyAggregate, keyStream);
      const held = isExisting(loaded.state) ? loaded.state.aliases : [];
      const purged = decideAppend(
        keyAggregate,
        keyStream,
        loaded,
        { type: 'PurgeKey', keyId, now, principalId, settings: services.settings, automatic },
        scope,
      );
      // Already purged: nothing to release.
      if (purged.events.length === 0) return [purged] as const;
      return [
        purged,
        ...(await decideAliasClaims(services, scope, { keyId, aliases: held, kind: 'remove', now, principalId })),
      ] as const;
    },
  );
  return { before, changed: key.events.length > 0 };
}
