import { describe, it } from 'node:test';
import {
  ALICE,
  DAY,
  INSTANCE_ID,
  KEY_ID,
  at,
  command,
  created,
  createdData,
  material,
  purged,
  deleted,
  event,
  spec,
  stampAt,
} from './fixtures.ts';

const create = (atS: number, extra: Partial<Parameters<typeof command<'CreateKey'>>[2]> = {}) =>
  command('CreateKey', atS, {
    keyId: KEY_ID,
    instanceId: INSTANCE_ID,
    keyType: 'root',
    name: 'payments-root',
    description: undefined,
    extractable: false,
    keyRingId: 'default',
    expirationDate: undefined,
    imported: false,
    versionId: 'version-1',
    material: material(1),
    ...extra,
  });

void describe('CreateKey', () => {
  void it('given no key, creates a generated key', () => {
    spec.given([]).when(create(0)).then([created()]);
  });

  void it('given no key, imports a caller-supplied key', () => {
    spec
      .given([])
      .when(create(0, { imported: true }))
      .then([created({ imported: true })]);
  });

  void it('records the instance dual-auth policy the key inherits', () => {
    spec
      .given([])
      .when(create(0, { dualAuthDelete: true }))
      .then([created({ dualAuthDelete: true })]);
  });

  void it('creates an Active key with no aliases, registrations or pending deletion', () => {
    spec
      .given([])
      .when(create(0))
      .thenState((state) => {
        if (state.status !== 'Active') throw new Error(`expected Active, got ${state.status}`);
        if (state.createdBy !== ALICE || state.aliases.length !== 0 || state.registrations.length !== 0)
          throw new Error('unexpected facts');
      });
  });

  void it('creates a standard key with an expiration date in the future', () => {
    spec
      .given([])
      .when(create(0, { keyType: 'standard', extractable: true, expirationDate: at(DAY) }))
      .then([
        { type: 'KeyCreated', data: createdData({ keyType: 'standard', expirationDate: at(DAY) }), meta: stampAt(0) },
      ]);
  });

  void it('refuses an extractable root key', () => {
    spec
      .given([])
      .when(create(0, { extractable: true }))
      .thenThrows('BAD_BODY_ERR');
  });

  void it('refuses an expiration date in the past', () => {
    spec
      .given([])
      .when(create(DAY, { expirationDate: at(0) }))
      .thenThrows('BAD_BODY_ERR');
  });

  void it('refuses a key id that exists', () => {
    spec.given([created()]).when(create(1)).thenThrows('CONFLICT_ERR');
  });

  void it('refuses a key id that was purged', () => {
    spec
      .given([created(), deleted(10), purged(DAY)])
      .when(create(2 * DAY))
      .thenThrows('CONFLICT_ERR');
  });

  void it('with its own policies, records them in the same decision, right after the key', () => {
    spec
      .given([])
      .when(
        create(0, {
          policies: [
            { policy: 'rotation', enabled: true, intervalMonth: 3 },
            { policy: 'dualAuthDelete', enabled: true },
          ],
        }),
      )
      .then([
        created({ dualAuthDelete: true }),
        event('KeyPolicySet', { policy: 'rotation', enabled: true, intervalMonth: 3 }, 0),
      ]);
  });

  void it("with its own dualAuthDelete off, the instance's dual-auth policy does not apply, and the policy is listed", () => {
    spec
      .given([])
      .when(create(0, { dualAuthDelete: true, policies: [{ policy: 'dualAuthDelete', enabled: false }] }))
      .thenState((state, events) => {
        if (state.status !== 'Active') throw new Error(`expected Active, got ${state.status}`);
        if (state.dualAuthDelete || state.policyRecords.dualAuthDelete?.createdBy !== ALICE)
          throw new Error(`expected an own disabled dual-auth policy: ${JSON.stringify(events)}`);
      });
  });

  void it('refuses a rotation policy on a standard key, and an interval outside 1..12', () => {
    const rotation = (intervalMonth: number) => ({ policy: 'rotation' as const, enabled: true, intervalMonth });
    spec
      .given([])
      .when(create(0, { keyType: 'standard', extractable: true, policies: [rotation(3)] }))
      .thenThrows('KEY_ROOT_REQ_ERR');
    for (const interval of [-1, 0, 13])
      spec
        .given([])
        .when(create(0, { policies: [rotation(interval)] }))
        .thenThrows('INVALID_FIELD_ERR');
    spec
      .given([])
      .when(create(0, { policies: [{ policy: 'rotation', enabled: true }] }))
      .thenThrows('INVALID_FIELD_ERR');
  });
});
