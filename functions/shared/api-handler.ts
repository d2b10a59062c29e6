import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ZodType } from 'zod';
import type { Caller } from '../../application/identity/authenticate.ts';
import { ApplicationError } from '../../application/errors.ts';
import { errorResponse, mapError } from './errors.ts';
import { logger } from './logger.ts';
import { getRuntime, type Runtime } from './runtime.ts';

/** Largest request body accepted (Key Protect's standard key payload limit is 7,500 bytes, base64 in JSON). */
export const MAX_BODY_BYTES = 64 * 1024;

export type ApiResult = APIGatewayProxyStructuredResultV2;

export interface ApiRequest<Body> {
  readonly event: APIGatewayProxyEventV2;
  readonly runtime: Runtime;
  readonly caller: Caller;
  /** The `bluemix-instance` the caller may use. */
  readonly instanceId: string;
  readonly body: Body;
  readonly requestId: string;
  readonly correlationId: string | undefined;
  header(name: string): string | undefined;
  param(name: string): string;
}

export interface PublicRequest {
  readonly event: APIGatewayProxyEventV2;
  readonly runtime: Runtime;
  readonly requestId: string;
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
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new ApplicationError('BAD_BODY_ERR', 'Request body is too large', 413);
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

/**
 * A Key Protect API handler: authenticate the bearer token, check `bluemix-instance`, parse the
 * body with zod, call `fn`, and map any error to a Key Protect error body. One per operation.
 */
export function keyProtectHandler<Body>(operation: string, bodySchema: ZodType<Body> | null, fn: (req: ApiRequest<Body>) => Promise<ApiResult>) {
  return middy<APIGatewayProxyEventV2, ApiResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const correlationId = header(event, 'correlation-id');
      const requestId = event.requestContext.requestId || context.awsRequestId;
      logger.appendKeys({ operation, requestId, correlationId });
      try {
        const runtime = await getRuntime();
        const caller = await runtime.authenticator.authenticate(header(event, 'authorization'));
        const instanceId = await runtime.authenticator.authorizeInstance(caller, header(event, 'bluemix-instance'));
        const body = bodySchema ? bodySchema.parse(parseJsonBody(event)) : (undefined as Body);
        const result = await fn({
          event, runtime, caller, instanceId, body, requestId, correlationId,
          header: (name) => header(event, name),
          param: (name) => event.pathParameters?.[name] ?? '',
        });
        logger.info('request', { outcome: 'success', status: result.statusCode });
        return withCorrelation(result, correlationId);
      } catch (error) {
        const mapped = mapError(error);
        logger.info('request', { outcome: mapped.status === 401 || mapped.status === 403 ? 'denied' : 'failed', status: mapped.status, reason: mapped.code });
        return withCorrelation(errorResponse(mapped), correlationId);
      }
    });
}

/** A route without a bearer token (health, the token exchange); `fn` renders its own errors. */
export function publicHandler(operation: string, fn: (req: PublicRequest) => Promise<ApiResult>) {
  return middy<APIGatewayProxyEventV2, ApiResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const requestId = event.requestContext.requestId || context.awsRequestId;
      logger.appendKeys({ operation, requestId });
      return fn({ event, runtime: await getRuntime(), requestId });
    });
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function formBody(event: APIGatewayProxyEventV2): URLSearchParams {
  return new URLSearchParams(rawBody(event));
}
