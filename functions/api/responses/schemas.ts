import { z } from 'zod';

/**
 * The response bodies of the API as zod schemas, for the OpenAPI document (functions/api/openapi.ts).
 * The handlers build their bodies in functions/api/responses/keys.ts and organize.ts; the OpenAPI test
 * checks every response the server gives against these, so the two cannot drift apart unseen.
 * Objects are open (`looseObject`): Key Protect adds fields over time and clients must ignore them.
 */

const isoDate = z.string().describe('RFC 3339 date-time');
const versionRef = z.looseObject({ id: z.string() });

/** Key Protect's collection envelope: `{metadata: {collectionType, collectionTotal}, resources}`. */
export function collectionOf<T extends z.ZodType>(resource: T) {
  return z.looseObject({
    metadata: z.looseObject({
      collectionType: z.string(),
      collectionTotal: z.number().int().min(0),
      totalCount: z.number().int().min(0).optional(),
    }),
    resources: z.array(resource),
  });
}

/** A key's metadata, as GET /keys/{id}/metadata and each row of GET /keys show it (payload on GET /keys/{id}). */
export const keyResource = z.looseObject({
  type: z.string(),
  id: z.string(),
  name: z.string(),
  aliases: z.array(z.string()),
  description: z.string().optional(),
  state: z.number().int().min(0).max(5).describe('0 Pre-activation, 1 Active, 2 Suspended, 3 Deactivated, 5 Destroyed'),
  expirationDate: isoDate.optional(),
  extractable: z.boolean().describe('true: a standard key; false: a root key'),
  crn: z.string(),
  imported: z.boolean(),
  creationDate: isoDate,
  createdBy: z.string(),
  algorithmType: z.string(),
  algorithmMetadata: z.looseObject({ bitLength: z.string(), mode: z.string() }),
  algorithmBitSize: z.number().int(),
  algorithmMode: z.string(),
  lastUpdateDate: isoDate,
  lastRotateDate: isoDate.optional(),
  keyVersion: z.looseObject({ id: z.string(), creationDate: isoDate }),
  keyRingID: z.string(),
  dualAuthDelete: z.looseObject({
    enabled: z.boolean(),
    keySetForDeletion: z.boolean().optional().describe('only when the policy is enabled'),
    authExpiration: isoDate.optional().describe('while a deletion authorization is pending: when it lapses'),
  }),
  rotation: z
    .looseObject({ enabled: z.boolean(), interval_month: z.number().int() })
    .optional()
    .describe("the key's rotation policy, when one is set"),
  nonactiveStateReason: z
    .number()
    .int()
    .optional()
    .describe('a key not Active: 1 Suspended, 2 Deactivated, 3 Destroyed'),
  deleted: z.boolean(),
  deletionDate: isoDate.optional(),
  deletedBy: z.string().optional(),
  restoreAllowed: z.boolean().optional().describe('a deleted key: whether it can be restored now'),
  restoreExpirationDate: isoDate.optional().describe('a deleted key: the end of its restore window'),
  purgeAllowed: z.boolean().optional().describe('a deleted key: whether it can be purged now'),
  purgeAllowedFrom: isoDate.optional().describe('a deleted key: when it can be purged'),
  purgeScheduledOn: isoDate.optional().describe('a deleted key: when it is purged automatically'),
  payload: z.string().optional().describe('base64 key material: standard keys, on GET /keys/{id} only'),
});

export const keyCollection = collectionOf(keyResource);

/** POST /keys answers with the key, or with `Prefer: return=minimal` only its id, type, name, state and crn. */
export const createdKeyCollection = collectionOf(
  z.union([
    keyResource,
    z.looseObject({ id: z.string(), type: z.string(), name: z.string(), state: z.number().int(), crn: z.string() }),
  ]),
);

export const keyVersionCollection = collectionOf(z.looseObject({ id: z.string(), creationDate: isoDate }));

export const wrapResponse = z.looseObject({
  plaintext: z.string().optional().describe('base64: the generated DEK when the request had no plaintext'),
  ciphertext: z.string(),
  keyVersion: versionRef,
});

export const unwrapResponse = z.looseObject({
  plaintext: z.string(),
  keyVersion: versionRef,
  ciphertext: z.string().optional().describe('the DEK wrapped again with the latest version, when it was older'),
  rewrappedKeyVersion: versionRef.optional(),
});

export const rewrapResponse = z.looseObject({
  ciphertext: z.string(),
  keyVersion: versionRef,
  rewrappedKeyVersion: versionRef,
});

export const keyRingCollection = collectionOf(
  z.looseObject({ id: z.string(), creationDate: isoDate.optional(), createdBy: z.string().optional() }),
);

export const aliasCollection = collectionOf(
  z.looseObject({ keyId: z.string(), alias: z.string(), createdBy: z.string(), creationDate: isoDate }),
);

export const keyPolicyCollection = collectionOf(
  z.looseObject({
    id: z.string(),
    crn: z.string(),
    type: z.string(),
    dualAuthDelete: z.looseObject({ enabled: z.boolean() }).optional(),
    rotation: z.looseObject({ enabled: z.boolean(), interval_month: z.number().int() }).optional(),
  }),
);

export const instancePolicyCollection = collectionOf(
  z.looseObject({
    creationDate: isoDate.optional(),
    createdBy: z.string().optional(),
    updatedBy: z.string().optional(),
    lastUpdated: isoDate.optional(),
    policy_type: z.string(),
    policy_data: z.looseObject({ enabled: z.boolean(), attributes: z.record(z.string(), z.unknown()).optional() }),
  }),
);

export const allowedIpPortCollection = collectionOf(z.looseObject({ private_endpoint_port: z.number().int() }));

export const registrationCollection = collectionOf(
  z.looseObject({
    keyId: z.string(),
    keyName: z.string(),
    resourceCrn: z.string(),
    createdBy: z.string(),
    creationDate: isoDate,
    updatedBy: z.string(),
    lastUpdated: isoDate,
    description: z.string().optional(),
    preventKeyDeletion: z.boolean(),
    keyVersion: z.looseObject({ id: z.string(), creationDate: isoDate }),
  }),
);

export const importTokenResponse = z.looseObject({
  creationDate: isoDate,
  expirationDate: isoDate,
  maxAllowedRetrievals: z.number().int(),
  remainingRetrievals: z.number().int(),
  payload: z.string().optional().describe('base64 of the PEM public key (GET only)'),
  nonce: z.string().optional().describe('base64 nonce to encrypt with the key material (GET only)'),
});

/** IBM IAM's token answer (`POST /identity/token`). */
export const tokenResponse = z.looseObject({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  expiration: z.number().int(),
});

/** IBM IAM's error body. */
export const iamErrorResponse = z.looseObject({
  errorCode: z.string(),
  errorMessage: z.string(),
  context: z.looseObject({ requestType: z.string() }).optional(),
});

export const healthResponse = z.looseObject({ status: z.literal('ok') });

// Administration API
export const instanceResponse = z.looseObject({ id: z.string(), name: z.string(), createdAt: isoDate });
export const principalResponse = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  apiKey: z.string().describe('shown once'),
});
const binding = z.looseObject({
  id: z.string(),
  instanceId: z.string(),
  principalId: z.string(),
  role: z.string(),
  keyRingId: z.string().optional(),
  keyId: z.string().optional(),
  createdAt: isoDate,
});
export const bindingResponse = binding;
export const accessListResponse = z.looseObject({ bindings: z.array(binding) });
export const signingKeyResponse = z.looseObject({});
const auditRecord = z.looseObject({
  seq: z.number().int(),
  time: isoDate,
  instanceId: z.string(),
  principalId: z.string(),
  operation: z.string(),
  outcome: z.enum(['success', 'denied', 'failed']),
  reason: z.string(),
  keyId: z.string(),
  requestId: z.string(),
  hash: z.string(),
  prevHash: z.string(),
});
export const auditPageResponse = z.looseObject({ records: z.array(auditRecord), nextCursor: z.string().nullable() });
export const auditVerificationResponse = z.union([
  z.looseObject({
    valid: z.literal(true),
    records: z.number().int(),
    sealedThrough: z.number().int().describe('the seq the last HSM-signed checkpoint seals'),
    unsealedRecords: z.number().int().describe('records after `sealedThrough`, sealed within the seal interval'),
    adoptedRecords: z.number().int().describe('records a writer sealed without having written them (after a crash)'),
  }),
  z.looseObject({ valid: z.literal(false), firstBadSeq: z.number().int(), reason: z.string() }),
]);
export const keyHistoryResponse = z.union([
  z.looseObject({
    events: z.array(z.looseObject({ type: z.string(), time: isoDate.optional() })),
  }),
  z.looseObject({ key: z.looseObject({}).nullable() }),
]);
export const subscriptionResponse = z.looseObject({
  id: z.string(),
  secret: z.string().describe('the Standard Webhooks signing secret (`whsec_` + base64); shown once'),
});
export const subscriptionSecretResponse = z.looseObject({
  secret: z.string().describe('the new signing secret (`whsec_` + base64); shown once'),
  previousSecretValidUntil: isoDate.describe('until when deliveries are also signed with the previous secret'),
});
export const deadLettersResponse = z.looseObject({
  deadLetters: z.array(
    z.looseObject({
      id: z.string(),
      event: z.looseObject({ id: z.string() }).describe('the event as it was sent (its `id` is the `webhook-id`)'),
      attempts: z.number().int().min(1),
      lastError: z.string().describe('what the last attempt got: `HTTP <status>` or a network error code'),
      deadLetteredAt: isoDate,
    }),
  ),
});
const unrecordedRequest = z.looseObject({
  instanceId: z.string(),
  requestId: z.string(),
  operation: z.string(),
  principalId: z.string(),
  time: isoDate.describe('time of its first event'),
  event: z.looseObject({}),
});
export const auditReconciliationResponse = z.looseObject({
  events: z.number().int().min(0),
  requests: z.number().int().min(0).describe('requests (per chain) that appended events'),
  recorded: z.number().int().min(0),
  missing: z.array(unrecordedRequest).describe('requests that committed events but have no audit record'),
  unsettled: z.number().int().min(0).describe('requests without a record that may still be writing it'),
  unattributed: z.number().int().min(0).describe('events without a request id (written before events had one)'),
});
