import type { z } from 'zod';
import { createKey } from '../../application/keys/create-key.ts';
import { getKey } from '../../application/keys/get-key.ts';
import type { KeyPolicyInput } from '../../domain/keys/commands.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import type { OperationDefinition } from './operations.ts';
import { keyCollection, keyDocument, prefersRepresentation } from './responses/keys.ts';
import { MAX_STANDARD_PAYLOAD_BYTES, suppliedMaterial, type createKeyBody } from './schemas/keys.ts';

type CreateKeyBody = z.output<typeof createKeyBody>;

/**
 * The handler of a key creation: POST /api/v2/keys and POST /api/v2/keys_with_policy_overrides, which
 * differ only in the key's own policies (`policiesOf`). The key is created, imported or securely imported
 * in the ring named by `x-kms-key-ring` (default `default`). With `encryptedNonce` and `iv` the payload is
 * a secure import under the instance's import token (`encryptionAlgorithm`, default RSAES_OAEP_SHA_256).
 * 201 with the key's metadata, and for a secure import the `encryptionAlgorithm` used (Key Protect echoes it);
 * with `Prefer: return=representation` a standard key's payload too, with `return=minimal` only its id, type,
 * name, state and crn.
 */
export function createKeyHandler<Body extends CreateKeyBody>(
  operation: OperationDefinition<Body, undefined>,
  policiesOf: (resource: Body['resources'][number]) => KeyPolicyInput[],
) {
  return keyProtectHandler(operation, async (req) => {
    const resource = req.body.resources[0];
    if (!resource) throw new Error('invariant: schema requires one resource');
    const supplied = suppliedMaterial(resource, MAX_STANDARD_PAYLOAD_BYTES);
    const key = await createKey(req.runtime.services, req.scope, req.caller.principalId, {
      keyType: resource.extractable === false ? 'root' : 'standard',
      name: resource.name,
      description: resource.description,
      expirationDate: resource.expirationDate,
      keyRingId: req.header('x-kms-key-ring') ?? 'default',
      ...supplied,
      aliases: resource.aliases,
      tags: resource.tags,
      policies: policiesOf(resource),
    });
    req.audit.keyId = key.keyId;
    const metadata: Record<string, unknown> = keyDocument(req, key);
    if (supplied.secureImport) metadata.encryptionAlgorithm = supplied.secureImport.encryptionAlgorithm;
    if (/return=minimal/i.test(req.header('prefer') ?? '')) {
      const { id, type, name, state, crn } = metadata;
      return json(201, keyCollection([{ id, type, name, state, crn }]));
    }
    // "return=representation: both the key material and the key metadata"; a root key's material never leaves.
    const material = prefersRepresentation(req)
      ? (await getKey(req.runtime.services, req.instanceId, key.keyId)).payload
      : undefined;
    return json(201, keyCollection([{ ...metadata, ...(material ? { payload: material.toString('base64') } : {}) }]));
  });
}
