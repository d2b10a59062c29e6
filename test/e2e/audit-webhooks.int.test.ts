/**
 * The audit trail, key history and webhooks end to end, over HTTP against the real server process: a mixed run of creates, wraps,
 * denied calls, rotations and deletes; the audit query reconciles with what the client sent (one
 * record per request); `audit verify` (API and CLI) passes; each single-row tampering of the SQLite
 * file made while the server is stopped is named by verify after a restart; a webhook consumer gets
 * every key-state change, signed, in order per key, also across a consumer outage and a server restart.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Webhook } from 'standardwebhooks';
import { recordHash } from '../../application/audit/audit-hash.ts';
import type { AuditRecord } from '../../application/audit/audit-log.ts';
import { assertPublicEvent, type PublicKeyEvent } from '../../events/public/key-state-event-schemas.ts';
import { keyledger } from '../support/keyledger-cli.ts';
import { startServer, type ServerProcess } from '../support/local-server.ts';
import { WebhookConsumer } from '../support/webhook-consumer.ts';

const ADMIN_KEY = 'e2e-audit-admin-api-key-0123456789abcdef';

/** Sends requests and counts them by audit operation name, as a client would reconcile. */
class Client {
  readonly sent = new Map<string, number>();
  constructor(public server: ServerProcess) {}

  count(op: string, chain = 'instance'): void {
    const key = `${chain}:${op}`;
    this.sent.set(key, (this.sent.get(key) ?? 0) + 1);
  }

  async token(apiKey = ADMIN_KEY): Promise<string> {
    this.count('identity.token', 'service');
    const res = await fetch(`${this.server.url}/identity/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: apiKey }),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  async call(
    op: string,
    method: string,
    path: string,
    opts: { token: string; instance?: string; body?: unknown; chain?: string; expect?: number },
  ): Promise<Response> {
    this.count(op, opts.chain);
    const res = await fetch(`${this.server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${opts.token}`,
        ...(opts.instance ? { 'bluemix-instance': opts.instance } : {}),
        ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
    if (opts.expect !== undefined) assert.equal(res.status, opts.expect, `${op}: ${await res.clone().text()}`);
    return res;
  }
}

const keyBody = (name: string) => ({
  metadata: { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 },
  resources: [{ type: 'application/vnd.ibm.kms.key+json', name, extractable: false }],
});

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

void describe('audit trail, key history, webhooks and metrics over HTTP', () => {
  let server: ServerProcess;
  let client: Client;
  const consumer = new WebhookConsumer();
  let instance: string;
  let admin: string;
  let secret: string;
  const keys: string[] = [];
  const env = {
    KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY,
    KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
    KEYLEDGER_MIN_ACTION_INTERVAL_S: '0',
    KEYLEDGER_WEBHOOK_RETRY_BASE_MS: '50',
    KEYLEDGER_WEBHOOK_RETRY_MAX_MS: '400',
    // The consumer outage below spans a server restart: no dead letters here (test/e2e/webhook-delivery).
    KEYLEDGER_WEBHOOK_MAX_ATTEMPTS: '100000',
  };

  before(async () => {
    await consumer.start();
    server = await startServer(env);
    client = new Client(server);
    instance = server.defaultInstanceId;
  });
  after(async () => {
    await consumer.close();
    await server.dispose();
  });

  const audit = async (chain: string): Promise<AuditRecord[]> => {
    const records: AuditRecord[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await client.call('admin.listAudit', 'GET', `/admin/v1/instances/${chain}/audit?${q}`, {
        token: admin,
        expect: 200,
      });
      const page = (await res.json()) as { records: AuditRecord[]; nextCursor: string | null };
      records.push(...page.records);
      cursor = page.nextCursor;
    } while (cursor);
    return records;
  };

  it('runs a mixed workload and subscribes a webhook first', async () => {
    admin = await client.token();
    const sub = await client.call('admin.createSubscription', 'POST', `/admin/v1/instances/${instance}/subscriptions`, {
      token: admin,
      body: { url: consumer.url },
      expect: 201,
    });
    secret = ((await sub.json()) as { id: string; secret: string }).secret;
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);

    for (const name of ['key-a', 'key-b', 'key-c']) {
      const res = await client.call('createKey', 'POST', '/api/v2/keys', {
        token: admin,
        instance,
        body: keyBody(name),
        expect: 201,
      });
      keys.push(((await res.json()) as { resources: { id: string }[] }).resources[0]?.id ?? '');
    }
    const [a, b, c] = keys as [string, string, string];
    for (const id of [a, a, b, c])
      await client.call('wrapKey', 'POST', `/api/v2/keys/${id}/actions/wrap`, {
        token: admin,
        instance,
        body: {},
        expect: 200,
      });
    await client.call('wrapKey', 'POST', `/api/v2/keys/${a}/actions/wrap`, {
      token: 'not-a-token',
      instance,
      body: {},
      expect: 401,
    });
    await client.call('getKey', 'GET', `/api/v2/keys/${b}`, { token: `${admin}x`, instance, expect: 401 });
    await client.call('wrapKey', 'POST', `/api/v2/keys/${a}/actions/wrap`, {
      token: admin,
      instance: randomUUID(),
      body: {},
      chain: 'service',
      expect: 401,
    });
    await client.call('rotateKey', 'POST', `/api/v2/keys/${a}/actions/rotate`, { token: admin, instance, expect: 204 });
    await client.call('rotateKey', 'POST', `/api/v2/keys/${b}/actions/rotate`, { token: admin, instance, expect: 204 });
    await client.call('disableKey', 'POST', `/api/v2/keys/${c}/actions/disable`, {
      token: admin,
      instance,
      expect: 204,
    });
    await client.call('wrapKey', 'POST', `/api/v2/keys/${c}/actions/wrap`, {
      token: admin,
      instance,
      body: {},
      expect: 409,
    });
    await client.call('enableKey', 'POST', `/api/v2/keys/${c}/actions/enable`, { token: admin, instance, expect: 204 });
    await client.call('deleteKey', 'DELETE', `/api/v2/keys/${c}`, { token: admin, instance, expect: 204 });
    await client.call('getKey', 'GET', `/api/v2/keys/${randomUUID()}`, { token: admin, instance, expect: 404 });
  });

  it('shows exactly one audit record per request, reconciling with what the client sent', async () => {
    const records = await audit(instance);
    const service = await audit('_service');
    const counted = new Map<string, number>();
    for (const r of records) counted.set(`instance:${r.operation}`, (counted.get(`instance:${r.operation}`) ?? 0) + 1);
    for (const r of service) counted.set(`service:${r.operation}`, (counted.get(`service:${r.operation}`) ?? 0) + 1);
    // The listing requests of this test are audited after they answer; the last page of each is not in it yet.
    const sent = new Map(client.sent);
    for (const [k, v] of sent) if (k === 'instance:admin.listAudit') sent.set(k, v - 2);
    // The first start's bootstrap created the administrator (service-wide) and the default instance:
    // no request did, so the audit reconciler recorded both from their events.
    sent.set('service:bootstrap', 1);
    sent.set('instance:bootstrap', 1);
    // The service listing started after the instance listing finished: it does include those.
    counted.delete('instance:admin.listAudit');
    sent.delete('instance:admin.listAudit');
    assert.deepEqual(Object.fromEntries([...counted].sort()), Object.fromEntries([...sent].sort()));
    // Refusals carry their outcome and reason; the bad tokens are filed under the instance they named.
    const denied = records.filter((r) => r.outcome === 'denied');
    assert.equal(denied.length, 2);
    assert.ok(
      denied.every((r) => r.reason === 'UNAUTHORIZED_ERR' && r.principalId === '' && r.instanceId === instance),
    );
    assert.equal(
      records
        .filter((r) => r.outcome === 'failed')
        .map((r) => r.reason)
        .sort()
        .join(','),
      'KEY_NOT_FOUND_ERR,KEY_ACTION_INVALID_STATE_ERR'.split(',').sort().join(','),
    );
    const wraps = records.filter((r) => r.operation === 'wrapKey' && r.outcome === 'success');
    assert.ok(wraps.every((r) => r.keyId !== '' && r.sourceIp !== '' && r.requestId !== ''));
    for (const [i, r] of records.entries()) {
      assert.equal(r.seq, i + 1);
      assert.equal(recordHash(r), r.hash);
      assert.equal(JSON.stringify(r).includes(ADMIN_KEY), false, 'no API key in a record');
      assert.equal(JSON.stringify(r).includes(admin.slice(0, 40)), false, 'no token in a record');
    }
    const filtered = await client.call(
      'admin.listAudit',
      'GET',
      `/admin/v1/instances/${instance}/audit?operation=rotateKey&outcome=success&keyId=${keys[0]}`,
      { token: admin, expect: 200 },
    );
    assert.equal(((await filtered.json()) as { records: unknown[] }).records.length, 1);
    await client.call('admin.listAudit', 'GET', `/admin/v1/instances/${instance}/audit?limit=1001`, {
      token: admin,
      expect: 400,
    });
  });

  it('verifies the chain over the API and with the CLI', async () => {
    const res = await client.call('admin.verifyAudit', 'GET', `/admin/v1/instances/${instance}/audit/verify`, {
      token: admin,
      expect: 200,
    });
    const body = (await res.json()) as { valid: boolean; records: number };
    assert.equal(body.valid, true, JSON.stringify(body));
    assert.ok(body.records > 20);
    const { stdout, code } = await keyledger(['audit', 'verify', '-o', 'json', '--instance', instance], {
      KEYLEDGER_URL: server.url,
      KEYLEDGER_API_KEY: ADMIN_KEY,
    });
    assert.equal(code, 0);
    const cli = JSON.parse(stdout) as { valid: boolean; records: number };
    assert.equal(cli.valid, true);
    assert.ok(cli.records >= body.records);
  });

  it('serves key history and the key as of a past time, without material', async () => {
    const a = keys[0] ?? '';
    const res = await client.call('admin.getKeyHistory', 'GET', `/admin/v1/instances/${instance}/keys/${a}/history`, {
      token: admin,
      expect: 200,
    });
    const { events } = (await res.json()) as {
      events: { version: number; type: string; time: string; principalId: string; data: Record<string, unknown> }[];
    };
    assert.deepEqual(
      events.map((e) => e.type),
      ['KeyCreated', 'KeyVersionRotated'],
    );
    assert.deepEqual(
      events.map((e) => e.version),
      [1, 2],
    );
    assert.equal(JSON.stringify(events).includes('material'), false);
    assert.equal(JSON.stringify(events).includes('wrapped'), false);
    const created = events[0];
    const at = await client.call(
      'admin.getKeyHistory',
      'GET',
      `/admin/v1/instances/${instance}/keys/${a}/history?at=${encodeURIComponent(created?.time ?? '')}`,
      { token: admin, expect: 200 },
    );
    const asOf = ((await at.json()) as { key: { keyVersion: { id: string }; state: number } }).key;
    assert.equal(
      asOf.keyVersion.id,
      (created?.data.version as { id: string }).id,
      'the first version, at exactly the creation time',
    );
    const now = await client.call(
      'admin.getKeyHistory',
      'GET',
      `/admin/v1/instances/${instance}/keys/${a}/history?at=${encodeURIComponent(new Date().toISOString())}`,
      { token: admin, expect: 200 },
    );
    assert.notEqual(
      ((await now.json()) as { key: { keyVersion: { id: string } } }).key.keyVersion.id,
      asOf.keyVersion.id,
    );
    await client.call(
      'admin.getKeyHistory',
      'GET',
      `/admin/v1/instances/${instance}/keys/${a}/history?at=2000-01-01T00:00:00Z`,
      { token: admin, expect: 404 },
    );
  });

  it('exposes request counts and latency in Prometheus format', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(text, /keyledger_requests_total\{operation="wrapKey",outcome="success"\} 4\n/);
    assert.match(text, /keyledger_requests_total\{operation="wrapKey",outcome="denied"\} 2\n/);
    assert.match(text, /keyledger_request_duration_seconds_count\{operation="createKey",outcome="success"\} 3\n/);
    // Every create and audit record above waited for an fsync of the SQLite log.
    const syncs = Number(/^keyledger_sqlite_log_sync_seconds_count (\d+)$/m.exec(text)?.[1]);
    assert.ok(syncs >= 1, text);
    assert.match(text, new RegExp(`^keyledger_sqlite_log_sync_seconds_bucket\\{le="\\+Inf"\\} ${syncs}$`, 'm'));
  });

  // Verified as a consumer does on receipt: the package also refuses a timestamp over 5 minutes old.
  const received = (from = 0): PublicKeyEvent[] =>
    consumer.deliveries.slice(from).map((d) => assertPublicEvent(new Webhook(secret).verify(d.body, d.headers)));

  it('delivers every key-state change, signed, valid against its schema, in order per key', async () => {
    await until('8 deliveries', () => consumer.deliveries.length >= 8);
    const events = received();
    const [a, b, c] = keys;
    const perKey = (id: string | undefined) => events.filter((e) => e.keyId === id).map((e) => e.type);
    assert.deepEqual(perKey(a), ['key.created', 'key.rotated']);
    assert.deepEqual(perKey(b), ['key.created', 'key.rotated']);
    assert.deepEqual(perKey(c), ['key.created', 'key.disabled', 'key.enabled', 'key.deleted']);
    assert.ok(events.every((e) => e.instanceId === instance));
    assert.equal(
      consumer.deliveries.some((d) => /material|wrapped|plaintext/.test(d.body)),
      false,
    );
  });

  it('retries while the consumer is down and resumes after a server restart', async () => {
    const a = keys[0] ?? '';
    const before = consumer.deliveries.length;
    consumer.failing = true;
    await client.call('rotateKey', 'POST', `/api/v2/keys/${a}/actions/rotate`, { token: admin, instance, expect: 204 });
    await client.call('disableKey', 'POST', `/api/v2/keys/${a}/actions/disable`, {
      token: admin,
      instance,
      expect: 204,
    });
    await until('retries', () => consumer.refused >= 3);
    server = await server.restart();
    client.server = server;
    admin = await client.token();
    await client.call('enableKey', 'POST', `/api/v2/keys/${a}/actions/enable`, { token: admin, instance, expect: 204 });
    consumer.failing = false;
    await until('the queued deliveries', () => consumer.deliveries.length >= before + 3);
    const events = received(before);
    assert.deepEqual(
      events.filter((e) => e.keyId === a).map((e) => e.type),
      ['key.rotated', 'key.disabled', 'key.enabled'],
    );
  });

  it('names the first bad record after a row is edited, deleted, swapped or inserted in the SQLite file', async () => {
    await server.stop();
    const file = join(server.dataDir, 'keyledger.db');
    assert.equal(existsSync(`${file}-wal`), false, 'a clean stop leaves no write-ahead log behind');
    const backup = `${file}.backup`;
    copyFileSync(file, backup);
    const rows = (): { seq: number; hash: string }[] => {
      const db = new Database(file, { readonly: true });
      try {
        return db
          .prepare<[string], { seq: number; hash: string }>(
            'SELECT seq, hash FROM audit_records WHERE chain = ? ORDER BY seq',
          )
          .all(instance);
      } finally {
        db.close();
      }
    };
    const last = rows().at(-1)?.seq ?? 0;
    assert.ok(last > 10);
    const cases: [string, (db: Database.Database) => void, number][] = [
      [
        'edited',
        (db) =>
          db
            .prepare("UPDATE audit_records SET principal_id = 'someone-else' WHERE chain = ? AND seq = 5")
            .run(instance),
        5,
      ],
      ['deleted', (db) => db.prepare('DELETE FROM audit_records WHERE chain = ? AND seq = 5').run(instance), 5],
      [
        'swapped',
        (db) =>
          db.transaction(() => {
            db.prepare('UPDATE audit_records SET seq = -1 WHERE chain = ? AND seq = 5').run(instance);
            db.prepare('UPDATE audit_records SET seq = 5 WHERE chain = ? AND seq = 6').run(instance);
            db.prepare('UPDATE audit_records SET seq = 6 WHERE chain = ? AND seq = -1').run(instance);
          })(),
        5,
      ],
      [
        'inserted',
        (db) => {
          const tail = db
            .prepare<[string, number], Record<string, string | number>>(
              'SELECT * FROM audit_records WHERE chain = ? AND seq = ?',
            )
            .get(instance, last);
          const forged = {
            seq: last + 1,
            time: new Date().toISOString(),
            instanceId: instance,
            principalId: 'forger',
            operation: 'getKey',
            keyId: '',
            keyVersionId: '',
            outcome: 'success' as const,
            reason: '',
            requestId: 'forged',
            correlationId: '',
            sourceIp: '10.0.0.1',
            prevHash: String(tail?.hash),
          };
          db.prepare(
            `INSERT INTO audit_records (chain, seq, time, instance_id, principal_id, operation, key_id, key_version_id, outcome, reason, request_id, correlation_id,
          source_ip, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            instance,
            forged.seq,
            forged.time,
            instance,
            forged.principalId,
            forged.operation,
            '',
            '',
            'success',
            '',
            forged.requestId,
            '',
            forged.sourceIp,
            forged.prevHash,
            recordHash(forged),
          );
        },
        last + 1,
      ],
    ];
    for (const [what, tamper, firstBadSeq] of cases) {
      copyFileSync(backup, file);
      rmSync(`${file}-wal`, { force: true });
      rmSync(`${file}-shm`, { force: true });
      const db = new Database(file);
      tamper(db);
      db.close();
      server = await startServer(env, server.dataDir);
      client.server = server;
      admin = await client.token();
      const res = await client.call('admin.verifyAudit', 'GET', `/admin/v1/instances/${instance}/audit/verify`, {
        token: admin,
        expect: 200,
      });
      const verdict = (await res.json()) as { valid: boolean; firstBadSeq?: number; reason?: string };
      assert.equal(verdict.valid, false, `${what}: ${JSON.stringify(verdict)}`);
      assert.equal(verdict.firstBadSeq, firstBadSeq, `${what}: ${JSON.stringify(verdict)}`);
      const cli = await keyledger(['audit', 'verify', '-o', 'json', '--instance', instance], {
        KEYLEDGER_URL: server.url,
        KEYLEDGER_API_KEY: ADMIN_KEY,
      });
      assert.equal(cli.code, 4, 'exit code 4: a check failed');
      assert.equal((JSON.parse(cli.stdout) as { firstBadSeq: number }).firstBadSeq, firstBadSeq);
      await server.stop();
    }
  });
});
