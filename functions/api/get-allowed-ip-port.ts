import { loadInstancePolicies } from '../../application/instances/instance-policies.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { collection, COLLECTION } from './responses/organize.ts';
import { operations } from './operations.ts';

/**
 * GET /api/v2/instance/allowed_ip_port: Key Protect's private-endpoint port of an instance with an
 * allowedIP policy. keyledger has one endpoint, so it reports the port this request arrived on. Without an
 * enabled allowedIP policy Key Protect returns "no information": 200 and no resource.
 */
export const handler = keyProtectHandler(operations.getAllowedIpPort, async (req) => {
  const policies = await loadInstancePolicies(req.runtime.services, req.instanceId);
  if (!policies.allowedIP?.enabled) return json(200, collection(COLLECTION.allowedIpPort, []));
  const host = req.header('x-forwarded-port') ?? req.header('host')?.split(':')[1];
  const port = Number(host ?? '443');
  return json(
    200,
    collection(COLLECTION.allowedIpPort, [{ private_endpoint_port: Number.isInteger(port) && port > 0 ? port : 443 }]),
  );
});
