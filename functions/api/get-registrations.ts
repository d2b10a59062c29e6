import { listKeyRegistrations } from '../../application/keys/list-registrations.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { collection, COLLECTION, registrationResource } from './responses/organize.ts';
import { registrationFilter } from './schemas/registrations.ts';
import { operations } from './operations.ts';

/** GET /api/v2/keys/{id}/registrations: the cloud resources registered with one key. */
export const handler = keyProtectHandler(operations.getRegistrations, async (req) => {
  const q = req.query;
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
