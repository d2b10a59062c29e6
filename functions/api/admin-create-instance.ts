import { createInstance } from '../../application/identity/create-instance.ts';
import { adminHandler, json } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** POST /admin/v1/instances `{name}` -> 201 `{id, name, createdAt}`. */
export const handler = adminHandler(operations.adminCreateInstance, async (req) => {
  const instance = await createInstance(req.runtime.services, req.scope, {
    name: req.body.name,
    callerPrincipalId: req.caller.principalId,
  });
  req.audit.instanceId = instance.id;
  return json(201, instance);
});
