import { decideAppend, handleCommands, loadState, SERVICE_SCOPE_ID, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { apiKeyAggregate, apiKeyStreamId } from './api-key-aggregate.ts';
import { principalAggregate, principalStreamId } from './principal-aggregate.ts';
import { generateApiKey, hashApiKey } from './api-key-hash.ts';

/** Issues a new API key to an existing principal (shown once), e.g. after its keys were revoked. */
export async function addApiKey(
  services: Pick<AppServices, 'store' | 'now'>,
  request: RequestScope,
  input: { principalId: string; callerPrincipalId: string },
): Promise<{ apiKey: string }> {
  // Principals and API keys belong to the service, not to an instance.
  const scope: RequestScope = { ...request, instanceId: SERVICE_SCOPE_ID };
  const apiKey = generateApiKey();
  const keyHash = hashApiKey(apiKey);
  const now = services.now().toISOString();
  const streamId = principalStreamId(input.principalId);
  const keyStream = apiKeyStreamId(keyHash);
  await handleCommands(services.store, [streamId, keyStream], async () => {
    const principal = decideAppend(
      principalAggregate,
      streamId,
      await loadState(services.store, principalAggregate, streamId),
      { type: 'AddApiKey', keyHash, now, principalIdOfCaller: input.callerPrincipalId },
      scope,
    );
    const key = decideAppend(
      apiKeyAggregate,
      keyStream,
      { state: apiKeyAggregate.decider.initialState(), version: 0 },
      {
        type: 'IssueApiKey',
        principalId: input.principalId,
        keyHash,
        now,
        principalIdOfCaller: input.callerPrincipalId,
      },
      scope,
    );
    if (!principal.append || !key.append) throw new Error('invariant: adding an API key appends events');
    return [principal, key] as const;
  });
  return { apiKey };
}
