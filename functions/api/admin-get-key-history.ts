import { requireInstance } from '../../application/audit/audited-instance.ts';
import { keyAsOf, keyHistory } from '../../application/keys/key-history.ts';
import { adminHandler, json } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/**
 * GET /admin/v1/instances/{instanceId}/keys/{keyId}/history -> 200 `{events: [...]}` (every event of
 * the key, oldest first, without wrapped material); with `?at=RFC3339` -> 200 `{key}`: the key's
 * metadata as of that instant, events at exactly that time included, replayed from its events.
 */
export const handler = adminHandler(operations.adminGetKeyHistory, async (req) => {
  const { at } = req.query;
  const instanceId = req.param('instanceId');
  await requireInstance(req.runtime.services, instanceId);
  const keyId = req.param('keyId');
  if (at !== undefined) return json(200, { key: await keyAsOf(req.runtime.services, instanceId, keyId, new Date(at)) });
  return json(200, { events: await keyHistory(req.runtime.services, instanceId, keyId) });
});
