/**
 * The local server's webhook state, in SQLite: the subscriptions as the change feed announced them,
 * one outbox queue per subscription (the deliveries still owed, oldest first), and the change-feed
 * position the fan-out reached. The fan-out writes queue rows and its position in one transaction,
 * so after a crash or restart every event is queued exactly once and delivery resumes where it was.
 */
import { openDerivedSqliteConnection, type SqliteSource } from '../../events/store/sqlite/open-database.ts';

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

export interface WebhookSubscription {
  readonly id: string;
  readonly instanceId: string;
  readonly url: string;
  /** Empty: every type. */
  readonly events: readonly string[];
  /** The wrapped secret, as the event stored it. */
  readonly secret: { readonly masterKeyId: string; readonly wrapped: string };
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
  readonly deleted: string[];
  readonly deliveries: { readonly subscriptionId: string; readonly body: string }[];
  readonly checkpoint: string;
}

const FEED = 'webhooks';

export class WebhookOutbox {
  private readonly release: () => void;
  private readonly db;

  constructor(source: SqliteSource) {
    const connection = openDerivedSqliteConnection(source);
    this.db = connection.db;
    this.release = () => connection.release();
    this.db.exec(WEBHOOK_DDL);
  }

  checkpoint(): string | null {
    return (
      this.db.prepare<[string], { checkpoint: string }>('SELECT checkpoint FROM webhook_feed WHERE name = ?').get(FEED)
        ?.checkpoint ?? null
    );
  }

  activeSubscriptions(): WebhookSubscription[] {
    return this.db
      .prepare<[], { id: string; instance_id: string; url: string; events: string; secret: string }>(
        'SELECT id, instance_id, url, events, secret FROM webhook_subscriptions WHERE active = 1',
      )
      .all()
      .map((r) => ({
        id: r.id,
        instanceId: r.instance_id,
        url: r.url,
        events: JSON.parse(r.events) as string[],
        secret: JSON.parse(r.secret) as WebhookSubscription['secret'],
      }));
  }

  isActive(subscriptionId: string): boolean {
    return (
      this.db
        .prepare<[string], { active: number }>('SELECT active FROM webhook_subscriptions WHERE id = ?')
        .get(subscriptionId)?.active === 1
    );
  }

  apply(batch: FanOutBatch): void {
    const insertSub = this.db
      .prepare(`INSERT INTO webhook_subscriptions (id, instance_id, url, events, secret, active) VALUES (?, ?, ?, ?, ?, 1)
      ON CONFLICT (id) DO NOTHING`);
    const deactivate = this.db.prepare('UPDATE webhook_subscriptions SET active = 0 WHERE id = ?');
    const dropQueue = this.db.prepare('DELETE FROM webhook_outbox WHERE subscription_id = ?');
    const enqueue = this.db.prepare('INSERT INTO webhook_outbox (subscription_id, body) VALUES (?, ?)');
    const setCheckpoint = this.db.prepare(`INSERT INTO webhook_feed (name, checkpoint) VALUES (?, ?)
      ON CONFLICT (name) DO UPDATE SET checkpoint = excluded.checkpoint`);
    this.db
      .transaction(() => {
        for (const s of batch.created)
          insertSub.run(s.id, s.instanceId, s.url, JSON.stringify(s.events), JSON.stringify(s.secret));
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
    const row = this.db
      .prepare<[string], { id: number; body: string; attempts: number; next_attempt_ms: number }>(
        'SELECT id, body, attempts, next_attempt_ms FROM webhook_outbox WHERE subscription_id = ? ORDER BY id LIMIT 1',
      )
      .get(subscriptionId);
    return row ? { id: row.id, body: row.body, attempts: row.attempts, nextAttemptMs: row.next_attempt_ms } : null;
  }

  delivered(rowId: number): void {
    this.db.prepare('DELETE FROM webhook_outbox WHERE id = ?').run(rowId);
  }

  failed(rowId: number, attempts: number, nextAttemptMs: number): void {
    this.db
      .prepare('UPDATE webhook_outbox SET attempts = ?, next_attempt_ms = ? WHERE id = ?')
      .run(attempts, nextAttemptMs, rowId);
  }

  close(): void {
    this.release();
  }
}
