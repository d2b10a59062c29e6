/**
 * Idempotent retries of the operations that make something new on every call (create a key, rotate a key):
 * a request carrying `Idempotency-Key` is run once per key, through Powertools Idempotency. A retry with the
 * same key (same instance, principal, operation and path) gets the first answer again, marked
 * `idempotent-replayed: true`, without running the operation; a retry while the first is still running
 * gets 409 with `Retry-After`; the same key with a different request gets 422. Records live 24 hours, in the
 * store of the events (SQLite: keyledger.db; DynamoDB: the idempotency table).
 *
 * Secrets never reach the record: the stored answer has no `payload` (a standard key created with
 * `Prefer: return=representation` is replayed without it; read it with GET /keys/{id}), and the request's
 * fingerprint leaves out the key material fields.
 */
import type { Context } from 'aws-lambda';
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DependencyUnavailableError } from '../../application/ports/dependency-unavailable.ts';
import { RequestError } from './errors.ts';
import { logger } from './logger.ts';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** How long a key is remembered: a retry within this time is answered from the record. */
export const IDEMPOTENCY_TTL_S = 24 * 60 * 60;

/** Request fields that carry key material: left out of the fingerprint a retry is compared by. */
const MATERIAL_FIELDS = new Set(['payload', 'encryptedNonce', 'iv']);
/** Request headers that change what the operation does or answers, so part of the fingerprint. */
const FINGERPRINT_HEADERS = ['x-kms-key-ring', 'prefer'];
/** 1 to 255 visible ASCII characters (a UUID, or any client-chosen token). */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

const config = new IdempotencyConfig({
  eventKeyJmesPath: 'key',
  payloadValidationJmesPath: 'request',
  expiresAfterSeconds: IDEMPOTENCY_TTL_S,
  throwOnNoIdempotencyKey: true,
  hashFunction: 'sha256',
});

/** What the record keeps of an answer, and the audit facts a replay's own record names. */
interface StoredAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string | null;
  readonly keyId: string;
  readonly keyVersionId: string;
}

export interface IdempotentRun {
  readonly persistence: BasePersistenceLayer;
  readonly event: APIGatewayProxyEventV2;
  readonly context: Context;
  /** Who asks, where, and what: the scope of an idempotency key. */
  readonly scope: { readonly instanceId: string; readonly principalId: string; readonly operation: string };
  /** The parsed body, fingerprinted without its key material. */
  readonly body: unknown;
  /** Filled with the first request's key and version ids on a replay. */
  readonly audit: { keyId: string; keyVersionId: string };
  readonly run: () => Promise<APIGatewayProxyStructuredResultV2>;
}

/** The request's idempotency key, or undefined without one; a malformed one is 400. */
export function idempotencyKeyOf(event: APIGatewayProxyEventV2): string | undefined {
  const value = event.headers[IDEMPOTENCY_KEY_HEADER];
  if (value === undefined) return undefined;
  if (!KEY_PATTERN.test(value))
    throw new RequestError('BAD_REQUEST_ERR', 'Idempotency-Key must be 1 to 255 visible ASCII characters', {
      target: { type: 'header', name: 'Idempotency-Key' },
    });
  return value;
}

function withoutMaterial(value: unknown): JSONValue {
  return JSON.parse(
    JSON.stringify(value ?? null, (field: string, v: unknown) => (MATERIAL_FIELDS.has(field) ? undefined : v)),
  ) as JSONValue;
}

/** The answer as the record keeps it: a standard key's payload removed from the resources. */
function storable(result: APIGatewayProxyStructuredResultV2, audit: IdempotentRun['audit']): StoredAnswer {
  let body = result.body ?? null;
  if (body !== null && /"payload"/.test(body)) {
    const parsed = JSON.parse(body) as { resources?: Record<string, unknown>[] };
    for (const resource of parsed.resources ?? []) delete resource.payload;
    body = JSON.stringify(parsed);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  return { statusCode: result.statusCode ?? 200, headers, body, keyId: audit.keyId, keyVersionId: audit.keyVersionId };
}

/**
 * Runs `options.run` once per idempotency key. Errors the operation throws are not recorded (the record is
 * deleted, so a retry runs the operation again): they changed nothing.
 */
export async function runIdempotently(key: string, options: IdempotentRun): Promise<APIGatewayProxyStructuredResultV2> {
  const { event } = options;
  let answer: APIGatewayProxyStructuredResultV2 | undefined;
  const once = makeIdempotent(
    async (_request: JSONValue): Promise<JSONValue> => {
      answer = await options.run();
      return storable(answer, options.audit) as unknown as JSONValue;
    },
    { persistenceStore: options.persistence, config, keyPrefix: 'keyledger' },
  );
  config.registerLambdaContext(options.context);
  const headers: Record<string, string | null> = {};
  for (const name of FINGERPRINT_HEADERS) headers[name] = event.headers[name] ?? null;
  try {
    const stored = (await once({
      key: { ...options.scope, path: event.rawPath, idempotencyKey: key },
      request: { query: event.queryStringParameters ?? {}, headers, body: withoutMaterial(options.body) },
    })) as unknown as StoredAnswer;
    if (answer) return answer;
    options.audit.keyId = stored.keyId;
    options.audit.keyVersionId = stored.keyVersionId;
    return {
      statusCode: stored.statusCode,
      headers: { ...stored.headers, 'idempotent-replayed': 'true' },
      ...(stored.body === null ? {} : { body: stored.body }),
    };
  } catch (error) {
    if (error instanceof IdempotencyAlreadyInProgressError)
      throw new RequestError('CONFLICT_ERR', 'A request with this Idempotency-Key is still in progress: retry', {
        target: { type: 'header', name: 'Idempotency-Key' },
        retryAfterS: 1,
      });
    if (error instanceof IdempotencyValidationError)
      throw new RequestError(
        'IDEMPOTENCY_KEY_REUSED_ERR',
        'This Idempotency-Key was used with a different request: use a new key',
        { target: { type: 'header', name: 'Idempotency-Key' } },
      );
    if (error instanceof IdempotencyPersistenceLayerError) {
      // The operation ran and answered; only saving its answer failed. The caller gets the answer
      // (a retry within the in-progress time then gets 409); withholding it would hide a change made.
      if (answer) {
        logger.error('idempotency record of a completed request not saved', { errorName: error.name });
        return answer;
      }
      throw new DependencyUnavailableError('idempotency', 'the idempotency store did not answer', { cause: error });
    }
    throw error;
  }
}
