import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { AuditOutcome } from '../../application/audit/audit-log.ts';
import type { Caller } from '../../application/identity/authenticate.ts';
import type { AccessGrant } from '../../application/access/authorizer.ts';
import { SERVICE_SCOPE_ID, type RequestScope } from '../../application/command-handler.ts';
import { AccessDeniedError, RateLimitedError } from '../../application/access/errors.ts';
import { unauthorized } from '../../application/errors.ts';
import { isUuid } from '../../domain/ids.ts';
import { auditInstanceOf } from './audit-instance.ts';
import { errorResponse, mapError, reasonError, RequestError, serviceUnavailable, type MappedError } from './errors.ts';
import { appendRequestKeys, logger, ON_LAMBDA, requestLog, requestLogContext } from './logger.ts';
import { observeRequest } from './request-metrics.ts';
import { getRuntime, type Runtime } from './runtime.ts';
import type { OperationDefinition } from '../api/operations.ts';
import { parseQueryParams } from '../api/schemas/params.ts';
import { idempotencyKeyOf, runIdempotently } from './idempotent-request.ts';

/**
 * Middy's plugin settings. On Lambda, a request that runs out of its invocation's time (a dependency that
 * stops answering makes every call wait for the store's timeouts and retries) answers 503 with a Key
 * Protect body 250 ms before the deadline, instead of a bare timeout. The request itself runs on; it
 * writes its audit record with what became of it, and a change it commits after the 503 is a change the
 * caller was not told about, as after any lost response. The local server has no deadline, so no timer
 * is armed and cleared around every request there.
 */
const MIDDY = ON_LAMBDA
  ? { timeoutEarlyInMillis: 250, timeoutEarlyResponse: (): ApiResult => errorResponse(serviceUnavailable()) }
  : { timeoutEarlyInMillis: 0 };

/** Largest request body accepted (Key Protect's standard key payload limit is 7,500 bytes, base64 in JSON). */
export const MAX_BODY_BYTES = 64 * 1024;

export type ApiResult = APIGatewayProxyStructuredResultV2;

/** What the audit record of a request says about its subject; handlers fill in what they learn. */
export interface AuditFacts {
  instanceId: string;
  principalId: string;
  keyId: string;
  keyVersionId: string;
}

export interface ApiRequest<Body, Query = undefined> {
  readonly event: APIGatewayProxyEventV2;
  readonly context: Context;
  readonly runtime: Runtime;
  readonly caller: Caller;
  /** The `bluemix-instance` the caller may use. */
  readonly instanceId: string;
  /** What the caller may do there; `access.filter` set means a listing must show only those keys. */
  readonly access: AccessGrant;
  readonly body: Body;
  readonly query: Query;
  readonly requestId: string;
  readonly correlationId: string | undefined;
  /** The instance and request ids every command of this request is recorded with. */
  readonly scope: RequestScope;
  /** Set `keyId` / `keyVersionId` here once known, for the audit record. */
  readonly audit: AuditFacts;
  header(name: string): string | undefined;
  param(name: string): string;
}

export interface PublicRequest {
  readonly event: APIGatewayProxyEventV2;
  readonly runtime: Runtime;
  readonly requestId: string;
  readonly audit: AuditFacts;
}

function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.headers[name.toLowerCase()];
}

function rawBody(event: APIGatewayProxyEventV2): string {
  if (event.body === undefined) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function parseJsonBody(event: APIGatewayProxyEventV2): unknown {
  const text = rawBody(event);
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    throw new RequestError('BAD_BODY_ERR', 'Request body is too large', { status: 413 });
  if (!/\S/.test(text)) return undefined;
  try {
    // The Go client marshals a typed nil pointer (the body of its key actions) as `null`: no body.
    const body = JSON.parse(text) as unknown;
    return body === null ? undefined : body;
  } catch {
    throw new RequestError('BAD_BODY_ERR', 'Request body is not valid JSON');
  }
}

function withCorrelation(result: ApiResult, correlationId: string | undefined): ApiResult {
  return correlationId ? { ...result, headers: { ...result.headers, 'correlation-id': correlationId } } : result;
}

function outcomeOf(mapped: MappedError | null): AuditOutcome {
  if (!mapped) return 'success';
  return mapped.status === 401 || mapped.status === 403 || mapped.status === 429 ? 'denied' : 'failed';
}

/**
 * Writes the request's one audit record; only then may the response leave (audit fails closed:
 * docs/decisions/0004-fail-closed-audit.md). If the record cannot be made durable the caller gets a 500 and no payload.
 */
async function finish(
  runtime: Runtime | undefined,
  event: APIGatewayProxyEventV2,
  operation: string,
  requestId: string,
  facts: AuditFacts,
  mapped: MappedError | null,
  result: ApiResult,
): Promise<ApiResult> {
  const outcome = outcomeOf(mapped);
  requestLog(
    { operation, requestId, correlationId: header(event, 'correlation-id') },
    { outcome, status: result.statusCode, reason: mapped?.code },
  );
  const observe = (): void =>
    observeRequest(operation, outcome, Math.max(0, Date.now() - event.requestContext.timeEpoch) / 1000);
  if (!runtime) {
    observe();
    return result;
  }
  try {
    // A refused request is filed under the instance it named only if that instance exists (audit-instance.ts).
    const instanceId =
      outcome === 'success' && isUuid(facts.instanceId)
        ? facts.instanceId
        : await auditInstanceOf(runtime.services, facts.instanceId || header(event, 'bluemix-instance'));
    // Stamped as it is queued, after any lookup: a chain's records then keep the order of their times,
    // which the audit reconciler relies on to find a request's record near its events' time.
    await runtime.audit.record({
      time: new Date().toISOString(),
      ...facts,
      instanceId,
      operation,
      outcome,
      reason: mapped?.code ?? '',
      requestId,
      correlationId: header(event, 'correlation-id') ?? '',
      sourceIp: event.requestContext.http.sourceIp,
    });
    observe();
    return result;
  } catch (error) {
    // A request that already failed because a dependency is down keeps its 503: it carries nothing
    // to withhold, and the audit store's failure is usually the same outage (one disk, one DynamoDB).
    if (mapped?.status === 503) {
      logger.error('audit record failed for a request refused with 503', {
        operation,
        requestId,
        errorName: error instanceof Error ? error.name : typeof error,
      });
      observe();
      return result;
    }
    logger.error('audit record failed; response withheld', {
      operation,
      requestId,
      errorName: error instanceof Error ? error.name : typeof error,
    });
    observeRequest(operation, 'failed', Math.max(0, Date.now() - event.requestContext.timeEpoch) / 1000);
    return errorResponse(reasonError('AUDIT_UNAVAILABLE_ERR', 'Internal server error'));
  }
}

/** What every handler factory does for a request before and after the operation's own code. */
interface Pipeline<Req> {
  /** The audit facts the request starts with (ids from the path). */
  readonly facts: (event: APIGatewayProxyEventV2) => AuditFacts;
  /** Authenticates and authorizes, parses, and builds the operation's request; throws to refuse. */
  readonly prepare: (
    event: APIGatewayProxyEventV2,
    context: Context,
    runtime: Runtime,
    requestId: string,
    audit: AuditFacts,
  ) => Promise<Req>;
}

/**
 * The one request pipeline of the API: middy with the request log context, the runtime, `prepare`,
 * the operation, one error mapping to a Key Protect error body, the audit record (fail closed), and the
 * `correlation-id` echo.
 */
function pipeline<Req>(
  operation: OperationDefinition<unknown, unknown>,
  steps: Pipeline<Req>,
  fn: (req: Req) => Promise<ApiResult>,
) {
  const name = operation.name;
  return middy<APIGatewayProxyEventV2, ApiResult, Error, Context>(MIDDY)
    .use(requestLogContext())
    .handler(async (event, context) => {
      const correlationId = header(event, 'correlation-id');
      const requestId = event.requestContext.requestId || context.awsRequestId;
      appendRequestKeys({ operation: name, requestId, correlationId });
      const audit = steps.facts(event);
      let runtime: Runtime | undefined;
      try {
        runtime = await getRuntime();
        const result = await fn(await steps.prepare(event, context, runtime, requestId, audit));
        return withCorrelation(await finish(runtime, event, name, requestId, audit, null, result), correlationId);
      } catch (error) {
        const mapped = mapError(error);
        if (error instanceof AccessDeniedError || error instanceof RateLimitedError)
          audit.instanceId = error.instanceId;
        const headers: Record<string, string> =
          error instanceof RateLimitedError ? { 'retry-after': String(error.retryAfterS) } : {};
        return withCorrelation(
          await finish(
            runtime,
            event,
            name,
            requestId,
            audit,
            mapped,
            errorResponse(mapped, headers, operation.failure),
          ),
          correlationId,
        );
      }
    });
}

/** The body, parsed with the operation's schema; none where the schema needs one is Key Protect's 400 NO_BODY_ERR. */
function parseBody<Body>(operation: OperationDefinition<Body, unknown>, event: APIGatewayProxyEventV2): Body {
  if (!operation.body) return undefined as Body;
  const json = parseJsonBody(event);
  if (json === undefined && !operation.body.safeParse(undefined).success)
    throw new RequestError('NO_BODY_ERR', 'Missing body in request');
  return operation.body.parse(json);
}

function parseQuery<Query>(operation: OperationDefinition<unknown, Query>, event: APIGatewayProxyEventV2): Query {
  return operation.query ? parseQueryParams(operation.query, event.queryStringParameters) : (undefined as Query);
}

/** `fn`, run once per `Idempotency-Key` when the operation honours one and the request carries it. */
function idempotentWhereDeclared<Body, Query>(
  operation: OperationDefinition<Body, Query>,
  fn: (req: ApiRequest<Body, Query>) => Promise<ApiResult>,
): (req: ApiRequest<Body, Query>) => Promise<ApiResult> {
  if (!operation.idempotent) return fn;
  return (req) => {
    const key = idempotencyKeyOf(req.event);
    if (key === undefined) return fn(req);
    return runIdempotently(key, {
      persistence: req.runtime.idempotency,
      event: req.event,
      context: req.context,
      scope: { instanceId: req.instanceId, principalId: req.caller.principalId, operation: operation.name },
      body: req.body,
      audit: req.audit,
      run: () => fn(req),
    });
  };
}

/**
 * A Key Protect API handler: authenticate the bearer token, authorize the operation's rule in the
 * `bluemix-instance`, parse the body and query with the operation's schemas, call `fn` (once per
 * idempotency key where the operation is idempotent), map any error to a Key Protect error body, and
 * audit. One per operation.
 */
export function keyProtectHandler<Body, Query>(
  operation: OperationDefinition<Body, Query>,
  fn: (req: ApiRequest<Body, Query>) => Promise<ApiResult>,
) {
  const rule = operation.access;
  if (rule === 'admin' || rule === 'public') throw new Error(`${operation.name} is not a Key Protect operation`);
  return pipeline<ApiRequest<Body, Query>>(
    operation,
    {
      facts: (event) => ({ instanceId: '', principalId: '', keyId: event.pathParameters?.id ?? '', keyVersionId: '' }),
      prepare: async (event, context, runtime, requestId, audit) => {
        const caller = await runtime.authenticator.authenticate(header(event, 'authorization'));
        audit.principalId = caller.principalId;
        const access = await runtime.authorizer.authorize({
          caller,
          instanceId: header(event, 'bluemix-instance'),
          operation: operation.name,
          rule,
          keyId: event.pathParameters?.id,
          keyRingId: event.pathParameters?.keyRingId ?? header(event, 'x-kms-key-ring'),
          sourceIp: event.requestContext.http.sourceIp,
        });
        const instanceId = access.instanceId;
        audit.instanceId = instanceId;
        const correlationId = header(event, 'correlation-id');
        return {
          event,
          context,
          runtime,
          caller,
          instanceId,
          access,
          body: parseBody(operation, event),
          query: parseQuery(operation, event),
          requestId,
          correlationId,
          scope: {
            instanceId,
            requestId,
            correlationId,
            operation: operation.name,
            sourceIp: event.requestContext.http.sourceIp,
          },
          audit,
          header: (name) => header(event, name),
          param: (name) => event.pathParameters?.[name] ?? '',
        };
      },
    },
    idempotentWhereDeclared(operation, fn),
  );
}

/**
 * An administration API handler (`/admin/v1`): the caller must be the service administrator; anyone
 * else gets the same 401 as a bad token. Audited under the instance id of the path when there is one.
 */
export function adminHandler<Body, Query>(
  operation: OperationDefinition<Body, Query>,
  fn: (req: AdminRequest<Body, Query>) => Promise<ApiResult>,
) {
  if (operation.access !== 'admin') throw new Error(`${operation.name} is not an administration operation`);
  return pipeline(
    operation as OperationDefinition<unknown, unknown>,
    {
      facts: (event) => ({
        instanceId: event.pathParameters?.instanceId ?? '',
        principalId: '',
        keyId: event.pathParameters?.keyId ?? '',
        keyVersionId: '',
      }),
      prepare: async (event, _context, runtime, requestId, audit) => {
        const caller = await runtime.authenticator.authenticate(header(event, 'authorization'));
        audit.principalId = caller.principalId;
        if (!caller.admin) throw unauthorized();
        return {
          event,
          runtime,
          caller,
          body: parseBody(operation, event),
          query: parseQuery(operation, event),
          requestId,
          scope: {
            instanceId: audit.instanceId || SERVICE_SCOPE_ID,
            requestId,
            operation: operation.name,
            sourceIp: event.requestContext.http.sourceIp,
          },
          audit,
          param: (name: string) => event.pathParameters?.[name] ?? '',
        };
      },
    },
    fn,
  );
}

export interface AdminRequest<Body, Query = undefined> {
  readonly event: APIGatewayProxyEventV2;
  readonly runtime: Runtime;
  readonly caller: Caller;
  readonly body: Body;
  readonly query: Query;
  readonly requestId: string;
  /**
   * What every command of this request is recorded with: the path's instance, else `*` (service-wide
   * streams: principals, API keys, signing keys).
   */
  readonly scope: RequestScope;
  readonly audit: AuditFacts;
  param(name: string): string;
}

/**
 * A route without a bearer token (health, the token exchange): `fn` renders its own errors; it is audited
 * like any other request unless `audited` is false (probes).
 */
export function publicHandler(
  operation: OperationDefinition<unknown, unknown>,
  fn: (req: PublicRequest) => Promise<ApiResult>,
  options: { audited: boolean } = { audited: true },
) {
  const name = operation.name;
  return middy<APIGatewayProxyEventV2, ApiResult, Error, Context>(MIDDY)
    .use(requestLogContext())
    .handler(async (event, context) => {
      const requestId = event.requestContext.requestId || context.awsRequestId;
      const correlationId = header(event, 'correlation-id');
      appendRequestKeys({ operation: name, requestId, correlationId });
      const audit: AuditFacts = { instanceId: '', principalId: '', keyId: '', keyVersionId: '' };
      const runtime = await getRuntime();
      const result = await fn({ event, runtime, requestId, audit });
      if (!options.audited) return withCorrelation(result, correlationId);
      const status = result.statusCode ?? 200;
      const mapped: MappedError | null =
        status >= 400
          ? { status, code: status >= 500 ? 'INTERNAL_SERVER_ERR' : 'UNAUTHORIZED_ERR', message: '' }
          : null;
      return withCorrelation(await finish(runtime, event, name, requestId, audit, mapped, result), correlationId);
    });
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return jsonText(statusCode, JSON.stringify(body), headers);
}

/** {@link json} for a body already serialised. */
export function jsonText(statusCode: number, text: string, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: text };
}

/** 204 No Content: the answer of Key Protect's key actions. */
export function noContent(): ApiResult {
  return { statusCode: 204 };
}

export function formBody(event: APIGatewayProxyEventV2): URLSearchParams {
  return new URLSearchParams(rawBody(event));
}
