import type { ExistingKey } from '../../domain/keys/state.ts';
import type { RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { existingAfter, runKeyCommand } from './key-command.ts';

/** The first authorisation to delete a dual-auth key; a different principal may then delete it within seven days. */
export async function setKeyForDeletion(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
): Promise<ExistingKey> {
  return existingAfter(
    await runKeyCommand(services, scope, principalId, id, (c) => ({ type: 'SetKeyForDeletion', ...c })),
  );
}
