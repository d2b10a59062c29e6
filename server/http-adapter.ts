import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * Turns a Node HTTP request into the API Gateway HTTP API (payload 2.0) event Lambda would get,
 * and a handler's result back into an HTTP response, so the local server runs the very same
 * handlers (docs/decisions/0005-local-server-runs-lambda-handlers.md).
 */
/** A request target split as received: the path (still percent-encoded) and the query string (without `?`). */
export interface RequestTarget {
  readonly path: string;
  readonly query: string;
}

/** Splits `req.url` without normalising it (no URL parser: `//x/...` would become a host, `/a/../b` would become `/b`). */
export function requestTarget(req: IncomingMessage): RequestTarget {
  const target = req.url ?? '';
  const mark = target.indexOf('?');
  return mark < 0 ? { path: target, query: '' } : { path: target.slice(0, mark), query: target.slice(mark + 1) };
}

export function toApiGatewayEvent(
  req: IncomingMessage,
  body: Buffer,
  route: { routeKey: string; pathParameters: Record<string, string> },
  target: RequestTarget,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(target.query))
    query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: target.path,
    rawQueryString: target.query,
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(route.pathParameters).length ? { pathParameters: route.pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'keyledger-local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: target.path,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket?.remoteAddress ?? '', // null once the client has gone
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: route.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length === 0
      ? { isBase64Encoded: false }
      : isText(headers['content-type'])
        ? { body: body.toString('utf8'), isBase64Encoded: false }
        : { body: body.toString('base64'), isBase64Encoded: true }),
  };
}

/** Content types API Gateway passes as text; anything else arrives base64-encoded, as on AWS. */
const TEXT_TYPE = /^\s*(text\/|application\/([\w.-]+\+)?(json|xml|javascript|x-www-form-urlencoded)\b)/i;
function isText(contentType: string | undefined): boolean {
  return contentType !== undefined && TEXT_TYPE.test(contentType);
}

export function writeResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2, headOnly: boolean): void {
  const headers: Record<string, string | number | boolean> = { ...result.headers };
  const body =
    result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = body.length;
  res.writeHead(result.statusCode ?? 200, headers as Record<string, string>);
  res.end(headOnly ? undefined : body);
}
