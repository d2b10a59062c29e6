/**
 * Webhook delivery on the local server (README "Webhooks and EventBridge"):
 * - fan-out: follows the change feed from its own position; each SubscriptionCreated / SecretRotated /
 *   Deleted updates the subscription set, and each key-state event of an instance is queued
 *   (events/public) for every active subscription of that instance that wants its type. A subscription
 *   therefore receives exactly the events committed after its own creation.
 * - one sender per subscription: POSTs its queue strictly in order (so in order per key), one request at
 *   a time, signed the Standard Webhooks way (`webhook-id` = the event's id, `webhook-timestamp`,
 *   `webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one signature per secret in
 *   force: two during a rotation's overlap). A 2xx removes the row; anything else (or no answer within
 *   the timeout) retries the same row after an exponential delay with jitter, up to `maxAttempts`
 *   attempts; then the row becomes a dead letter (listed and redelivered through the administration
 *   API), and while the endpoint keeps failing each following row gets one attempt before it is
 *   dead-lettered too, so a dead endpoint's queue drains instead of growing. A 2xx ends that. At least
 *   once: a crash between a consumer's 2xx and the row's removal redelivers it (same `webhook-id`).
 */
import { Webhook } from 'standardwebhooks';
import type { Hsm } from '../../application/ports/hsm.ts';
import { APPEND_WAKE_DELAY_MS, PassQueue } from '../../events/pass-queue.ts';
import { logger } from '../../functions/shared/logger.ts';
import { publicEventOf } from '../../events/public/key-state-events.ts';
import { subscriptionCodec, subscriptionEventSchemas } from '../../events/schemas/subscriptions.ts';
import type { EventStore } from '../../application/ports/event-store.ts';
import type { FanOutBatch, WebhookOutbox, WebhookSubscription } from './webhook-outbox.ts';

interface WebhookOptions {
  /** First retry delay; default 500 ms (KEYLEDGER_WEBHOOK_RETRY_BASE_MS). */
  readonly retryBaseMs: number;
  /** Largest retry delay; default 1 h (KEYLEDGER_WEBHOOK_RETRY_MAX_MS). */
  readonly retryMaxMs: number;
  /** Attempts of one delivery before it is dead-lettered; default 20 (KEYLEDGER_WEBHOOK_MAX_ATTEMPTS). */
  readonly maxAttempts: number;
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
    retryMaxMs: num('KEYLEDGER_WEBHOOK_RETRY_MAX_MS', 3_600_000),
    maxAttempts: Math.ceil(num('KEYLEDGER_WEBHOOK_MAX_ATTEMPTS', 20)),
    timeoutMs: 10_000,
  };
}

/**
 * The delay after the `attempts`-th failed attempt: base * 2^(attempts-1), capped at `retryMaxMs`, of which
 * a random half is taken off ("equal jitter": never sooner than half the delay, so endpoints that failed
 * together are not retried together). `random` is in [0, 1).
 */
export function retryDelayMs(
  attempts: number,
  options: Pick<WebhookOptions, 'retryBaseMs' | 'retryMaxMs'>,
  random: number = Math.random(),
): number {
  const delay = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** Math.min(attempts - 1, 30));
  return delay / 2 + (delay / 2) * random;
}

/**
 * The Standard Webhooks headers of one attempt: one `v1,` signature per secret in force (space-separated,
 * as the scheme allows), so a consumer verifying with either secret accepts it during a rotation.
 */
export function webhookHeaders(
  secrets: readonly string[],
  messageId: string,
  body: string,
  now: Date,
): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(messageId, now, body)).join(' '),
  };
}

/** What a failed attempt got, for the dead letter: a status or a network error's code, never a body. */
function failureOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.name : 'Error';
}

const PAGE = 500;

class Sender {
  private wakeUp: (() => void) | undefined;
  /** Unwrapped secrets by their wrapped form (a rotation brings a new one). */
  private readonly secrets = new Map<string, string>();
  /** Set once a delivery is dead-lettered, cleared by the next 2xx: until then one attempt per row. */
  private failing = false;
  readonly done: Promise<void>;

  constructor(
    private readonly subscriptionId: string,
    private readonly d: WebhookDispatcher,
  ) {
    this.done = this.run().catch((error: unknown) => {
      logger.error('webhook sender stopped', {
        subscriptionId,
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
    while (!this.d.stopped) {
      const sub = this.d.outbox.subscription(this.subscriptionId);
      if (!sub) return;
      const row = this.d.outbox.next(sub.id);
      if (!row) {
        await this.sleep(1000);
        continue;
      }
      const wait = row.nextAttemptMs - Date.now();
      if (wait > 0) {
        await this.sleep(wait);
        continue;
      }
      const failure = await this.post(sub, row.body);
      if (failure === null) {
        this.failing = false;
        this.d.outbox.delivered(row.id);
        continue;
      }
      const attempts = row.attempts + 1;
      if (this.failing || attempts >= this.d.options.maxAttempts) {
        this.failing = true;
        this.d.outbox.deadLettered(row.id, attempts, failure, Date.now());
      } else {
        this.d.outbox.failed(row.id, attempts, Date.now() + retryDelayMs(attempts, this.d.options));
      }
    }
  }

  /** The secrets that sign now: the current one, and the replaced one until its overlap ends. */
  private async secretsInForce(sub: WebhookSubscription, nowMs: number): Promise<string[]> {
    const wrapped = [sub.secret, ...(sub.previous && sub.previous.untilMs > nowMs ? [sub.previous.secret] : [])];
    const secrets: string[] = [];
    for (const w of wrapped) {
      let secret = this.secrets.get(w.wrapped);
      if (secret === undefined) {
        secret = Buffer.from(
          await this.d.hsm.exportSecret({ masterKeyId: w.masterKeyId, wrapped: Buffer.from(w.wrapped, 'base64') }),
        ).toString('utf8');
        this.secrets.set(w.wrapped, secret);
      }
      secrets.push(secret);
    }
    return secrets;
  }

  /** One attempt: null when the endpoint answered 2xx, else what it got. */
  private async post(sub: WebhookSubscription, body: string): Promise<string | null> {
    const now = new Date();
    const { id } = JSON.parse(body) as { id: string };
    try {
      const res = await fetch(sub.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'keyledger-webhooks/1',
          ...webhookHeaders(await this.secretsInForce(sub, now.getTime()), id, body, now),
        },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(this.d.options.timeoutMs), this.d.abort.signal]),
        redirect: 'manual',
      });
      await res.body?.cancel();
      return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
    } catch (error) {
      return failureOf(error);
    }
  }
}

export class WebhookDispatcher {
  stopped = false;
  readonly abort = new AbortController();
  private readonly senders = new Map<string, Sender>();
  private readonly passes = new PassQueue(
    () => this.pass(),
    (error) => this.onError(error),
  );
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
    for (const sub of this.outbox.activeSubscriptions()) this.senderFor(sub.id);
    this.unsubscribe = this.store.onAppended?.(() => this.passes.soon(APPEND_WAKE_DELAY_MS));
    this.timer = setInterval(() => void this.fanOut().catch(this.onError), pollMs);
    this.timer.unref();
    void this.fanOut().catch(this.onError);
  }

  /** A fan-out pass that starts after this call (shared with the requests made before it starts). */
  fanOut(): Promise<void> {
    return this.passes.request();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    this.abort.abort();
    for (const sender of this.senders.values()) sender.wake();
    await this.passes.stop();
    await Promise.all([...this.senders.values()].map((s) => s.done));
    this.outbox.close();
  }

  private senderFor(subscriptionId: string): void {
    if (this.stopped || this.senders.has(subscriptionId)) return;
    const sender = new Sender(subscriptionId, this);
    this.senders.set(subscriptionId, sender);
    void sender.done.finally(() => {
      if (this.senders.get(subscriptionId) === sender) this.senders.delete(subscriptionId);
    });
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    let checkpoint = this.outbox.checkpoint();
    const active = new Map(this.outbox.activeSubscriptions().map((s) => [s.id, s]));
    for (;;) {
      const changes = await this.store.readChanges(checkpoint, PAGE);
      if (changes.events.length === 0 || changes.checkpoint === null) break;
      const batch: FanOutBatch = {
        created: [],
        rotated: [],
        deleted: [],
        deliveries: [],
        checkpoint: changes.checkpoint,
      };
      for (const stored of changes.events) {
        if (Object.hasOwn(subscriptionEventSchemas, stored.type)) {
          const event = subscriptionCodec.decode(stored);
          const id = stored.streamId.replace(/^subscription:/, '');
          if (event.type === 'SubscriptionSecretRotated') {
            batch.rotated.push({
              subscriptionId: id,
              secret: event.data.secret,
              previousUntilMs: Date.parse(event.data.previousValidUntil),
            });
          } else if (event.type === 'SubscriptionCreated') {
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
    for (const sub of active.values()) this.senderFor(sub.id);
    for (const sender of this.senders.values()) sender.wake();
  }
}
