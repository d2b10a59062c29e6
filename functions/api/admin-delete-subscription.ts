import { requireInstance } from '../../application/audit/audited-instance.ts';
import { deleteSubscription } from '../../application/subscriptions/delete-subscription.ts';
import { adminHandler } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** DELETE /admin/v1/instances/{instanceId}/subscriptions/{subscriptionId} -> 204; queued deliveries are dropped. */
export const handler = adminHandler(operations.adminDeleteSubscription, async (req) => {
  const instanceId = req.param('instanceId');
  await requireInstance(req.runtime.services, instanceId);
  await deleteSubscription(req.runtime.services, req.scope, {
    instanceId,
    subscriptionId: req.param('subscriptionId'),
    callerPrincipalId: req.caller.principalId,
  });
  return { statusCode: 204 };
});
