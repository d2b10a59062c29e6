/**
 * Audit checkpoints on the real server, in both local modes: with KEYLEDGER_AUDIT_SEAL_INTERVAL_MS=0
 * every answered request is sealed; by time (the default), `verify` counts the unsealed tail over the
 * API, and a clean shutdown seals it, so after a restart the CLI finds nothing unsealed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyledger } from '../support/keyledger-cli.ts';
import { STORE_MODES, startServer, storeEnv, tokenFor, type ServerProcess } from '../support/local-server.ts';

const ADMIN_KEY = 'e2e-seal-admin-api-key-0123456789abcdef';

interface Verdict {
  valid: boolean;
  records: number;
  sealedThrough: number;
  unsealedRecords: number;
  adoptedRecords: number;
}

/**
 * A root key, three wraps under it and a refused read: five records in the default instance's chain, after
 * the one the audit reconciler writes at start for the bootstrap's creation of the instance.
 */
async function someRequests(server: ServerProcess, token: string): Promise<void> {
  const headers = {
    authorization: `Bearer ${token}`,
    'bluemix-instance': server.defaultInstanceId,
    'content-type': 'application/json',
  };
  const created = await fetch(`${server.url}/api/v2/keys`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      metadata: { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 },
      resources: [{ type: 'application/vnd.ibm.kms.key+json', name: 'sealed', extractable: false }],
    }),
  });
  assert.equal(created.status, 201);
  const id = ((await created.json()) as { resources: { id: string }[] }).resources[0]?.id ?? '';
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${server.url}/api/v2/keys/${id}/actions/wrap`, { method: 'POST', headers, body: '{}' });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  }
  const bad = await fetch(`${server.url}/api/v2/keys/${id}`, { headers: { ...headers, authorization: 'Bearer x' } });
  assert.equal(bad.status, 401);
  await bad.arrayBuffer();
}

async function verify(server: ServerProcess, token: string): Promise<Verdict> {
  const res = await fetch(`${server.url}/admin/v1/instances/${server.defaultInstanceId}/audit/verify`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  return (await res.json()) as Verdict;
}

for (const mode of STORE_MODES) {
  void describe(`audit checkpoints on the server (${mode})`, () => {
    // The DynamoDB storage's commits with a checkpoint are covered by its contract suite; one server start less here.
    void it(
      'with KEYLEDGER_AUDIT_SEAL_INTERVAL_MS=0 every answered request is sealed',
      { skip: mode === 'dynamodb' },
      async () => {
        const server = await startServer({
          ...storeEnv(mode),
          KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY,
          KEYLEDGER_AUDIT_SEAL_INTERVAL_MS: '0',
        });
        try {
          const token = await tokenFor(server.url, ADMIN_KEY);
          await someRequests(server, token);
          assert.deepEqual(await verify(server, token), {
            valid: true,
            records: 6,
            sealedThrough: 6,
            unsealedRecords: 0,
            adoptedRecords: 0,
          });
        } finally {
          await server.dispose();
        }
      },
    );

    void it('by time, verify counts the unsealed tail, and a clean shutdown seals it', async () => {
      let server = await startServer({ ...storeEnv(mode), KEYLEDGER_ADMIN_API_KEY: ADMIN_KEY });
      try {
        const token = await tokenFor(server.url, ADMIN_KEY);
        await someRequests(server, token);
        const live = await verify(server, token);
        assert.equal(live.valid, true, JSON.stringify(live));
        assert.equal(live.records, 6);
        assert.equal(live.sealedThrough + live.unsealedRecords, 6);
        server = await server.restart();
        // The first verify's own record (the seventh) was written before the stop, and sealed by it.
        const { stdout, code } = await keyledger(
          ['audit', 'verify', '-o', 'json', '--url', server.url, '--api-key', ADMIN_KEY],
          { KEYLEDGER_DATA_DIR: server.dataDir },
        );
        assert.equal(code, 0, 'exit code 0: the chain holds');
        assert.deepEqual(JSON.parse(stdout), {
          valid: true,
          records: 7,
          sealedThrough: 7,
          unsealedRecords: 0,
          adoptedRecords: 0,
        });
      } finally {
        await server.dispose();
      }
    });
  });
}
