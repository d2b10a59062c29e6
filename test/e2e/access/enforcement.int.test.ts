/**
 * Revocation on the local server, which takes effect at once (API keys, deleted principals, bindings: the
 * server's own append empties its access caches before it answers), the per-instance rate limit
 * (429 + Retry-After + a Key Protect error body, audited), and the allowedIP instance policy.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, tokenFor, type ServerProcess } from '../../support/local-server.ts';
import { Admin, call, reasonOf } from '../../support/access-helpers.ts';

async function tokenStatus(url: string, apiKey: string): Promise<number> {
  const res = await fetch(`${url}/identity/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: apiKey }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('revocation', () => {
  let server: ServerProcess;
  let admin: Admin;
  let instance: string;
  let keyId: string;

  before(async () => {
    server = await startServer({ KEYLEDGER_ADMIN_API_KEY: 'enforcement-admin-key-0123456789abcdef' });
    admin = await Admin.connect(server);
    instance = await admin.createInstance('revocation');
    keyId = await admin.createKey(instance, 'root');
  });
  after(async () => {
    await server.dispose();
  });

  async function readerWithToken(name: string) {
    const p = await admin.createPrincipal(name);
    const bindingId = await admin.grant(instance, { principalId: p.id, role: 'Reader' });
    const token = await tokenFor(server.url, p.apiKey);
    const wrap = async () =>
      (await call(server, token, 'POST', `/api/v2/keys/${keyId}/actions/wrap`, { instanceId: instance, body: {} }))
        .status;
    assert.equal(await wrap(), 200);
    return { p, bindingId, token, wrap };
  }

  it('a revoked API key gets no new token, and its live tokens stop, at once', async () => {
    const { p, wrap } = await readerWithToken('revoked-key');
    const second = await call(server, admin.token, 'POST', `/admin/v1/principals/${p.id}/api-key`);
    assert.equal(second.status, 201);
    const res = await call(server, admin.token, 'DELETE', `/admin/v1/principals/${p.id}/api-key`);
    assert.equal(res.status, 204);
    assert.equal(await tokenStatus(server.url, p.apiKey), 400);
    assert.equal(
      await tokenStatus(server.url, (second.body as { apiKey: string }).apiKey),
      400,
      'every key of the principal is revoked',
    );
    assert.equal(await wrap(), 401, 'the live token is refused at once');
    const fresh = await call(server, admin.token, 'POST', `/admin/v1/principals/${p.id}/api-key`);
    assert.equal(fresh.status, 201, 'a new key can be issued after revocation');
    assert.equal(await tokenStatus(server.url, (fresh.body as { apiKey: string }).apiKey), 200);
  });

  it('a deleted principal gets no token and its live tokens stop at once', async () => {
    const { p, wrap } = await readerWithToken('deleted');
    assert.equal((await call(server, admin.token, 'DELETE', `/admin/v1/principals/${p.id}`)).status, 204);
    assert.equal(await tokenStatus(server.url, p.apiKey), 400);
    assert.equal(await wrap(), 401, 'the live token is refused at once');
    assert.equal((await call(server, admin.token, 'DELETE', `/admin/v1/principals/${p.id}/api-key`)).status, 404);
  });

  it('a revoked binding stops counting at once', async () => {
    const { bindingId, wrap } = await readerWithToken('unbound');
    assert.equal(
      (await call(server, admin.token, 'DELETE', `/admin/v1/instances/${instance}/access/${bindingId}`)).status,
      204,
    );
    assert.equal(await wrap(), 401, 'the binding stops counting at once');
    assert.equal(
      (await call(server, admin.token, 'DELETE', `/admin/v1/instances/${instance}/access/${bindingId}`)).status,
      404,
    );
  });

  it('keeps the administration API to the administrator and validates its input', async () => {
    const { token } = await readerWithToken('not-admin');
    for (const [method, path] of [
      ['POST', '/admin/v1/instances'],
      ['POST', '/admin/v1/principals'],
      ['POST', `/admin/v1/instances/${instance}/access`],
    ] as const) {
      const res = await call(server, token, method, path, { body: { name: 'x' } });
      assert.equal(res.status, 401, `${method} ${path}`);
    }
    const p = await admin.createPrincipal('validation');
    const bad = await call(server, admin.token, 'POST', `/admin/v1/instances/${instance}/access`, {
      body: { principalId: p.id, role: 'Owner' },
    });
    assert.equal(bad.status, 400);
    const both = await call(server, admin.token, 'POST', `/admin/v1/instances/${instance}/access`, {
      body: { principalId: p.id, role: 'Reader', keyRingId: 'r1', keyId },
    });
    assert.equal(both.status, 400);
    const nobody = await call(server, admin.token, 'POST', `/admin/v1/instances/${instance}/access`, {
      body: { principalId: 'no-such-principal', role: 'Reader' },
    });
    assert.equal(nobody.status, 404);
    const noInstance = await call(
      server,
      admin.token,
      'POST',
      '/admin/v1/instances/00000000-0000-4000-8000-00000000abcd/access',
      { body: { principalId: p.id, role: 'Reader' } },
    );
    assert.equal(noInstance.status, 404);
    const listed = await call(server, admin.token, 'GET', `/admin/v1/instances/${instance}/access`);
    assert.equal(listed.status, 200);
    assert.ok((listed.body as { bindings: { principalId: string }[] }).bindings.length >= 1);
  });
});

describe('per-instance rate limit', () => {
  let server: ServerProcess;
  let admin: Admin;

  before(async () => {
    server = await startServer({
      KEYLEDGER_ADMIN_API_KEY: 'rate-limit-admin-key-0123456789abcdef',
      KEYLEDGER_RATE_LIMIT_RPS: '5',
    });
    admin = await Admin.connect(server);
  });
  after(async () => {
    await server.dispose();
  });

  it('answers 429 with Retry-After and a Key Protect error body above the limit, per instance', async () => {
    const a = server.defaultInstanceId;
    const b = await admin.createInstance('other');
    const results = await Promise.all(
      Array.from({ length: 20 }, () => call(server, admin.token, 'GET', '/api/v2/keys', { instanceId: a })),
    );
    const limited = results.filter((r) => r.status === 429);
    assert.ok(limited.length >= 10, `${limited.length} of 20 limited`);
    assert.ok(results.filter((r) => r.status === 200).length >= 5);
    const first = limited[0];
    assert.ok(first);
    assert.equal(reasonOf(first), 'TOO_MANY_REQUESTS_ERR');
    assert.ok(Number(first.headers.get('retry-after')) >= 1);
    assert.equal(
      (await call(server, admin.token, 'GET', '/api/v2/keys', { instanceId: b })).status,
      200,
      'another instance has its own bucket',
    );
    const audit = await call(
      server,
      admin.token,
      'GET',
      `/admin/v1/instances/${a}/audit?outcome=denied&operation=getKeys`,
    );
    const records = (audit.body as { records: { reason: string }[] }).records;
    assert.ok(
      records.some((r) => r.reason === 'TOO_MANY_REQUESTS_ERR'),
      'rate-limited requests are audited',
    );
  });
});

describe('allowedIP instance policy', () => {
  let server: ServerProcess;
  let admin: Admin;

  before(async () => {
    server = await startServer({ KEYLEDGER_ADMIN_API_KEY: 'allowed-ip-admin-key-0123456789abcdef' });
    admin = await Admin.connect(server);
  });
  after(async () => {
    await server.dispose();
  });

  const policy = (cidrs: string[]) => ({
    metadata: { collectionType: 'application/vnd.ibm.kms.policy+json', collectionTotal: 1 },
    resources: [{ policy_type: 'allowedIP', policy_data: { enabled: true, attributes: { allowed_ip: cidrs } } }],
  });

  it('refuses requests from outside the allowed CIDRs with 401, audited, and lets allowed ones in', async () => {
    const instance = await admin.createInstance('fenced');
    const put = (cidrs: string[]) =>
      call(server, admin.token, 'PUT', '/api/v2/instance/policies?policy=allowedIP', {
        instanceId: instance,
        body: policy(cidrs),
      });
    for (const never of ['::ffff:127.0.0.1/128', '1:2:3:4:5:6:7:8:/128', 'fe80::1%lo/64']) {
      const refused = await put(['127.0.0.0/8', never]);
      assert.equal(refused.status, 400, `${never} can never match: refused`);
      assert.equal(reasonOf(refused), 'INVALID_FIELD_ERR');
    }
    assert.ok([200, 204].includes((await put(['10.0.0.0/8', '2001:db8::/32'])).status));
    const refused = await call(server, admin.token, 'GET', '/api/v2/keys', { instanceId: instance });
    assert.equal(refused.status, 401);
    assert.equal(reasonOf(refused), 'UNAUTHORIZED_ERR');
    // Key Protect: calls to the allowed IP port "bypass allowed IP policy enforcement" (the port is what a
    // caller needs to reach the instance's private endpoint).
    const port = await call(server, admin.token, 'GET', '/api/v2/instance/allowed_ip_port', { instanceId: instance });
    assert.equal(port.status, 200, JSON.stringify(port.body));
    assert.equal((port.body as { resources: unknown[] }).resources.length, 1);
    assert.equal(
      (await call(server, admin.token, 'GET', '/api/v2/keys', { instanceId: server.defaultInstanceId })).status,
      200,
      'other instances are not fenced',
    );
    const audit = await call(server, admin.token, 'GET', `/admin/v1/instances/${instance}/audit?outcome=denied`);
    assert.ok(
      (audit.body as { records: { operation: string; sourceIp: string }[] }).records.some(
        (r) => r.operation === 'getKeys' && r.sourceIp !== '',
      ),
    );
    assert.ok(
      [200, 204].includes((await put(['127.0.0.0/8', '::1/128'])).status),
      'the administrator can still fix the policy',
    );
    const allowed = await call(server, admin.token, 'GET', '/api/v2/keys', { instanceId: instance });
    assert.equal(allowed.status, 200);
  });
});
