import { decideAppend, SERVICE_SCOPE_ID, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { apiKeyAggregate, apiKeyStreamId } from './api-key-aggregate.ts';
import { principalAggregate, principalStreamId } from './principal-aggregate.ts';
import { generateApiKey, hashApiKey } from './api-key-hash.ts';

interface CreatedPrincipal {
  readonly principalId: string;
  readonly name: string;
  /** Shown once; only its hash is stored. */
  readonly apiKey: string;
}

/**
 * Creates a principal and its first API key in one atomic commit of two streams, so a principal
 * never exists without a way to authenticate, nor a key without its principal.
 */
export async function createPrincipal(
  services: Pick<AppServices, 'store' | 'now' | 'newId'>,
  request: RequestScope,
  input: {
    name: string;
    admin: boolean;
    apiKey?: string | undefined;
    principalId?: string | undefined;
    callerPrincipalId: string;
  },
): Promise<CreatedPrincipal> {
  // Principals and API keys belong to the service, not to an instance.
  const scope: RequestScope = { ...request, instanceId: SERVICE_SCOPE_ID };
  const principalId = input.principalId ?? services.newId();
  const apiKey = input.apiKey ?? generateApiKey();
  const keyHash = hashApiKey(apiKey);
  const now = services.now().toISOString();
  const fresh = <S>(state: S) => ({ state, version: 0 });
  const principal = decideAppend(
    principalAggregate,
    principalStreamId(principalId),
    fresh(principalAggregate.decider.initialState()),
    {
      type: 'CreatePrincipal',
      principalId,
      name: input.name,
      admin: input.admin,
      keyHash,
      now,
      principalIdOfCaller: input.callerPrincipalId,
    },
    scope,
  );
  const key = decideAppend(
    apiKeyAggregate,
    apiKeyStreamId(keyHash),
    fresh(apiKeyAggregate.decider.initialState()),
    { type: 'IssueApiKey', principalId, keyHash, now, principalIdOfCaller: input.callerPrincipalId },
    scope,
  );
  if (!principal.append || !key.append) throw new Error('invariant: creating a principal appends events');
  await services.store.append([principal.append, key.append]);
  return { principalId, name: input.name, apiKey };
}
