import { decideAppend, loadState, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { apiKeyAggregate, apiKeyStreamId } from './api-key-aggregate.ts';
import { principalAggregate, principalStreamId } from './principal-aggregate.ts';
import { generateApiKey, hashApiKey } from './api-key-hash.ts';

const SERVICE_SCOPE: RequestScope = { instanceId: '*' };

/** Issues a new API key to an existing principal (shown once), e.g. after its keys were revoked. */
export async function addApiKey(
  services: Pick<AppServices, 'store' | 'now'>,
  input: { principalId: string; callerPrincipalId: string },
  scope: RequestScope = SERVICE_SCOPE,
): Promise<{ apiKey: string }> {
  const apiKey = generateApiKey();
  const keyHash = hashApiKey(apiKey);
  const now = services.now().toISOString();
  const streamId = principalStreamId(input.principalId);
  const principal = decideAppend(
    principalAggregate,
    streamId,
    await loadState(services.store, principalAggregate, streamId),
    { type: 'AddApiKey', keyHash, now, principalIdOfCaller: input.callerPrincipalId },
    scope,
  );
  const key = decideAppend(
    apiKeyAggregate,
    apiKeyStreamId(keyHash),
    { state: apiKeyAggregate.decider.initialState(), version: 0 },
    { type: 'IssueApiKey', principalId: input.principalId, keyHash, now, principalIdOfCaller: input.callerPrincipalId },
    scope,
  );
  if (!principal.append || !key.append) throw new Error('invariant: adding an API key appends events');
  await services.store.append([principal.append, key.append]);
  return { apiKey };
}
