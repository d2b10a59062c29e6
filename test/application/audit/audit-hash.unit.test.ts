/**
 * The bytes a checkpoint signature covers, written out: a final checkpoint that adopted nothing is
 * signed in the v1 form every stored checkpoint had before checkpoints could be sealed by time (so
 * those still verify); any other in the v2 form, which also signs `final` and `adoptedFromSeq`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkpointPayload } from '../../../application/audit/audit-hash.ts';

const base = {
  n: 3,
  seq: 17,
  hash: 'ab'.repeat(32),
  time: '2026-12-01T10:00:00.000Z',
  keyLabel: 'keyledger-audit-checkpoint',
  anomalySeq: 0,
  anomaly: '',
};
const text = (c: Parameters<typeof checkpointPayload>[1]) => Buffer.from(checkpointPayload('chain-1', c)).toString();

void test('a final checkpoint that adopted nothing is signed in the v1 form', () => {
  assert.equal(
    text({ ...base, final: true, adoptedFromSeq: 0 }),
    `["keyledger-audit-checkpoint-v1","chain-1",3,17,"${'ab'.repeat(32)}","2026-12-01T10:00:00.000Z","keyledger-audit-checkpoint",0,""]`,
  );
});

void test('a checkpoint that is not final, or adopted records, is signed in the v2 form with both fields', () => {
  assert.equal(
    text({ ...base, final: false, adoptedFromSeq: 0 }),
    `["keyledger-audit-checkpoint-v2","chain-1",3,17,"${'ab'.repeat(32)}","2026-12-01T10:00:00.000Z","keyledger-audit-checkpoint",0,"",false,0]`,
  );
  assert.equal(
    text({ ...base, final: true, adoptedFromSeq: 15 }),
    `["keyledger-audit-checkpoint-v2","chain-1",3,17,"${'ab'.repeat(32)}","2026-12-01T10:00:00.000Z","keyledger-audit-checkpoint",0,"",true,15]`,
  );
});
