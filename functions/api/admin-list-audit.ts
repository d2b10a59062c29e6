import { z } from 'zod';
import { requireInstance } from '../../application/audit/audited-instance.ts';
import { InvalidCursorError } from '../../application/audit/chained-audit-log.ts';
import { ApplicationError } from '../../application/errors.ts';
import { adminHandler, json } from '../shared/api-handler.ts';
import { limitParam } from './query-params.ts';

const rfc3339 = z.iso.datetime({ offset: true });
const query = z.object({
  keyId: z.string().min(1).optional(),
  principalId: z.string().min(1).optional(),
  operation: z.string().min(1).optional(),
  outcome: z.enum(['success', 'denied', 'failed']).optional(),
  from: rfc3339.optional(),
  to: rfc3339.optional(),
  limit: limitParam(1000, 100),
  cursor: z.string().min(1).optional(),
});

/** Times are compared as stored (UTC, toISOString); an offset in the query is normalised to that. */
const utc = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : new Date(value).toISOString();

/**
 * GET /admin/v1/instances/{instanceId}/audit -> 200 `{records, nextCursor}`, oldest first, filtered by
 * keyId, principalId, operation, outcome and time (from/to inclusive). `_service` reads the chain of
 * requests that named no existing instance.
 */
export const handler = adminHandler('listAudit', null, async (req) => {
  const q = query.parse(req.event.queryStringParameters ?? {});
  const instanceId = req.param('instanceId');
  await requireInstance(req.runtime.services, instanceId, true);
  try {
    const page = await req.runtime.audit.query({ ...q, instanceId, from: utc(q.from), to: utc(q.to) });
    return json(200, page);
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new ApplicationError('BAD_REQUEST_ERR', 'cursor is not valid', 400);
    throw error;
  }
});
