import { describe, it } from 'node:test';
import {
  DAY,
  HOUR,
  at,
  command,
  created,
  deleted,
  disabled,
  event,
  expiredAt,
  registered,
  rotated,
  spec,
} from './fixtures.ts';

const rotationPolicy = (atS: number, enabled: boolean, intervalMonth: number) =>
  command('SetKeyPolicy', atS, { policy: { policy: 'rotation', enabled, intervalMonth } });
const dualAuthPolicy = (atS: number, enabled: boolean) =>
  command('SetKeyPolicy', atS, { policy: { policy: 'dualAuthDelete', enabled } });

void describe('SetKeyPolicy', () => {
  void it('sets a rotation policy on a root key', () => {
    spec
      .given([created()])
      .when(rotationPolicy(60, true, 3))
      .then([event('KeyPolicySet', { policy: 'rotation', enabled: true, intervalMonth: 3 }, 60)]);
  });

  void it('disables a rotation policy', () => {
    spec
      .given([created(), event('KeyPolicySet', { policy: 'rotation', enabled: true, intervalMonth: 3 }, 30)])
      .when(rotationPolicy(60, false, 3))
      .then([event('KeyPolicySet', { policy: 'rotation', enabled: false, intervalMonth: 3 }, 60)]);
  });

  void it('changes nothing when the policy is already so', () => {
    spec
      .given([created(), event('KeyPolicySet', { policy: 'rotation', enabled: true, intervalMonth: 3 }, 30)])
      .when(rotationPolicy(60, true, 3))
      .thenNothingHappens();
  });

  for (const month of [0, 13, 1.5]) {
    void it(`refuses a rotation interval of ${month} months (INVALID_FIELD_ERR)`, () => {
      spec
        .given([created()])
        .when(rotationPolicy(60, true, month))
        .thenThrows('INVALID_FIELD_ERR');
    });
  }

  void it('refuses a rotation policy on a standard key (KEY_ROOT_REQ_ERR)', () => {
    spec
      .given([created({ keyType: 'standard' })])
      .when(rotationPolicy(60, true, 1))
      .thenThrows('KEY_ROOT_REQ_ERR');
  });

  void it('enables dual authorization on any key', () => {
    spec
      .given([created({ keyType: 'standard' })])
      .when(dualAuthPolicy(60, true))
      .then([event('KeyPolicySet', { policy: 'dualAuthDelete', enabled: true }, 60)]);
  });

  void it('refuses to disable dual authorization once set (BAD_BODY_ERR)', () => {
    spec
      .given([created({ dualAuthDelete: true })])
      .when(dualAuthPolicy(60, false))
      .thenThrows('BAD_BODY_ERR');
  });

  void it('records dual authorization off the first time it is set (Key Protect then lists it); again changes nothing', () => {
    spec
      .given([created()])
      .when(dualAuthPolicy(60, false))
      .then([event('KeyPolicySet', { policy: 'dualAuthDelete', enabled: false }, 60)]);
    spec
      .given([created(), event('KeyPolicySet', { policy: 'dualAuthDelete', enabled: false }, 30)])
      .when(dualAuthPolicy(60, false))
      .thenNothingHappens();
  });

  void it("a rotation policy without an interval keeps the key's (the Go client's Enable/DisableRotationPolicy)", () => {
    const withoutInterval = (atS: number, enabled: boolean) =>
      command('SetKeyPolicy', atS, { policy: { policy: 'rotation', enabled } });
    spec
      .given([created(), event('KeyPolicySet', { policy: 'rotation', enabled: true, intervalMonth: 6 }, 30)])
      .when(withoutInterval(60, false))
      .then([event('KeyPolicySet', { policy: 'rotation', enabled: false, intervalMonth: 6 }, 60)]);
    spec
      .given([created(), event('KeyPolicySet', { policy: 'rotation', enabled: false, intervalMonth: 6 }, 30)])
      .when(withoutInterval(60, true))
      .then([event('KeyPolicySet', { policy: 'rotation', enabled: true, intervalMonth: 6 }, 60)]);
    spec.given([created()]).when(withoutInterval(60, true)).thenThrows('INVALID_FIELD_ERR');
  });

  void it('sets policies on Suspended and Deactivated keys', () => {
    spec
      .given([created(), disabled(30)])
      .when(rotationPolicy(60, true, 1))
      .then([event('KeyPolicySet', { policy: 'rotation', enabled: true, intervalMonth: 1 }, 60)]);
    spec
      .given([created({ expirationDate: at(HOUR) }), expiredAt(HOUR, at(HOUR))])
      .when(dualAuthPolicy(DAY, true))
      .then([event('KeyPolicySet', { policy: 'dualAuthDelete', enabled: true }, DAY)]);
  });

  void it('refuses a deleted key', () => {
    spec
      .given([created(), deleted(30)])
      .when(rotationPolicy(60, true, 1))
      .thenThrows('KEY_DELETED_ERR');
  });
});

const registration = (
  atS: number,
  change: 'created' | 'updated' | 'deleted',
  crn: string,
  preventKeyDeletion?: boolean,
  description?: string,
) => command('ChangeRegistration', atS, { change, crn, preventKeyDeletion, description });

void describe('ChangeRegistration', () => {
  void it('registers a resource with an Active root key', () => {
    spec
      .given([created()])
      .when(registration(60, 'created', 'crn:cos:b1', true, 'bucket'))
      .then([
        event(
          'RegistrationChanged',
          { change: 'created', crn: 'crn:cos:b1', preventKeyDeletion: true, description: 'bucket' },
          60,
        ),
      ]);
  });

  void it('refuses to register with a Suspended or Deactivated key (KEY_INVALID_STATE_ERR)', () => {
    spec
      .given([created(), disabled(30)])
      .when(registration(60, 'created', 'crn:cos:b1'))
      .thenThrows('KEY_INVALID_STATE_ERR');
    spec
      .given([created({ expirationDate: at(HOUR) }), expiredAt(HOUR, at(HOUR))])
      .when(registration(DAY, 'created', 'crn:cos:b1'))
      .thenThrows('KEY_INVALID_STATE_ERR');
  });

  void it('refuses to register with a standard key (KEY_ROOT_REQ_REG_ERR)', () => {
    spec
      .given([created({ keyType: 'standard' })])
      .when(registration(60, 'created', 'crn:cos:b1'))
      .thenThrows('KEY_ROOT_REQ_REG_ERR');
  });

  void it('refuses a CRN registered already (CONFLICT_ERR)', () => {
    spec
      .given([created(), registered(30, 'crn:cos:b1')])
      .when(registration(60, 'created', 'crn:cos:b1'))
      .thenThrows('CONFLICT_ERR');
  });

  void it('updates a registration, keeping what the update leaves out', () => {
    spec
      .given([
        created(),
        event(
          'RegistrationChanged',
          { change: 'created', crn: 'crn:cos:b1', preventKeyDeletion: false, description: 'bucket' },
          30,
        ),
      ])
      .when(registration(60, 'updated', 'crn:cos:b1', true))
      .then([
        event(
          'RegistrationChanged',
          { change: 'updated', crn: 'crn:cos:b1', preventKeyDeletion: true, description: 'bucket' },
          60,
        ),
      ]);
  });

  void it('updates and deletes registrations of a disabled or deleted key', () => {
    spec
      .given([created(), registered(30, 'crn:cos:b1', true), disabled(40)])
      .when(registration(60, 'updated', 'crn:cos:b1', false))
      .then([
        event(
          'RegistrationChanged',
          { change: 'updated', crn: 'crn:cos:b1', preventKeyDeletion: false, description: undefined },
          60,
        ),
      ]);
    spec
      .given([created(), registered(30, 'crn:cos:b1'), deleted(40)])
      .when(registration(60, 'deleted', 'crn:cos:b1'))
      .then([
        event(
          'RegistrationChanged',
          { change: 'deleted', crn: 'crn:cos:b1', preventKeyDeletion: false, description: undefined },
          60,
        ),
      ]);
  });

  void it('refuses to update or delete an unknown registration (REGISTRATION_NOT_FOUND_ERR)', () => {
    spec
      .given([created()])
      .when(registration(60, 'updated', 'crn:cos:b1', true))
      .thenThrows('REGISTRATION_NOT_FOUND_ERR');
    spec
      .given([created()])
      .when(registration(60, 'deleted', 'crn:cos:b1'))
      .thenThrows('REGISTRATION_NOT_FOUND_ERR');
  });

  void it('refuses an empty CRN', () => {
    spec
      .given([created()])
      .when(registration(60, 'created', ''))
      .thenThrows('INVALID_FIELD_ERR');
  });

  void it('a deleted registration no longer protects the key', () => {
    spec
      .given([
        created(),
        registered(30, 'crn:cos:b1', true),
        event(
          'RegistrationChanged',
          { change: 'deleted', crn: 'crn:cos:b1', preventKeyDeletion: true, description: undefined },
          60,
        ),
      ])
      .when(command('DeleteKey', 90, { force: false }))
      .then([event('KeyDeleted', { force: false }, 90)]);
  });
});

void describe('SyncKey', () => {
  void it('syncs a root key', () => {
    spec
      .given([created()])
      .when(command('SyncKey', 60, {}))
      .then([event('KeySynced', {}, 60)]);
  });

  void it('syncs a deleted key, so its resources learn of the deletion', () => {
    spec
      .given([created(), deleted(60)])
      .when(command('SyncKey', 60 + HOUR, {}))
      .then([event('KeySynced', {}, 60 + HOUR)]);
  });

  void it('refuses within minSyncIntervalS of the last sync (REQ_TOO_EARLY_ERR)', () => {
    spec
      .given([created(), event('KeySynced', {}, 60)])
      .when(command('SyncKey', 60 + HOUR - 1, {}))
      .thenThrows('REQ_TOO_EARLY_ERR');
  });

  void it('refuses within minSyncIntervalS of a lifecycle action', () => {
    spec
      .given([created(), disabled(60)])
      .when(command('SyncKey', 120, {}))
      .thenThrows('REQ_TOO_EARLY_ERR');
    spec
      .given([created(), rotated(60, 2)])
      .when(command('SyncKey', 120, {}))
      .thenThrows('REQ_TOO_EARLY_ERR');
  });

  void it('honours minSyncIntervalS 0', () => {
    spec
      .given([created(), event('KeySynced', {}, 60)])
      .when(command('SyncKey', 61, {}, undefined, { minSyncIntervalS: 0 }))
      .then([event('KeySynced', {}, 61)]);
  });

  void it('refuses a standard key (KEY_ROOT_REQ_ERR)', () => {
    spec
      .given([created({ keyType: 'standard' })])
      .when(command('SyncKey', DAY, {}))
      .thenThrows('KEY_ROOT_REQ_ERR');
  });
});
