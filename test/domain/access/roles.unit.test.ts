import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideAccess } from '../../../domain/access/authorize.ts';
import type { Binding, Scope } from '../../../domain/access/bindings.ts';
import { OPERATIONS, ROLES, roleAllows, type Operation, type Role } from '../../../domain/access/roles.ts';
import { routes } from '../../../functions/api/routes.ts';

const binding = (role: Role, scope: Scope): Binding => ({
  bindingId: `${role}-${scope.kind}`,
  principalId: 'p',
  role,
  scope,
  grantedAt: '',
});

describe('role table', () => {
  it('has an entry for every /api/v2 route', () => {
    const missing = routes
      .filter((r) => r.path.startsWith('/api/v2') && !Object.hasOwn(OPERATIONS, r.operation))
      .map((r) => `${r.method} ${r.path} ${r.operation}`);
    assert.deepEqual(missing, []);
  });
  it('is additive: each role of the chain holds every permission of the one before', () => {
    const chain: Role[] = ['Reader', 'ReaderPlus', 'Writer', 'Manager'];
    for (const op of Object.keys(OPERATIONS) as Operation[]) {
      for (let i = 1; i < chain.length; i++) {
        if (roleAllows(chain[i - 1] as Role, op))
          assert.ok(roleAllows(chain[i] as Role, op), `${chain[i]} lacks ${op}`);
      }
    }
  });
  it('gives purge to KeyPurge alone, and KeyPurge nothing else', () => {
    for (const role of ROLES) assert.equal(roleAllows(role, 'purgeKey'), role === 'KeyPurge', role);
    for (const op of Object.keys(OPERATIONS) as Operation[])
      assert.equal(roleAllows('KeyPurge', op), op === 'purgeKey', op);
  });
  it('matches Key Protect on the landmark operations', () => {
    assert.ok(roleAllows('Reader', 'wrapKey') && roleAllows('Reader', 'unwrapKey') && roleAllows('Reader', 'getKeys'));
    assert.ok(!roleAllows('Reader', 'getKeyPayload') && roleAllows('ReaderPlus', 'getKeyPayload'));
    assert.ok(
      !roleAllows('ReaderPlus', 'rotateKey') && roleAllows('Writer', 'rotateKey') && roleAllows('Writer', 'createKey'),
    );
    assert.ok(
      !roleAllows('Writer', 'disableKey') &&
        roleAllows('Manager', 'disableKey') &&
        roleAllows('Manager', 'putInstancePolicy'),
    );
  });
});

describe('decideAccess', () => {
  const key = { keyId: 'k1', keyRingId: 'ring-a' };
  it('covers a key from the instance, its ring or itself, never from another ring or key', () => {
    assert.ok(decideAccess([binding('Reader', { kind: 'instance' })], { operation: 'wrapKey', key }).allowed);
    assert.ok(
      decideAccess([binding('Reader', { kind: 'keyRing', keyRingId: 'ring-a' })], { operation: 'wrapKey', key })
        .allowed,
    );
    assert.ok(decideAccess([binding('Reader', { kind: 'key', keyId: 'k1' })], { operation: 'wrapKey', key }).allowed);
    assert.ok(
      !decideAccess([binding('Reader', { kind: 'keyRing', keyRingId: 'ring-b' })], { operation: 'wrapKey', key })
        .allowed,
    );
    assert.ok(!decideAccess([binding('Reader', { kind: 'key', keyId: 'k2' })], { operation: 'wrapKey', key }).allowed);
    assert.ok(
      !decideAccess([binding('Reader', { kind: 'keyRing', keyRingId: 'ring-a' })], { operation: 'wrapKey' }).allowed,
      'an unknown key is covered by no ring',
    );
  });
  it('adds roles across bindings', () => {
    const mine = [binding('Reader', { kind: 'instance' }), binding('Manager', { kind: 'key', keyId: 'k1' })];
    assert.ok(decideAccess(mine, { operation: 'disableKey', key }).allowed);
    assert.ok(!decideAccess(mine, { operation: 'disableKey', key: { keyId: 'k2', keyRingId: 'ring-a' } }).allowed);
  });
  it('filters listings for scoped callers and not for instance-wide ones', () => {
    assert.deepEqual(decideAccess([binding('Reader', { kind: 'instance' })], { operation: 'getKeys' }), {
      allowed: true,
    });
    assert.deepEqual(
      decideAccess(
        [binding('Reader', { kind: 'keyRing', keyRingId: 'r' }), binding('Writer', { kind: 'key', keyId: 'k' })],
        { operation: 'getKeys' },
      ),
      { allowed: true, filter: { keyRingIds: ['r'], keyIds: ['k'] } },
    );
    assert.deepEqual(decideAccess([binding('KeyPurge', { kind: 'instance' })], { operation: 'getKeys' }), {
      allowed: false,
    });
  });
  it('keeps instance settings to instance-wide bindings, and rings to their ring', () => {
    assert.ok(
      !decideAccess([binding('Manager', { kind: 'keyRing', keyRingId: 'r' })], { operation: 'putInstancePolicy' })
        .allowed,
    );
    assert.ok(
      decideAccess([binding('Writer', { kind: 'keyRing', keyRingId: 'r' })], { operation: 'createKey', keyRingId: 'r' })
        .allowed,
    );
    assert.ok(
      !decideAccess([binding('Writer', { kind: 'keyRing', keyRingId: 'r' })], {
        operation: 'createKey',
        keyRingId: 'default',
      }).allowed,
    );
  });
});
