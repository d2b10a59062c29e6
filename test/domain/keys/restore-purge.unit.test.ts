import { describe, it } from 'node:test';
import { DAY, HOUR, at, command, created, deleted, disabled, event, expiredAt, purged, spec } from './fixtures.ts';

const restore = (atS: number, settings?: Record<string, number>) => command('RestoreKey', atS, {}, undefined, settings);
const purge = (atS: number, automatic = false, settings?: Record<string, number>) =>
  command('PurgeKey', atS, { automatic }, undefined, settings);

void describe('RestoreKey', () => {
  void it('given a deleted key, restores it to Active', () => {
    spec
      .given([created(), deleted(60)])
      .when(restore(90))
      .then([event('KeyRestored', {}, 90)]);
  });

  void it('restores a key that was Suspended when deleted to Active (Key Protect restores to Active)', () => {
    spec
      .given([created(), disabled(30), deleted(60)])
      .when(restore(DAY))
      .thenState((state) => {
        if (state.status !== 'Active') throw new Error(state.status);
      });
  });

  void it('restores imported and standard keys too', () => {
    spec
      .given([created({ imported: true }), deleted(60)])
      .when(restore(DAY))
      .then([event('KeyRestored', {}, DAY)]);
    spec
      .given([created({ keyType: 'standard' }), deleted(60)])
      .when(restore(DAY))
      .then([event('KeyRestored', {}, DAY)]);
  });

  void it('refuses within minActionIntervalS of the deletion (REQ_TOO_EARLY_ERR)', () => {
    spec
      .given([created(), deleted(60)])
      .when(restore(89))
      .thenThrows('REQ_TOO_EARLY_ERR');
  });

  void it('refuses after the restore window (KEY_RESTORE_EXPIRED)', () => {
    spec
      .given([created(), deleted(0)])
      .when(restore(30 * DAY + 1))
      .thenThrows('KEY_RESTORE_EXPIRED');
    spec
      .given([created(), deleted(0)])
      .when(restore(2 * DAY, { restoreWindowS: DAY }))
      .thenThrows('KEY_RESTORE_EXPIRED');
  });

  void it('restores on the last second of the window', () => {
    spec
      .given([created(), deleted(0)])
      .when(restore(30 * DAY))
      .then([event('KeyRestored', {}, 30 * DAY)]);
  });

  void it('refuses a key whose expiration date has passed (KEY_EXPIRED_ERR)', () => {
    spec
      .given([created({ expirationDate: at(HOUR) }), deleted(60)])
      .when(restore(DAY))
      .thenThrows('KEY_EXPIRED_ERR');
    spec
      .given([created({ expirationDate: at(HOUR) }), expiredAt(HOUR, at(HOUR)), deleted(2 * HOUR)])
      .when(restore(DAY))
      .thenThrows('KEY_EXPIRED_ERR');
  });

  void it('refuses a key that is not deleted', () => {
    spec.given([created()]).when(restore(DAY)).thenThrows('KEY_ACTION_INVALID_STATE_ERR');
  });

  void it('refuses a purged key as missing', () => {
    spec
      .given([created(), deleted(0), purged(DAY)])
      .when(restore(2 * DAY))
      .thenThrows('KEY_NOT_FOUND_ERR');
  });
});

void describe('PurgeKey', () => {
  void it('given a key deleted minPurgeDelayS ago, purges it', () => {
    spec
      .given([created(), deleted(0)])
      .when(purge(4 * HOUR))
      .then([purged(4 * HOUR)]);
  });

  void it('refuses before minPurgeDelayS (REQ_TOO_EARLY_ERR)', () => {
    spec
      .given([created(), deleted(0)])
      .when(purge(4 * HOUR - 1))
      .thenThrows('REQ_TOO_EARLY_ERR');
  });

  void it('purges automatically after autoPurgeAfterS', () => {
    spec
      .given([created(), deleted(0)])
      .when(purge(90 * DAY, true))
      .then([event('KeyPurged', { automatic: true }, 90 * DAY)]);
  });

  void it('refuses an automatic purge before autoPurgeAfterS', () => {
    spec
      .given([created(), deleted(0)])
      .when(purge(90 * DAY - 1, true))
      .thenThrows('REQ_TOO_EARLY_ERR');
  });

  void it('refuses a key that is not deleted ("impossible to purge an active key")', () => {
    spec.given([created()]).when(purge(DAY)).thenThrows('KEY_ACTION_INVALID_STATE_ERR');
    spec
      .given([created(), disabled(60)])
      .when(purge(DAY))
      .thenThrows('KEY_ACTION_INVALID_STATE_ERR');
  });

  void it('leaves a purged key that every operation answers as missing', () => {
    const given = [created(), deleted(0), purged(DAY)];
    spec
      .given(given)
      .when(purge(2 * DAY))
      .thenThrows('KEY_NOT_FOUND_ERR');
    spec
      .given(given)
      .when(command('DeleteKey', 2 * DAY, { force: true }))
      .thenThrows('KEY_NOT_FOUND_ERR');
    spec
      .given(given)
      .when(command('SyncKey', 2 * DAY, {}))
      .thenThrows('KEY_NOT_FOUND_ERR');
  });
});
