import { requireInstance } from '../../application/audit/audited-instance.ts';
import { adminHandler, json } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/**
 * GET /admin/v1/instances/{instanceId}/audit/verify -> 200 `{valid: true, records, sealedThrough,
 * unsealedRecords, adoptedRecords}` or `{valid: false, firstBadSeq, reason}`: the instance's whole hash chain
 * and its HSM-signed checkpoints.
 */
export const handler = adminHandler(operations.adminVerifyAudit, async (req) => {
  const instanceId = req.param('instanceId');
  await requireInstance(req.runtime.services, instanceId, true);
  return json(200, await req.runtime.audit.verify(instanceId));
});
