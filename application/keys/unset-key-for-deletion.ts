import type { ExistingKey } from '../../domain/keys/state.ts';
import type { RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { existingAfter, runKeyCommand } from './key-command.ts';

/** Withdraws a pending deletion authorisation of a dual-auth key. */
export async function unsetKeyForDeletion(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
): Promise<ExistingKey> {
  return existingAfter(
    await runKeyCommand(services, scope, principalId, id, (c) => ({ type: 'UnsetKeyForDeletion', ...c })),
  );
}
