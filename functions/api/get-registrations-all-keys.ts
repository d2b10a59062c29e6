import { listAllRegistrations } from '../../application/keys/list-registrations.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { collection, COLLECTION, registrationResource } from './organize-responses.ts';
import { registrationFilter, registrationQuery } from './registration-query.ts';

/** GET /api/v2/keys/registrations: the registrations of every key of the instance the caller may see. */
export const handler = keyProtectHandler('getRegistrationsAllKeys', null, async (req) => {
  const q = registrationQuery.parse(req.event.queryStringParameters ?? {});
  const page = await listAllRegistrations(
    req.runtime.services,
    req.instanceId,
    registrationFilter(q),
    req.access.filter,
  );
  return json(
    200,
    collection(
      COLLECTION.registration,
      page.rows.map((r) => registrationResource(r.key, r.registration)),
      q.totalCount ? { totalCount: page.total } : {},
    ),
  );
});
