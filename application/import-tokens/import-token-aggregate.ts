import {
  importTokenDecider,
  type ImportTokenCommand,
  type ImportTokenEvent,
  type ImportTokenState,
} from '../../domain/import-tokens/import-token.ts';
import { importTokenCodec } from '../../events/schemas/import-tokens.ts';
import { handleCommand, loadState, type Aggregate, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';

export const importTokenAggregate: Aggregate<ImportTokenState, ImportTokenCommand, ImportTokenEvent> = {
  decider: importTokenDecider,
  codec: importTokenCodec,
  snapshotVersion: 1,
};

export const importTokenStreamId = (instanceId: string): string => `import-token:${instanceId}`;

/**
 * Runs a command on the instance's import token, retiring an expired token first. Whenever the
 * token gets retired (expired, or used up), its RSA key pair is destroyed in the HSM.
 */
export async function runImportTokenCommand(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  build: (now: string) => ImportTokenCommand,
): Promise<ImportTokenState> {
  const streamId = importTokenStreamId(scope.instanceId);
  await retireIfExpired(services, scope, principalId);
  const { state, events } = await handleCommand(
    services.store,
    importTokenAggregate,
    streamId,
    build(services.now().toISOString()),
    scope,
  );
  await destroyRetiredPairs(services, events);
  return state;
}

async function retireIfExpired(services: AppServices, scope: RequestScope, principalId: string): Promise<void> {
  const streamId = importTokenStreamId(scope.instanceId);
  const now = services.now().toISOString();
  const { state } = await loadState(services.store, importTokenAggregate, streamId);
  if (state.status !== 'Active' || Date.parse(state.expirationDate) > Date.parse(now)) return;
  const { events } = await handleCommand(
    services.store,
    importTokenAggregate,
    streamId,
    { type: 'RetireImportToken', now, principalId },
    scope,
  );
  await destroyRetiredPairs(services, events);
}

async function destroyRetiredPairs(services: AppServices, events: readonly ImportTokenEvent[]): Promise<void> {
  for (const event of events) {
    if (event.type === 'ImportTokenRetired') await services.hsm.destroyImportKeyPair(event.data.keyPairId);
  }
}
