import type { ExistingKey } from '../../domain/keys/state.ts';
import type { RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { existingAfter, runKeyCommand } from './key-command.ts';

/**
 * Deletes a key (-> Destroyed): its metadata stays readable, it can be restored within
 * restoreWindowS and purged after minPurgeDelayS. `force` deletes past registrations (never past
 * one that prevents key deletion).
 */
export async function deleteKey(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
  force: boolean,
): Promise<ExistingKey> {
  return existingAfter(
    await runKeyCommand(services, scope, principalId, id, (c) => ({ type: 'DeleteKey', ...c, force })),
  );
}
