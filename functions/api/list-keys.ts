import { listKeys } from '../../application/keys/list-keys.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { keyCollection } from './key-responses.ts';
import { keyListQuery } from './key-list-query.ts';

/** GET /api/v2/keys: the instance's keys, paged, filtered by state (default 0,1,2,3) and extractable. */
export const handler = keyProtectHandler('getKeys', null, async (req) => {
  const q = keyListQuery.parse(req.event.queryStringParameters ?? {});
  const page = await listKeys(req.runtime.services, req.instanceId, {
    limit: q.limit, offset: q.offset, states: q.state, extractable: q.extractable, visible: req.access.filter,
  });
  return json(200, keyCollection(page.rows.map((r) => r.document), q.totalCount ? { totalCount: page.total } : {}));
});
