import { describe, it } from 'node:test';
import {
  ALICE,
  BOB,
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
  spec,
} from './fixtures.ts';

const del = (atS: number, force = false, principalId = ALICE) => command('DeleteKey', atS, { force }, principalId);
const setForDeletion = (atS: number, principalId = ALICE) => event('KeySetForDeletion', {}, atS, principalId);

void describe('DeleteKey', () => {
  void it('given an Active key, destroys it at once', () => {
    spec
      .given([created()])
      .when(del(60))
      .then([deleted(60)]);
  });

  void it('destroys a Suspended key', () => {
    spec
      .given([created(), disabled(60)])
      .when(del(120))
      .then([deleted(120)]);
  });

  void it('destroys a Deactivated key', () => {
    spec
      .given([created({ expirationDate: at(HOUR) }), expiredAt(HOUR, at(HOUR))])
      .when(del(DAY))
      .then([deleted(DAY)]);
  });

  void it('records deletionDate and deletedBy', () => {
    spec
      .given([created()])
      .when(del(60, false, BOB))
      .thenState((state) => {
        if (state.status !== 'Destroyed' || state.deletionDate !== at(60) || state.deletedBy !== BOB)
          throw new Error(JSON.stringify(state));
      });
  });

  void it('refuses a deleted key (KEY_DELETED_ERR)', () => {
    spec
      .given([created(), deleted(60)])
      .when(del(120))
      .thenThrows('KEY_DELETED_ERR');
  });

  void it('refuses a missing key', () => {
    spec.given([]).when(del(60)).thenThrows('KEY_NOT_FOUND_ERR');
  });

  void describe('with registrations', () => {
    void it('refuses without force (PROTECTED_RESOURCE_ERR)', () => {
      spec
        .given([created(), registered(10, 'crn:cos:bucket-1')])
        .when(del(60))
        .thenThrows('PROTECTED_RESOURCE_ERR');
    });

    void it('with force, destroys the key, which keeps its registrations', () => {
      spec
        .given([created(), registered(10, 'crn:cos:bucket-1')])
        .when(del(60, true))
        .then([event('KeyDeleted', { force: true }, 60)]);
      spec
        .given([created(), registered(10, 'crn:cos:bucket-1')])
        .when(del(60, true))
        .thenState((state) => {
          if (state.status !== 'Destroyed' || state.registrations.length !== 1) throw new Error(JSON.stringify(state));
        });
    });

    void it('refuses while one prevents key deletion, force or not (PREV_KEY_DEL_ERR)', () => {
      const given = [created(), registered(10, 'crn:cos:bucket-1'), registered(11, 'crn:cos:worm-bucket', true)];
      spec.given(given).when(del(60)).thenThrows('PREV_KEY_DEL_ERR');
      spec.given(given).when(del(60, true)).thenThrows('PREV_KEY_DEL_ERR');
    });
  });

  void describe('with dual authorization', () => {
    const dual = created({ dualAuthDelete: true });

    void it('refuses without a prior authorization (AUTHORIZATIONS_NOT_MET)', () => {
      spec.given([dual]).when(del(60)).thenThrows('AUTHORIZATIONS_NOT_MET');
    });

    void it('destroys the key when another principal set it for deletion', () => {
      spec
        .given([dual, setForDeletion(60, ALICE)])
        .when(del(120, false, BOB))
        .then([deleted(120, BOB)]);
    });

    void it('refuses when the deleting principal set it for deletion', () => {
      spec
        .given([dual, setForDeletion(60, ALICE)])
        .when(del(120, false, ALICE))
        .thenThrows('AUTHORIZATIONS_NOT_MET');
    });

    void it('refuses once the authorization lapsed after seven days', () => {
      spec
        .given([dual, setForDeletion(60, ALICE)])
        .when(del(60 + 7 * DAY, false, BOB))
        .thenThrows('AUTHORIZATIONS_NOT_MET');
    });

    void it('accepts just inside the seven days', () => {
      spec
        .given([dual, setForDeletion(60, ALICE)])
        .when(del(59 + 7 * DAY, false, BOB))
        .then([deleted(59 + 7 * DAY, BOB)]);
    });

    void it('refuses after the authorization was withdrawn', () => {
      spec
        .given([dual, setForDeletion(60, ALICE), event('KeyUnsetForDeletion', {}, 90)])
        .when(del(120, false, BOB))
        .thenThrows('AUTHORIZATIONS_NOT_MET');
    });

    void it('applies to a key whose policy was set after creation', () => {
      spec
        .given([created(), event('KeyPolicySet', { policy: 'dualAuthDelete', enabled: true }, 30)])
        .when(del(60))
        .thenThrows('AUTHORIZATIONS_NOT_MET');
    });
  });
});

void describe('SetKeyForDeletion', () => {
  const dual = created({ dualAuthDelete: true });

  void it('given an Active dual-auth key, records the first authorization', () => {
    spec
      .given([dual])
      .when(command('SetKeyForDeletion', 60, {}))
      .then([setForDeletion(60)]);
  });

  void it('restarts the period when set again, under the new principal', () => {
    spec
      .given([dual, setForDeletion(60, ALICE)])
      .when(command('SetKeyForDeletion', 90, {}, BOB))
      .thenState((state) => {
        if (state.status !== 'Active' || state.deletionAuthorization?.principalId !== BOB)
          throw new Error(JSON.stringify(state));
      });
  });

  void it('refuses a key without the policy (NOT_DUAL_AUTH_ERR)', () => {
    spec
      .given([created()])
      .when(command('SetKeyForDeletion', 60, {}))
      .thenThrows('NOT_DUAL_AUTH_ERR');
  });

  void it('refuses a Suspended key', () => {
    spec
      .given([dual, disabled(30)])
      .when(command('SetKeyForDeletion', 60, {}))
      .thenThrows('KEY_ACTION_INVALID_STATE_ERR');
  });

  void it('refuses a deleted key', () => {
    spec
      .given([created(), deleted(30)])
      .when(command('SetKeyForDeletion', 60, {}))
      .thenThrows('KEY_DELETED_ERR');
  });
});

void describe('UnsetKeyForDeletion', () => {
  const dual = created({ dualAuthDelete: true });

  void it('withdraws a pending authorization', () => {
    spec
      .given([dual, setForDeletion(60)])
      .when(command('UnsetKeyForDeletion', 90, {}, BOB))
      .then([event('KeyUnsetForDeletion', {}, 90, BOB)]);
  });

  void it('changes nothing without a pending authorization', () => {
    spec
      .given([dual])
      .when(command('UnsetKeyForDeletion', 90, {}))
      .thenNothingHappens();
  });

  void it('changes nothing once the authorization lapsed', () => {
    spec
      .given([dual, setForDeletion(60)])
      .when(command('UnsetKeyForDeletion', 60 + 7 * DAY, {}))
      .thenNothingHappens();
  });

  void it('refuses a key without the policy (NOT_DUAL_AUTH_ERR)', () => {
    spec
      .given([created()])
      .when(command('UnsetKeyForDeletion', 60, {}))
      .thenThrows('NOT_DUAL_AUTH_ERR');
  });

  void it('refuses a Deactivated key', () => {
    spec
      .given([created({ dualAuthDelete: true, expirationDate: at(HOUR) }), expiredAt(HOUR, at(HOUR))])
      .when(command('UnsetKeyForDeletion', DAY, {}))
      .thenThrows('KEY_ACTION_INVALID_STATE_ERR');
  });
});
