import { describe, it } from 'node:test';
import { DAY, HOUR, at, command, created, deleted, disabled, expiredAt, spec } from './fixtures.ts';

void describe('ExpireKey (scheduler)', () => {
  void it('given an Active key past its expiration date, deactivates it', () => {
    spec
      .given([created({ expirationDate: at(HOUR) })])
      .when(command('ExpireKey', HOUR + 5, {}))
      .then([expiredAt(HOUR + 5, at(HOUR))]);
  });

  void it('makes the key Deactivated', () => {
    spec
      .given([created({ expirationDate: at(HOUR) })])
      .when(command('ExpireKey', HOUR, {}))
      .thenState((state) => {
        if (state.status !== 'Deactivated') throw new Error(state.status);
      });
  });

  void it('is idempotent on a Deactivated key', () => {
    spec
      .given([created({ expirationDate: at(HOUR) }), expiredAt(HOUR, at(HOUR))])
      .when(command('ExpireKey', DAY, {}))
      .thenNothingHappens();
  });

  void it('refuses before the expiration date (REQ_TOO_EARLY_ERR)', () => {
    spec
      .given([created({ expirationDate: at(HOUR) })])
      .when(command('ExpireKey', HOUR - 1, {}))
      .thenThrows('REQ_TOO_EARLY_ERR');
  });

  void it('refuses a key without an expiration date', () => {
    spec
      .given([created()])
      .when(command('ExpireKey', DAY, {}))
      .thenThrows('REQ_TOO_EARLY_ERR');
  });

  void it('leaves a Suspended key Suspended: expiry never reopens unwrap on a disabled key', () => {
    spec
      .given([created({ expirationDate: at(HOUR) }), disabled(60)])
      .when(command('ExpireKey', DAY, {}))
      .thenThrows('KEY_ACTION_INVALID_STATE_ERR');
  });

  void it('refuses a deleted key', () => {
    spec
      .given([created({ expirationDate: at(HOUR) }), deleted(60)])
      .when(command('ExpireKey', DAY, {}))
      .thenThrows('KEY_DELETED_ERR');
  });

  void it('refuses a missing key', () => {
    spec
      .given([])
      .when(command('ExpireKey', DAY, {}))
      .thenThrows('KEY_NOT_FOUND_ERR');
  });
});
