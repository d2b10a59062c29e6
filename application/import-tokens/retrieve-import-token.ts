import type { ImportTokenFacts } from '../../domain/import-tokens/import-token.ts';
import type { RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { runImportTokenCommand } from './import-token-aggregate.ts';

/** Retrieves the import token (GET /import_token): counts one retrieval; refused once expired or used up. */
export async function retrieveImportToken(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
): Promise<ImportTokenFacts> {
  const state = await runImportTokenCommand(services, scope, principalId, (now) => ({
    type: 'RetrieveImportToken',
    now,
    principalId,
  }));
  if (state.status === 'Absent') throw new Error('invariant: a retrieved import token exists');
  return state;
}
