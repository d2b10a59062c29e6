import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One delivery as the consumer received it: the body and its Standard Webhooks headers. */
export interface Delivery {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** A webhook consumer on 127.0.0.1 that answers 204, or 503 while `failing`. */
export class WebhookConsumer {
  readonly deliveries: Delivery[] = [];
  failing = false;
  refused = 0;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.failing) {
          this.refused += 1;
          res.writeHead(503).end();
          return;
        }
        this.deliveries.push({ body: Buffer.concat(chunks).toString('utf8'), headers: webhookHeaders(req.headers) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/hook`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }
}

function webhookHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    const value = headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}
