/**
 * The hot path caches key state (application/keys/find-key.ts) yet a lifecycle change on this
 * machine takes effect at once (docs/architecture.md, "Events, streams and the hot path"): the very next wrap after a rotation uses
 * the new version, the very next after a disable is refused. Real server over HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, tokenFor, type ServerProcess } from '../support/local-server.ts';

let server: ServerProcess;
let headers: Record<string, string>;
before(async () => {
  server = await startServer({
    KEYLEDGER_ADMIN_API_KEY: 'hot-path-freshness-admin-key-0123456789',
    KEYLEDGER_MIN_ROTATION_INTERVAL_S: '0',
  });
  headers = {
    authorization: `Bearer ${await tokenFor(server.url, server.adminApiKey)}`,
    'bluemix-instance': server.defaultInstanceId,
    'content-type': 'application/json',
  };
});
after(() => server.dispose());

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
const wrap = (id: string) =>
  post(`/api/v2/keys/${id}/actions/wrap`, { plaintext: Buffer.alloc(32, 1).toString('base64') });
const versionOf = (r: { json: Record<string, unknown> }) => (r.json.keyVersion as { id: string } | undefined)?.id;

void test('rotation and disable are seen by the next wrap, with the key state cached in between', async () => {
  const created = await post('/api/v2/keys', {
    resources: [{ type: 'application/vnd.ibm.kms.key+json', name: 'fresh-root', extractable: false }],
  });
  assert.equal(created.status, 201);
  const id = (created.json.resources as Array<{ id: string }>)[0]?.id ?? '';

  const first = await wrap(id);
  const again = await wrap(id); // served from the cache
  assert.equal(first.status, 200);
  assert.equal(versionOf(again), versionOf(first));

  assert.ok([200, 204].includes((await post(`/api/v2/keys/${id}/actions/rotate`, {})).status));
  const rotated = await wrap(id);
  assert.equal(rotated.status, 200);
  assert.notEqual(versionOf(rotated), versionOf(first));

  assert.equal((await post(`/api/v2/keys/${id}/actions/disable`, {})).status, 204);
  const refused = await wrap(id);
  const reasons = (refused.json.resources as Array<{ reasons: Array<{ code: string }> }>)[0]?.reasons ?? [];
  assert.equal(refused.status, 409);
  assert.equal(reasons[0]?.code, 'KEY_ACTION_INVALID_STATE_ERR');
});
