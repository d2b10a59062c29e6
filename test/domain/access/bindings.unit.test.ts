import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessDecider, type AccessEvent } from '../../../domain/access/bindings.ts';
import { principalDecider, type PrincipalEvent } from '../../../domain/identity/principal.ts';
import { accessCodec } from '../../../events/schemas/access.ts';
import { DeciderSpecification } from '../../support/decider-specification.ts';

const now = '2025-01-01T00:00:00.000Z';
const meta = { time: now, principalId: 'admin' };
const spec = DeciderSpecification(accessDecider);
const granted: AccessEvent = {
  type: 'AccessGranted',
  data: { bindingId: 'b1', principalId: 'p1', role: 'Reader', scope: { kind: 'keyRing', keyRingId: 'ring-a' } },
  meta,
};

describe('access bindings decider', () => {
  it('grants a role at a scope', () => {
    spec
      .given([])
      .when({
        type: 'GrantAccess',
        bindingId: 'b1',
        principalId: 'p1',
        role: 'Reader',
        scope: { kind: 'keyRing', keyRingId: 'ring-a' },
        now,
        principalIdOfCaller: 'admin',
      })
      .then([granted]);
  });
  it('refuses a binding id twice', () => {
    spec
      .given([granted])
      .when({
        type: 'GrantAccess',
        bindingId: 'b1',
        principalId: 'p2',
        role: 'Manager',
        scope: { kind: 'instance' },
        now,
        principalIdOfCaller: 'admin',
      })
      .thenThrows('CONFLICT_ERR');
  });
  it('revokes a binding, and the state forgets it', () => {
    spec
      .given([granted])
      .when({ type: 'RevokeAccess', bindingId: 'b1', now, principalIdOfCaller: 'admin' })
      .thenState((state, events) => {
        assert.deepEqual(
          events.map((e) => e.type),
          ['AccessRevoked'],
        );
        assert.deepEqual(state.status === 'Bound' ? state.bindings : null, {});
      });
  });
  it('refuses to revoke an unknown or already revoked binding', () => {
    spec
      .given([])
      .when({ type: 'RevokeAccess', bindingId: 'b1', now, principalIdOfCaller: 'admin' })
      .thenThrows('BINDING_NOT_FOUND_ERR');
    spec
      .given([granted, { type: 'AccessRevoked', data: { bindingId: 'b1' }, meta }])
      .when({ type: 'RevokeAccess', bindingId: 'b1', now, principalIdOfCaller: 'admin' })
      .thenThrows('BINDING_NOT_FOUND_ERR');
  });
  it('round-trips its events through the stored schemas', () => {
    const encoded = accessCodec.encode(granted);
    assert.equal(encoded.schemaVersion, 1);
    const decoded = accessCodec.decode({
      ...encoded,
      streamId: 'access:i',
      version: 1,
      meta: { ...meta, instanceId: 'i' },
    });
    assert.deepEqual(decoded, granted);
    assert.throws(() =>
      accessCodec.decode({
        type: 'AccessGranted',
        schemaVersion: 1,
        data: { ...granted.data, role: 'Owner' },
        meta,
      } as never),
    );
  });
});

describe('principal decider: API keys and deletion', () => {
  const pspec = DeciderSpecification(principalDecider);
  const h1 = 'a'.repeat(64);
  const h2 = 'b'.repeat(64);
  const created: PrincipalEvent[] = [
    { type: 'PrincipalCreated', data: { principalId: 'p1', name: 'app', admin: false }, meta },
    { type: 'PrincipalApiKeyAdded', data: { keyHash: h1 }, meta },
  ];
  it('creates a principal with its first key', () => {
    pspec
      .given([])
      .when({
        type: 'CreatePrincipal',
        principalId: 'p1',
        name: 'app',
        admin: false,
        keyHash: h1,
        now,
        principalIdOfCaller: 'admin',
      })
      .then(created);
  });
  it('revokes every key it holds at once', () => {
    pspec
      .given([...created, { type: 'PrincipalApiKeyAdded', data: { keyHash: h2 }, meta }])
      .when({ type: 'RevokeApiKeys', now, principalIdOfCaller: 'admin' })
      .then([{ type: 'PrincipalApiKeysRevoked', data: { keyHashes: [h1, h2] }, meta }]);
  });
  it('has nothing to revoke twice', () => {
    pspec
      .given([...created, { type: 'PrincipalApiKeysRevoked', data: { keyHashes: [h1] }, meta }])
      .when({ type: 'RevokeApiKeys', now, principalIdOfCaller: 'admin' })
      .thenNothingHappens();
  });
  it('deletes a principal, revoking its keys; a deleted principal takes no new key', () => {
    pspec
      .given(created)
      .when({ type: 'DeletePrincipal', now, principalIdOfCaller: 'admin' })
      .then([
        { type: 'PrincipalApiKeysRevoked', data: { keyHashes: [h1] }, meta },
        { type: 'PrincipalDeleted', data: {}, meta },
      ]);
    pspec
      .given([...created, { type: 'PrincipalDeleted', data: {}, meta }])
      .when({ type: 'AddApiKey', keyHash: h2, now, principalIdOfCaller: 'admin' })
      .thenThrows('PRINCIPAL_NOT_FOUND_ERR');
  });
  it('never revokes the service administrator (that would lock the service)', () => {
    pspec
      .given([
        { type: 'PrincipalCreated', data: { principalId: 'a', name: 'admin', admin: true }, meta },
        { type: 'PrincipalApiKeyAdded', data: { keyHash: h1 }, meta },
      ])
      .when({ type: 'RevokeApiKeys', now, principalIdOfCaller: 'a' })
      .thenThrows('FEATURE_RESTRICTED_ERR');
  });
});
