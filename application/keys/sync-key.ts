import type { ExistingKey } from '../../domain/keys/state.ts';
import type { RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { existingAfter, runKeyCommand } from './key-command.ts';

/** Records a sync request of a root key's registered resources (at most one per minSyncIntervalS). */
export async function syncKey(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
): Promise<ExistingKey> {
  return existingAfter(await runKeyCommand(services, scope, principalId, id, (c) => ({ type: 'SyncKey', ...c })));
}
