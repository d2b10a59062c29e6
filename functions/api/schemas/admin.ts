import { z } from 'zod';
import { ROLES } from '../../../domain/access/roles.ts';
import { PUBLIC_EVENT_TYPES, type PublicEventType } from '../../../events/public/key-state-event-schemas.ts';
import { limitParam } from './params.ts';

/** Request bodies of the administration API (README "Access control"). */

const name = z.string().trim().min(1).max(100);

export const createInstanceBody = z.object({ name }).strict();

export const createPrincipalBody = z.object({ name }).strict();

export const grantAccessBody = z
  .object({
    principalId: z.string().min(1).max(100),
    role: z.enum(ROLES),
    keyRingId: z
      .string()
      .min(2)
      .max(100)
      .regex(/^[a-zA-Z0-9-]+$/, 'must be a key ring id')
      .optional(),
    keyId: z.string().min(1).max(90).optional(),
  })
  .strict();

/** POST /admin/v1/instances/{instanceId}/subscriptions: a webhook URL and the event types it wants (all when absent). */
export const createSubscriptionBody = z
  .object({
    url: z.url({ protocol: /^https?$/ }).max(2048),
    events: z
      .array(z.enum(PUBLIC_EVENT_TYPES as [PublicEventType, ...PublicEventType[]]))
      .max(PUBLIC_EVENT_TYPES.length)
      .optional(),
  })
  .strict();

/** The most a replaced webhook secret may keep signing next to its successor: a week. */
export const MAX_SECRET_OVERLAP_S = 7 * 24 * 3600;

/**
 * POST /admin/v1/instances/{instanceId}/subscriptions/{subscriptionId}/secret: how long (seconds) the
 * replaced secret keeps signing next to the new one; absent body or field: a day.
 */
export const rotateSubscriptionSecretBody = z
  .object({ overlapS: z.number().int().min(0).max(MAX_SECRET_OVERLAP_S).optional() })
  .strict()
  .optional();

const rfc3339 = z.iso.datetime({ offset: true });

/** GET /admin/v1/instances/{instanceId}/audit. */
export const auditQuery = z.object({
  keyId: z.string().min(1).optional(),
  principalId: z.string().min(1).optional(),
  operation: z.string().min(1).optional(),
  outcome: z.enum(['success', 'denied', 'failed']).optional(),
  from: rfc3339.optional(),
  to: rfc3339.optional(),
  limit: limitParam(1000, 100),
  cursor: z.string().min(1).optional(),
});

/** GET /admin/v1/instances/{instanceId}/keys/{keyId}/history. */
export const keyHistoryQuery = z.object({ at: rfc3339.optional() });
