import { listAllRegistrations } from '../../application/keys/list-registrations.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { collection, COLLECTION, registrationResource } from './responses/organize.ts';
import { registrationFilter } from './schemas/registrations.ts';
import { operations } from './operations.ts';

/** GET /api/v2/keys/registrations: the registrations of every key of the instance the caller may see. */
export const handler = keyProtectHandler(operations.getRegistrationsAllKeys, async (req) => {
  const q = req.query;
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
