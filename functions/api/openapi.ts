import { z } from 'zod';
import { REASON_STATUS } from '../../domain/errors.ts';
import { operations, type OperationDefinition } from './operations.ts';
import * as r from './responses/schemas.ts';
import { tokenRequestForm } from './schemas/identity.ts';

/**
 * The OpenAPI 3.1 description of the API, built from the operations table (functions/api/operations.ts):
 * each entry gives its route, its access and the zod schemas its request is parsed with, so the
 * document lists exactly the routes the server has and the requests it accepts. What the table does not
 * hold (the answers and a few words on each operation) is in OPERATION_DOCS below, keyed by the same
 * names: a new table entry without one does not compile.
 * Served at GET /openapi.json; `npm run openapi` writes it to docs/openapi.json.
 */

type OperationKey = keyof typeof operations;

interface Answer {
  readonly description: string;
  /** The JSON body; absent for no body (204, HEAD). */
  readonly body?: z.ZodType;
  /** Response headers the answer carries. */
  readonly headers?: readonly string[];
}

interface OperationDoc {
  readonly summary: string;
  readonly tag:
    | 'Keys'
    | 'Key actions'
    | 'Key rings'
    | 'Aliases'
    | 'Policies'
    | 'Registrations'
    | 'Import tokens'
    | 'Administration'
    | 'Identity'
    | 'Service';
  /** Success answers by status. */
  readonly answers: Readonly<Record<number, Answer>>;
}

const keyCollection = (description: string): Answer => ({ description, body: r.keyCollection });
const none = (description: string): Answer => ({ description });
const withRepresentation = 'with `Prefer: return=representation`: the key';

const OPERATION_DOCS: Record<OperationKey, OperationDoc> = {
  health: {
    summary: 'Liveness probe',
    tag: 'Service',
    answers: { 200: { description: 'up', body: r.healthResponse } },
  },
  identityToken: {
    summary: 'Exchange an API key for a bearer token (IBM IAM API key grant)',
    tag: 'Identity',
    answers: { 200: { description: 'the token', body: r.tokenResponse } },
  },
  getOpenApi: {
    summary: 'This document',
    tag: 'Service',
    answers: { 200: { description: 'the OpenAPI 3.1 document', body: z.looseObject({ openapi: z.string() }) } },
  },
  createKey: {
    summary: 'Create or import a key',
    tag: 'Keys',
    answers: {
      201: {
        description: 'the key (`Prefer: return=minimal`: id, type, name, state, crn)',
        body: r.createdKeyCollection,
      },
    },
  },
  createKeyWithPolicyOverrides: {
    summary: 'Create or import a key with its own rotation and dual-authorization policies',
    tag: 'Keys',
    answers: {
      201: {
        description:
          'the key, created with its policies in one step (`Prefer: return=minimal`: id, type, name, state, crn)',
        body: r.createdKeyCollection,
      },
    },
  },
  getKeys: {
    summary: 'List keys',
    tag: 'Keys',
    answers: { 200: keyCollection('a page of keys, by id unless `sort` says otherwise') },
  },
  getKeyCollectionMetadata: {
    summary: 'Count keys',
    tag: 'Keys',
    answers: { 200: { description: 'the count in `key-total`', headers: ['key-total'] } },
  },
  getKey: {
    summary: 'Get a key (with its payload, for a standard key)',
    tag: 'Keys',
    answers: { 200: keyCollection('the key') },
  },
  getKeyMetadata: { summary: "Get a key's metadata", tag: 'Keys', answers: { 200: keyCollection('the key') } },
  getKeyVersions: {
    summary: "List a key's versions",
    tag: 'Keys',
    answers: { 200: { description: 'the versions, newest first', body: r.keyVersionCollection } },
  },
  patchKey: { summary: 'Move a key to another key ring', tag: 'Keys', answers: { 200: keyCollection('the key') } },
  deleteKey: {
    summary: 'Delete a key (destroys its material)',
    tag: 'Keys',
    answers: { 200: keyCollection(withRepresentation), 204: none('deleted') },
  },
  restoreKey: { summary: 'Restore a deleted key', tag: 'Keys', answers: { 201: keyCollection('the key') } },
  purgeKey: {
    summary: 'Purge a deleted key (4 hours after its deletion)',
    tag: 'Keys',
    answers: { 200: keyCollection('the key') },
  },
  wrapKey: {
    summary: 'Wrap a data encryption key',
    tag: 'Key actions',
    answers: { 200: { description: 'the ciphertext', body: r.wrapResponse } },
  },
  unwrapKey: {
    summary: 'Unwrap a data encryption key',
    tag: 'Key actions',
    answers: { 200: { description: 'the plaintext', body: r.unwrapResponse } },
  },
  rewrapKey: {
    summary: 'Rewrap a data encryption key with the latest key version',
    tag: 'Key actions',
    answers: { 200: { description: 'the new ciphertext', body: r.rewrapResponse } },
  },
  rotateKey: {
    summary: 'Rotate a root key',
    tag: 'Key actions',
    answers: { 200: keyCollection(withRepresentation), 204: none('rotated') },
  },
  disableKey: { summary: 'Disable a root key', tag: 'Key actions', answers: { 204: none('disabled') } },
  enableKey: { summary: 'Enable a disabled root key', tag: 'Key actions', answers: { 204: none('enabled') } },
  setKeyForDeletion: {
    summary: 'Authorize the deletion of a key under dual authorization',
    tag: 'Key actions',
    answers: { 204: none('authorized') },
  },
  unsetKeyForDeletion: {
    summary: 'Cancel the authorization to delete a key',
    tag: 'Key actions',
    answers: { 204: none('cancelled') },
  },
  syncAssociatedResources: {
    summary: "Notify the services registered to a key of the key's state",
    tag: 'Key actions',
    answers: { 204: none('done') },
  },
  listKeyRings: {
    summary: 'List key rings',
    tag: 'Key rings',
    answers: { 200: { description: 'the key rings', body: r.keyRingCollection } },
  },
  createKeyRing: {
    summary: 'Create a key ring',
    tag: 'Key rings',
    answers: { 201: none('created (no body, as Key Protect answers)') },
  },
  deleteKeyRing: { summary: 'Delete a key ring', tag: 'Key rings', answers: { 204: none('deleted') } },
  createKeyAlias: {
    summary: 'Give a key an alias',
    tag: 'Aliases',
    answers: { 201: { description: 'the alias', body: r.aliasCollection } },
  },
  deleteKeyAlias: { summary: "Remove a key's alias", tag: 'Aliases', answers: { 204: none('removed') } },
  getPolicy: {
    summary: "Get a key's policies",
    tag: 'Policies',
    answers: { 200: { description: 'the policies', body: r.keyPolicyCollection } },
  },
  putPolicy: {
    summary: "Set a key's policies",
    tag: 'Policies',
    answers: { 200: { description: 'the policies', body: r.keyPolicyCollection } },
  },
  getInstancePolicy: {
    summary: "Get the instance's policies",
    tag: 'Policies',
    answers: { 200: { description: 'the policies', body: r.instancePolicyCollection } },
  },
  putInstancePolicy: { summary: "Set the instance's policies", tag: 'Policies', answers: { 204: none('set') } },
  getAllowedIpPort: {
    summary: 'Get the private endpoint port for allowed IP addresses',
    tag: 'Policies',
    answers: { 200: { description: 'the port', body: r.allowedIpPortCollection } },
  },
  getRegistrationsAllKeys: {
    summary: 'List the registrations of all keys',
    tag: 'Registrations',
    answers: { 200: { description: 'the registrations', body: r.registrationCollection } },
  },
  getRegistrations: {
    summary: "List a key's registrations",
    tag: 'Registrations',
    answers: { 200: { description: 'the registrations', body: r.registrationCollection } },
  },
  createRegistration: {
    summary: 'Register a cloud resource with a key',
    tag: 'Registrations',
    answers: { 201: { description: 'the registration', body: r.registrationCollection } },
  },
  updateRegistration: {
    summary: 'Update a registration',
    tag: 'Registrations',
    answers: { 200: { description: 'the registration', body: r.registrationCollection } },
  },
  replaceRegistration: {
    summary: 'Replace a registration',
    tag: 'Registrations',
    answers: { 200: { description: 'the registration', body: r.registrationCollection } },
  },
  deleteRegistration: { summary: 'Delete a registration', tag: 'Registrations', answers: { 204: none('deleted') } },
  postImportToken: {
    summary: 'Create an import token',
    tag: 'Import tokens',
    answers: { 200: { description: "the token's metadata", body: r.importTokenResponse } },
  },
  getImportToken: {
    summary: 'Retrieve the import token (public key and nonce)',
    tag: 'Import tokens',
    answers: { 200: { description: 'the token', body: r.importTokenResponse } },
  },
  adminCreateInstance: {
    summary: 'Create an instance',
    tag: 'Administration',
    answers: { 201: { description: 'the instance', body: r.instanceResponse } },
  },
  adminCreatePrincipal: {
    summary: 'Create a principal and its API key',
    tag: 'Administration',
    answers: { 201: { description: 'the principal and its API key (shown once)', body: r.principalResponse } },
  },
  adminDeletePrincipal: { summary: 'Delete a principal', tag: 'Administration', answers: { 204: none('deleted') } },
  adminIssueApiKey: {
    summary: "Issue a principal's API key (revokes the previous one)",
    tag: 'Administration',
    answers: { 201: { description: 'the API key (shown once)', body: r.principalResponse } },
  },
  adminRevokeApiKey: {
    summary: "Revoke a principal's API key",
    tag: 'Administration',
    answers: { 204: none('revoked') },
  },
  adminListAccess: {
    summary: "List an instance's role bindings",
    tag: 'Administration',
    answers: { 200: { description: 'the bindings', body: r.accessListResponse } },
  },
  adminGrantAccess: {
    summary: 'Grant a principal a role on an instance, key ring or key',
    tag: 'Administration',
    answers: { 201: { description: 'the binding', body: r.bindingResponse } },
  },
  adminRevokeAccess: { summary: 'Revoke a role binding', tag: 'Administration', answers: { 204: none('revoked') } },
  adminRotateSigningKey: {
    summary: 'Rotate the token signing key',
    tag: 'Administration',
    answers: { 201: { description: 'the new signing key', body: r.signingKeyResponse } },
  },
  adminListAudit: {
    summary: "Query an instance's audit trail",
    tag: 'Administration',
    answers: { 200: { description: 'a page of records, oldest first', body: r.auditPageResponse } },
  },
  adminVerifyAudit: {
    summary: "Verify an instance's audit chain and its signed checkpoints",
    tag: 'Administration',
    answers: {
      200: { description: 'valid, or the first record that does not hold', body: r.auditVerificationResponse },
    },
  },
  adminAuditReconciliation: {
    summary: 'Cross-check every event against the audit trail: the requests that committed without a record',
    tag: 'Administration',
    answers: { 200: { description: 'the cross-check', body: r.auditReconciliationResponse } },
  },
  adminGetKeyHistory: {
    summary: "A key's lifecycle events, or its metadata as of `at`",
    tag: 'Administration',
    answers: { 200: { description: 'the events (or the key as of `at`)', body: r.keyHistoryResponse } },
  },
  adminCreateSubscription: {
    summary: "Subscribe a webhook to an instance's key events",
    tag: 'Administration',
    answers: { 201: { description: 'the subscription (its signing secret shown once)', body: r.subscriptionResponse } },
  },
  adminDeleteSubscription: {
    summary: 'Delete a webhook subscription',
    tag: 'Administration',
    answers: { 204: none('deleted') },
  },
  adminRotateSubscriptionSecret: {
    summary: "Rotate a webhook subscription's signing secret (the previous one signs alongside for `overlapS`)",
    tag: 'Administration',
    answers: { 201: { description: 'the new secret (shown once)', body: r.subscriptionSecretResponse } },
  },
  adminListDeadLetters: {
    summary: "List a webhook subscription's dead letters (deliveries given up), oldest first",
    tag: 'Administration',
    answers: { 200: { description: 'the dead letters', body: r.deadLettersResponse } },
  },
  adminRedeliverDeadLetter: {
    summary: 'Queue a dead letter for delivery again, with fresh attempts',
    tag: 'Administration',
    answers: { 202: none('queued') },
  },
};

type JsonSchema = Record<string, unknown>;

/** A zod schema as the JSON Schema of what a client sends (`io: 'input'`) or gets back (`'output'`). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' });
  return rest;
}

const HEADER_DOCS: Record<string, { description: string; schema: JsonSchema }> = {
  'bluemix-instance': {
    description: 'The instance (its UUID) the request acts in.',
    schema: { type: 'string', format: 'uuid' },
  },
  'x-kms-key-ring': {
    description: 'The key ring of the key (optional; Key Protect checks it when given).',
    schema: { type: 'string' },
  },
  prefer: {
    description: '`return=representation` answers with the resource, `return=minimal` with less.',
    schema: { type: 'string', enum: ['return=representation', 'return=minimal'] },
  },
  'correlation-id': {
    description: 'Any id of the caller: recorded in the audit trail and echoed in the answer.',
    schema: { type: 'string' },
  },
  'idempotency-key': {
    description:
      'Makes a retry safe: a request with the same key (same principal, instance, operation and path) within 24 hours is answered from the first one and does not run again (409 while the first runs, 422 for a different request). A replayed key has no `payload`.',
    schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
  },
};

const RESPONSE_HEADER_DOCS: Record<string, { description: string; schema: JsonSchema }> = {
  'key-total': { description: 'The number of keys that match.', schema: { type: 'integer', minimum: 0 } },
  'correlation-id': { description: "The request's `correlation-id`, echoed.", schema: { type: 'string' } },
  'idempotent-replayed': {
    description: '`true` when the answer is the stored answer of an earlier request with the same `Idempotency-Key`.',
    schema: { type: 'string', enum: ['true'] },
  },
};

function headerParameter(name: string, required = false): JsonSchema {
  const doc = HEADER_DOCS[name];
  return { name, in: 'header', required, description: doc?.description, schema: doc?.schema };
}

function pathParameters(path: string): JsonSchema[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
}

/** One `in: query` parameter per property of the entry's query schema (form style, as the SDKs send them). */
function queryParameters(schema: z.ZodType | undefined): JsonSchema[] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema: property,
  }));
}

function jsonContent(schema: JsonSchema): JsonSchema {
  return { 'application/json': { schema } };
}

function answer(a: Answer, correlation: boolean, idempotent: boolean): JsonSchema {
  const names = [
    ...(a.headers ?? []),
    ...(correlation ? ['correlation-id'] : []),
    ...(idempotent ? ['idempotent-replayed'] : []),
  ];
  return {
    description: a.description,
    ...(names.length ? { headers: Object.fromEntries(names.map((n) => [n, RESPONSE_HEADER_DOCS[n]])) } : {}),
    ...(a.body ? { content: jsonContent(jsonSchema(a.body, 'output')) } : {}),
  };
}

/**
 * The media types the official SDK sends its bodies as (the server reads any body as JSON): Key Protect's
 * vendor types for key creation and key actions, besides plain `application/json`.
 */
const VENDOR_MEDIA_TYPES: Partial<Record<OperationKey, string>> = {
  createKey: 'application/vnd.ibm.kms.key+json',
  wrapKey: 'application/vnd.ibm.kms.key_action_wrap+json',
  unwrapKey: 'application/vnd.ibm.kms.key_action_unwrap+json',
  rewrapKey: 'application/vnd.ibm.kms.key_action_rewrap+json',
  rotateKey: 'application/vnd.ibm.kms.key_action_rotate+json',
};

function bodyContent(key: OperationKey, schema: JsonSchema): JsonSchema {
  const vendor = VENDOR_MEDIA_TYPES[key];
  return { ...jsonContent(schema), ...(vendor ? { [vendor]: { schema } } : {}) };
}

const ERROR = { $ref: '#/components/schemas/Error' };
const IAM_ERROR = { $ref: '#/components/schemas/IamError' };

function operationObject(key: OperationKey, op: OperationDefinition): JsonSchema {
  const doc = OPERATION_DOCS[key];
  const keyProtect = op.path.startsWith('/api/v2/');
  const writes = op.method !== 'GET' && op.method !== 'HEAD';
  const parameters = [
    ...pathParameters(op.path),
    ...queryParameters(op.query),
    ...(keyProtect ? [headerParameter('bluemix-instance', true), headerParameter('x-kms-key-ring')] : []),
    ...(keyProtect && writes ? [headerParameter('prefer')] : []),
    headerParameter('correlation-id'),
    ...(op.idempotent ? [headerParameter('idempotency-key')] : []),
  ];
  const correlation = op.access !== 'public' || key === 'identityToken';
  const responses: Record<string, JsonSchema> = Object.fromEntries(
    Object.entries(doc.answers).map(([status, a]) => [status, answer(a, correlation, op.idempotent === true)]),
  );
  if (key === 'identityToken') {
    responses['400'] = { description: 'an unknown grant type or API key', content: jsonContent(IAM_ERROR) };
    responses['5XX'] = { description: 'an internal error', content: jsonContent(IAM_ERROR) };
  } else if (op.access !== 'public') {
    responses['4XX'] = { description: 'refused: the reason code tells why', content: jsonContent(ERROR) };
    responses['5XX'] = { description: 'failed', content: jsonContent(ERROR) };
  }
  const requestBody =
    key === 'identityToken'
      ? {
          required: true,
          content: { 'application/x-www-form-urlencoded': { schema: jsonSchema(tokenRequestForm, 'input') } },
        }
      : op.body
        ? { required: !op.body.safeParse(undefined).success, content: bodyContent(key, jsonSchema(op.body, 'input')) }
        : undefined;
  return {
    operationId: op.name,
    summary: doc.summary,
    tags: [doc.tag],
    ...(op.access === 'public' ? { security: [] } : {}),
    ...(typeof op.access === 'object'
      ? {
          description: `Needs the ${op.access.requires} role on the ${op.access.target === 'collection' ? 'instance (a listing shows only the keys the caller may read)' : op.access.target}.`,
        }
      : op.access === 'admin'
        ? { description: 'Needs the service administrator.' }
        : {}),
    parameters,
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** Key Protect's error body, with every reason code keyledger answers with and its HTTP status. */
function errorSchema(): JsonSchema {
  const codes = Object.keys(REASON_STATUS);
  return {
    type: 'object',
    required: ['metadata', 'resources'],
    properties: {
      metadata: {
        type: 'object',
        required: ['collectionType', 'collectionTotal'],
        properties: {
          collectionType: { const: 'application/vnd.ibm.kms.error+json' },
          collectionTotal: { const: 1 },
        },
      },
      resources: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['errorMsg', 'reasons'],
          properties: {
            errorMsg: { type: 'string' },
            reasons: {
              type: 'array',
              items: {
                type: 'object',
                required: ['code', 'message', 'status'],
                properties: {
                  code: {
                    type: 'string',
                    enum: codes,
                    description: `The reason, and the status it comes with: ${Object.entries(REASON_STATUS)
                      .map(([code, status]) => `${code} ${status}`)
                      .join(', ')}.`,
                  },
                  message: { type: 'string' },
                  status: { type: 'integer' },
                  moreInfo: { type: 'string' },
                  target: { type: 'object' },
                },
              },
            },
          },
        },
      },
    },
  };
}

export interface OpenApiOptions {
  /** The server URL the document names; relative ('/') by default, so it works wherever it is served. */
  readonly serverUrl?: string;
  readonly version?: string;
}

/** The OpenAPI 3.1 document of every operation of the table. */
export function openApiDocument(options: OpenApiOptions = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [key, op] of Object.entries(operations) as [OperationKey, OperationDefinition][]) {
    (paths[op.path] ??= {})[op.method.toLowerCase()] = operationObject(key, op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'keyledger',
      version: options.version ?? '0.1.0',
      summary: 'Key management wire compatible with IBM Key Protect v2',
      description:
        "The Key Protect v2 data plane (`/api/v2`), the IBM IAM API key grant (`/identity/token`) and keyledger's administration API (`/admin/v1`). Generated from the operations table of the server: every route here is served, and every request is parsed with the schemas shown.",
    },
    servers: [{ url: options.serverUrl ?? '/' }],
    security: [{ bearer: [] }],
    tags: [
      'Keys',
      'Key actions',
      'Key rings',
      'Aliases',
      'Policies',
      'Registrations',
      'Import tokens',
      'Identity',
      'Administration',
      'Service',
    ].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A token from POST /identity/token (IBM SDKs send `Bearer <token>`).',
        },
      },
      schemas: { Error: errorSchema(), IamError: jsonSchema(r.iamErrorResponse, 'output') },
    },
  };
}
