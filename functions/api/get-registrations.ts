import { listKeyRegistrations } from '../../application/keys/list-registrations.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { collection, COLLECTION, registrationResource } from './organize-responses.ts';
import { registrationFilter, registrationQuery } from './registration-query.ts';

/** GET /api/v2/keys/{id}/registrations: the cloud resources registered with one key. */
export const handler = keyProtectHandler('getRegistrations', null, async (req) => {
  const q = registrationQuery.parse(req.event.queryStringParameters ?? {});
  const page = await listKeyRegistrations(req.runtime.services, req.instanceId, req.param('id'), registrationFilter(q));
  return json(
    200,
    collection(
      COLLECTION.registration,
      page.rows.map((r) => registrationResource(r.key, r.registration)),
      q.totalCount ? { totalCount: page.total } : {},
    ),
  );
});
