import { crossCheckAuditTrail } from '../../application/audit/cross-check-audit-trail.ts';
import { adminHandler, json } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/**
 * Requests this young without a record may still be writing it: they are counted as `unsettled`,
 * not named as missing (twice the longest an API request may run on AWS, API Gateway's 30 s).
 */
const IN_FLIGHT_MS = 60_000;

/**
 * GET /admin/v1/audit/reconciliation -> 200 `{events, requests, recorded, missing: [...], unsettled,
 * unattributed}`: every event of the store cross-checked against the audit trail; `missing` names
 * each request that committed events but has no audit record. The audit reconciler writes those
 * records (at start, then every few seconds), so `missing` is empty unless it cannot write.
 */
export const handler = adminHandler(operations.adminAuditReconciliation, async (req) => {
  const { services, audit } = req.runtime;
  return json(
    200,
    await crossCheckAuditTrail(
      { store: services.store, audit },
      { settledBefore: new Date(services.now().getTime() - IN_FLIGHT_MS) },
    ),
  );
});
