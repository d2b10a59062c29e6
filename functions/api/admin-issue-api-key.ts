import { addApiKey } from '../../application/identity/add-api-key.ts';
import { adminHandler, json } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** POST /admin/v1/principals/{id}/api-key -> 201 `{id, apiKey}`: a new API key for the principal, shown once. */
export const handler = adminHandler(operations.adminIssueApiKey, async (req) => {
  const principalId = req.param('id');
  const { apiKey } = await addApiKey(req.runtime.services, req.scope, {
    principalId,
    callerPrincipalId: req.caller.principalId,
  });
  return json(201, { id: principalId, apiKey }, { 'cache-control': 'no-store' });
});
