import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fold } from '../../../domain/decider.ts';
import { DomainError } from '../../../domain/errors.ts';
import { keyDecider } from '../../../domain/keys/decider.ts';
import type { KeyCommand } from '../../../domain/keys/commands.ts';
import type { KeyEvent } from '../../../domain/keys/events.ts';
import type { KeyState, KeyStatus } from '../../../domain/keys/state.ts';
import { transitions, type KeyOperation } from '../../../domain/keys/transitions.ts';
import { checkCanReadPayload, checkCanRewrap, checkCanUnwrap, checkCanWrap } from '../../../domain/keys/use-checks.ts';
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
 * pair, 'allowed' must decide without a refusal and a refusal must be exactly the table's code.
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

  for (const [operation, row] of Object.entries(transitions) as [KeyOperation, Record<KeyStatus, unknown>][]) {
    void describe(operation, () => {
      for (const status of statuses) {
        const verdict = transitions[operation][status];
        const expected = verdict === 'allowed' ? 'allowed' : verdict.code;
        void it(`${status} -> ${expected}`, () => {
          assert.ok(status in row);
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
