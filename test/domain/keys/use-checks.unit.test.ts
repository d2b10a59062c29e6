import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fold } from '../../../domain/decider.ts';
import { keyDecider } from '../../../domain/keys/decider.ts';
import type { KeyEvent } from '../../../domain/keys/events.ts';
import {
  assertUse,
  checkCanReadPayload,
  checkCanRewrap,
  checkCanUnwrap,
  checkCanWrap,
  isVisible,
  type UseCheck,
} from '../../../domain/keys/use-checks.ts';
import { DAY, HOUR, KEY_ID, at, created, deleted, disabled, expiredAt, purged } from './fixtures.ts';

const stateOf = (events: readonly KeyEvent[]) => fold(keyDecider, keyDecider.initialState(), events);

function refused(result: UseCheck): string {
  return result.allowed ? 'allowed' : result.error.code;
}

void describe('use checks (hot path)', () => {
  const active = stateOf([created()]);
  const suspended = stateOf([created(), disabled(60)]);
  const deactivated = stateOf([created({ expirationDate: at(HOUR) }), expiredAt(HOUR, at(HOUR))]);
  const pastDueActive = stateOf([created({ expirationDate: at(HOUR) })]);
  const destroyed = stateOf([created(), deleted(60)]);
  const gone = stateOf([created(), deleted(0), purged(DAY)]);
  const standard = stateOf([created({ keyType: 'standard' })]);
  const now = at(2 * HOUR);

  void it('wrap: only an Active root key, not past its expiration date', () => {
    assert.equal(refused(checkCanWrap(active, now)), 'allowed');
    assert.equal(refused(checkCanWrap(suspended, now)), 'KEY_ACTION_INVALID_STATE_ERR');
    assert.equal(refused(checkCanWrap(deactivated, now)), 'KEY_EXPIRED_ERR');
    assert.equal(refused(checkCanWrap(pastDueActive, now)), 'KEY_EXPIRED_ERR');
    assert.equal(refused(checkCanWrap(pastDueActive, at(HOUR - 1))), 'allowed');
    assert.equal(refused(checkCanWrap(destroyed, now)), 'KEY_DELETED_ERR');
    assert.equal(refused(checkCanWrap(gone, now)), 'KEY_NOT_FOUND_ERR');
    assert.equal(refused(checkCanWrap(keyDecider.initialState(), now)), 'KEY_NOT_FOUND_ERR');
    assert.equal(refused(checkCanWrap(standard, now)), 'KEY_ROOT_REQ_ERR');
  });

  void it('unwrap and rewrap: Active and Deactivated root keys', () => {
    for (const check of [checkCanUnwrap, checkCanRewrap]) {
      assert.equal(refused(check(active, now)), 'allowed');
      assert.equal(refused(check(deactivated, now)), 'allowed');
      assert.equal(refused(check(pastDueActive, now)), 'allowed');
      assert.equal(refused(check(suspended, now)), 'KEY_ACTION_INVALID_STATE_ERR');
      assert.equal(refused(check(destroyed, now)), 'KEY_DELETED_ERR');
      assert.equal(refused(check(gone, now)), 'KEY_NOT_FOUND_ERR');
      assert.equal(refused(check(standard, now)), 'KEY_ROOT_REQ_ERR');
    }
  });

  void it('read payload: Active standard keys only', () => {
    const expiredStandard = stateOf([created({ keyType: 'standard', expirationDate: at(HOUR) })]);
    assert.equal(refused(checkCanReadPayload(standard, now)), 'allowed');
    assert.equal(refused(checkCanReadPayload(expiredStandard, now)), 'KEY_EXPIRED_ERR');
    assert.equal(refused(checkCanReadPayload(active, now)), 'FEATURE_RESTRICTED_ERR');
    assert.equal(
      refused(checkCanReadPayload(stateOf([created({ keyType: 'standard' }), deleted(60)]), now)),
      'KEY_DELETED_ERR',
    );
    assert.equal(refused(checkCanReadPayload(gone, now)), 'KEY_NOT_FOUND_ERR');
  });

  void it('a refusal carries the HTTP status Key Protect answers with', () => {
    const result = checkCanWrap(suspended, now);
    assert.equal(result.allowed, false);
    if (!result.allowed) assert.equal(result.error.httpStatus, 409);
    assert.throws(() => assertUse(checkCanWrap(destroyed, now)), { code: 'KEY_DELETED_ERR' });
    assert.equal(assertUse(checkCanWrap(active, now)).keyId, KEY_ID);
  });

  void it('visibility: every key but a missing or purged one', () => {
    assert.equal(isVisible(active), true);
    assert.equal(isVisible(suspended), true);
    assert.equal(isVisible(deactivated), true);
    assert.equal(isVisible(destroyed), true);
    assert.equal(isVisible(gone), false);
    assert.equal(isVisible(keyDecider.initialState()), false);
  });
});
