/**
 * An HTTP proxy between the server and DynamoDB Local that injects network and service faults the
 * way a real outage looks to the AWS SDK: it stops answering (connections held open, nothing sent),
 * it throttles (400 ThrottlingException, which the SDK retries), it fails (500 InternalFailure, a server
 * fault the SDK also retries), or it refuses the writes of one table (400 AccessDeniedException, as a
 * missing IAM permission would). Everything else passes
 * through unchanged. The server under test is started with the proxy's URL as its endpoint.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does with one request; `target` is the DynamoDB operation (`TransactWriteItems`, ...). */
export type FaultAction = 'pass' | 'stall' | 'throttle' | 'fail' | 'deny';
export type FaultRule = (request: { readonly target: string; readonly body: string }) => FaultAction;

export const passAll: FaultRule = () => 'pass';

export class DynamoDbFaultProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly stalled = new Set<ServerResponse>();
  private rule: FaultRule = passAll;
  /** Requests answered with a fault, by action. */
  readonly injected = { stall: 0, throttle: 0, fail: 0, deny: 0 };
  /**
   * Attempts per SDK call: the SDK sends one `amz-sdk-invocation-id` for a call and all its retries,
   * so the largest count is how often one call was tried (a retry storm shows here).
   */
  private readonly attempts = new Map<string, number>();
  url = '';

  constructor(private readonly upstream: string) {}

  async start(): Promise<void> {
    const upstream = new URL(this.upstream);
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.handle(req, res, Buffer.concat(chunks), upstream));
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  /** From now on, `rule` decides each request. Requests stalled so far stay stalled until {@link release}. */
  set(rule: FaultRule): void {
    this.rule = rule;
  }

  /** Everything passes again; stalled requests are dropped (their connections reset), as after a network partition. */
  release(): void {
    this.rule = passAll;
    for (const res of this.stalled) res.destroy();
    this.stalled.clear();
  }

  /** The most attempts any one SDK call made since the last {@link resetAttempts}. */
  maxAttempts(): number {
    return Math.max(0, ...this.attempts.values());
  }

  resetAttempts(): void {
    this.attempts.clear();
  }

  async close(): Promise<void> {
    this.release();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: Buffer, upstream: URL): void {
    const target =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '';
    const invocation = String(req.headers['amz-sdk-invocation-id'] ?? '');
    if (invocation) this.attempts.set(invocation, (this.attempts.get(invocation) ?? 0) + 1);
    const action = this.rule({ target, body: body.toString('utf8') });
    if (action === 'stall') {
      this.injected.stall += 1;
      this.stalled.add(res);
      res.on('close', () => this.stalled.delete(res));
      return;
    }
    if (action === 'throttle' || action === 'fail' || action === 'deny') {
      this.injected[action] += 1;
      const type = { throttle: 'ThrottlingException', fail: 'InternalFailure', deny: 'AccessDeniedException' }[action];
      res.writeHead(action === 'fail' ? 500 : 400, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': 'fault-proxy',
      });
      res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `injected ${type}` }));
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    forward.end(body);
  }
}

/** A rule that applies `action` to the writes that name `tableName` and passes everything else. */
export function writesTo(tableName: string, action: FaultAction): FaultRule {
  const writes = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
  return ({ target, body }) => (writes.has(target) && body.includes(`"${tableName}"`) ? action : 'pass');
}
