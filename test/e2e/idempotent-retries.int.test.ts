/**
 * Idempotent retries over HTTP against the real server, on both stores: a create or rotate that carries
 * `Idempotency-Key` runs once however often it is sent (after a lost answer, concurrently), the retry is
 * answered from the first call, a different request under the same key is refused, another principal's
 * key is its own, and no key material reaches the idempotency record.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { Admin, call, reasonOf, type Res } from '../support/access-helpers.ts';
import { auditRecordsSince } from '../support/audit-records.ts';
import { localDynamoDbClient } from '../support/dynamodb-local.ts';
import { startServer, storeEnv, STORE_MODES, tokenFor, type ServerProcess } from '../support/local-server.ts';

const KEY_COLLECTION = { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 };

function keyBody(name: string, extra: Record<string, unknown> = {}) {
  return {
    metadata: KEY_COLLECTION,
    resources: [{ type: 'application/vnd.ibm.kms.key+json', name, extractable: false, ...extra }],
  };
}

function idOf(res: Res): string {
  const id = (res.body as { resources?: { id?: string }[] }).resources?.[0]?.id;
  assert.ok(id, `no key id in ${JSON.stringify(res.body)}`);
  return id;
}

/** Sends a request and closes the connection without reading the answer: the answer is lost, the request is not. */
function sendAndHangUp(url: string, path: string, headers: Record<string, string>, body: string): Promise<void> {
  const { hostname, port } = new URL(url);
  const head = Object.entries({
    ...headers,
    host: `${hostname}:${port}`,
    'content-length': String(Buffer.byteLength(body)),
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.end(`POST ${path} HTTP/1.1\r\n${head}\r\n${body}`, () => {
        socket.destroy();
        resolve();
      });
    });
    socket.on('error', reject);
  });
}

for (const mode of STORE_MODES) {
  void describe(`idempotent retries (${mode})`, () => {
    const env: Record<string, string> = {
      ...storeEnv(mode),
      KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
      KEYLEDGER_SCHEDULER_INTERVAL_S: '0',
    };
    let server: ServerProcess;
    let admin: Admin;
    let instanceId: string;

    before(async () => {
      server = await startServer(env);
      admin = await Admin.connect(server);
      instanceId = server.defaultInstanceId;
    });
    after(async () => {
      await server.dispose();
    });

    const create = (
      name: string,
      headers: Record<string, string>,
      extra: Record<string, unknown> = {},
      token?: string,
    ) =>
      call(server, token ?? admin.token, 'POST', '/api/v2/keys', { instanceId, headers, body: keyBody(name, extra) });

    /** Ids of the instance's keys with this name, in every state. */
    async function keysNamed(name: string): Promise<string[]> {
      const res = await call(server, admin.token, 'GET', '/api/v2/keys?limit=5000&state=0,1,2,3,5', { instanceId });
      assert.equal(res.status, 200);
      return ((res.body as { resources?: { id: string; name: string }[] }).resources ?? [])
        .filter((k) => k.name === name)
        .map((k) => k.id);
    }

    void it('answers a repeated create from the first one: one key, the same id, and an audit record for each request', async () => {
      const from = new Date().toISOString();
      const name = `idem-${randomUUID()}`;
      const headers = { 'idempotency-key': randomUUID(), 'correlation-id': `idem-${randomUUID()}` };
      const first = await create(name, headers);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const second = await create(name, headers);
      assert.equal(second.status, 201, JSON.stringify(second.body));
      assert.equal(second.headers.get('idempotent-replayed'), 'true');
      assert.equal(idOf(second), idOf(first));
      assert.deepEqual(second.body, first.body);
      assert.deepEqual(await keysNamed(name), [idOf(first)]);
      const records = (await auditRecordsSince(server, admin.token, [instanceId], from)).filter(
        (r) => r.correlationId === headers['correlation-id'],
      );
      assert.deepEqual(
        records.map((r) => [r.operation, r.outcome]),
        [
          ['createKey', 'success'],
          ['createKey', 'success'],
        ],
      );
    });

    void it('runs a create whose answer was lost once: the retry gets the key the lost answer named', async () => {
      const name = `idem-lost-${randomUUID()}`;
      const headers = {
        authorization: `Bearer ${admin.token}`,
        'bluemix-instance': instanceId,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
        'correlation-id': `idem-lost-${randomUUID()}`,
      };
      const from = new Date().toISOString();
      await sendAndHangUp(server.url, '/api/v2/keys', headers, JSON.stringify(keyBody(name)));
      // The retry comes once the lost request has finished (its audit record is the last thing it writes),
      // as a client's retry after a timeout would.
      for (let wait = 0; ; wait++) {
        const records = await auditRecordsSince(server, admin.token, [instanceId], from);
        if (records.some((r) => r.correlationId === headers['correlation-id'])) break;
        assert.ok(wait < 100, 'the lost request was never audited');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const retry = await create(name, { 'idempotency-key': headers['idempotency-key'] });
      assert.equal(retry.status, 201, JSON.stringify(retry.body));
      assert.equal(retry.headers.get('idempotent-replayed'), 'true', 'the retry was answered from the lost request');
      assert.deepEqual(await keysNamed(name), [idOf(retry)]);
    });

    void it('creates one key for concurrent requests with one key; the others get it or 409 while it runs', async () => {
      const name = `idem-race-${randomUUID()}`;
      const headers = { 'idempotency-key': randomUUID() };
      const answers = await Promise.all(Array.from({ length: 8 }, () => create(name, headers)));
      const ids = await keysNamed(name);
      assert.equal(ids.length, 1, `one key, got ${ids.length}`);
      for (const answer of answers) {
        if (answer.status === 201) assert.equal(idOf(answer), ids[0]);
        else {
          assert.equal(answer.status, 409, JSON.stringify(answer.body));
          assert.equal(reasonOf(answer), 'CONFLICT_ERR');
          assert.equal(answer.headers.get('retry-after'), '1');
        }
      }
      assert.ok(answers.some((a) => a.status === 201 && a.headers.get('idempotent-replayed') === null));
    });

    void it('rotates once for a repeated rotate with one key', async () => {
      const keyId = idOf(await create(`idem-rotate-${randomUUID()}`, {}));
      const headers = { 'idempotency-key': randomUUID() };
      const first = await call(server, admin.token, 'POST', `/api/v2/keys/${keyId}/actions/rotate`, {
        instanceId,
        headers,
      });
      assert.equal(first.status, 204, JSON.stringify(first.body));
      const second = await call(server, admin.token, 'POST', `/api/v2/keys/${keyId}/actions/rotate`, {
        instanceId,
        headers,
      });
      assert.equal(second.status, 204);
      assert.equal(second.headers.get('idempotent-replayed'), 'true');
      const versions = await call(server, admin.token, 'GET', `/api/v2/keys/${keyId}/versions`, { instanceId });
      assert.equal(
        (versions.body as { resources: unknown[] }).resources.length,
        2,
        'the first version and one rotation',
      );
      const third = await call(server, admin.token, 'POST', `/api/v2/keys/${keyId}/actions/rotate`, {
        instanceId,
        headers: { 'idempotency-key': randomUUID() },
      });
      assert.equal(third.status, 204);
      const after = await call(server, admin.token, 'GET', `/api/v2/keys/${keyId}/versions`, { instanceId });
      assert.equal((after.body as { resources: unknown[] }).resources.length, 3, 'a new key rotates again');
    });

    void it('refuses the same key with a different request (422) and creates nothing for it', async () => {
      const headers = { 'idempotency-key': randomUUID() };
      const name = `idem-a-${randomUUID()}`;
      assert.equal((await create(name, headers)).status, 201);
      const other = `idem-b-${randomUUID()}`;
      const refused = await create(other, headers);
      assert.equal(refused.status, 422, JSON.stringify(refused.body));
      assert.equal(reasonOf(refused), 'IDEMPOTENCY_KEY_REUSED_ERR');
      assert.deepEqual(await keysNamed(other), []);
    });

    void it("keeps one principal's idempotency keys apart from another's", async () => {
      const principal = await admin.createPrincipal(`idem-writer-${randomUUID()}`);
      await admin.grant(instanceId, { principalId: principal.id, role: 'Writer' });
      const token = await tokenFor(server.url, principal.apiKey);
      const name = `idem-shared-${randomUUID()}`;
      const headers = { 'idempotency-key': randomUUID() };
      const mine = await create(name, headers);
      const theirs = await create(name, headers, {}, token);
      assert.equal(mine.status, 201);
      assert.equal(theirs.status, 201, JSON.stringify(theirs.body));
      assert.equal(theirs.headers.get('idempotent-replayed'), null);
      assert.notEqual(idOf(theirs), idOf(mine));
      assert.equal((await keysNamed(name)).length, 2);
    });

    void it('keeps key material out of the idempotency record: a replayed standard key comes without its payload', async () => {
      const payload = randomBytes(32).toString('base64');
      const headers = { 'idempotency-key': randomUUID(), prefer: 'return=representation' };
      const name = `idem-secret-${randomUUID()}`;
      const first = await create(name, headers, { extractable: true, payload });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal((first.body as { resources: { payload?: string }[] }).resources[0]?.payload, payload);
      const replay = await create(name, headers, { extractable: true, payload });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(idOf(replay), idOf(first));
      assert.equal((replay.body as { resources: { payload?: string }[] }).resources[0]?.payload, undefined);
      if (mode === 'sqlite') {
        for (const file of readdirSync(server.dataDir).filter((f) => f.startsWith('keyledger.db'))) {
          const bytes = readFileSync(join(server.dataDir, file));
          assert.equal(bytes.includes(payload), false, `${file} holds the payload`);
        }
      } else {
        const endpoint = env.KEYLEDGER_DYNAMODB_ENDPOINT ?? '';
        const client = localDynamoDbClient(endpoint);
        try {
          const { Items = [] } = await client.send(
            new ScanCommand({ TableName: `${env.KEYLEDGER_TABLE_PREFIX ?? ''}-idempotency` }),
          );
          assert.ok(Items.length > 0, 'the idempotency table holds the records');
          assert.equal(JSON.stringify(Items).includes(payload), false, 'an idempotency item holds the payload');
        } finally {
          client.destroy();
        }
      }
    });

    void it('refuses a malformed Idempotency-Key with 400 and leaves requests without one as they were', async () => {
      const name = `idem-none-${randomUUID()}`;
      const bad = await create(name, { 'idempotency-key': 'x'.repeat(256) });
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.equal(reasonOf(bad), 'BAD_REQUEST_ERR');
      assert.equal((await create(name, {})).status, 201);
      assert.equal((await create(name, {})).status, 201);
      assert.equal((await keysNamed(name)).length, 2, 'no key, no idempotency');
    });
  });
}
