import type { ExistingKey } from '../../domain/keys/state.ts';
import type { RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { existingAfter, runKeyCommand } from './key-command.ts';

/** Enables a disabled root key (Suspended -> Active), not sooner than minActionIntervalS after the disable. */
export async function enableKey(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
): Promise<ExistingKey> {
  return existingAfter(await runKeyCommand(services, scope, principalId, id, (c) => ({ type: 'EnableKey', ...c })));
}
