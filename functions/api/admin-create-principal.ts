import { createPrincipal } from '../../application/identity/create-principal.ts';
import { adminHandler, json } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** POST /admin/v1/principals `{name}` -> 201 `{id, name, apiKey}`; the API key is shown this once. */
export const handler = adminHandler(operations.adminCreatePrincipal, async (req) => {
  const principal = await createPrincipal(req.runtime.services, req.scope, {
    name: req.body.name,
    admin: false,
    callerPrincipalId: req.caller.principalId,
  });
  return json(
    201,
    { id: principal.principalId, name: principal.name, apiKey: principal.apiKey },
    { 'cache-control': 'no-store' },
  );
});
