import { requireInstance } from '../../application/audit/audited-instance.ts';
import {
  DEFAULT_SECRET_OVERLAP_S,
  rotateSubscriptionSecret,
} from '../../application/subscriptions/rotate-subscription-secret.ts';
import { adminHandler, json } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/**
 * POST /admin/v1/instances/{instanceId}/subscriptions/{subscriptionId}/secret `{overlapS?}` -> 201
 * `{secret, previousSecretValidUntil}`: a new signing secret (shown once); the previous one keeps signing
 * deliveries next to it for `overlapS` seconds (default a day, at most a week).
 */
export const handler = adminHandler(operations.adminRotateSubscriptionSecret, async (req) => {
  const instanceId = req.param('instanceId');
  await requireInstance(req.runtime.services, instanceId);
  return json(
    201,
    await rotateSubscriptionSecret(req.runtime.services, req.scope, {
      instanceId,
      subscriptionId: req.param('subscriptionId'),
      overlapS: req.body?.overlapS ?? DEFAULT_SECRET_OVERLAP_S,
      callerPrincipalId: req.caller.principalId,
    }),
  );
});
