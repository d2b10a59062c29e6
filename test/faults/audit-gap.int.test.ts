/**
 * The audit gap: a state change that commits while its audit record does not. The audit store is made
 * to refuse writes for real, under the running server: on SQLite a trigger on `audit_records` added
 * to the live database file by another connection; on DynamoDB a proxy in front of DynamoDB Local
 * that answers AccessDeniedException to every write of the audit table, as a missing IAM permission
 * would. The event store keeps working, so the change commits and the request answers
 * 500 AUDIT_UNAVAILABLE_ERR with no payload (fail closed). Then:
 * - the audit store comes back and, without a restart, the reconciler writes the missing record;
 * - or the server is killed (SIGKILL) before it can, and the restarted server writes it before it serves.
 * Every chain verifies afterwards, and the cross-check of events against the trail (API and CLI) finds
 * nothing missing.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { AuditRecord } from '../../application/audit/audit-log.ts';
import { DynamoDbFaultProxy, writesTo } from '../support/dynamodb-fault-proxy.ts';
import { keyledger } from '../support/keyledger-cli.ts';
import { correlation, KeyProtectClient, reasonCode, type Answer } from '../support/key-protect-client.ts';
import { startServer, storeEnv, STORE_MODES, type ServerProcess } from '../support/local-server.ts';

const ADMIN_KEY = 'faults-audit-gap-admin-key-0123456789abcdef';
const SETTINGS = {
  KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY,
  KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
  KEYLEDGER_AUDIT_RECONCILE_INTERVAL_S: '1',
  KEYLEDGER_SCHEDULER_INTERVAL_S: '0',
};

/** Makes the audit store refuse writes and lets it write again, leaving the event store alone. */
interface AuditFault {
  refuse(): Promise<void>;
  restore(): Promise<void>;
}

function sqliteAuditFault(dataDir: string): AuditFault {
  const run = (sql: string): Promise<void> => {
    const db = new Database(join(dataDir, 'keyledger.db'));
    try {
      db.pragma('busy_timeout = 5000');
      db.exec(sql);
    } finally {
      db.close();
    }
    return Promise.resolve();
  };
  return {
    refuse: () =>
      run(`CREATE TRIGGER injected_audit_fault BEFORE INSERT ON audit_records
           BEGIN SELECT RAISE(ABORT, 'injected: the audit store refuses writes'); END`),
    restore: () => run('DROP TRIGGER IF EXISTS injected_audit_fault'),
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function assertFailedClosed(answer: Answer): void {
  assert.equal(answer.status, 500, answer.text);
  assert.equal(reasonCode(answer), 'AUDIT_UNAVAILABLE_ERR', answer.text);
  assert.doesNotMatch(answer.text, /"(plaintext|ciphertext|payload|id)"/, 'no payload or key id leaves');
}

for (const mode of STORE_MODES) {
  void describe(`audit gap (${mode}): events committed while the audit store refuses writes`, () => {
    let server: ServerProcess;
    let proxy: DynamoDbFaultProxy | undefined;
    let fault: AuditFault;
    let client: KeyProtectClient;
    let keyId = '';
    let env: Record<string, string>;

    before(async () => {
      env = { ...storeEnv(mode), ...SETTINGS };
      if (mode === 'dynamodb') {
        proxy = new DynamoDbFaultProxy(env.KEYLEDGER_DYNAMODB_ENDPOINT ?? '');
        await proxy.start();
        env.KEYLEDGER_DYNAMODB_ENDPOINT = proxy.url;
      }
      server = await startServer(env);
      fault = mode === 'sqlite' ? sqliteAuditFault(server.dataDir) : dynamoDbAuditFault(proxy, env);
      client = await KeyProtectClient.connect(server.url, ADMIN_KEY, server.defaultInstanceId);
      const created = await client.createKey('before-the-fault');
      assert.equal(created.status, 201, created.text);
      keyId = (created.body as { resources: { id: string }[] }).resources[0]?.id ?? '';
    });

    after(async () => {
      await server.dispose();
      await proxy?.close();
    });

    const recordOf = async (correlationId: string): Promise<AuditRecord | undefined> =>
      (await client.auditRecords(server.defaultInstanceId)).find((r) => r.correlationId === correlationId);

    void it('answers 500 AUDIT_UNAVAILABLE_ERR without payload, then writes the missing record once the store is back, without a restart', async () => {
      await fault.refuse();
      const rotation = correlation();
      assertFailedClosed(await client.rotate(keyId, rotation));
      assertFailedClosed(await client.wrap(keyId, Buffer.alloc(32, 7)));
      const created = correlation();
      assertFailedClosed(await client.createKey('during-the-fault', { headers: created }));
      await fault.restore();

      const rotated = await until('the rotation record', () => recordOf(rotation['correlation-id'] ?? ''));
      assert.deepEqual(
        { operation: rotated.operation, outcome: rotated.outcome, reason: rotated.reason, keyId: rotated.keyId },
        { operation: 'rotateKey', outcome: 'success', reason: 'AUDIT_RECONCILED', keyId },
      );
      assert.equal((await client.versions(keyId)).length, 2, 'the rotation committed');
      assert.equal(rotated.keyVersionId, (await client.versions(keyId))[0], 'the record names the new version');
      const createdRecord = await until('the create record', () => recordOf(created['correlation-id'] ?? ''));
      const createdKey = [...(await client.listKeys())].find(([, k]) => k.name === 'during-the-fault');
      assert.ok(createdKey, 'the key created during the fault exists');
      assert.equal(createdRecord.keyId, createdKey[0]);
      assert.equal(createdRecord.operation, 'createKey');
      await assertTrailWhole(client, server);
    });

    void it('writes the missing record before serving when the server was killed before it could', async () => {
      await fault.refuse();
      const rotation = correlation();
      assertFailedClosed(await client.rotate(keyId, rotation));
      await server.kill('SIGKILL');
      await fault.restore();
      server = await startServer(env, server.dataDir);
      await client.follow(server.url);
      // No waiting: the start-up pass ran before the server listened.
      const record = await recordOf(rotation['correlation-id'] ?? '');
      assert.ok(record, 'the record of the rotation exists at once after the restart');
      assert.equal(record.reason, 'AUDIT_RECONCILED');
      assert.equal((await client.versions(keyId)).length, 3);
      await assertTrailWhole(client, server);
      const { stdout, code } = await keyledger([
        'audit',
        'reconcile',
        '-o',
        'json',
        '--url',
        server.url,
        '--api-key',
        ADMIN_KEY,
      ]);
      assert.equal(code, 0, 'exit code 0: no request is without its record');
      assert.deepEqual((JSON.parse(stdout) as { missing: unknown[] }).missing, [], 'the CLI says the same');
    });
  });
}

function dynamoDbAuditFault(proxy: DynamoDbFaultProxy | undefined, env: Record<string, string>): AuditFault {
  if (!proxy) throw new Error('the DynamoDB mode runs behind the fault proxy');
  const auditTable = `${env.KEYLEDGER_TABLE_PREFIX}-audit`;
  return {
    refuse: () => Promise.resolve(proxy.set(writesTo(auditTable, 'deny'))),
    restore: () => Promise.resolve(proxy.release()),
  };
}

/** Every chain verifies, no request has two records, and no event is without its request's record. */
async function assertTrailWhole(client: KeyProtectClient, server: ServerProcess): Promise<void> {
  for (const chain of [server.defaultInstanceId, '_service']) {
    const verification = await client.verify(chain);
    assert.equal(verification.valid, true, `${chain}: ${JSON.stringify(verification)}`);
    const ids = (await client.auditRecords(chain)).map((r) => r.requestId);
    assert.equal(new Set(ids).size, ids.length, `${chain}: a request with two records`);
  }
  const report = await client.reconciliation();
  assert.equal(report.status, 200, report.text);
  const body = report.body as { missing: unknown[]; unattributed: number; requests: number };
  assert.deepEqual(body.missing, [], report.text);
  assert.equal(body.unattributed, 0);
  assert.ok(body.requests > 0);
}
