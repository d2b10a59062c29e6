import { requireInstance } from '../../application/audit/audited-instance.ts';
import { listDeadLetters } from '../../application/subscriptions/list-dead-letters.ts';
import { adminHandler, json } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/**
 * GET /admin/v1/instances/{instanceId}/subscriptions/{subscriptionId}/dead-letters -> 200 `{deadLetters:
 * [{id, event, attempts, lastError, deadLetteredAt}]}`: deliveries given up after their last attempt,
 * oldest first, with the event as it was sent (its `id` is the delivery's `webhook-id`).
 */
export const handler = adminHandler(operations.adminListDeadLetters, async (req) => {
  const instanceId = req.param('instanceId');
  await requireInstance(req.runtime.services, instanceId);
  const letters = await listDeadLetters(req.runtime.services, {
    instanceId,
    subscriptionId: req.param('subscriptionId'),
  });
  return json(200, {
    deadLetters: letters.map((letter) => ({
      id: letter.id,
      event: JSON.parse(letter.body) as unknown,
      attempts: letter.attempts,
      lastError: letter.lastError,
      deadLetteredAt: letter.deadLetteredAt,
    })),
  });
});
