import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { keyRingExists, keyRingsDecider, type KeyRingsEvent } from '../../../domain/key-rings/key-rings.ts';
import { DeciderSpecification } from '../../support/decider-specification.ts';

const spec = DeciderSpecification(keyRingsDecider);
const now = '2025-01-01T00:00:00.000Z';
const by = 'p1';
const created = (keyRingId: string): KeyRingsEvent => ({
  type: 'KeyRingCreated',
  data: { keyRingId },
  meta: { time: now, principalId: by },
});
const del = (keyRingId: string, counts: { liveKeys?: number; destroyedKeys?: number; force?: boolean } = {}) =>
  ({
    type: 'DeleteKeyRing',
    keyRingId,
    liveKeys: counts.liveKeys ?? 0,
    destroyedKeys: counts.destroyedKeys ?? 0,
    force: counts.force ?? false,
    now,
    principalId: by,
  }) as const;

describe('key rings decider', () => {
  it('creates a ring with a valid id', () => {
    spec
      .given([])
      .when({ type: 'CreateKeyRing', keyRingId: 'team-a', now, principalId: by })
      .then([created('team-a')]);
  });
  it('refuses ids that break Key Protect rules (2-100 chars, letters, digits, -)', () => {
    for (const id of ['a', 'under_score', 'sp ace', 'x'.repeat(101)]) {
      spec
        .given([])
        .when({ type: 'CreateKeyRing', keyRingId: id, now, principalId: by })
        .thenThrows('INVALID_FIELD_ERR');
    }
    spec
      .given([])
      .when({ type: 'CreateKeyRing', keyRingId: 'x'.repeat(100), now, principalId: by })
      .then([created('x'.repeat(100))]);
  });
  it('refuses a 51st ring besides default (Key Protect: at most 50 key rings per instance)', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => created(`ring-${i}`));
    spec
      .given(fifty.slice(0, 49))
      .when({ type: 'CreateKeyRing', keyRingId: 'ring-49', now, principalId: by })
      .then([created('ring-49')]);
    spec
      .given(fifty)
      .when({ type: 'CreateKeyRing', keyRingId: 'ring-50', now, principalId: by })
      .thenThrows('KEY_RING_QUOTA_ERR');
  });
  it('refuses an existing ring and the implicit default ring', () => {
    spec
      .given([created('team-a')])
      .when({ type: 'CreateKeyRing', keyRingId: 'team-a', now, principalId: by })
      .thenThrows('CONFLICT_ERR');
    spec
      .given([])
      .when({ type: 'CreateKeyRing', keyRingId: 'default', now, principalId: by })
      .thenThrows('CONFLICT_ERR');
  });
  it('deletes an empty ring; refuses default, an unknown ring, live keys, and destroyed keys without force', () => {
    spec
      .given([created('r1')])
      .when(del('r1'))
      .then([
        { type: 'KeyRingDeleted', data: { keyRingId: 'r1', force: false }, meta: { time: now, principalId: by } },
      ]);
    spec.given([]).when(del('default')).thenThrows('FEATURE_RESTRICTED_ERR');
    spec.given([]).when(del('r1')).thenThrows('KEY_RING_NOT_FOUND_ERR');
    spec
      .given([created('r1')])
      .when(del('r1', { liveKeys: 1, force: true }))
      .thenThrows('KEY_RING_NOT_EMPTY_ERR');
    spec
      .given([created('r1')])
      .when(del('r1', { destroyedKeys: 2 }))
      .thenThrows('KEY_RING_NOT_EMPTY_ERR');
    spec
      .given([created('r1')])
      .when(del('r1', { destroyedKeys: 2, force: true }))
      .then([{ type: 'KeyRingDeleted', data: { keyRingId: 'r1', force: true }, meta: { time: now, principalId: by } }]);
  });
  it('a deleted ring is gone and can be created again', () => {
    spec
      .given([created('r1')])
      .when(del('r1'))
      .thenState((state) => assert.equal(keyRingExists(state, 'r1'), false));
    spec
      .given([
        created('r1'),
        { type: 'KeyRingDeleted', data: { keyRingId: 'r1', force: false }, meta: { time: now, principalId: by } },
      ])
      .when({ type: 'CreateKeyRing', keyRingId: 'r1', now, principalId: by })
      .then([created('r1')]);
  });
});
