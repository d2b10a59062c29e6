import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DAY,
  HOUR,
  MINUTE,
  at,
  command,
  created,
  deleted,
  disabled,
  expiredAt,
  material,
  rotated,
  spec,
} from './fixtures.ts';

const rotate = (atS: number, n: number, suppliedByCaller = false, settings?: { minRotationIntervalS: number }) =>
  command(
    'RotateKey',
    atS,
    { versionId: `version-${n}`, material: material(n), suppliedByCaller },
    undefined,
    settings,
  );

void describe('RotateKey', () => {
  void it('given an Active generated root key, adds an HSM-generated version', () => {
    spec
      .given([created()])
      .when(rotate(DAY, 2))
      .then([rotated(DAY, 2)]);
  });

  void it('rotates for the first time without waiting (Key Protect: no restriction on the first rotation)', () => {
    spec
      .given([created()])
      .when(rotate(MINUTE, 2))
      .then([rotated(MINUTE, 2)]);
  });

  void it('refuses a second rotation within minRotationIntervalS (KEY_ROTATION_NOT_PERMITTED)', () => {
    spec
      .given([created(), rotated(DAY, 2)])
      .when(rotate(DAY + HOUR - 1, 3))
      .thenThrows('KEY_ROTATION_NOT_PERMITTED');
  });

  void it('rotates again once minRotationIntervalS has passed', () => {
    spec
      .given([created(), rotated(DAY, 2)])
      .when(rotate(DAY + HOUR, 3))
      .then([rotated(DAY + HOUR, 3)]);
  });

  void it('honours minRotationIntervalS 0', () => {
    spec
      .given([created(), rotated(DAY, 2)])
      .when(rotate(DAY, 3, false, { minRotationIntervalS: 0 }))
      .then([rotated(DAY, 3)]);
  });

  void it('rotates an imported key with caller-supplied material', () => {
    spec
      .given([created({ imported: true })])
      .when(rotate(DAY, 2, true))
      .then([rotated(DAY, 2, true)]);
  });

  void it('refuses an imported key without caller material (KEY_PAYLOAD_REQ_ERR)', () => {
    spec
      .given([created({ imported: true })])
      .when(rotate(DAY, 2, false))
      .thenThrows('KEY_PAYLOAD_REQ_ERR');
  });

  void it('refuses caller material for a generated key (Key Protect: INVALID_QUERY_PARAM_ERR, target payload)', () => {
    spec
      .given([created()])
      .when(rotate(DAY, 2, true))
      .thenThrows('INVALID_QUERY_PARAM_ERR');
  });

  void it('rotates a Deactivated key, which stays Deactivated', () => {
    spec
      .given([created({ expirationDate: at(HOUR) }), expiredAt(HOUR, at(HOUR))])
      .when(rotate(DAY, 2))
      .thenState((state) => {
        if (state.status !== 'Deactivated' || state.versionCount !== 2) throw new Error(JSON.stringify(state));
      });
  });

  void it('refuses a Suspended key', () => {
    spec
      .given([created(), disabled(60)])
      .when(rotate(DAY, 2))
      .thenThrows('KEY_ACTION_INVALID_STATE_ERR');
  });

  void it('refuses a deleted key (KEY_DELETED_ERR)', () => {
    spec
      .given([created(), deleted(60)])
      .when(rotate(DAY, 2))
      .thenThrows('KEY_DELETED_ERR');
  });

  void it('refuses a standard key (KEY_ROOT_REQ_ERR)', () => {
    spec
      .given([created({ keyType: 'standard' })])
      .when(rotate(DAY, 2))
      .thenThrows('KEY_ROOT_REQ_ERR');
  });

  void it('refuses a version id the key already has', () => {
    spec.given([created()]).when(rotate(DAY, 1)).thenThrows('CONFLICT_ERR');
  });

  void it('keeps the newest ten versions with their material and counts them all, however many there were', () => {
    const history = Array.from({ length: 11 }, (_, i) => rotated(DAY * (i + 1), i + 2));
    spec
      .given([created(), ...history])
      .when(rotate(DAY * 13, 13))
      .thenState((state) => {
        if (state.status !== 'Active') throw new Error(JSON.stringify(state));
        assert.equal(state.versionCount, 13);
        assert.deepEqual(
          state.recentVersions.map((v) => v.id),
          [
            'version-4',
            'version-5',
            'version-6',
            'version-7',
            'version-8',
            'version-9',
            'version-10',
            'version-11',
            'version-12',
            'version-13',
          ],
        );
        assert.deepEqual(state.recentVersions[0]?.material, material(4));
      });
  });

  void it('makes the new version current', () => {
    spec
      .given([created()])
      .when(rotate(DAY, 2))
      .thenState((state) => {
        if (
          state.status !== 'Active' ||
          state.recentVersions.at(-1)?.id !== 'version-2' ||
          state.lastUpdateDate !== at(DAY)
        ) {
          throw new Error(JSON.stringify(state));
        }
      });
  });
});
