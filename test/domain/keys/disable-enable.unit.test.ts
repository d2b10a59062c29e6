import { describe, it } from 'node:test';
import { DAY, HOUR, at, command, created, deleted, disabled, enabled, expiredAt, spec } from './fixtures.ts';

void describe('DisableKey', () => {
  void it('given an Active root key, disables it', () => {
    spec
      .given([created()])
      .when(command('DisableKey', 60, {}))
      .then([disabled(60)]);
  });

  void it('disables at once after an enable (Key Protect waits only before enable and restore)', () => {
    spec
      .given([created(), disabled(60), enabled(120)])
      .when(command('DisableKey', 121, {}))
      .then([disabled(121)]);
  });

  void it('refuses a standard key (KEY_ROOT_REQ_ERR)', () => {
    spec
      .given([created({ keyType: 'standard' })])
      .when(command('DisableKey', 60, {}))
      .thenThrows('KEY_ROOT_REQ_ERR');
  });

  void it('refuses a Suspended key', () => {
    spec
      .given([created(), disabled(60)])
      .when(command('DisableKey', 120, {}))
      .thenThrows('KEY_ACTION_INVALID_STATE_ERR');
  });

  void it('refuses a Deactivated key', () => {
    spec
      .given([created({ expirationDate: at(HOUR) }), expiredAt(HOUR, at(HOUR))])
      .when(command('DisableKey', DAY, {}))
      .thenThrows('KEY_ACTION_INVALID_STATE_ERR');
  });

  void it('refuses an Active key past its expiration date before the scheduler expired it', () => {
    spec
      .given([created({ expirationDate: at(HOUR) })])
      .when(command('DisableKey', HOUR + 1, {}))
      .thenThrows('KEY_ACTION_INVALID_STATE_ERR');
  });

  void it('refuses a deleted key', () => {
    spec
      .given([created(), deleted(60)])
      .when(command('DisableKey', 120, {}))
      .thenThrows('KEY_DELETED_ERR');
  });

  void it('refuses a missing key', () => {
    spec
      .given([])
      .when(command('DisableKey', 0, {}))
      .thenThrows('KEY_NOT_FOUND_ERR');
  });

  void it('makes the key Suspended', () => {
    spec
      .given([created()])
      .when(command('DisableKey', 60, {}))
      .thenState((state) => {
        if (state.status !== 'Suspended' || state.lastStateChangeDate !== at(60))
          throw new Error(JSON.stringify(state));
      });
  });
});

void describe('EnableKey', () => {
  void it('given a Suspended key, enables it once minActionIntervalS has passed', () => {
    spec
      .given([created(), disabled(60)])
      .when(command('EnableKey', 90, {}))
      .then([enabled(90)]);
  });

  void it('refuses within minActionIntervalS of the disable (REQ_TOO_EARLY_ERR)', () => {
    spec
      .given([created(), disabled(60)])
      .when(command('EnableKey', 89, {}))
      .thenThrows('REQ_TOO_EARLY_ERR');
  });

  void it('honours the operator setting, 0 disabling the wait', () => {
    spec
      .given([created(), disabled(60)])
      .when(command('EnableKey', 60, {}, undefined, { minActionIntervalS: 0 }))
      .then([enabled(60)]);
    spec
      .given([created(), disabled(60)])
      .when(command('EnableKey', 119, {}, undefined, { minActionIntervalS: 60 }))
      .thenThrows('REQ_TOO_EARLY_ERR');
  });

  void it('refuses a Suspended key whose expiration date has passed', () => {
    spec
      .given([created({ expirationDate: at(HOUR) }), disabled(60)])
      .when(command('EnableKey', DAY, {}))
      .thenThrows('KEY_ACTION_INVALID_STATE_ERR');
  });

  void it('refuses an Active key', () => {
    spec
      .given([created()])
      .when(command('EnableKey', 60, {}))
      .thenThrows('KEY_ACTION_INVALID_STATE_ERR');
  });

  void it('refuses a Deactivated key', () => {
    spec
      .given([created({ expirationDate: at(HOUR) }), expiredAt(HOUR, at(HOUR))])
      .when(command('EnableKey', DAY, {}))
      .thenThrows('KEY_ACTION_INVALID_STATE_ERR');
  });

  void it('refuses a standard key', () => {
    spec
      .given([created({ keyType: 'standard' })])
      .when(command('EnableKey', 60, {}))
      .thenThrows('KEY_ROOT_REQ_ERR');
  });

  void it('refuses a deleted key', () => {
    spec
      .given([created(), disabled(60), deleted(120)])
      .when(command('EnableKey', DAY, {}))
      .thenThrows('KEY_DELETED_ERR');
  });
});
