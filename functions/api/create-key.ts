import { createKey } from '../../application/keys/create-key.ts';
import { keyMetadata } from '../../domain/keys/key-protect-view.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import { keyCollection } from './key-responses.ts';
import { createKeyBody, decodeBase64, MAX_STANDARD_PAYLOAD_BYTES } from './schemas.ts';

/** POST /api/v2/keys: create or import a root or standard key. */
export const handler = keyProtectHandler('createKey', createKeyBody, async (req) => {
  const resource = req.body.resources[0];
  if (!resource) throw new Error('invariant: schema requires one resource');
  const keyType = resource.extractable === false ? 'root' : 'standard';
  const payload = resource.payload === undefined ? undefined : decodeBase64(resource.payload, 'resources.0.payload', MAX_STANDARD_PAYLOAD_BYTES);
  const key = await createKey(req.runtime.services, { instanceId: req.instanceId, requestId: req.requestId, correlationId: req.correlationId }, req.caller.principalId, {
    keyType,
    name: resource.name,
    description: resource.description,
    expirationDate: resource.expirationDate,
    keyRingId: req.header('x-kms-key-ring') ?? 'default',
    payload,
  });
  const minimal = /return=minimal/i.test(req.header('prefer') ?? '');
  const metadata = keyMetadata(key);
  return json(201, keyCollection([minimal ? { id: metadata.id, type: metadata.type, name: metadata.name, state: metadata.state, crn: metadata.crn } : metadata]));
});
