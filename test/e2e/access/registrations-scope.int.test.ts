/**
 * GET /api/v2/keys/registrations (getRegistrationsAllKeys) honours the caller's scope as GET /keys
 * does: a principal with Reader on one key ring sees (and counts) only the registrations of that
 * ring's keys, plus keys it is bound to by id; an instance-wide caller sees all of them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, tokenFor, type ServerProcess } from '../../support/local-server.ts';
import { Admin, call } from '../../support/access-helpers.ts';

interface Registrations {
  metadata: { collectionTotal: number; totalCount?: number };
  resources: { keyId: string; resourceCrn: string }[];
}

const crnOf = (name: string): string => `crn:v1:bluemix:public:cloud-object-storage:global:a/abc:${name}:bucket:data`;

describe("getRegistrationsAllKeys is filtered by the caller's scope", () => {
  let server: ServerProcess;
  let admin: Admin;
  let instance: string;
  const keys: Record<'inRing' | 'inRing2' | 'other' | 'byId', string> = {
    inRing: '',
    inRing2: '',
    other: '',
    byId: '',
  };

  async function register(keyId: string, name: string): Promise<void> {
    const res = await call(
      server,
      admin.token,
      'POST',
      `/api/v2/keys/${keyId}/registrations/${encodeURIComponent(crnOf(name))}`,
      {
        instanceId: instance,
        body: {
          metadata: { collectionType: 'application/vnd.ibm.kms.registration_input+json', collectionTotal: 1 },
          resources: [{ preventKeyDeletion: false }],
        },
      },
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }

  async function listAs(token: string, query = 'totalCount=true'): Promise<Registrations> {
    const res = await call(server, token, 'GET', `/api/v2/keys/registrations?${query}`, { instanceId: instance });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Registrations;
  }

  const pairs = (body: Registrations): string[][] => body.resources.map((r) => [r.keyId, r.resourceCrn]).sort();

  before(async () => {
    server = await startServer({ KEYLEDGER_ADMIN_API_KEY: 'registrations-scope-admin-key-0123456789' });
    admin = await Admin.connect(server);
    instance = await admin.createInstance('registrations-scope');
    await admin.createKeyRing(instance, 'payments');
    keys.inRing = await admin.createKey(instance, 'in-ring', { ring: 'payments' });
    keys.inRing2 = await admin.createKey(instance, 'in-ring-2', { ring: 'payments' });
    keys.other = await admin.createKey(instance, 'other');
    keys.byId = await admin.createKey(instance, 'by-id');
    await register(keys.inRing, 'ring-a');
    await register(keys.inRing, 'ring-b');
    await register(keys.inRing2, 'ring-c');
    await register(keys.other, 'other');
    await register(keys.byId, 'by-id');
  });
  after(async () => {
    await server.dispose();
  });

  it("a Reader on one key ring sees only that ring's keys' registrations, and the total counts only those", async () => {
    const reader = await admin.createPrincipal('ring-reader');
    await admin.grant(instance, { principalId: reader.id, role: 'Reader', keyRingId: 'payments' });
    const token = await tokenFor(server.url, reader.apiKey);

    const body = await listAs(token);
    assert.deepEqual(
      pairs(body),
      [
        [keys.inRing, crnOf('ring-a')],
        [keys.inRing, crnOf('ring-b')],
        [keys.inRing2, crnOf('ring-c')],
      ].sort(),
    );
    assert.equal(body.metadata.totalCount, 3);
    assert.equal(body.metadata.collectionTotal, 3);

    const paged = await listAs(token, 'totalCount=true&limit=1&offset=2');
    assert.equal(paged.resources.length, 1);
    assert.equal(paged.metadata.totalCount, 3, 'the total ignores paging but not the scope');

    const other = await listAs(
      token,
      `urlEncodedResourceCRNQuery=${encodeURIComponent(crnOf('other'))}&totalCount=true`,
    );
    assert.deepEqual(other.resources, [], 'a CRN query cannot reach a key outside the scope');
    assert.equal(other.metadata.totalCount, 0);
  });

  it('bindings are additive: a ring binding plus a key binding sees both', async () => {
    const reader = await admin.createPrincipal('ring-and-key-reader');
    await admin.grant(instance, { principalId: reader.id, role: 'Reader', keyRingId: 'payments' });
    await admin.grant(instance, { principalId: reader.id, role: 'Reader', keyId: keys.byId });
    const body = await listAs(await tokenFor(server.url, reader.apiKey));
    assert.deepEqual(
      pairs(body)
        .map(([keyId]) => keyId)
        .sort(),
      [keys.inRing, keys.inRing, keys.inRing2, keys.byId].sort(),
    );
  });

  it('a key moved out of the ring drops out of the scoped listing at once', async () => {
    const reader = await admin.createPrincipal('ring-reader-move');
    await admin.grant(instance, { principalId: reader.id, role: 'Reader', keyRingId: 'payments' });
    const token = await tokenFor(server.url, reader.apiKey);
    const moved = await call(server, admin.token, 'PATCH', `/api/v2/keys/${keys.inRing2}`, {
      instanceId: instance,
      body: { keyRingID: 'default' },
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    try {
      assert.deepEqual(
        pairs(await listAs(token)).map(([keyId]) => keyId),
        [keys.inRing, keys.inRing],
      );
    } finally {
      const back = await call(server, admin.token, 'PATCH', `/api/v2/keys/${keys.inRing2}`, {
        instanceId: instance,
        body: { keyRingID: 'payments' },
      });
      assert.equal(back.status, 200, JSON.stringify(back.body));
    }
  });

  it('an instance-wide Reader and the administrator see every registration', async () => {
    const reader = await admin.createPrincipal('instance-reader');
    await admin.grant(instance, { principalId: reader.id, role: 'Reader' });
    const all = await listAs(await tokenFor(server.url, reader.apiKey));
    assert.equal(all.metadata.totalCount, 5);
    assert.deepEqual(pairs(all), pairs(await listAs(admin.token)));
  });
});
