import { createImportToken } from '../../application/import-tokens/create-import-token.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { importTokenBody } from './responses/organize.ts';
import { operations } from './operations.ts';

/** POST /api/v2/import_token: a new import token for the instance (RSA-4096 pair in the HSM); replaces the previous one. */
export const handler = keyProtectHandler(operations.postImportToken, async (req) => {
  const token = await createImportToken(req.runtime.services, req.scope, req.caller.principalId, req.body);
  return json(200, importTokenBody(token, false));
});
