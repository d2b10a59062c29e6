import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ZodType } from 'zod';
import type { AuditOutcome } from '../../application/audit/audit-log.ts';
import type { Caller } from '../../application/identity/authenticate.ts';
import type { AccessGrant } from '../../application/access/authorizer.ts';
import type { RequestScope } from '../../application/command-handler.ts';
import { AccessDeniedError, RateLimitedError } from '../../application/access/errors.ts';
import { ApplicationError, unauthorized } from '../../application/errors.ts';
import { isUuid } from '../../domain/ids.ts';
import { auditInstanceOf } from './audit-instance.ts';
import { errorResponse, mapError, type MappedError } from './errors.ts';
import { appendRequestKeys, logger, requestLog, requestLogContext } from './logger.ts';
import { observeRequest } from './request-metrics.ts';
import { getRuntime, type Runtime } from './runtime.ts';

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

export interface ApiRequest<Body> {
  readonly event: APIGatewayProxyEventV2;
  readonly runtime: Runtime;
  readonly caller: Caller;
  /** The `bluemix-instance` the caller may use. */
  readonly instanceId: string;
  /** What the caller may do there; `access.filter` set means a listing must show only those keys. */
  readonly access: AccessGrant;
  readonly body: Body;
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
    throw new ApplicationError('BAD_BODY_ERR', 'Request body is too large', 413);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApplicationError('BAD_BODY_ERR', 'Request body is not valid JSON', 400);
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
 * Writes the request's one audit record; only then may the response leave (DESIGN.md decision 9:
 * audit fails closed). If the record cannot be made durable the caller gets a 500 and no payload.
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
    logger.error('audit record failed; response withheld', {
      operation,
      requestId,
      errorName: error instanceof Error ? error.name : typeof error,
    });
    observeRequest(operation, 'failed', Math.max(0, Date.now() - event.requestContext.timeEpoch) / 1000);
    return errorResponse({ status: 500, code: 'AUDIT_UNAVAILABLE_ERR', message: 'Internal server error' });
  }
}

/**
 * A Key Protect API handler: authenticate the bearer token, check `bluemix-instance`, parse the
 * body with zod, call `fn`, map any error to a Key Protect error body, and audit. One per operation.
 */
export function keyProtectHandler<Body>(
  operation: string,
  bodySchema: ZodType<Body> | null,
  fn: (req: ApiRequest<Body>) => Promise<ApiResult>,
) {
  return middy<APIGatewayProxyEventV2, ApiResult, Error, Context>()
    .use(requestLogContext())
    .handler(async (event, context) => {
      const correlationId = header(event, 'correlation-id');
      const requestId = event.requestContext.requestId || context.awsRequestId;
      appendRequestKeys({ operation, requestId, correlationId });
      const audit: AuditFacts = {
        instanceId: '',
        principalId: '',
        keyId: event.pathParameters?.id ?? '',
        keyVersionId: '',
      };
      let runtime: Runtime | undefined;
      try {
        runtime = await getRuntime();
        const caller = await runtime.authenticator.authenticate(header(event, 'authorization'));
        audit.principalId = caller.principalId;
        const access = await runtime.authorizer.authorize({
          caller,
          instanceId: header(event, 'bluemix-instance'),
          operation,
          keyId: event.pathParameters?.id,
          keyRingId: event.pathParameters?.keyRingId ?? header(event, 'x-kms-key-ring'),
          sourceIp: event.requestContext.http.sourceIp,
        });
        const instanceId = access.instanceId;
        audit.instanceId = instanceId;
        const body = bodySchema ? bodySchema.parse(parseJsonBody(event)) : (undefined as Body);
        const result = await fn({
          event,
          runtime,
          caller,
          instanceId,
          access,
          body,
          requestId,
          correlationId,
          scope: { instanceId, requestId, correlationId },
          audit,
          header: (name) => header(event, name),
          param: (name) => event.pathParameters?.[name] ?? '',
        });
        return withCorrelation(await finish(runtime, event, operation, requestId, audit, null, result), correlationId);
      } catch (error) {
        const mapped = mapError(error);
        if (error instanceof AccessDeniedError || error instanceof RateLimitedError)
          audit.instanceId = error.instanceId;
        const headers: Record<string, string> =
          error instanceof RateLimitedError ? { 'retry-after': String(error.retryAfterS) } : {};
        return withCorrelation(
          await finish(runtime, event, operation, requestId, audit, mapped, errorResponse(mapped, headers)),
          correlationId,
        );
      }
    });
}

/**
 * An administration API handler (`/admin/v1`, CONTRACT.md): the caller must be the service
 * administrator; anyone else gets the same 401 as a bad token. Audited as `admin.<name>`, with the
 * instance id of the path when there is one.
 */
export function adminHandler<Body>(
  name: string,
  bodySchema: ZodType<Body> | null,
  fn: (req: AdminRequest<Body>) => Promise<ApiResult>,
) {
  const operation = `admin.${name}`;
  return middy<APIGatewayProxyEventV2, ApiResult, Error, Context>()
    .use(requestLogContext())
    .handler(async (event, context) => {
      const requestId = event.requestContext.requestId || context.awsRequestId;
      appendRequestKeys({ operation, requestId });
      const audit: AuditFacts = {
        instanceId: event.pathParameters?.instanceId ?? '',
        principalId: '',
        keyId: event.pathParameters?.keyId ?? '',
        keyVersionId: '',
      };
      let runtime: Runtime | undefined;
      try {
        runtime = await getRuntime();
        const caller = await runtime.authenticator.authenticate(header(event, 'authorization'));
        audit.principalId = caller.principalId;
        if (!caller.admin) throw unauthorized();
        const body = bodySchema ? bodySchema.parse(parseJsonBody(event)) : (undefined as Body);
        const result = await fn({
          event,
          runtime,
          caller,
          body,
          requestId,
          audit,
          query: (name) => event.queryStringParameters?.[name],
          param: (name) => event.pathParameters?.[name] ?? '',
        });
        return await finish(runtime, event, operation, requestId, audit, null, result);
      } catch (error) {
        const mapped = mapError(error);
        return finish(runtime, event, operation, requestId, audit, mapped, errorResponse(mapped));
      }
    });
}

export interface AdminRequest<Body> {
  readonly event: APIGatewayProxyEventV2;
  readonly runtime: Runtime;
  readonly caller: Caller;
  readonly body: Body;
  readonly requestId: string;
  readonly audit: AuditFacts;
  query(name: string): string | undefined;
  param(name: string): string;
}

/** A route without a bearer token (health, the token exchange): `fn` renders its own errors; it is audited like any other. */
export function publicHandler(
  operation: string,
  fn: (req: PublicRequest) => Promise<ApiResult>,
  options: { audited: boolean } = { audited: true },
) {
  return middy<APIGatewayProxyEventV2, ApiResult, Error, Context>()
    .use(requestLogContext())
    .handler(async (event, context) => {
      const requestId = event.requestContext.requestId || context.awsRequestId;
      appendRequestKeys({ operation, requestId });
      const audit: AuditFacts = { instanceId: '', principalId: '', keyId: '', keyVersionId: '' };
      const runtime = await getRuntime();
      const result = await fn({ event, runtime, requestId, audit });
      if (!options.audited) return result;
      const status = result.statusCode ?? 200;
      const mapped =
        status >= 400
          ? { status, code: status >= 500 ? 'INTERNAL_SERVER_ERR' : 'UNAUTHORIZED_ERR', message: '' }
          : null;
      return finish(runtime, event, operation, requestId, audit, mapped, result);
    });
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** 204 No Content: the answer of Key Protect's key actions. */
export function noContent(): ApiResult {
  return { statusCode: 204 };
}

export function formBody(event: APIGatewayProxyEventV2): URLSearchParams {
  return new URLSearchParams(rawBody(event));
}
