import type { ExistingKey } from '../../domain/keys/state.ts';
import type { RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { existingAfter, runKeyCommand } from './key-command.ts';

/** Disables a root key (Active -> Suspended): wrap, unwrap and rewrap refuse it until it is enabled. */
export async function disableKey(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
): Promise<ExistingKey> {
  return existingAfter(await runKeyCommand(services, scope, principalId, id, (c) => ({ type: 'DisableKey', ...c })));
}
