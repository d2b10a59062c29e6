/**
 * The audit reconciler and the cross-check on the real SQLite event store and audit trail (SoftHSM
 * signs the checkpoints): which requests get a record, with what, when; pending requests; no record
 * twice, also when a pass dies between writing records and saving its position.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditEntry } from '../../../application/audit/audit-log.ts';
import { ChainedAuditLog } from '../../../application/audit/chained-audit-log.ts';
import { crossCheckAuditTrail } from '../../../application/audit/cross-check-audit-trail.ts';
import { hsmCheckpointSigner } from '../../../application/audit/hsm-checkpoint-signer.ts';
import { reconcileAuditTrail } from '../../../application/audit/reconcile-audit-trail.ts';
import type { AuditReconcilerState } from '../../../application/ports/audit-reconciler-state.ts';
import type { EventMeta, EventStore } from '../../../application/ports/event-store.ts';
import type { Hsm } from '../../../application/ports/hsm.ts';
import { openSqliteAuditReconcilerState } from '../../../events/audit/sqlite/sqlite-audit-reconciler-state.ts';
import { openSqliteAuditStorage } from '../../../events/audit/sqlite/sqlite-audit-storage.ts';
import { openSqliteEventStore } from '../../../events/store/sqlite/sqlite-event-store.ts';
import { openSoftHsm } from '../../../functions/crypto/pkcs11/open-softhsm.ts';

const I = '3f1c1f4e-8a0b-4c55-9d7e-0000000000aa';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();

void describe('audit reconciler (SQLite)', () => {
  let dir: string;
  let hsm: Hsm;
  let store: EventStore;
  let audit: ChainedAuditLog;
  let state: AuditReconcilerState;
  let clock = T0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyledger-reconcile-'));
    const file = join(dir, 'keyledger.db');
    hsm = await openSoftHsm({ dataDir: dir });
    store = await openSqliteEventStore({ file });
    audit = new ChainedAuditLog({
      storage: await openSqliteAuditStorage({ file }),
      signer: await hsmCheckpointSigner(hsm),
      sealIntervalMs: 0,
    });
    state = await openSqliteAuditReconcilerState({ file });
  });
  after(async () => {
    await audit.close();
    await state.close();
    await store.close();
    await hsm.close();
    await rm(dir, { recursive: true, force: true });
  });

  const deps = () => ({ store, audit, state, now: () => new Date(clock) });
  const meta = (second: number, over: Partial<EventMeta>): EventMeta => ({
    time: at(second),
    instanceId: I,
    principalId: 'p-1',
    ...over,
  });
  let streams = 0;
  /** A request's commit: one event on a key stream (and one on an alias stream when `alias`). */
  const commit = async (second: number, over: Partial<EventMeta>, alias = false): Promise<string> => {
    const keyId = `k-${++streams}`;
    await store.append([
      {
        streamId: `key:${keyId}`,
        expectedVersion: 0,
        events: [{ type: 'KeyCreated', schemaVersion: 2, data: {}, meta: meta(second, over) }],
      },
      ...(alias
        ? [
            {
              streamId: `alias:${I}:a-${streams}`,
              expectedVersion: 0,
              events: [{ type: 'AliasClaimed', schemaVersion: 1, data: {}, meta: meta(second, over) }],
            },
          ]
        : []),
    ]);
    return keyId;
  };
  const record = (second: number, requestId: string): Promise<void> =>
    audit.record({
      time: at(second),
      instanceId: I,
      principalId: 'p-1',
      operation: 'createKey',
      keyId: '',
      keyVersionId: '',
      outcome: 'success',
      reason: '',
      requestId,
      correlationId: '',
      sourceIp: '127.0.0.1',
    } satisfies AuditEntry);

  void it('writes records for settled requests without one, keeps unsettled ones pending, and never writes one twice', async () => {
    const request = { operation: 'createKey', correlationId: 'c-2', sourceIp: '10.0.0.2' };
    await commit(1, { requestId: 'r-1', operation: 'createKey' });
    await record(2, 'r-1');
    const k2 = await commit(3, { requestId: 'r-2', ...request }, true);
    await commit(4, { requestId: 'r-3', operation: 'scheduler.rotation', principalId: 'keyledger-scheduler' });
    await commit(20, { requestId: 'r-4', operation: 'rotateKey' });
    clock = T0 + 30_000;

    const first = await reconcileAuditTrail(deps(), { settledBefore: new Date(T0 + 10_000), lookBackMs: 10_000 });
    assert.deepEqual(
      first.reconciled.map((r) => r.requestId),
      ['r-2', 'r-3'],
    );
    assert.equal(first.pending, 1, 'r-4 may still be in flight');
    assert.equal(first.events, 5);
    const records = (await audit.query({ instanceId: I, limit: 100 })).records;
    const r2 = records.find((r) => r.requestId === 'r-2');
    assert.deepEqual(
      r2 && {
        time: r2.time,
        principalId: r2.principalId,
        operation: r2.operation,
        keyId: r2.keyId,
        outcome: r2.outcome,
        reason: r2.reason,
        correlationId: r2.correlationId,
        sourceIp: r2.sourceIp,
      },
      {
        time: at(30),
        principalId: 'p-1',
        operation: 'createKey',
        keyId: k2,
        outcome: 'success',
        reason: 'AUDIT_RECONCILED',
        correlationId: 'c-2',
        sourceIp: '10.0.0.2',
      },
    );
    assert.equal(records.find((r) => r.requestId === 'r-3')?.reason, '', 'a service action is not a gap');

    // r-4's request finishes and writes its own record: the next pass finds it, writes nothing.
    await record(31, 'r-4');
    const second = await reconcileAuditTrail(deps(), { settledBefore: new Date(T0 + 60_000), lookBackMs: 10_000 });
    assert.deepEqual(second.reconciled, []);
    assert.equal(second.pending, 0);
    assert.equal(second.events, 0, 'the position was saved');
    const ids = (await audit.query({ instanceId: I, limit: 100 })).records.map((r) => r.requestId);
    assert.deepEqual(ids, ['r-1', 'r-2', 'r-3', 'r-4']);
    assert.deepEqual(await audit.verify(I), {
      valid: true,
      records: 4,
      sealedThrough: 4,
      unsealedRecords: 0,
      adoptedRecords: 0,
    });
  });

  void it('writes nothing twice when a pass dies after writing records and before saving its position', async () => {
    clock = T0 + 100_000;
    await commit(90, { requestId: 'r-5', operation: 'deleteKey' });
    const dying: AuditReconcilerState = {
      load: () => state.load(),
      save: () => Promise.reject(new Error('killed before the save')),
      close: () => Promise.resolve(),
    };
    await assert.rejects(
      reconcileAuditTrail({ ...deps(), state: dying }, { settledBefore: new Date(clock), lookBackMs: 10_000 }),
      /killed before the save/,
    );
    const again = await reconcileAuditTrail(deps(), { settledBefore: new Date(clock), lookBackMs: 10_000 });
    assert.equal(again.events, 1, 'the event was read again');
    assert.deepEqual(again.reconciled, [], 'its record was found');
    const r5 = (await audit.query({ instanceId: I, limit: 100 })).records.filter((r) => r.requestId === 'r-5');
    assert.equal(r5.length, 1);
  });

  void it('cross-checks every event against the trail and names the requests without a record', async () => {
    await commit(200, { requestId: 'r-6', operation: 'disableKey' });
    await commit(201, { operation: 'enableKey' });
    clock = T0 + 300_000;
    const report = await crossCheckAuditTrail({ store, audit }, { settledBefore: new Date(clock) });
    assert.deepEqual(
      {
        events: report.events,
        requests: report.requests,
        recorded: report.recorded,
        unattributed: report.unattributed,
      },
      { events: 8, requests: 6, recorded: 5, unattributed: 1 },
    );
    assert.deepEqual(
      report.missing.map((m) => [m.requestId, m.operation, m.instanceId, m.time, m.event.type]),
      [['r-6', 'disableKey', I, at(200), 'KeyCreated']],
    );
    const young = await crossCheckAuditTrail({ store, audit }, { settledBefore: new Date(T0 + 150_000) });
    assert.deepEqual([young.missing.length, young.unsettled], [0, 1]);
  });
});
