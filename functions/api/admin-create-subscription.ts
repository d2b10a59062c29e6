import { requireInstance } from '../../application/audit/audited-instance.ts';
import { createSubscription } from '../../application/subscriptions/create-subscription.ts';
import { adminHandler, json } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/**
 * POST /admin/v1/instances/{instanceId}/subscriptions `{url, events?}` -> 201 `{id, secret}`: a webhook
 * for the instance's key-state events (all types when `events` is absent). The secret is shown once.
 */
export const handler = adminHandler(operations.adminCreateSubscription, async (req) => {
  const instanceId = req.param('instanceId');
  await requireInstance(req.runtime.services, instanceId);
  const created = await createSubscription(req.runtime.services, req.scope, {
    instanceId,
    url: req.body.url,
    events: [...new Set(req.body.events ?? [])],
    callerPrincipalId: req.caller.principalId,
  });
  return json(201, created);
});
