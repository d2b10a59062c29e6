import type { ExistingKey } from '../../domain/keys/state.ts';
import type { RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { existingAfter, runKeyCommand } from './key-command.ts';

/** Restores a deleted key (Destroyed -> Active) within restoreWindowS, not sooner than minActionIntervalS after the deletion. */
export async function restoreKey(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
): Promise<ExistingKey> {
  return existingAfter(await runKeyCommand(services, scope, principalId, id, (c) => ({ type: 'RestoreKey', ...c })));
}
