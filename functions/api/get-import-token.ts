import { retrieveImportToken } from '../../application/import-tokens/retrieve-import-token.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { importTokenBody } from './responses/organize.ts';
import { operations } from './operations.ts';

/** GET /api/v2/import_token: the token's public key (base64 PEM) and nonce; counts one retrieval. */
export const handler = keyProtectHandler(operations.getImportToken, async (req) => {
  const token = await retrieveImportToken(req.runtime.services, req.scope, req.caller.principalId);
  return json(200, importTokenBody(token, true));
});
