import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Context } from 'aws-lambda';
import { MAX_BODY_BYTES } from '../functions/shared/api-handler.ts';
import { errorResponse, reasonError, type MappedError } from '../functions/shared/errors.ts';
import { logger } from '../functions/shared/logger.ts';
import { renderPrometheus } from '../functions/shared/request-metrics.ts';
import type { ConsoleSite } from './console-site.ts';
import { requestTarget, toApiGatewayEvent, writeResult } from './http-adapter.ts';
import { InFlightRequests } from './in-flight-requests.ts';
import type { Router } from './router.ts';

interface RunningServer {
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

function lambdaContext(requestId: string, functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '0',
    awsRequestId: requestId,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * The request body, read up to one byte past the limit: a longer body is cut there and the handler answers
 * 413 (audited, as on AWS, where the handler sees the whole body); the rest is never read, and the
 * connection is closed after the answer. Null when the client broke off or sent a malformed body (the
 * HTTP parser's `clientError` has answered, see below).
 */
function readBody(req: IncomingMessage): Promise<{ body: Buffer; truncated: boolean } | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (value: { body: Buffer; truncated: boolean } | null) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onError);
      resolve(value);
    };
    // Paused, not destroyed: destroying the request would take the socket, and with it the answer.
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return;
      req.pause();
      done({ body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES + 1), truncated: true });
    };
    const onEnd = () => done({ body: Buffer.concat(chunks), truncated: false });
    const onError = () => done(null);
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onError);
  });
}

/** A Key Protect error response written straight to a socket (no request object exists for these). */
function rawErrorResponse(mapped: MappedError): string {
  const { status } = mapped;
  const result = errorResponse(mapped, { connection: 'close' });
  const body = Buffer.from(result.body ?? '', 'utf8');
  const headers = Object.entries({ ...result.headers, 'content-length': body.length })
    .map(([name, value]) => `${name}: ${String(value)}\r\n`)
    .join('');
  return `HTTP/1.1 ${status} ${STATUS_LINE[status] ?? 'Error'}\r\n${headers}\r\n${body.toString('utf8')}`;
}

const STATUS_LINE: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  431: 'Request Header Fields Too Large',
};

/**
 * What the HTTP parser refuses before any route sees the request (a malformed request line, header or
 * chunked body; headers over Node's limit) gets Key Protect's error body instead of Node's bare 400, like
 * API Gateway answering a malformed request itself: such requests reach no handler and are not audited.
 * As Node's own default does, nothing is written once a response has begun on the connection.
 */
function onClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (socket.writable && error.code !== 'ECONNRESET' && !inFlight?.headersSent) {
    const overflow = error.code === 'HPE_HEADER_OVERFLOW';
    socket.write(
      rawErrorResponse(
        overflow
          ? { status: 431, code: 'BAD_REQUEST_ERR', message: 'Request headers are too large' }
          : reasonError('BAD_REQUEST_ERR', 'Malformed HTTP request'),
      ),
    );
  }
  socket.destroy();
}

/** CONNECT (a tunnel request): no route takes it; answered 405 and closed. */
function onConnect(_req: IncomingMessage, socket: Duplex): void {
  socket.end(rawErrorResponse(reasonError('METHOD_NOT_ALLOWED_ERR', 'Method not allowed')));
}

/** PEM certificate chain and private key: the server then speaks HTTPS only. */
interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * Serves the route table over HTTP by invoking the same handlers Lambda runs, plus the probes that
 * are not API operations (not audited): /metrics and the web console's static files.
 */
export async function listen(
  router: Router,
  host: string,
  port: number,
  options: {
    tls?: TlsFiles | undefined;
    site?: ConsoleSite | undefined;
    inFlight?: InFlightRequests | undefined;
  } = {},
): Promise<RunningServer> {
  const { tls, site, inFlight = new InFlightRequests() } = options;
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = requestTarget(req);
    const method = req.method ?? 'GET';
    if (target.path === '/metrics' && (method === 'GET' || method === 'HEAD')) {
      // Local only (on AWS the same figures go to CloudWatch via EMF); unauthenticated like most
      // Prometheus targets: counts and latencies by operation and outcome, no ids or secrets.
      req.resume();
      writeResult(
        res,
        {
          statusCode: 200,
          headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
          body: renderPrometheus(),
        },
        method === 'HEAD',
      );
      return;
    }
    const page =
      (method === 'GET' || method === 'HEAD') && site ? site.serve(target.path, req.headers['if-none-match']) : null;
    if (page) {
      req.resume();
      writeResult(res, page, method === 'HEAD');
      return;
    }
    const match = router.match(method, target.path);
    if (!match || 'allowed' in match) {
      req.resume();
      writeResult(
        res,
        errorResponse(
          match
            ? reasonError('METHOD_NOT_ALLOWED_ERR', 'Method not allowed')
            : reasonError('NOT_FOUND_ERR', 'The requested resource was not found'),
          match ? { allow: match.allowed.join(', ') } : {},
        ),
        method === 'HEAD',
      );
      return;
    }
    const read = await readBody(req);
    if (read === null) return;
    const event = toApiGatewayEvent(req, read.body, match, target);
    const result = await match.handler(
      event,
      lambdaContext(event.requestContext.requestId, `keyledger-${match.route.group}`),
    );
    if (read.truncated) result.headers = { ...result.headers, connection: 'close' };
    writeResult(res, result, method === 'HEAD');
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const work = serve(req, res).catch((error: unknown) => {
      logger.error('unhandled request failure', { errorName: error instanceof Error ? error.name : typeof error });
      if (!res.headersSent)
        writeResult(res, errorResponse(reasonError('INTERNAL_SERVER_ERR', 'Internal server error')), false);
      else res.destroy();
    });
    inFlight.track(work);
  };
  const server: Server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, onRequest)
    : createHttpServer(onRequest);
  server.keepAliveTimeout = 5_000;
  server.on('clientError', onClientError);
  server.on('connect', onConnect);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `${tls ? 'https' : 'http'}://${shownHost}:${address.port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await inFlight.settled();
      server.closeAllConnections();
      await closed;
    },
  };
}
