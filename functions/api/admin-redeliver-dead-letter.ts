import { requireInstance } from '../../application/audit/audited-instance.ts';
import { redeliverDeadLetter } from '../../application/subscriptions/redeliver-dead-letter.ts';
import { adminHandler } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/**
 * POST /admin/v1/instances/{instanceId}/subscriptions/{subscriptionId}/dead-letters/{deadLetterId}/redeliver
 * -> 202: the delivery is queued again, at the end of the subscription's queue, with fresh attempts.
 */
export const handler = adminHandler(operations.adminRedeliverDeadLetter, async (req) => {
  const instanceId = req.param('instanceId');
  await requireInstance(req.runtime.services, instanceId);
  await redeliverDeadLetter(req.runtime.services, {
    instanceId,
    subscriptionId: req.param('subscriptionId'),
    deadLetterId: req.param('deadLetterId'),
  });
  return { statusCode: 202 };
});
