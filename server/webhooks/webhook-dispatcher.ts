/**
 * Webhook delivery on the local server (README "Webhooks and EventBridge"):
 * - fan-out: follows the change feed from its own position; each SubscriptionCreated/Deleted updates
 *   the subscription set, and each key-state event of an instance is queued (events/public) for every
 *   active subscription of that instance that wants its type. A subscription therefore receives
 *   exactly the events committed after its own creation.
 * - one sender per subscription: POSTs its queue strictly in order (so in order per key), one request
 *   at a time, signed `x-keyledger-signature: sha256=<hex HMAC-SHA256 of the raw body>`; a 2xx removes
 *   the row, anything else (or no answer within the timeout) retries the same row after
 *   base * 2^(attempts-1), capped at `retryMaxMs`, for as long as the subscription exists. At least once:
 *   a crash between a consumer's 2xx and the row's removal redelivers it (same `id`).
 */
import { createHmac } from 'node:crypto';
import type { Hsm } from '../../application/ports/hsm.ts';
import { logger } from '../../functions/shared/logger.ts';
import { publicEventOf } from '../../events/public/key-state-events.ts';
import { subscriptionCodec } from '../../events/schemas/subscriptions.ts';
import type { EventStore } from '../../application/ports/event-store.ts';
import type { FanOutBatch, WebhookOutbox, WebhookSubscription } from './webhook-outbox.ts';

interface WebhookOptions {
  /** First retry delay; default 500 ms (KEYLEDGER_WEBHOOK_RETRY_BASE_MS). */
  readonly retryBaseMs: number;
  /** Largest retry delay; default 60 s (KEYLEDGER_WEBHOOK_RETRY_MAX_MS). */
  readonly retryMaxMs: number;
  /** Per-attempt timeout; default 10 s. */
  readonly timeoutMs: number;
}

export function webhookOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookOptions {
  const num = (name: string, fallback: number): number => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of milliseconds`);
    return value;
  };
  return {
    retryBaseMs: num('KEYLEDGER_WEBHOOK_RETRY_BASE_MS', 500),
    retryMaxMs: num('KEYLEDGER_WEBHOOK_RETRY_MAX_MS', 60_000),
    timeoutMs: 10_000,
  };
}

export function retryDelayMs(attempts: number, options: Pick<WebhookOptions, 'retryBaseMs' | 'retryMaxMs'>): number {
  return Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** Math.min(attempts - 1, 30));
}

export function webhookSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const PAGE = 500;

class Sender {
  private wakeUp: (() => void) | undefined;
  private secret: string | undefined;
  readonly done: Promise<void>;

  constructor(
    private readonly sub: WebhookSubscription,
    private readonly d: WebhookDispatcher,
  ) {
    this.done = this.run().catch((error: unknown) => {
      logger.error('webhook sender stopped', {
        subscriptionId: sub.id,
        errorName: error instanceof Error ? error.name : typeof error,
      });
    });
  }

  wake(): void {
    this.wakeUp?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async run(): Promise<void> {
    while (!this.d.stopped && this.d.outbox.isActive(this.sub.id)) {
      const row = this.d.outbox.next(this.sub.id);
      if (!row) {
        await this.sleep(1000);
        continue;
      }
      const wait = row.nextAttemptMs - Date.now();
      if (wait > 0) {
        await this.sleep(wait);
        continue;
      }
      this.secret ??= Buffer.from(
        await this.d.hsm.exportSecret({
          masterKeyId: this.sub.secret.masterKeyId,
          wrapped: Buffer.from(this.sub.secret.wrapped, 'base64'),
        }),
      ).toString('utf8');
      if (await this.post(row.body, this.secret)) {
        this.d.outbox.delivered(row.id);
      } else {
        const attempts = row.attempts + 1;
        this.d.outbox.failed(row.id, attempts, Date.now() + retryDelayMs(attempts, this.d.options));
      }
    }
  }

  private async post(body: string, secret: string): Promise<boolean> {
    try {
      const res = await fetch(this.sub.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-keyledger-signature': webhookSignature(secret, body),
          'user-agent': 'keyledger-webhooks/1',
        },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.d.options.timeoutMs), this.d.abort.signal]),
        redirect: 'manual',
      });
      await res.body?.cancel();
      return res.status >= 200 && res.status < 300;
    } catch {
      return false;
    }
  }
}

export class WebhookDispatcher {
  stopped = false;
  readonly abort = new AbortController();
  private readonly senders = new Map<string, Sender>();
  private running: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    readonly outbox: WebhookOutbox,
    readonly hsm: Pick<Hsm, 'exportSecret'>,
    readonly options: WebhookOptions,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(pollMs = 1000): void {
    for (const sub of this.outbox.activeSubscriptions()) this.senderFor(sub);
    this.unsubscribe = this.store.onAppended?.(() => void this.fanOut().catch(this.onError));
    this.timer = setInterval(() => void this.fanOut().catch(this.onError), pollMs);
    this.timer.unref();
    void this.fanOut().catch(this.onError);
  }

  /** One fan-out pass after any pass in progress. */
  fanOut(): Promise<void> {
    const next = this.running.catch(() => undefined).then(() => this.pass());
    this.running = next;
    return next;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    this.abort.abort();
    for (const sender of this.senders.values()) sender.wake();
    await this.running.catch(() => undefined);
    await Promise.all([...this.senders.values()].map((s) => s.done));
    this.outbox.close();
  }

  private senderFor(sub: WebhookSubscription): void {
    if (this.stopped || this.senders.has(sub.id)) return;
    const sender = new Sender(sub, this);
    this.senders.set(sub.id, sender);
    void sender.done.finally(() => {
      if (this.senders.get(sub.id) === sender) this.senders.delete(sub.id);
    });
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    let checkpoint = this.outbox.checkpoint();
    const active = new Map(this.outbox.activeSubscriptions().map((s) => [s.id, s]));
    for (;;) {
      const changes = await this.store.readChanges(checkpoint, PAGE);
      if (changes.events.length === 0 || changes.checkpoint === null) break;
      const batch: FanOutBatch = { created: [], deleted: [], deliveries: [], checkpoint: changes.checkpoint };
      for (const stored of changes.events) {
        if (stored.type === 'SubscriptionCreated' || stored.type === 'SubscriptionDeleted') {
          const event = subscriptionCodec.decode(stored);
          const id = stored.streamId.replace(/^subscription:/, '');
          if (event.type === 'SubscriptionCreated') {
            const sub = {
              id,
              instanceId: event.data.instanceId,
              url: event.data.url,
              events: event.data.events,
              secret: event.data.secret,
            };
            batch.created.push(sub);
            active.set(id, sub);
          } else {
            batch.deleted.push(id);
            active.delete(id);
          }
          continue;
        }
        const published = publicEventOf(stored);
        if (!published) continue;
        const body = JSON.stringify(published);
        for (const sub of active.values()) {
          if (sub.instanceId !== published.instanceId) continue;
          if (sub.events.length > 0 && !sub.events.includes(published.type)) continue;
          batch.deliveries.push({ subscriptionId: sub.id, body });
        }
      }
      this.outbox.apply(batch);
      checkpoint = changes.checkpoint;
    }
    for (const sub of active.values()) this.senderFor(sub);
    for (const sender of this.senders.values()) sender.wake();
  }
}
