import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';
import { MAX_BODY_BYTES } from '../functions/shared/api-handler.ts';
import { errorResponse, reasonError } from '../functions/shared/errors.ts';
import { logger } from '../functions/shared/logger.ts';
import { renderPrometheus } from '../functions/shared/request-metrics.ts';
import { toApiGatewayEvent, writeResult } from './http-adapter.ts';
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

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** PEM certificate chain and private key: the server then speaks HTTPS only. */
interface TlsFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Serves the route table over HTTP by invoking the same handlers Lambda runs. */
export async function listen(
  router: Router,
  host: string,
  port: number,
  tls?: TlsFiles,
  inFlight: InFlightRequests = new InFlightRequests(),
): Promise<RunningServer> {
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    if (url.pathname === '/metrics' && (method === 'GET' || method === 'HEAD')) {
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
    const match = router.match(method, url.pathname);
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
    const body = await readBody(req);
    if (body === null) {
      writeResult(
        res,
        errorResponse(
          { status: 413, code: 'BAD_BODY_ERR', message: 'Request body is too large' },
          { connection: 'close' },
        ),
        false,
      );
      return;
    }
    const event = toApiGatewayEvent(req, body, match, url);
    const result = await match.handler(
      event,
      lambdaContext(event.requestContext.requestId, `keyledger-${match.route.group}`),
    );
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
