/**
 * DynamoDB (Local) behind a proxy that stops answering (connections accepted, nothing sent back, as
 * a stopped or partitioned DynamoDB looks) or throttles every write (400 ThrottlingException). The
 * server's SDK clients retry a bounded number of times with jittered backoff, then the request
 * answers 503 SERVICE_UNAVAILABLE_ERR with a Key Protect error body and Retry-After; the proxy counts
 * how often each identical call arrived (no retry storm: at most the SDK's attempts). When DynamoDB
 * answers again the same process serves again, and every acknowledged change is there.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDbFaultProxy, writesTo } from '../support/dynamodb-fault-proxy.ts';
import { KeyProtectClient, reasonCode, type Answer } from '../support/key-protect-client.ts';
import { startServer, storeEnv, type ServerProcess } from '../support/local-server.ts';

const ADMIN_KEY = 'faults-dynamodb-admin-api-key-0123456789abcdef';
/** The SDK's attempts per call (server/local-dynamodb-clients.ts: maxAttempts). */
const MAX_ATTEMPTS = 3;

function keyIdOf(answer: Answer): string {
  return (answer.body as { resources: { id: string }[] }).resources[0]?.id ?? '';
}

void describe('DynamoDB stops answering, then throttles (the proxy in front of DynamoDB Local)', () => {
  let proxy: DynamoDbFaultProxy;
  let server: ServerProcess;
  let client: KeyProtectClient;
  let env: Record<string, string>;
  const acked: string[] = [];
  const figures: string[] = [];

  before(async () => {
    env = { ...storeEnv('dynamodb'), KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY };
    proxy = new DynamoDbFaultProxy(env.KEYLEDGER_DYNAMODB_ENDPOINT ?? '');
    await proxy.start();
    server = await startServer({ ...env, KEYLEDGER_DYNAMODB_ENDPOINT: proxy.url });
    client = await KeyProtectClient.connect(server.url, ADMIN_KEY, server.defaultInstanceId);
    const created = await client.createKey('before-the-outage');
    assert.equal(created.status, 201, created.text);
    acked.push(keyIdOf(created));
  });

  after(async () => {
    await server.dispose();
    await proxy.close();
    for (const line of figures) console.log(line);
  });

  function assertUnavailable(answers: readonly Answer[]): void {
    for (const answer of answers) {
      if (answer.status === 201) {
        acked.push(keyIdOf(answer));
        continue;
      }
      const failures = server
        .output()
        .split('\n')
        .filter((line) => /error|fail/i.test(line));
      assert.equal(answer.status, 503, `${answer.text.slice(0, 300)}\n${failures.slice(-3).join('\n')}`);
      assert.equal(reasonCode(answer), 'SERVICE_UNAVAILABLE_ERR', answer.text);
    }
  }

  async function recovered(): Promise<number> {
    const started = Date.now();
    for (;;) {
      const created = await client.createKey('after-the-outage');
      if (created.status === 201) {
        acked.push(keyIdOf(created));
        return Date.now() - started;
      }
      assert.ok(Date.now() - started < 60_000, `no recovery within 60 s: ${created.status} ${created.text}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  void it('stops answering: each request answers 503 after bounded retries, then the server recovers without a restart', async () => {
    proxy.set(() => 'stall');
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => client.createKey(`during-outage-${i}`)));
    const failedAfterMs = Date.now() - started;
    assertUnavailable(answers);
    assert.ok(
      answers.some((a) => a.status === 503),
      'the outage refused the creates',
    );
    const retried = proxy.maxAttempts();
    assert.ok(retried <= MAX_ATTEMPTS, `an identical call arrived ${retried} times`);
    proxy.release();
    const ms = await recovered();
    figures.push(
      `DynamoDB stops answering: ${answers.length} creates answered 503 within ${failedAfterMs} ms; ` +
        `at most ${retried} attempts per call; recovered in ${ms} ms`,
    );
  });

  void it('throttles every write: 503 after bounded, backed-off retries, then recovers', async () => {
    proxy.resetAttempts();
    proxy.set(writesTo(`${env.KEYLEDGER_TABLE_PREFIX}-events`, 'throttle'));
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => client.createKey(`throttled-${i}`)));
    assertUnavailable(answers);
    assert.ok(answers.some((a) => a.status === 503));
    const retried = proxy.maxAttempts();
    assert.ok(retried <= MAX_ATTEMPTS, `an identical call arrived ${retried} times`);
    proxy.release();
    const ms = await recovered();
    figures.push(
      `DynamoDB throttles writes: ${proxy.injected.throttle} throttled calls, at most ${retried} per call; recovered in ${ms} ms`,
    );
  });

  void it('every acknowledged key is there, the chains verify and no change lacks its record', async () => {
    const listed = await client.listKeys();
    for (const id of acked) assert.ok(listed.has(id), `acknowledged key ${id} is missing`);
    for (const chain of [server.defaultInstanceId, '_service'])
      assert.equal((await client.verify(chain)).valid, true, chain);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const reconciliation = await client.reconciliation();
      const missing = (reconciliation.body as { missing?: unknown[] }).missing ?? [];
      if (missing.length === 0) break;
      assert.ok(Date.now() < deadline, reconciliation.text);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  });
});
