import { countKeys } from '../../application/keys/count-keys.ts';
import { listKeys } from '../../application/keys/list-keys.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { keyCollection } from './responses/keys.ts';
import { operations } from './operations.ts';

/** GET /api/v2/keys: the instance's keys, paged, filtered by state (default 0,1,2,3) and extractable; counted only on `totalCount=true`. */
export const handler = keyProtectHandler(operations.getKeys, async (req) => {
  const q = req.query;
  const filter = { states: q.state, extractable: q.extractable, visible: req.access.filter };
  const [rows, totalCount] = await Promise.all([
    listKeys(req.runtime.services, req.instanceId, { ...filter, limit: q.limit, offset: q.offset }),
    q.totalCount ? countKeys(req.runtime.services, req.instanceId, filter) : undefined,
  ]);
  return json(
    200,
    keyCollection(
      rows.map((r) => r.document),
      totalCount === undefined ? {} : { totalCount },
    ),
  );
});
