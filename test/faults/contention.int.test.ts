/**
 * Contention over HTTP against the real server: many requests racing for one stream must leave one
 * consistent state, every 2xx must be a change that is there, and no change may be there without
 * its 2xx or its refusal being a clean Key Protect answer (409, or 503 after the command handler's
 * bounded retries). Races: rotations of one key; alias claims; deletes and restores; a
 * dual-authorization deletion racing its cancellation; grants and revokes on one instance. The
 * DynamoDB run puts two server processes on the same tables (two Lambda instances, as on AWS), so
 * the conditional appends really conflict and the command handler's retry loop runs out.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KeyProtectClient, reasonCode, type Answer } from '../support/key-protect-client.ts';
import { startServer, storeEnv, STORE_MODES, type ServerProcess } from '../support/local-server.ts';

const ADMIN_KEY = 'faults-contention-admin-key-0123456789abcdef';
const RACERS = 24;

function is2xx(answer: Answer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

/**
 * One process runs the commands on one stream one after another (application/command-handler.ts), so
 * only two processes on the same tables can make a request lose its retries (409).
 */
function assertNoConflictInOneProcess(mode: string, answers: readonly Answer[]): void {
  if (mode === 'sqlite')
    assert.deepEqual(
      answers.filter((a) => a.status === 409).map((a) => a.text.slice(0, 200)),
      [],
      'no 409 from one process',
    );
}

/** Every answer is a success or a clean refusal naming one of `allowed`. */
function assertCleanAnswers(answers: readonly Answer[], allowed: readonly string[]): void {
  for (const answer of answers) {
    if (is2xx(answer)) continue;
    assert.ok(
      answer.status < 500 || answer.status === 503,
      `no 500 under contention: ${answer.status} ${answer.text.slice(0, 300)}`,
    );
    assert.ok(
      allowed.includes(reasonCode(answer) ?? ''),
      `${answer.status} ${reasonCode(answer)} is not one of ${allowed.join(', ')}`,
    );
  }
}

for (const mode of STORE_MODES) {
  void describe(`contention (${mode}${mode === 'dynamodb' ? ', two server processes on the same tables' : ''})`, () => {
    const servers: ServerProcess[] = [];
    let clients: KeyProtectClient[];
    let admin: KeyProtectClient;
    /** Request i goes to server i mod n. */
    const via = (i: number): KeyProtectClient => clients[i % clients.length] as KeyProtectClient;

    before(async () => {
      const env = {
        ...storeEnv(mode),
        KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY,
        KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
        KEYLEDGER_MIN_ACTION_INTERVAL_S: '0',
        KEYLEDGER_SCHEDULER_INTERVAL_S: '0',
      };
      const first = await startServer(env);
      servers.push(first);
      if (mode === 'dynamodb') {
        // The second process shares the tables and the HSM token (the same master keys), not the data directory.
        const dataDir = mkdtempSync(join(tmpdir(), 'keyledger-e2e-'));
        cpSync(join(first.dataDir, 'softhsm'), join(dataDir, 'softhsm'), { recursive: true });
        cpSync(join(first.dataDir, 'default-instance'), join(dataDir, 'default-instance'));
        servers.push(await startServer(env, dataDir));
      }
      clients = await Promise.all(
        servers.map((s) => KeyProtectClient.connect(s.url, ADMIN_KEY, first.defaultInstanceId)),
      );
      admin = clients[0] as KeyProtectClient;
    });

    after(async () => {
      for (const server of servers) await server.dispose();
    });

    const newKey = async (name: string): Promise<string> => {
      const created = await admin.createKey(name);
      assert.equal(created.status, 201, created.text);
      return (created.body as { resources: { id: string }[] }).resources[0]?.id ?? '';
    };

    void it(`${RACERS} concurrent rotations of one key: exactly as many new versions as 2xx answers`, async () => {
      const keyId = await newKey('rotated-by-many');
      const answers = await Promise.all(
        Array.from({ length: RACERS }, (_, i) => via(i).rotate(keyId, { prefer: 'return=representation' })),
      );
      assertCleanAnswers(answers, ['CONFLICT_ERR', 'SERVICE_UNAVAILABLE_ERR']);
      const acked = answers
        .filter(is2xx)
        .map((a) => (a.body as { resources: { keyVersion: { id: string } }[] }).resources[0]?.keyVersion.id);
      const versions = await admin.versions(keyId);
      assert.equal(
        versions.length,
        1 + acked.length,
        `${acked.length} rotations acknowledged, ${versions.length} versions`,
      );
      assert.equal(new Set(acked).size, acked.length, 'each acknowledged rotation made its own version');
      for (const id of acked) assert.ok(versions.includes(id ?? ''), `acknowledged version ${id} exists`);
      assertNoConflictInOneProcess(mode, answers);
      console.log(
        `contention (${mode}): ${RACERS} rotations -> ${acked.length} acknowledged, ` +
          `${answers.filter((a) => a.status === 409).length} 409, ${answers.filter((a) => a.status === 503).length} 503`,
      );
    });

    void it('concurrent claims of one alias by different keys: exactly one wins, the alias names the winner', async () => {
      const keys = await Promise.all(Array.from({ length: 8 }, (_, i) => newKey(`claimant-${i}`)));
      const answers = await Promise.all(
        keys.map((keyId, i) => via(i).call('POST', `/api/v2/keys/${keyId}/aliases/contested-alias`)),
      );
      assertCleanAnswers(answers, ['DUPLICATE_ALIAS_ERR', 'CONFLICT_ERR', 'SERVICE_UNAVAILABLE_ERR']);
      const winners = keys.filter((_, i) => is2xx(answers[i] as Answer));
      assert.equal(winners.length, 1, answers.map((a) => a.status).join(','));
      const resolved = await admin.call('GET', '/api/v2/keys/contested-alias/metadata');
      assert.equal((resolved.body as { resources: { id: string }[] }).resources[0]?.id, winners[0]);
      const holders = [];
      for (const keyId of keys) {
        const meta = await admin.call('GET', `/api/v2/keys/${keyId}/metadata`);
        if (
          ((meta.body as { resources: { aliases?: string[] }[] }).resources[0]?.aliases ?? []).includes(
            'contested-alias',
          )
        )
          holders.push(keyId);
      }
      assert.deepEqual(holders, winners);
    });

    void it('concurrent deletes, then concurrent restores, of one key: one of each takes effect', async () => {
      const keyId = await newKey('deleted-and-restored');
      const deletes = await Promise.all(Array.from({ length: 8 }, (_, i) => via(i).deleteKey(keyId)));
      assertCleanAnswers(deletes, ['KEY_DELETED_ERR', 'CONFLICT_ERR', 'SERVICE_UNAVAILABLE_ERR']);
      assert.equal(deletes.filter(is2xx).length, 1, deletes.map((a) => a.status).join(','));
      const restores = await Promise.all(Array.from({ length: 8 }, (_, i) => via(i).restore(keyId)));
      assertCleanAnswers(restores, ['KEY_ACTION_INVALID_STATE_ERR', 'CONFLICT_ERR', 'SERVICE_UNAVAILABLE_ERR']);
      assert.equal(restores.filter(is2xx).length, 1, restores.map((a) => `${a.status} ${reasonCode(a)}`).join(','));
      const history = await historyTypes(admin, keyId);
      assert.deepEqual(history, ['KeyCreated', 'KeyDeleted', 'KeyRestored']);
      assert.equal((await admin.listKeys()).get(keyId)?.state, 1, 'active again');
    });

    void it('a dual-authorization deletion racing its cancellation: the history is a legal sequence', async () => {
      const other = await admin.call('POST', '/admin/v1/principals', { body: { name: `second-approver-${mode}` } });
      const approver = other.body as { id: string; apiKey: string };
      const grant = await admin.call('POST', `/admin/v1/instances/${admin.instanceId}/access`, {
        body: { principalId: approver.id, role: 'Manager' },
      });
      assert.equal(grant.status, 201, grant.text);
      const second = await KeyProtectClient.connect(servers.at(-1)?.url ?? '', approver.apiKey, admin.instanceId);
      for (let round = 0; round < 4; round++) {
        const keyId = await newKey(`dual-auth-${round}`);
        const policy = await admin.call('PUT', `/api/v2/keys/${keyId}/policies?policy=dualAuthDelete`, {
          body: {
            metadata: { collectionType: 'application/vnd.ibm.kms.policy+json', collectionTotal: 1 },
            resources: [{ type: 'application/vnd.ibm.kms.policy+json', dualAuthDelete: { enabled: true } }],
          },
        });
        assert.equal(policy.status, 200, policy.text);
        const set = await second.call('POST', `/api/v2/keys/${keyId}/actions/setKeyForDeletion`);
        assert.equal(set.status, 204, set.text);
        // The administrator deletes (the second authorization) while the approver withdraws theirs.
        const [deleted, unset] = await Promise.all([
          admin.deleteKey(keyId),
          second.call('POST', `/api/v2/keys/${keyId}/actions/unsetKeyForDeletion`),
        ]);
        assertCleanAnswers(
          [deleted],
          [
            'AUTHORIZATIONS_NOT_MET',
            'NOT_DUAL_AUTH_ERR',
            'KEY_ACTION_INVALID_STATE_ERR',
            'CONFLICT_ERR',
            'SERVICE_UNAVAILABLE_ERR',
          ],
        );
        assertCleanAnswers(
          [unset],
          ['KEY_DELETED_ERR', 'KEY_ACTION_INVALID_STATE_ERR', 'CONFLICT_ERR', 'SERVICE_UNAVAILABLE_ERR'],
        );
        const history = await historyTypes(admin, keyId);
        // Exactly one of the two took effect first; the other was decided on the state it left.
        if (is2xx(deleted)) {
          assert.deepEqual(history.slice(-2), ['KeySetForDeletion', 'KeyDeleted'], history.join(','));
          assert.ok(!is2xx(unset), 'nothing to withdraw once deleted');
        } else {
          assert.ok(is2xx(unset), `neither took effect: ${deleted.text} / ${unset.text}`);
          assert.deepEqual(history.slice(-2), ['KeySetForDeletion', 'KeyUnsetForDeletion'], history.join(','));
        }
      }
    });

    void it('concurrent grants and revokes on one instance: every acknowledged grant is there, every revoke took effect once', async () => {
      const principals = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const created = await admin.call('POST', '/admin/v1/principals', { body: { name: `racer-${mode}-${i}` } });
          return (created.body as { id: string }).id;
        }),
      );
      const grants = await Promise.all(
        principals.map((principalId, i) =>
          via(i).call('POST', `/admin/v1/instances/${admin.instanceId}/access`, {
            body: { principalId, role: 'Reader' },
          }),
        ),
      );
      assertCleanAnswers(grants, ['CONFLICT_ERR', 'SERVICE_UNAVAILABLE_ERR']);
      assertNoConflictInOneProcess(mode, grants);
      const granted = grants.filter(is2xx).map((a) => (a.body as { id: string }).id);
      const listBindings = async (): Promise<string[]> => {
        const listed = await admin.call('GET', `/admin/v1/instances/${admin.instanceId}/access`);
        return (listed.body as { bindings: { id: string; principalId: string }[] }).bindings
          .filter((b) => principals.includes(b.principalId))
          .map((b) => b.id);
      };
      assert.deepEqual(
        (await listBindings()).sort(),
        [...granted].sort(),
        'the listed bindings are the acknowledged grants',
      );
      // Each binding revoked twice at once: one revoke per binding takes effect.
      const revokes = await Promise.all(
        [...granted, ...granted].map((bindingId, i) =>
          via(i).call('DELETE', `/admin/v1/instances/${admin.instanceId}/access/${bindingId}`),
        ),
      );
      assertCleanAnswers(revokes, ['BINDING_NOT_FOUND_ERR', 'CONFLICT_ERR', 'SERVICE_UNAVAILABLE_ERR']);
      assertNoConflictInOneProcess(mode, revokes);
      const acknowledged = (id: string) =>
        revokes.filter((a, i) => is2xx(a) && [...granted, ...granted][i] === id).length;
      // At most one of a binding's two revokes is acknowledged; a binding whose two revokes both lost
      // the retry loop (409: nothing changed) is still there, every other one is gone.
      for (const id of granted) assert.ok(acknowledged(id) <= 1, `binding ${id} revoked twice`);
      assert.deepEqual(
        (await listBindings()).sort(),
        granted.filter((id) => acknowledged(id) === 0).sort(),
        'the bindings left are those no revoke was acknowledged for',
      );
    });
  });
}

async function historyTypes(client: KeyProtectClient, keyId: string): Promise<string[]> {
  const history = await client.call('GET', `/admin/v1/instances/${client.instanceId}/keys/${keyId}/history`);
  assert.equal(history.status, 200, history.text);
  return (history.body as { events: { type: string }[] }).events.map((e) => e.type);
}
