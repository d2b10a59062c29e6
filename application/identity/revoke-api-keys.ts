import { PrincipalNotFoundError } from '../../domain/identity/principal.ts';
import { decideAppend, handleCommands, loadState, SERVICE_SCOPE_ID, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { apiKeyAggregate, apiKeyStreamId } from './api-key-aggregate.ts';
import { principalAggregate, principalStreamId } from './principal-aggregate.ts';

/**
 * Revokes every API key of a principal (`DELETE /admin/v1/principals/{id}/api-key`), or deletes the
 * principal (which revokes them too), in one atomic commit of the principal's stream and each key's
 * stream. Token exchange refuses a revoked key at once; live tokens stop within the authentication
 * cache's lifetime (AUTH_CACHE_TTL_MS).
 */
export async function revokeApiKeys(
  services: Pick<AppServices, 'store' | 'now'>,
  request: RequestScope,
  input: { principalId: string; callerPrincipalId: string; deletePrincipal?: boolean },
): Promise<{ revoked: number }> {
  // Principals and API keys belong to the service, not to an instance.
  const scope: RequestScope = { ...request, instanceId: SERVICE_SCOPE_ID };
  const streamId = principalStreamId(input.principalId);
  let revoked = 0;
  await handleCommands(services.store, [streamId], async () => {
    const loaded = await loadState(services.store, principalAggregate, streamId);
    if (loaded.state.status !== 'Active') throw new PrincipalNotFoundError();
    const hashes = loaded.state.apiKeyHashes;
    revoked = hashes.length;
    const now = services.now().toISOString();
    const principal = decideAppend(
      principalAggregate,
      streamId,
      loaded,
      input.deletePrincipal
        ? { type: 'DeletePrincipal', now, principalIdOfCaller: input.callerPrincipalId }
        : { type: 'RevokeApiKeys', now, principalIdOfCaller: input.callerPrincipalId },
      scope,
    );
    const keys = await Promise.all(
      hashes.map(async (hash) =>
        decideAppend(
          apiKeyAggregate,
          apiKeyStreamId(hash),
          await loadState(services.store, apiKeyAggregate, apiKeyStreamId(hash)),
          { type: 'RevokeApiKey', now, principalIdOfCaller: input.callerPrincipalId },
          scope,
        ),
      ),
    );
    return [principal, ...keys];
  });
  return { revoked };
}
