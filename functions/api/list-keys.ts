import { z } from 'zod';
import { listKeys } from '../../application/keys/list-keys.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { keyCollection } from './key-responses.ts';

/** Key Protect's default key states for GET /keys: every state but Destroyed. */
const DEFAULT_STATES = [0, 1, 2, 3];

const query = z.object({
  limit: z.coerce.number().int().min(1).max(5000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
  state: z.string().regex(/^\d(,\d)*$/, 'must be a comma-separated list of key states').optional()
    .transform((s) => s?.split(',').map(Number)),
  extractable: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
  totalCount: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
});

/** GET /api/v2/keys: the instance's keys, paged, filtered by state and extractable. */
export const handler = keyProtectHandler('getKeys', null, async (req) => {
  const q = query.parse(req.event.queryStringParameters ?? {});
  const page = await listKeys(req.runtime.services, req.instanceId, {
    limit: q.limit, offset: q.offset, states: q.state ?? DEFAULT_STATES, extractable: q.extractable,
  });
  return json(200, keyCollection(page.rows.map((r) => r.document), q.totalCount ? { totalCount: page.total } : {}));
});
