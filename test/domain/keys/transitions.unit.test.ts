import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fold } from '../../../domain/decider.ts';
import { DomainError } from '../../../domain/errors.ts';
import { keyDecider } from '../../../domain/keys/decider.ts';
import type { KeyCommand } from '../../../domain/keys/commands.ts';
import type { KeyEvent } from '../../../domain/keys/events.ts';
import type { KeyState, KeyStatus } from '../../../domain/keys/state.ts';
import type { KeyOperation } from '../../../domain/keys/transitions.ts';
import {
  checkCanListVersions,
  checkCanReadPayload,
  checkCanRewrap,
  checkCanUnwrap,
  checkCanWrap,
} from '../../../domain/keys/use-checks.ts';
import {
  ALICE,
  BOB,
  DAY,
  HOUR,
  INSTANCE_ID,
  KEY_ID,
  at,
  command,
  created,
  disabled,
  event,
  expiredAt,
  material,
  registered,
} from './fixtures.ts';

/**
 * Walks the whole (status x operation) table through the real deciders and use checks: for every
 * pair, 'allowed' must decide without a refusal and a refusal must be exactly the expected code.
 * The expected table is written out below from Key Protect's documentation, not read from
 * domain/keys/transitions.ts: a change to either side fails this test.
 * The givens are chosen so nothing but the status can refuse: root keys with dual authorisation,
 * a pending authorisation by Bob (Alice acts), a registration to update, and a day's distance
 * from every waiting period.
 */
const setByBob = event('KeySetForDeletion', {}, 40, BOB);
const base = (expirationDate?: string) => [
  created({ dualAuthDelete: true, ...(expirationDate ? { expirationDate } : {}) }),
  registered(30, 'crn:table'),
  setByBob,
];
const forceDeleted = event('KeyDeleted', { force: true }, 60);

const givens: Record<KeyStatus, readonly KeyEvent[]> = {
  Absent: [],
  Active: base(at(10 * DAY)),
  Suspended: [...base(at(10 * DAY)), disabled(60)],
  Deactivated: [...base(at(HOUR)), expiredAt(HOUR, at(HOUR))],
  Destroyed: [...base(), forceDeleted],
  Purged: [...base(), forceDeleted, event('KeyPurged', { automatic: false }, 5 * HOUR)],
};

const NOW = DAY;

/**
 * Key Protect's "Key states and service actions" (ibm-cloud-docs/key-protect concepts/key-states.md,
 * Table 2) as it is published: a check mark where the action is expected to succeed, for the states
 * Active (1), Suspended (2, disabled keys), Deactivated (3, expired keys) and Destroyed (5, deleted keys).
 * The same page calls Pre-activation "a state before a key exists" and Purged "a state of nonexistence":
 * here both are keys that do not exist (Absent, Purged). Get key and List keys are not key commands.
 */
// prettier-ignore
const KEY_PROTECT_TABLE_2 = {
  //            Active Suspended Deactivated Destroyed
  RotateKey:   ['✓',   ' ',      '✓',        ' '],
  Wrap:        ['✓',   ' ',      ' ',        ' '],
  Unwrap:      ['✓',   ' ',      '✓',        ' '],
  Rewrap:      ['✓',   ' ',      '✓',        ' '],
  DisableKey:  ['✓',   ' ',      ' ',        ' '],
  EnableKey:   [' ',   '✓',      ' ',        ' '],
  DeleteKey:   ['✓',   '✓',      '✓',        ' '],
  RestoreKey:  [' ',   ' ',      ' ',        '✓'],
} as const;
const TABLE_2_STATES = ['Active', 'Suspended', 'Deactivated', 'Destroyed'] as const;

// Refusals as Key Protect names them (error-messages.md): a key that does not exist answers 404
// KEY_NOT_FOUND_ERR; an action on a deleted key 410 KEY_DELETED_ERR; a lifecycle action in the wrong
// state 409 KEY_ACTION_INVALID_STATE_ERR; wrapping with an expired key 422 KEY_EXPIRED_ERR; a
// registration on a key that is not Active 422 KEY_INVALID_STATE_ERR.
const OK = 'allowed';
const NOT_FOUND = 'KEY_NOT_FOUND_ERR';
const DELETED = 'KEY_DELETED_ERR';
const INVALID = 'KEY_ACTION_INVALID_STATE_ERR';
const EXPIRED = 'KEY_EXPIRED_ERR';
const NOT_ACTIVE = 'KEY_INVALID_STATE_ERR';
const EXISTS = 'CONFLICT_ERR';

/**
 * Every operation on a key in every state. The rows of Table 2 follow it (checked below); the others come
 * from the pages of each action: delete-purge-keys.md (only a deleted key can be purged, 4 hours after;
 * purged keys answer 404), delete-dual-auth-keys.md (set/unset for deletion on an Active key),
 * integrations/sync-resources.md (a deleted key is synced so its resources learn of it), and the
 * registration pages (a registration is created only on an Active key, while updates and deletes go on on
 * disabled, expired and deleted keys, whose resources are being cleaned up). Aliases, key rings and policies
 * are metadata: they change on any key that is not deleted. ExpireKey is the scheduler's: an Active key past
 * its expiration date becomes Deactivated, and repeating it changes nothing. ReadPayload is a standard key's
 * GET with its payload (a standard key is never disabled: disable is root-only).
 */
// prettier-ignore
const EXPECTED: Record<KeyOperation, Record<KeyStatus, string>> = {
  //                       Absent     Active   Suspended   Deactivated Destroyed Purged
  CreateKey:           row(OK,        EXISTS,  EXISTS,     EXISTS,     EXISTS,   EXISTS),
  DisableKey:          row(NOT_FOUND, OK,      INVALID,    INVALID,    DELETED,  NOT_FOUND),
  EnableKey:           row(NOT_FOUND, INVALID, OK,         INVALID,    DELETED,  NOT_FOUND),
  ExpireKey:           row(NOT_FOUND, OK,      INVALID,    OK,         DELETED,  NOT_FOUND),
  RotateKey:           row(NOT_FOUND, OK,      INVALID,    OK,         DELETED,  NOT_FOUND),
  SetKeyForDeletion:   row(NOT_FOUND, OK,      INVALID,    INVALID,    DELETED,  NOT_FOUND),
  UnsetKeyForDeletion: row(NOT_FOUND, OK,      INVALID,    INVALID,    DELETED,  NOT_FOUND),
  DeleteKey:           row(NOT_FOUND, OK,      OK,         OK,         DELETED,  NOT_FOUND),
  RestoreKey:          row(NOT_FOUND, INVALID, INVALID,    INVALID,    OK,       NOT_FOUND),
  PurgeKey:            row(NOT_FOUND, INVALID, INVALID,    INVALID,    OK,       NOT_FOUND),
  MoveKeyToKeyRing:    row(NOT_FOUND, OK,      OK,         OK,         DELETED,  NOT_FOUND),
  AddAlias:            row(NOT_FOUND, OK,      OK,         OK,         DELETED,  NOT_FOUND),
  RemoveAlias:         row(NOT_FOUND, OK,      OK,         OK,         DELETED,  NOT_FOUND),
  SetKeyPolicy:        row(NOT_FOUND, OK,      OK,         OK,         DELETED,  NOT_FOUND),
  CreateRegistration:  row(NOT_FOUND, OK,      NOT_ACTIVE, NOT_ACTIVE, DELETED,  NOT_FOUND),
  UpdateRegistration:  row(NOT_FOUND, OK,      OK,         OK,         OK,       NOT_FOUND),
  DeleteRegistration:  row(NOT_FOUND, OK,      OK,         OK,         OK,       NOT_FOUND),
  SyncKey:             row(NOT_FOUND, OK,      OK,         OK,         OK,       NOT_FOUND),
  Wrap:                row(NOT_FOUND, OK,      INVALID,    EXPIRED,    DELETED,  NOT_FOUND),
  Unwrap:              row(NOT_FOUND, OK,      INVALID,    OK,         DELETED,  NOT_FOUND),
  Rewrap:              row(NOT_FOUND, OK,      INVALID,    OK,         DELETED,  NOT_FOUND),
  ReadPayload:         row(NOT_FOUND, OK,      INVALID,    EXPIRED,    DELETED,  NOT_FOUND),
  // view-key-versions.md: without allKeyStates=true, 409 for a key not Active and 410 for a deleted one.
  ListVersions:        row(NOT_FOUND, OK,      INVALID,    INVALID,    DELETED,  NOT_FOUND),
};

function row(
  Absent: string,
  Active: string,
  Suspended: string,
  Deactivated: string,
  Destroyed: string,
  Purged: string,
): Record<KeyStatus, string> {
  return { Absent, Active, Suspended, Deactivated, Destroyed, Purged };
}

type Use = (state: KeyState, now: string) => { allowed: boolean; error?: DomainError };

const operations: Record<KeyOperation, KeyCommand | Use> = {
  CreateKey: command('CreateKey', NOW, {
    instanceId: INSTANCE_ID,
    keyType: 'root',
    name: 'k',
    extractable: false,
    keyRingId: 'default',
    imported: false,
    versionId: 'version-1',
    material: material(1),
  }),
  DisableKey: command('DisableKey', NOW, {}),
  EnableKey: command('EnableKey', NOW, {}),
  ExpireKey: command('ExpireKey', 20 * DAY, {}),
  RotateKey: command('RotateKey', NOW, { versionId: 'version-2', material: material(2), suppliedByCaller: false }),
  SetKeyForDeletion: command('SetKeyForDeletion', NOW, {}),
  UnsetKeyForDeletion: command('UnsetKeyForDeletion', NOW, {}),
  DeleteKey: command('DeleteKey', NOW, { force: true }, ALICE),
  RestoreKey: command('RestoreKey', NOW, {}),
  PurgeKey: command('PurgeKey', NOW, { automatic: false }),
  MoveKeyToKeyRing: command('MoveKeyToKeyRing', NOW, { keyRingId: 'ring-2' }),
  AddAlias: command('AddAlias', NOW, { alias: 'table-alias' }),
  RemoveAlias: command('RemoveAlias', NOW, { alias: 'table-alias' }),
  SetKeyPolicy: command('SetKeyPolicy', NOW, { policy: { policy: 'rotation', enabled: true, intervalMonth: 1 } }),
  CreateRegistration: command('ChangeRegistration', NOW, {
    change: 'created',
    crn: 'crn:new',
    preventKeyDeletion: false,
  }),
  UpdateRegistration: command('ChangeRegistration', NOW, {
    change: 'updated',
    crn: 'crn:table',
    preventKeyDeletion: false,
  }),
  DeleteRegistration: command('ChangeRegistration', NOW, { change: 'deleted', crn: 'crn:table' }),
  SyncKey: command('SyncKey', NOW, {}),
  Wrap: checkCanWrap,
  Unwrap: checkCanUnwrap,
  Rewrap: checkCanRewrap,
  ReadPayload: checkCanReadPayload,
  ListVersions: checkCanListVersions,
};

/** 'allowed' or the refusal's code, as the decider or use check answers. */
function outcome(operation: KeyCommand | Use, state: KeyState): string {
  if (typeof operation === 'function') {
    const result = operation(state, at(NOW));
    return result.allowed ? 'allowed' : (result.error?.code ?? 'refused without an error');
  }
  try {
    keyDecider.decide(operation, state);
    return 'allowed';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

void describe('the key state machine table', () => {
  const statuses = Object.keys(givens) as KeyStatus[];

  void it('builds each status from its givens', () => {
    for (const status of statuses)
      assert.equal(fold(keyDecider, keyDecider.initialState(), givens[status]).status, status);
  });

  void it("agrees with Key Protect's Table 2: allowed exactly where it has a check mark", () => {
    for (const [operation, marks] of Object.entries(KEY_PROTECT_TABLE_2) as [KeyOperation, readonly string[]][])
      TABLE_2_STATES.forEach((status, column) =>
        assert.equal(EXPECTED[operation][status] === OK, marks[column] === '✓', `${operation} on ${status}`),
      );
  });

  for (const operation of Object.keys(EXPECTED) as KeyOperation[]) {
    void describe(operation, () => {
      for (const status of statuses) {
        const expected = EXPECTED[operation][status];
        void it(`${status} -> ${expected}`, () => {
          const state = fold(keyDecider, keyDecider.initialState(), givens[status]);
          // Standard-key rows (ReadPayload) are walked with the same history on a standard key.
          const subject = operation === 'ReadPayload' ? asStandard(state) : state;
          assert.equal(outcome(operations[operation], subject), expected);
        });
      }
    });
  }

  void it('covers every command type', () => {
    const commandTypes = new Set(Object.values(operations).flatMap((o) => (typeof o === 'function' ? [] : [o.type])));
    const all: KeyCommand['type'][] = [
      'CreateKey',
      'DisableKey',
      'EnableKey',
      'ExpireKey',
      'RotateKey',
      'SetKeyForDeletion',
      'UnsetKeyForDeletion',
      'DeleteKey',
      'RestoreKey',
      'PurgeKey',
      'MoveKeyToKeyRing',
      'AddAlias',
      'RemoveAlias',
      'SetKeyPolicy',
      'ChangeRegistration',
      'SyncKey',
    ];
    assert.deepEqual([...commandTypes].sort(), [...all].sort());
    assert.equal(KEY_ID.length, 36);
  });
});

function asStandard(state: KeyState): KeyState {
  return 'keyType' in state ? { ...state, keyType: 'standard', extractable: true } : state;
}
