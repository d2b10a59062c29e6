import { z } from 'zod';
import { requireInstance } from '../../application/audit/audited-instance.ts';
import { createSubscription } from '../../application/subscriptions/create-subscription.ts';
import { PUBLIC_EVENT_TYPES, type PublicEventType } from '../../events/public/key-state-event-schemas.ts';
import { adminHandler, json } from '../shared/api-handler.ts';

const body = z
  .object({
    url: z.url({ protocol: /^https?$/ }).max(2048),
    events: z
      .array(z.enum(PUBLIC_EVENT_TYPES as [PublicEventType, ...PublicEventType[]]))
      .max(PUBLIC_EVENT_TYPES.length)
      .optional(),
  })
  .strict();

/**
 * POST /admin/v1/instances/{instanceId}/subscriptions `{url, events?}` -> 201 `{id, secret}`: a webhook
 * for the instance's key-state events (all types when `events` is absent). The secret is shown once.
 */
export const handler = adminHandler('createSubscription', body, async (req) => {
  const instanceId = req.param('instanceId');
  await requireInstance(req.runtime.services, instanceId);
  const created = await createSubscription(req.runtime.services, {
    instanceId,
    url: req.body.url,
    events: [...new Set(req.body.events ?? [])],
    callerPrincipalId: req.caller.principalId,
    requestId: req.requestId,
  });
  return json(201, created);
});
