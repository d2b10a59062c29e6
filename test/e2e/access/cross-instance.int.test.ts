/**
 * Isolation: with instance A's `bluemix-instance`, every /api/v2 route given instance B's key id
 * (or alias, or key ring) answers exactly as it does for an id that exists nowhere; and a token whose
 * roles are all on instance A gets nothing of B.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { allOperations } from '../../../functions/api/operations.ts';
import { startServer, tokenFor, type ServerProcess } from '../../support/local-server.ts';
import { Admin, call, fillPath, reasonOf, type Res } from '../../support/access-helpers.ts';

const apiRoutes = allOperations.filter((r) => r.path.startsWith('/api/v2'));

function bodyFor(method: string): unknown {
  return ['POST', 'PUT', 'PATCH'].includes(method) ? { ciphertext: 'AAAA', aad: [] } : undefined;
}

const shape = (res: Res) => ({
  status: res.status,
  reason: reasonOf(res) ?? null,
  retryAfter: res.headers.get('retry-after'),
});

describe('cross-instance isolation', () => {
  let server: ServerProcess;
  let admin: Admin;
  let a: string;
  let b: string;
  let keyOfB: string;
  let keyOfA: string;
  const ringOfB = 'only-in-b';

  before(async () => {
    server = await startServer({ KEYLEDGER_ADMIN_API_KEY: 'cross-instance-admin-key-0123456789abcdef' });
    admin = await Admin.connect(server);
    a = await admin.createInstance('tenant-a');
    b = await admin.createInstance('tenant-b');
    keyOfA = await admin.createKey(a, 'a-key');
    await admin.createKeyRing(b, ringOfB);
    keyOfB = await admin.createKey(b, 'b-key', { ring: ringOfB });
    const res = await call(server, admin.token, 'POST', `/api/v2/keys/${keyOfB}/aliases/b-alias`, { instanceId: b });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  });
  after(async () => {
    await server.dispose();
  });

  async function compareAll(
    token: string,
    instanceId: string,
    foreign: { id: string; keyRingId: string },
    label: string,
  ): Promise<string[]> {
    const differences: string[] = [];
    // One unknown id per walk: a walk that creates key ring X in A (allowed: ring ids are per instance) then deletes it must see the same for both ids.
    const unknown = { id: randomUUID(), keyRingId: `nowhere-${randomUUID().slice(0, 8)}` };
    for (const route of apiRoutes) {
      if (!route.path.includes('{')) continue;
      const send = (values: { id: string; keyRingId: string }) =>
        call(server, token, route.method, fillPath(route.path, values), {
          instanceId,
          ...(bodyFor(route.method) === undefined ? {} : { body: bodyFor(route.method) }),
        });
      const [ofB, ofNobody] = [shape(await send(foreign)), shape(await send(unknown))];
      if (JSON.stringify(ofB) !== JSON.stringify(ofNobody))
        differences.push(
          `${label} ${route.method} ${route.path}: B's ${JSON.stringify(ofB)} vs unknown ${JSON.stringify(ofNobody)}`,
        );
    }
    return differences;
  }

  it("answers for B's key ids, aliases and key rings exactly as for unknown ones", async () => {
    const manager = await admin.createPrincipal('manager-of-a');
    await admin.grant(a, { principalId: manager.id, role: 'Manager' });
    const managerToken = await tokenFor(server.url, manager.apiKey);
    const differences = [
      ...(await compareAll(admin.token, a, { id: keyOfB, keyRingId: ringOfB }, 'admin')),
      ...(await compareAll(managerToken, a, { id: keyOfB, keyRingId: ringOfB }, 'manager of A')),
      ...(await compareAll(managerToken, a, { id: 'b-alias', keyRingId: ringOfB }, 'manager of A, alias')),
    ];
    assert.deepEqual(differences, []);
    const res = await call(server, admin.token, 'GET', `/api/v2/keys/${keyOfB}`, { instanceId: a });
    assert.equal(res.status, 404);
    assert.equal(reasonOf(res), 'KEY_NOT_FOUND_ERR');
  });

  it("never lists B's keys in A", async () => {
    const listed = await call(server, admin.token, 'GET', '/api/v2/keys?limit=5000', { instanceId: a });
    const ids = (listed.body as { resources: { id: string }[] }).resources.map((k) => k.id);
    assert.ok(ids.includes(keyOfA));
    assert.ok(!ids.includes(keyOfB));
  });

  it('gives a principal of A nothing in B: every route answers as for an unknown instance', async () => {
    const reader = await admin.createPrincipal('manager-of-a-only');
    await admin.grant(a, { principalId: reader.id, role: 'Manager' });
    const token = await tokenFor(server.url, reader.apiKey);
    const differences: string[] = [];
    for (const route of apiRoutes) {
      const path = fillPath(route.path, { id: keyOfB, keyRingId: ringOfB });
      const body = bodyFor(route.method);
      const inB = await call(server, token, route.method, path, {
        instanceId: b,
        ...(body === undefined ? {} : { body }),
      });
      const inNowhere = await call(server, token, route.method, path, {
        instanceId: randomUUID(),
        ...(body === undefined ? {} : { body }),
      });
      if (inB.status !== 401) differences.push(`${route.method} ${route.path} in B: ${inB.status}`);
      if (JSON.stringify(shape(inB)) !== JSON.stringify(shape(inNowhere)))
        differences.push(`${route.method} ${route.path}: B differs from an unknown instance`);
    }
    assert.deepEqual(differences, []);
    const own = await call(server, token, 'POST', `/api/v2/keys/${keyOfA}/actions/wrap`, { instanceId: a, body: {} });
    assert.equal(own.status, 200, 'the same token works in its own instance');
  });
});
