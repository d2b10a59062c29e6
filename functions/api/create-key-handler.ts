import type { z } from 'zod';
import { createKey } from '../../application/keys/create-key.ts';
import { getKey } from '../../application/keys/get-key.ts';
import type { KeyPolicyInput } from '../../domain/keys/commands.ts';
import { RequestError } from '../shared/errors.ts';
import { json, keyProtectHandler } from '../shared/api-handler.ts';
import type { OperationDefinition } from './operations.ts';
import { keyCollection, keyDocument, prefersRepresentation } from './responses/keys.ts';
import { decodeBase64, MAX_STANDARD_PAYLOAD_BYTES, type createKeyBody } from './schemas/keys.ts';

/** An RSA-4096 OAEP ciphertext is 512 bytes. */
const MAX_SECURE_PAYLOAD_BYTES = 1024;
const MAX_NONCE_BYTES = 256;

type CreateKeyBody = z.output<typeof createKeyBody>;

/**
 * The handler of a key creation: POST /api/v2/keys and POST /api/v2/keys_with_policy_overrides, which
 * differ only in the key's own policies (`policiesOf`). The key is created, imported or securely imported
 * in the ring named by `x-kms-key-ring` (default `default`). With `encryptedNonce` and `iv` the payload is
 * a secure import under the instance's import token (`encryptionAlgorithm`, default RSAES_OAEP_SHA_256).
 * 201 with the key's metadata; with `Prefer: return=representation` a standard key's payload too, with
 * `return=minimal` only its id, type, name, state and crn.
 */
export function createKeyHandler<Body extends CreateKeyBody>(
  operation: OperationDefinition<Body, undefined>,
  policiesOf: (resource: Body['resources'][number]) => KeyPolicyInput[],
) {
  return keyProtectHandler(operation, async (req) => {
    const resource = req.body.resources[0];
    if (!resource) throw new Error('invariant: schema requires one resource');
    const keyType = resource.extractable === false ? 'root' : 'standard';
    const secure = resource.encryptedNonce !== undefined || resource.iv !== undefined;
    if (
      secure &&
      (resource.encryptedNonce === undefined || resource.iv === undefined || resource.payload === undefined)
    ) {
      throw new RequestError('BAD_BODY_ERR', 'A secure import needs payload, encryptedNonce and iv');
    }
    const payload =
      resource.payload === undefined
        ? undefined
        : decodeBase64(
            resource.payload,
            'resources.0.payload',
            secure ? MAX_SECURE_PAYLOAD_BYTES : MAX_STANDARD_PAYLOAD_BYTES,
          );
    const key = await createKey(req.runtime.services, req.scope, req.caller.principalId, {
      keyType,
      name: resource.name,
      description: resource.description,
      expirationDate: resource.expirationDate,
      keyRingId: req.header('x-kms-key-ring') ?? 'default',
      payload: secure ? undefined : payload,
      secureImport:
        secure && payload && resource.encryptedNonce !== undefined && resource.iv !== undefined
          ? {
              payload,
              encryptionAlgorithm: resource.encryptionAlgorithm ?? 'RSAES_OAEP_SHA_256',
              encryptedNonce: decodeBase64(resource.encryptedNonce, 'resources.0.encryptedNonce', MAX_NONCE_BYTES),
              iv: decodeBase64(resource.iv, 'resources.0.iv', MAX_NONCE_BYTES),
            }
          : undefined,
      aliases: resource.aliases,
      tags: resource.tags,
      policies: policiesOf(resource),
    });
    req.audit.keyId = key.keyId;
    const metadata = keyDocument(req, key);
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
