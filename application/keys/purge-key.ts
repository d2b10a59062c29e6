import type { ExistingKey } from '../../domain/keys/state.ts';
import type { RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { runKeyCommand } from './key-command.ts';

/**
 * Purges a deleted key by a caller's request (KeyPurge role), no sooner than minPurgeDelayS after
 * the deletion; from then on the key answers 404. Returns the key as it was just before the purge.
 */
export async function purgeKey(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
): Promise<ExistingKey> {
  const { before } = await runKeyCommand(services, scope, principalId, id, (c) => ({
    type: 'PurgeKey',
    ...c,
    automatic: false,
  }));
  return before;
}
