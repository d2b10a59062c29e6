import { z } from 'zod';
import { requireInstance } from '../../application/audit/audited-instance.ts';
import { keyAsOf, keyHistory } from '../../application/keys/key-history.ts';
import { adminHandler, json } from '../shared/api-handler.ts';

const query = z.object({ at: z.iso.datetime({ offset: true }).optional() });

/**
 * GET /admin/v1/instances/{instanceId}/keys/{keyId}/history -> 200 `{events: [...]}` (every event of
 * the key, oldest first, without wrapped material); with `?at=RFC3339` -> 200 `{key}`: the key's
 * metadata as of that instant, events at exactly that time included, replayed from its events.
 */
export const handler = adminHandler('getKeyHistory', null, async (req) => {
  const { at } = query.parse(req.event.queryStringParameters ?? {});
  const instanceId = req.param('instanceId');
  await requireInstance(req.runtime.services, instanceId);
  const keyId = req.param('keyId');
  if (at !== undefined) return json(200, { key: await keyAsOf(req.runtime.services, instanceId, keyId, new Date(at)) });
  return json(200, { events: await keyHistory(req.runtime.services, instanceId, keyId) });
});
