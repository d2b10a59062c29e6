import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideAccess } from '../../../domain/access/authorize.ts';
import type { Binding, Scope } from '../../../domain/access/bindings.ts';
import { KEY_PAYLOAD_RULE, ROLES, roleAllows, type OperationRule, type Role } from '../../../domain/access/roles.ts';
import { allOperations, operations } from '../../../functions/api/operations.ts';

/** The role rule of an operation of the table; the test fails on an admin or public one. */
function rule(name: keyof typeof operations): OperationRule {
  const access = operations[name].access;
  assert.ok(typeof access === 'object', `${name} has a role rule`);
  return access;
}
const keyProtectOperations = allOperations.flatMap((o) => (typeof o.access === 'object' ? [o] : []));

const binding = (role: Role, scope: Scope): Binding => ({
  bindingId: `${role}-${scope.kind}`,
  principalId: 'p',
  role,
  scope,
  grantedAt: '',
});

describe('role table', () => {
  it('gives every /api/v2 route a role rule, and nothing else one', () => {
    for (const o of allOperations)
      assert.equal(typeof o.access === 'object', o.path.startsWith('/api/v2'), `${o.method} ${o.path}`);
  });
  it('is additive: each role of the chain holds every permission of the one before', () => {
    const chain: Role[] = ['Reader', 'ReaderPlus', 'Writer', 'Manager'];
    for (const op of keyProtectOperations) {
      for (let i = 1; i < chain.length; i++) {
        if (roleAllows(chain[i - 1] as Role, op.access as OperationRule))
          assert.ok(roleAllows(chain[i] as Role, op.access as OperationRule), `${chain[i]} lacks ${op.name}`);
      }
    }
  });
  it('gives purge to KeyPurge alone, and KeyPurge nothing else', () => {
    for (const role of ROLES) assert.equal(roleAllows(role, rule('purgeKey')), role === 'KeyPurge', role);
    for (const op of keyProtectOperations)
      assert.equal(roleAllows('KeyPurge', op.access as OperationRule), op.name === 'purgeKey', op.name);
  });
  it('matches Key Protect on the landmark operations', () => {
    assert.ok(
      roleAllows('Reader', rule('wrapKey')) &&
        roleAllows('Reader', rule('unwrapKey')) &&
        roleAllows('Reader', rule('getKeys')),
    );
    assert.ok(!roleAllows('Reader', KEY_PAYLOAD_RULE) && roleAllows('ReaderPlus', KEY_PAYLOAD_RULE));
    assert.ok(
      !roleAllows('ReaderPlus', rule('rotateKey')) &&
        roleAllows('Writer', rule('rotateKey')) &&
        roleAllows('Writer', rule('createKey')),
    );
    assert.ok(
      !roleAllows('Writer', rule('disableKey')) &&
        roleAllows('Manager', rule('disableKey')) &&
        roleAllows('Manager', rule('putInstancePolicy')),
    );
  });
});

describe('decideAccess', () => {
  const key = { keyId: 'k1', keyRingId: 'ring-a' };
  it('covers a key from the instance, its ring or itself, never from another ring or key', () => {
    assert.ok(decideAccess([binding('Reader', { kind: 'instance' })], { rule: rule('wrapKey'), key }).allowed);
    assert.ok(
      decideAccess([binding('Reader', { kind: 'keyRing', keyRingId: 'ring-a' })], { rule: rule('wrapKey'), key })
        .allowed,
    );
    assert.ok(decideAccess([binding('Reader', { kind: 'key', keyId: 'k1' })], { rule: rule('wrapKey'), key }).allowed);
    assert.ok(
      !decideAccess([binding('Reader', { kind: 'keyRing', keyRingId: 'ring-b' })], { rule: rule('wrapKey'), key })
        .allowed,
    );
    assert.ok(!decideAccess([binding('Reader', { kind: 'key', keyId: 'k2' })], { rule: rule('wrapKey'), key }).allowed);
    assert.ok(
      !decideAccess([binding('Reader', { kind: 'keyRing', keyRingId: 'ring-a' })], { rule: rule('wrapKey') }).allowed,
      'an unknown key is covered by no ring',
    );
  });
  it('adds roles across bindings', () => {
    const mine = [binding('Reader', { kind: 'instance' }), binding('Manager', { kind: 'key', keyId: 'k1' })];
    assert.ok(decideAccess(mine, { rule: rule('disableKey'), key }).allowed);
    assert.ok(!decideAccess(mine, { rule: rule('disableKey'), key: { keyId: 'k2', keyRingId: 'ring-a' } }).allowed);
  });
  it('filters listings for scoped callers and not for instance-wide ones', () => {
    assert.deepEqual(decideAccess([binding('Reader', { kind: 'instance' })], { rule: rule('getKeys') }), {
      allowed: true,
    });
    assert.deepEqual(
      decideAccess(
        [binding('Reader', { kind: 'keyRing', keyRingId: 'r' }), binding('Writer', { kind: 'key', keyId: 'k' })],
        { rule: rule('getKeys') },
      ),
      { allowed: true, filter: { keyRingIds: ['r'], keyIds: ['k'] } },
    );
    assert.deepEqual(decideAccess([binding('KeyPurge', { kind: 'instance' })], { rule: rule('getKeys') }), {
      allowed: false,
    });
  });
  it('keeps instance settings to instance-wide bindings, and rings to their ring', () => {
    assert.ok(
      !decideAccess([binding('Manager', { kind: 'keyRing', keyRingId: 'r' })], { rule: rule('putInstancePolicy') })
        .allowed,
    );
    assert.ok(
      decideAccess([binding('Writer', { kind: 'keyRing', keyRingId: 'r' })], {
        rule: rule('createKey'),
        keyRingId: 'r',
      }).allowed,
    );
    assert.ok(
      !decideAccess([binding('Writer', { kind: 'keyRing', keyRingId: 'r' })], {
        rule: rule('createKey'),
        keyRingId: 'default',
      }).allowed,
    );
  });
});
