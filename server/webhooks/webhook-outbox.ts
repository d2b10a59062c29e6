/**
 * The local server's webhook state, in SQLite: the subscriptions as the change feed announced them (with
 * their wrapped signing secrets: the current one, and after a rotation the previous one until its overlap
 * ends), one outbox queue per subscription (the deliveries still owed, oldest first, and the dead letters:
 * deliveries given up after their last attempt, kept until redelivered or the subscription is deleted), and
 * the change-feed position the fan-out reached. The fan-out writes queue rows and its position in one transaction,
 * so after a crash or restart every event is queued exactly once and delivery resumes where it was.
 */
import type { DeadLetter, WebhookDeliveries } from '../../application/ports/webhook-deliveries.ts';
import {
  openDerivedSqliteConnection,
  promised,
  statementCache,
  type SqliteSource,
} from '../../events/store/sqlite/open-database.ts';

const WEBHOOK_DDL = `
CREATE TABLE IF NOT EXISTS webhook_subscriptions (
  id          TEXT    PRIMARY KEY,
  instance_id TEXT    NOT NULL,
  url         TEXT    NOT NULL,
  events      TEXT    NOT NULL,
  secret      TEXT    NOT NULL,
  active      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS webhook_outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  subscription_id TEXT    NOT NULL,
  body            TEXT    NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS webhook_outbox_by_subscription ON webhook_outbox (subscription_id, id);
CREATE TABLE IF NOT EXISTS webhook_feed (
  name       TEXT PRIMARY KEY,
  checkpoint TEXT NOT NULL
) WITHOUT ROWID;
`;

type WrappedSecret = { readonly masterKeyId: string; readonly wrapped: string };

export interface WebhookSubscription {
  readonly id: string;
  readonly instanceId: string;
  readonly url: string;
  /** Empty: every type. */
  readonly events: readonly string[];
  /** The wrapped secret, as the event stored it. */
  readonly secret: WrappedSecret;
  /** After a rotation: the replaced secret, which signs too until `untilMs`. */
  readonly previous?: { readonly secret: WrappedSecret; readonly untilMs: number } | undefined;
}

interface OutboxRow {
  readonly id: number;
  readonly body: string;
  readonly attempts: number;
  readonly nextAttemptMs: number;
}

/** What one fan-out pass changes, applied atomically with the new feed position. */
export interface FanOutBatch {
  readonly created: WebhookSubscription[];
  readonly rotated: {
    readonly subscriptionId: string;
    readonly secret: WrappedSecret;
    readonly previousUntilMs: number;
  }[];
  readonly deleted: string[];
  readonly deliveries: { readonly subscriptionId: string; readonly body: string }[];
  readonly checkpoint: string;
}

interface SubscriptionRow {
  id: string;
  instance_id: string;
  url: string;
  events: string;
  secret: string;
  previous_secret: string | null;
  previous_until_ms: number | null;
}

function subscriptionOf(r: SubscriptionRow): WebhookSubscription {
  return {
    id: r.id,
    instanceId: r.instance_id,
    url: r.url,
    events: JSON.parse(r.events) as string[],
    secret: JSON.parse(r.secret) as WrappedSecret,
    previous:
      r.previous_secret === null || r.previous_until_ms === null
        ? undefined
        : { secret: JSON.parse(r.previous_secret) as WrappedSecret, untilMs: r.previous_until_ms },
  };
}

/** Columns added since the table was first made (an outbox of an earlier version gets them at open). */
const ADDED_COLUMNS: readonly (readonly [table: string, column: string, type: string])[] = [
  ['webhook_subscriptions', 'previous_secret', 'TEXT'],
  ['webhook_subscriptions', 'previous_until_ms', 'INTEGER'],
  // Set once the row is a dead letter; the sender skips it.
  ['webhook_outbox', 'dead_at_ms', 'INTEGER'],
  ['webhook_outbox', 'last_error', 'TEXT'],
];

const FEED = 'webhooks';

export class WebhookOutbox {
  private readonly release: () => void;
  private readonly db;
  private readonly prepare;

  constructor(source: SqliteSource) {
    const connection = openDerivedSqliteConnection(source);
    this.db = connection.db;
    // Prepared once: a fan-out pass runs after every append.
    this.prepare = statementCache(connection.db);
    this.release = () => connection.release();
    this.db.exec(WEBHOOK_DDL);
    for (const [table, column, type] of ADDED_COLUMNS) {
      const columns = this.prepare<[], { name: string }>(`PRAGMA table_info(${table})`).all();
      if (!columns.some((c) => c.name === column)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    }
  }

  checkpoint(): string | null {
    return (
      this.prepare<[string], { checkpoint: string }>('SELECT checkpoint FROM webhook_feed WHERE name = ?').get(FEED)
        ?.checkpoint ?? null
    );
  }

  activeSubscriptions(): WebhookSubscription[] {
    return this.prepare<[], SubscriptionRow>(
      'SELECT id, instance_id, url, events, secret, previous_secret, previous_until_ms FROM webhook_subscriptions WHERE active = 1',
    )
      .all()
      .map(subscriptionOf);
  }

  /** The subscription as it stands (its secrets change with rotations), or undefined once it is deleted. */
  subscription(subscriptionId: string): WebhookSubscription | undefined {
    const row = this.prepare<[string], SubscriptionRow>(
      'SELECT id, instance_id, url, events, secret, previous_secret, previous_until_ms FROM webhook_subscriptions WHERE id = ? AND active = 1',
    ).get(subscriptionId);
    return row === undefined ? undefined : subscriptionOf(row);
  }

  apply(batch: FanOutBatch): void {
    const insertSub = this
      .prepare(`INSERT INTO webhook_subscriptions (id, instance_id, url, events, secret, active) VALUES (?, ?, ?, ?, ?, 1)
      ON CONFLICT (id) DO NOTHING`);
    const rotate = this.prepare(
      'UPDATE webhook_subscriptions SET previous_secret = secret, previous_until_ms = ?, secret = ? WHERE id = ?',
    );
    const deactivate = this.prepare('UPDATE webhook_subscriptions SET active = 0 WHERE id = ?');
    const dropQueue = this.prepare('DELETE FROM webhook_outbox WHERE subscription_id = ?');
    const enqueue = this.prepare('INSERT INTO webhook_outbox (subscription_id, body) VALUES (?, ?)');
    const setCheckpoint = this.prepare(`INSERT INTO webhook_feed (name, checkpoint) VALUES (?, ?)
      ON CONFLICT (name) DO UPDATE SET checkpoint = excluded.checkpoint`);
    this.db
      .transaction(() => {
        for (const s of batch.created)
          insertSub.run(s.id, s.instanceId, s.url, JSON.stringify(s.events), JSON.stringify(s.secret));
        for (const r of batch.rotated) rotate.run(r.previousUntilMs, JSON.stringify(r.secret), r.subscriptionId);
        for (const d of batch.deliveries) enqueue.run(d.subscriptionId, d.body);
        for (const id of batch.deleted) {
          deactivate.run(id);
          dropQueue.run(id);
        }
        setCheckpoint.run(FEED, batch.checkpoint);
      })
      .immediate();
  }

  /** The oldest delivery still owed to the subscription. */
  next(subscriptionId: string): OutboxRow | null {
    const row = this.prepare<[string], { id: number; body: string; attempts: number; next_attempt_ms: number }>(
      `SELECT id, body, attempts, next_attempt_ms FROM webhook_outbox
         WHERE subscription_id = ? AND dead_at_ms IS NULL ORDER BY id LIMIT 1`,
    ).get(subscriptionId);
    return row ? { id: row.id, body: row.body, attempts: row.attempts, nextAttemptMs: row.next_attempt_ms } : null;
  }

  delivered(rowId: number): void {
    this.prepare('DELETE FROM webhook_outbox WHERE id = ?').run(rowId);
  }

  failed(rowId: number, attempts: number, nextAttemptMs: number): void {
    this.prepare('UPDATE webhook_outbox SET attempts = ?, next_attempt_ms = ? WHERE id = ?').run(
      attempts,
      nextAttemptMs,
      rowId,
    );
  }

  /** Gives the delivery up: it stays as a dead letter until redelivered. */
  deadLettered(rowId: number, attempts: number, lastError: string, nowMs: number): void {
    this.prepare('UPDATE webhook_outbox SET attempts = ?, last_error = ?, dead_at_ms = ? WHERE id = ?').run(
      attempts,
      lastError,
      nowMs,
      rowId,
    );
  }

  deadLetters(subscriptionId: string): DeadLetter[] {
    return this.prepare<
      [string],
      { id: number; body: string; attempts: number; last_error: string | null; dead_at_ms: number }
    >(
      `SELECT id, body, attempts, last_error, dead_at_ms FROM webhook_outbox
         WHERE subscription_id = ? AND dead_at_ms IS NOT NULL ORDER BY id`,
    )
      .all(subscriptionId)
      .map((r) => ({
        id: String(r.id),
        body: r.body,
        attempts: r.attempts,
        lastError: r.last_error ?? '',
        deadLetteredAt: new Date(r.dead_at_ms).toISOString(),
      }));
  }

  /** Moves a dead letter to the end of its subscription's queue with fresh attempts; false when there is none. */
  redeliver(subscriptionId: string, deadLetterId: string): boolean {
    if (!/^[1-9][0-9]{0,15}$/.test(deadLetterId)) return false;
    return this.db
      .transaction(() => {
        const row = this.prepare<[number, string], { body: string }>(
          'SELECT body FROM webhook_outbox WHERE id = ? AND subscription_id = ? AND dead_at_ms IS NOT NULL',
        ).get(Number(deadLetterId), subscriptionId);
        if (!row) return false;
        this.prepare('DELETE FROM webhook_outbox WHERE id = ?').run(Number(deadLetterId));
        this.prepare('INSERT INTO webhook_outbox (subscription_id, body) VALUES (?, ?)').run(subscriptionId, row.body);
        return true;
      })
      .immediate();
  }

  /** The administration API's view (application/ports/webhook-deliveries.ts). */
  deliveries(): WebhookDeliveries {
    return {
      deadLetters: (subscriptionId) => promised(() => this.deadLetters(subscriptionId)),
      redeliver: (subscriptionId, deadLetterId) => promised(() => this.redeliver(subscriptionId, deadLetterId)),
    };
  }

  close(): void {
    this.release();
  }
}
