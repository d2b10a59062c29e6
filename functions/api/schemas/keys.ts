import { z } from 'zod';
import type { SuppliedMaterial } from '../../../application/keys/material.ts';
import { RequestError } from '../../shared/errors.ts';
import { collectionOf } from './collection.ts';
import { flagParam, pagingParams } from './params.ts';
import { dualAuthDeletePolicyBody, rotationPolicyBody } from './policies.ts';

/** Request bodies of the Key Protect v2 API, as the official SDKs send them. */

/**
 * An object schema whose field names match case-insensitively, as Key Protect's servers (written in
 * Go, whose JSON decoding matches names that way) accept them: the Go client itself sends `Tags` and
 * `KeyRingID`. A field spelt two ways in one body is refused; with `strict`, so is an unknown one.
 */
export function caseInsensitiveObject<Shape extends z.ZodRawShape>(shape: Shape, options: { strict?: boolean } = {}) {
  const names = new Map(Object.keys(shape).map((name) => [name.toLowerCase(), name]));
  return z.preprocess(
    (value, ctx) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(value)) {
        const name = names.get(key.toLowerCase()) ?? key;
        if (Object.hasOwn(out, name)) ctx.addIssue({ code: 'custom', path: [key], message: `duplicates ${name}` });
        out[name] = field;
      }
      return out;
    },
    options.strict ? z.strictObject(shape) : z.object(shape),
  );
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** A base64 field; `rule` completes Key Protect's "The field '<name>' must be: <rule>". */
export function base64(rule = 'a base64 encoded value') {
  return z.string().regex(BASE64, rule);
}

/** Key Protect's limit on a standard key payload, in bytes. */
export const MAX_STANDARD_PAYLOAD_BYTES = 7500;
/** Largest DEK accepted by wrap, in bytes (Key Protect: up to 7,500 bytes of plaintext). */
export const MAX_WRAP_PLAINTEXT_BYTES = 7500;

export const aad = z.array(z.string().max(255)).max(126).default([]);

/**
 * Caller-supplied key material, as a created key and a rotation take it: `payload` in the clear, or with
 * `encryptedNonce` and `iv` a secure import, `payload` then being RSA-OAEP ciphertext of the material
 * under the instance's import token.
 */
const materialShape = {
  payload: base64('a base64 encoded key material').optional(),
  encryptionAlgorithm: z.enum(['RSAES_OAEP_SHA_256', 'RSAES_OAEP_SHA_1']).optional(),
  encryptedNonce: base64().optional(),
  iv: base64().optional(),
};

/** An RSA-4096 OAEP ciphertext is 512 bytes. */
const MAX_SECURE_PAYLOAD_BYTES = 1024;
const MAX_NONCE_BYTES = 256;

/**
 * The material the fields of {@link materialShape} carry, decoded: a secure import needs all of `payload`,
 * `encryptedNonce` and `iv` (default algorithm RSAES_OAEP_SHA_256); clear `payload` decodes to at most
 * `maxClearBytes`.
 */
export function suppliedMaterial(
  fields: z.output<z.ZodObject<typeof materialShape>>,
  maxClearBytes: number,
): SuppliedMaterial {
  const { payload, encryptedNonce, iv } = fields;
  if (encryptedNonce === undefined && iv === undefined)
    return payload === undefined ? {} : { payload: decodeBase64(payload, 'payload', maxClearBytes) };
  if (payload === undefined || encryptedNonce === undefined || iv === undefined)
    throw new RequestError('BAD_BODY_ERR', 'A secure import needs payload, encryptedNonce and iv');
  return {
    secureImport: {
      payload: decodeBase64(payload, 'payload', MAX_SECURE_PAYLOAD_BYTES),
      encryptionAlgorithm: fields.encryptionAlgorithm ?? 'RSAES_OAEP_SHA_256',
      encryptedNonce: decodeBase64(encryptedNonce, 'encryptedNonce', MAX_NONCE_BYTES),
      iv: decodeBase64(iv, 'iv', MAX_NONCE_BYTES),
    },
  };
}

/**
 * One key to create, as POST /keys takes it (Key Protect creates one key per request); field names match
 * in any case, as Key Protect's do (the Go client sends `Tags`).
 */
const keyResourceShape = {
  type: z.string().optional(),
  name: z
    .string()
    .min(2)
    .max(90)
    .regex(/^[^<>'",:&|]*$/, 'contains a character Key Protect does not allow'),
  description: z.string().max(240).optional(),
  extractable: z.boolean().optional(),
  ...materialShape,
  expirationDate: z.iso.datetime({ offset: true }).optional(),
  aliases: z.array(z.string()).max(5).optional(),
  // "Up to 30 tags ... between 0-30 characters, including spaces"; the Go client spells the field `Tags`.
  tags: z
    .array(
      z
        .string()
        .max(30)
        .regex(/^[^<>,:&|]*$/, 'contains a character Key Protect does not allow in a tag'),
    )
    .max(30)
    .optional(),
};

function oneKeyCollection<Resource extends z.ZodType>(resource: Resource) {
  return collectionOf(z.array(resource).length(1, 'Only creation of one key per request is supported'), {
    metadata: 'optional',
  });
}

export const createKeyBody = oneKeyCollection(caseInsensitiveObject(keyResourceShape));

/** POST /keys_with_policy_overrides: the key of POST /keys with its own rotation and dualAuthDelete policies. */
export const createKeyWithPolicyOverridesBody = oneKeyCollection(
  caseInsensitiveObject({
    ...keyResourceShape,
    rotation: rotationPolicyBody.optional(),
    dualAuthDelete: dualAuthDeletePolicyBody.optional(),
  }),
);

export const wrapBody = z
  .object({
    plaintext: base64('a base64 encoded key material').optional(),
    aad,
  })
  .default({ aad: [] });

export const unwrapBody = z.object({
  // A wrapped 7,500-byte DEK is about 10,100 base64 characters with its header: 16 KiB bounds any real one.
  ciphertext: base64('the original base64 encoded ciphertext from the wrap operation').min(1).max(16_384),
  aad,
});

export const rewrapBody = unwrapBody;

/** Decodes a validated base64 field, refusing empty or oversized values (400 INVALID_FIELD_ERR naming the field). */
export function decodeBase64(value: string, field: string, maxBytes: number): Buffer {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length === 0 || bytes.length > maxBytes) {
    throw new RequestError(
      'INVALID_FIELD_ERR',
      `The field '${field}' must be: 1 to ${maxBytes} bytes, base64 encoded`,
      {
        target: { type: 'field', name: field },
      },
    );
  }
  return bytes;
}

/**
 * The SDK's keyActionRotateBody: material for an imported root key (`payload`, or the Go client's
 * `RotateV2` KeyPayload: a secure import with `encryptedNonce`, `iv`, `encryptionAlgorithm`); no body for
 * a generated one.
 */
export const rotateBody = z.object(materialShape).default({});

/** PATCH /api/v2/keys/{id}: move the key to another key ring (`keyRingID`; the Go client's `SetKeyRing` spells it `KeyRingID`). */
export const moveKeyBody = caseInsensitiveObject({ keyRingID: z.string().min(1) }, { strict: true });

/** GET /api/v2/keys/{id}/versions. */
export const keyVersionsQuery = z.object({ ...pagingParams, totalCount: flagParam, allKeyStates: flagParam });
