/**
 * The role matrix over HTTP: for every role at every scope (instance, key ring, key), every /api/v2
 * route answers 401 UNAUTHORIZED_ERR exactly when Key Protect's role table says the role may not
 * perform it there, on the principal's own key and ring and on a key and ring outside its scope.
 * Anything else below 500 (200, 400, 404, 409...) means access control let the request through; a 5xx
 * is a failure whatever the table says. The expected table is written out below from Key Protect's
 * documentation ("Managing user access", service access roles), not read from the code.
 * One server; one principal per (role, scope), each with its own key so destructive operations of
 * one principal do not disturb another.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allOperations, type OperationDefinition } from '../../../functions/api/operations.ts';
import { startServer, tokenFor, type ServerProcess } from '../../support/local-server.ts';
import { Admin, call, fillPath, reasonOf } from '../../support/access-helpers.ts';

type Role = 'Reader' | 'ReaderPlus' | 'Writer' | 'Manager' | 'KeyPurge';
const ROLES: readonly Role[] = ['Reader', 'ReaderPlus', 'Writer', 'Manager', 'KeyPurge'];
type ScopeKind = 'instance' | 'keyRing' | 'key';
const SCOPES: readonly ScopeKind[] = ['instance', 'keyRing', 'key'];

/**
 * Which roles may perform each operation, from Key Protect's table of service access roles (one row per
 * action; the row's name is in the comment). R = Reader, RP = ReaderPlus, W = Writer, M = Manager,
 * KP = KeyPurge. Where keyledger deliberately differs, the comment says so (README "Access control").
 */
const R = ['Reader', 'ReaderPlus', 'Writer', 'Manager'] as const;
const W = ['Writer', 'Manager'] as const;
const M = ['Manager'] as const;
const ALLOWED: Readonly<Record<string, readonly Role[]>> = {
  createKey: W, // Create a key / Import a key
  createKeyWithPolicyOverrides: W, // Create a key (with its own policies)
  getKeys: R, // List keys
  getKeyCollectionMetadata: R, // Retrieve key total
  getKey: R, // Retrieve key metadata (a standard key's payload needs ReaderPlus: tested below)
  getKeyMetadata: R, // Retrieve key metadata
  getKeyVersions: R, // List key versions
  patchKey: M, // Patch a key (and Manager on the key ring it moves to: tested below)
  deleteKey: M, // Delete a key
  restoreKey: M, // Restore a key
  purgeKey: ['KeyPurge'], // Purge keys after four hours
  wrapKey: R, // Wrap a key
  unwrapKey: R, // Unwrap a key
  rewrapKey: R, // Rewrap a key
  rotateKey: W, // Rotate a key
  disableKey: M, // Disable a key
  enableKey: M, // Enable a key
  setKeyForDeletion: W, // Schedule deletion for a key
  unsetKeyForDeletion: W, // Cancel deletion for a key
  syncAssociatedResources: W, // Sync keys
  listKeyRings: R, // List key rings
  createKeyRing: W, // Create a key ring
  deleteKeyRing: M, // Delete a key ring
  createKeyAlias: W, // aliases: "must be assigned a Manager or Writer" (Creating key aliases)
  deleteKeyAlias: W,
  getPolicy: M, // List key policies
  putPolicy: M, // Set key policies
  getInstancePolicy: M, // List instance policies
  putInstancePolicy: M, // Set instance policies
  getAllowedIpPort: M, // Retrieve the allowed IP port (Key Protect's allowed IP page: Manager)
  getRegistrationsAllKeys: R, // List registrations for any key
  getRegistrations: R, // List registrations for a key
  // Key Protect lets only IBM Cloud services write registrations (any role, service-to-service);
  // keyledger has no service identities, so it lets a Manager of the key write them.
  createRegistration: M,
  updateRegistration: M,
  replaceRegistration: M,
  deleteRegistration: M,
  postImportToken: W, // Create an import token
  getImportToken: W, // Retrieve an import token
};

/**
 * What each operation acts on, which decides the scopes a binding covers it from: one key (bindings on
 * the instance, the key's ring or the key), one key ring (instance or that ring), a listing (any
 * binding lets the caller in; it sees what its bindings cover), or instance settings (instance only).
 */
type Target = 'key' | 'keyRing' | 'collection' | 'instance';
const TARGET: Readonly<Record<string, Target>> = {
  createKey: 'keyRing',
  createKeyWithPolicyOverrides: 'keyRing',
  getKeys: 'collection',
  getKeyCollectionMetadata: 'collection',
  listKeyRings: 'instance',
  createKeyRing: 'keyRing',
  deleteKeyRing: 'keyRing',
  getInstancePolicy: 'instance',
  putInstancePolicy: 'instance',
  getAllowedIpPort: 'instance',
  getRegistrationsAllKeys: 'collection',
  postImportToken: 'instance',
  getImportToken: 'instance',
};

/** Destructive operations run last, so a principal's own key stays usable for the rest. */
const LAST = [
  'disableKey',
  'setKeyForDeletion',
  'deleteKeyAlias',
  'patchKey',
  'deleteKey',
  'restoreKey',
  'purgeKey',
  'deleteKeyRing',
];
const apiRoutes: OperationDefinition[] = allOperations
  .filter((r) => r.path.startsWith('/api/v2'))
  .sort((a, b) => LAST.indexOf(a.name) - LAST.indexOf(b.name));

/** May `role` bound at `scope` perform `operation` on its own target, or on one outside its scope? */
function expectedAllowed(role: Role | 'admin', scope: ScopeKind, name: string, target: 'own' | 'other'): boolean {
  if (role === 'admin') return true;
  if (!ALLOWED[name]?.includes(role)) return false;
  if (scope === 'instance') return true;
  switch (TARGET[name] ?? 'key') {
    case 'collection':
      return true;
    case 'instance':
      return false;
    case 'keyRing':
      return scope === 'keyRing' && target === 'own';
    case 'key':
      return target === 'own';
  }
}

describe('role matrix over HTTP', () => {
  let server: ServerProcess;
  let admin: Admin;
  let instance: string;
  let otherKey: string;
  const mismatches: string[] = [];
  let requests = 0;

  before(async () => {
    server = await startServer({ KEYLEDGER_ADMIN_API_KEY: 'role-matrix-admin-key-0123456789abcdef' });
    admin = await Admin.connect(server);
    instance = await admin.createInstance('matrix');
    await admin.createKeyRing(instance, 'ring-a');
    await admin.createKeyRing(instance, 'ring-b');
    otherKey = await admin.createKey(instance, 'outside-scope', { ring: 'ring-b' });
  });
  after(async () => {
    await server.dispose();
  });

  async function walk(
    label: string,
    token: string,
    role: Role | 'admin',
    scope: ScopeKind,
    own: { keyId: string; ring: string },
    target: 'own' | 'other',
  ): Promise<void> {
    const values = target === 'own' ? { id: own.keyId, keyRingId: own.ring } : { id: otherKey, keyRingId: 'ring-b' };
    for (const route of apiRoutes) {
      const res = await call(server, token, route.method, fillPath(route.path, values), {
        instanceId: instance,
        headers: { 'x-kms-key-ring': values.keyRingId },
        ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { body: {} } : {}),
      });
      requests++;
      const allowed = expectedAllowed(role, scope, route.name, target);
      const denied = res.status === 401;
      if (res.status >= 500) mismatches.push(`${label} ${target} ${route.name}: ${res.status} ${reasonOf(res) ?? ''}`);
      if (denied && reasonOf(res) !== 'UNAUTHORIZED_ERR' && route.method !== 'HEAD')
        mismatches.push(`${label} ${route.name}: 401 without UNAUTHORIZED_ERR`);
      if (allowed === denied)
        mismatches.push(
          `${label} ${target} ${route.method} ${route.path} (${route.name}): expected ${allowed ? 'allowed' : '401'}, got ${res.status} ${reasonOf(res) ?? ''}`,
        );
    }
  }

  it('the table names every /api/v2 route, and no route that does not exist', () => {
    assert.deepEqual(apiRoutes.map((r) => r.name).sort(), Object.keys(ALLOWED).sort());
  });

  it('every role at every scope gets exactly what the table gives it, on every route', async () => {
    const t0 = Date.now();
    const cases = ROLES.flatMap((role) => SCOPES.map((scope) => ({ role, scope })));
    await Promise.all(
      cases.map(async ({ role, scope }) => {
        const label = `${role}@${scope}`;
        const principal = await admin.createPrincipal(label);
        const keyId = await admin.createKey(instance, `own-${role}-${scope}`, { ring: 'ring-a' });
        await admin.grant(instance, {
          principalId: principal.id,
          role,
          ...(scope === 'keyRing' ? { keyRingId: 'ring-a' } : {}),
          ...(scope === 'key' ? { keyId } : {}),
        });
        const token = await tokenFor(server.url, principal.apiKey);
        await walk(label, token, role, scope, { keyId, ring: 'ring-a' }, 'own');
        if (scope !== 'instance') await walk(label, token, role, scope, { keyId, ring: 'ring-a' }, 'other');
      }),
    );
    const adminKey = await admin.createKey(instance, 'admin-own', { ring: 'ring-a' });
    await walk('service administrator', admin.token, 'admin', 'instance', { keyId: adminKey, ring: 'ring-a' }, 'own');
    console.log(`role matrix: ${requests} requests over ${apiRoutes.length} routes in ${Date.now() - t0} ms`);
    assert.deepEqual(mismatches, []);
  });

  it('a Reader reads a root key but a standard key payload needs ReaderPlus', async () => {
    const standard = await admin.createKey(instance, 'standard', {
      ring: 'ring-a',
      payload: Buffer.from('secret').toString('base64'),
    });
    for (const [role, status] of [
      ['Reader', 401],
      ['ReaderPlus', 200],
    ] as const) {
      const p = await admin.createPrincipal(`payload-${role}`);
      await admin.grant(instance, { principalId: p.id, role, keyRingId: 'ring-a' });
      const token = await tokenFor(server.url, p.apiKey);
      assert.equal(
        (await call(server, token, 'GET', `/api/v2/keys/${standard}`, { instanceId: instance })).status,
        status,
        role,
      );
      assert.equal(
        (await call(server, token, 'GET', `/api/v2/keys/${standard}/metadata`, { instanceId: instance })).status,
        200,
        role,
      );
    }
  });

  it('moving a key needs Manager on the key and on the target key ring (Transferring a key to a different key ring)', async () => {
    await admin.createKeyRing(instance, 'ring-c');
    type Grant = { role: Role; keyRingId?: string; key?: true };
    const cases: readonly { label: string; grants: readonly Grant[]; status: number }[] = [
      { label: 'Manager of the source ring only', grants: [{ role: 'Manager', keyRingId: 'ring-a' }], status: 401 },
      { label: 'Manager of the key only', grants: [{ role: 'Manager', key: true }], status: 401 },
      {
        label: 'Manager of the source ring, Writer of the target',
        grants: [
          { role: 'Manager', keyRingId: 'ring-a' },
          { role: 'Writer', keyRingId: 'ring-c' },
        ],
        status: 401,
      },
      {
        label: 'Writer of the source ring, Manager of the target',
        grants: [
          { role: 'Writer', keyRingId: 'ring-a' },
          { role: 'Manager', keyRingId: 'ring-c' },
        ],
        status: 401,
      },
      {
        label: 'Manager of the key and of the target ring',
        grants: [
          { role: 'Manager', key: true },
          { role: 'Manager', keyRingId: 'ring-c' },
        ],
        status: 200,
      },
      {
        label: 'Manager of both rings',
        grants: [
          { role: 'Manager', keyRingId: 'ring-a' },
          { role: 'Manager', keyRingId: 'ring-c' },
        ],
        status: 200,
      },
      { label: 'Manager of the instance', grants: [{ role: 'Manager' }], status: 200 },
    ];
    for (const [i, { label, grants, status }] of cases.entries()) {
      const p = await admin.createPrincipal(`mover-${i}`);
      const keyId = await admin.createKey(instance, `moved-${i}`, { ring: 'ring-a' });
      for (const g of grants)
        await admin.grant(instance, {
          principalId: p.id,
          role: g.role,
          ...(g.keyRingId ? { keyRingId: g.keyRingId } : {}),
          ...(g.key ? { keyId } : {}),
        });
      const token = await tokenFor(server.url, p.apiKey);
      const res = await call(server, token, 'PATCH', `/api/v2/keys/${keyId}`, {
        instanceId: instance,
        body: { keyRingID: 'ring-c' },
      });
      assert.equal(res.status, status, `${label}: ${res.status} ${reasonOf(res) ?? ''}`);
      if (status === 401) assert.equal(reasonOf(res), 'UNAUTHORIZED_ERR', label);
    }
  });

  it('a scoped principal lists only the keys its bindings cover', async () => {
    const p = await admin.createPrincipal('lister');
    const single = await admin.createKey(instance, 'single', { ring: 'ring-b' });
    await admin.grant(instance, { principalId: p.id, role: 'Reader', keyRingId: 'ring-a' });
    const token = await tokenFor(server.url, p.apiKey);
    const ringOnly = await call(server, token, 'GET', '/api/v2/keys?limit=5000', { instanceId: instance });
    const adminView = await call(server, admin.token, 'GET', '/api/v2/keys?limit=5000', { instanceId: instance });
    type Listing = { resources: { id: string; keyRingID?: string }[] };
    const ids = (r: typeof ringOnly) => (r.body as Listing).resources.map((k) => k.id);
    assert.ok(ids(ringOnly).length > 0);
    assert.ok(!ids(ringOnly).includes(otherKey) && !ids(ringOnly).includes(single));
    assert.ok(ids(adminView).includes(otherKey));
    await admin.grant(instance, { principalId: p.id, role: 'Reader', keyId: single });
    const withKey = await call(server, token, 'GET', '/api/v2/keys?limit=5000&totalCount=true', {
      instanceId: instance,
    });
    assert.ok(ids(withKey).includes(single) && !ids(withKey).includes(otherKey));
    assert.equal(ids(withKey).length, ids(ringOnly).length + 1);
  });
});
