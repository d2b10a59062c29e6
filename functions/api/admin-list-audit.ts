import { requireInstance } from '../../application/audit/audited-instance.ts';
import { adminHandler, json } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** Times are compared as stored (UTC, toISOString); an offset in the query is normalised to that. */
const utc = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : new Date(value).toISOString();

/**
 * GET /admin/v1/instances/{instanceId}/audit -> 200 `{records, nextCursor}`, oldest first, filtered by
 * keyId, principalId, operation, outcome and time (from/to inclusive). `_service` reads the chain of
 * requests that named no existing instance.
 */
export const handler = adminHandler(operations.adminListAudit, async (req) => {
  const q = req.query;
  const instanceId = req.param('instanceId');
  await requireInstance(req.runtime.services, instanceId, true);
  return json(200, await req.runtime.audit.query({ ...q, instanceId, from: utc(q.from), to: utc(q.to) }));
});
