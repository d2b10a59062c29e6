import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyDecider } from '../../../domain/keys/decider.ts';
import type { KeyEvent } from '../../../domain/keys/events.ts';
import { addMonths, isRotationDue, keySchedule } from '../../../domain/keys/schedule.ts';
import type { KeyState } from '../../../domain/keys/state.ts';
import { DAY, at, created, deleted, disabled, event, expiredAt, purged, rotated } from './fixtures.ts';

const fold = (...events: KeyEvent[]): KeyState =>
  events.reduce((s, e) => keyDecider.evolve(s, e), keyDecider.initialState());
const policy = (atS: number, enabled: boolean, intervalMonth: number): KeyEvent =>
  event('KeyPolicySet', { policy: 'rotation', enabled, intervalMonth }, atS);

void describe('addMonths', () => {
  void it('adds calendar months in UTC, clamping to the end of shorter months', () => {
    assert.equal(addMonths('2030-01-31T10:00:00.000Z', 1), '2030-02-28T10:00:00.000Z');
    assert.equal(addMonths('2032-01-31T10:00:00.000Z', 1), '2032-02-29T10:00:00.000Z');
    assert.equal(addMonths('2030-03-15T00:00:00.000Z', 12), '2031-03-15T00:00:00.000Z');
    assert.equal(addMonths('2030-11-30T23:59:59.999Z', 3), '2031-02-28T23:59:59.999Z');
    assert.equal(addMonths('2030-03-31T00:00:00.000Z', -1), '2030-02-28T00:00:00.000Z');
  });
});

void describe('keySchedule', () => {
  void it('is empty for a missing or purged key', () => {
    assert.deepEqual(keySchedule(fold()), {});
    assert.deepEqual(keySchedule(fold(created(), deleted(DAY), purged(2 * DAY))), {});
  });

  void it('names the instance-default rotation base of a generated root key without a policy', () => {
    assert.deepEqual(keySchedule(fold(created())), { rotationBase: at(0) });
    assert.deepEqual(keySchedule(fold(created(), rotated(DAY, 1))), { rotationBase: at(DAY) });
  });

  void it('names the next rotation of an enabled policy from the last rotation, and nothing for a disabled one', () => {
    assert.deepEqual(keySchedule(fold(created(), policy(10, true, 3))), { rotateAt: addMonths(at(0), 3) });
    assert.deepEqual(keySchedule(fold(created(), policy(10, true, 3), rotated(DAY, 1))), {
      rotateAt: addMonths(at(DAY), 3),
    });
    assert.deepEqual(keySchedule(fold(created(), policy(10, false, 3))), {});
  });

  void it('leaves out suspended, imported and standard keys from rotation', () => {
    assert.deepEqual(keySchedule(fold(created(), disabled(10))), {});
    assert.deepEqual(keySchedule(fold(created({ imported: true }))), {});
    assert.deepEqual(keySchedule(fold(created({ keyType: 'standard' }))), {});
  });

  void it("names an Active key's expiry in UTC, and a deleted key's deletion date", () => {
    const expiring = fold(created({ expirationDate: '2025-02-01T02:00:00+02:00' }));
    assert.equal(keySchedule(expiring).expiresAt, '2025-02-01T00:00:00.000Z');
    const expired = fold(
      created({ expirationDate: '2025-02-01T00:00:00.000Z' }),
      expiredAt(40 * DAY, '2025-02-01T00:00:00.000Z'),
    );
    assert.equal(keySchedule(expired).expiresAt, undefined, 'a Deactivated key has nothing left to expire');
    assert.ok(keySchedule(expired).rotationBase, 'a Deactivated key still rotates');
    assert.deepEqual(keySchedule(fold(created(), deleted(DAY))), { deletedAt: at(DAY) });
  });
});

void describe('isRotationDue', () => {
  void it('follows the key policy, else the instance default, never before its time', () => {
    const own = fold(created(), policy(10, true, 1));
    assert.equal(isRotationDue(own, addMonths(at(0), 1), undefined), true);
    assert.equal(isRotationDue(own, at(27 * DAY), 1), false);
    const none = fold(created());
    assert.equal(isRotationDue(none, addMonths(at(0), 6), undefined), false, 'no policy at all');
    assert.equal(isRotationDue(none, addMonths(at(0), 2), 3), false);
    assert.equal(isRotationDue(none, addMonths(at(0), 3), 3), true);
    assert.equal(
      isRotationDue(fold(created(), policy(10, false, 1)), addMonths(at(0), 12), 1),
      false,
      'a disabled own policy wins',
    );
  });
});
