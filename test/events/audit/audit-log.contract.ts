/**
 * The audit trail's contract, run against each storage adapter (SQLite, DynamoDB Local) with a real
 * SoftHSM checkpoint signer: chaining per instance, the service-wide chain, group commit, queries,
 * verification, and detection of each single-row tampering done directly in the storage.
 */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import type { AuditEntry } from '../../../application/audit/audit-log.ts';
import { GENESIS_HASH, recordHash, type CheckpointSigner } from '../../../application/audit/audit-hash.ts';
import { ChainedAuditLog, type ChainedAuditLogOptions } from '../../../application/audit/chained-audit-log.ts';
import { SERVICE_CHAIN_ID, type AuditRecord, type AuditStorage } from '../../../application/ports/audit-storage.ts';

/** Direct edits of the stored rows, as someone with write access to the database could make them. */
export interface Tamper {
  setField(chain: string, seq: number, field: 'principalId' | 'outcome' | 'prevHash', value: string): Promise<void>;
  deleteRow(chain: string, seq: number): Promise<void>;
  /** Swaps the content of two records, each keeping its seq. */
  swapRows(chain: string, a: number, b: number): Promise<void>;
  putRow(chain: string, row: AuditRecord): Promise<void>;
  setCheckpointSignature(chain: string, n: number, signature: string): Promise<void>;
}

export interface AuditFixture {
  readonly storage: AuditStorage;
  reopen(): Promise<AuditStorage>;
  readonly tamper: Tamper;
}

let counter = 0;
export function entry(instanceId: string, over: Partial<AuditEntry> = {}): AuditEntry {
  counter += 1;
  return {
    time: new Date(Date.UTC(2025, 0, 1, 0, 0, counter)).toISOString(),
    instanceId,
    principalId: 'p-1',
    operation: 'wrapKey',
    keyId: 'k-1',
    keyVersionId: 'v-1',
    outcome: 'success',
    reason: '',
    requestId: `r-${counter}`,
    correlationId: '',
    sourceIp: '127.0.0.1',
    ...over,
  };
}

/** Counts storage commits, to observe group commit. */
function counting(storage: AuditStorage): { storage: AuditStorage; commits: () => number } {
  let commits = 0;
  return {
    storage: {
      ...storage,
      commit: (w) => {
        commits += 1;
        return storage.commit(w);
      },
    },
    commits: () => commits,
  };
}

/** A signer whose signatures wait for `open()`; counts the signatures asked for. */
function gatedSigner(inner: CheckpointSigner): CheckpointSigner & { calls: () => number; open(): void } {
  let calls = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return {
    keyLabel: inner.keyLabel,
    publicKeyDer: inner.publicKeyDer,
    async sign(data) {
      calls += 1;
      await gate;
      return inner.sign(data);
    },
    calls: () => calls,
    open,
  };
}

/** A storage whose commits wait for `open()` before they reach it. */
function gatedStorage(storage: AuditStorage): { storage: AuditStorage; open(): void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  return {
    storage: {
      ...storage,
      commit: async (w) => {
        await gate;
        return storage.commit(w);
      },
    },
    open,
  };
}

/** Whether `promise` has settled after the event loop had a few turns (the commit thread and thread pool included). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setTimeout(resolve, 2));
  return done;
}

/** Turns of the event loop until the chain has `count` checkpoints (bounded; a seal is a signature and a commit). */
async function checkpointsOf(storage: AuditStorage, chain: string, count: number) {
  for (let i = 0; i < 2000; i++) {
    const cps = await storage.checkpoints(chain);
    if (cps.length >= count) return cps;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return storage.checkpoints(chain);
}

const HOUR_MS = 3_600_000;
/** The two ways of sealing: a checkpoint in every commit, and by time (an interval no test waits out). */
const MODES = [
  { name: 'sealing every commit', sealIntervalMs: 0 },
  { name: 'sealing by time', sealIntervalMs: HOUR_MS },
] as const;
type Mode = (typeof MODES)[number]['name'];
const byMode = <T>(mode: Mode, table: Record<Mode, T>): T => table[mode];

export function auditLogContract(
  name: string,
  fixture: () => Promise<AuditFixture>,
  signer: () => Promise<CheckpointSigner>,
): void {
  const I = '3f1c1f4e-8a0b-4c55-9d7e-000000000001';
  const J = '3f1c1f4e-8a0b-4c55-9d7e-000000000002';
  for (const { name: mode, sealIntervalMs } of MODES) {
    void describe(`audit log contract: ${name}, ${mode}`, () => {
      const open = async (storage: AuditStorage, over: Partial<ChainedAuditLogOptions> = {}) =>
        new ChainedAuditLog({ storage, signer: await signer(), sealIntervalMs, ...over });

      void it('chains records per instance and keeps instance-less records in the service-wide chain', async () => {
        const f = await fixture();
        const log = await open(f.storage);
        await log.record(entry(I));
        await log.record(entry(J));
        await log.record(entry(I, { outcome: 'denied', reason: 'UNAUTHORIZED_ERR' }));
        await log.record(entry('', { principalId: '', operation: 'identity.token' }));
        const mine = await log.query({ instanceId: I, limit: 10 });
        assert.deepEqual(
          mine.records.map((r) => r.seq),
          [1, 2],
        );
        assert.equal(mine.records[0]?.prevHash, GENESIS_HASH);
        assert.equal(mine.records[1]?.prevHash, mine.records[0]?.hash);
        for (const r of mine.records) assert.equal(recordHash(r), r.hash);
        assert.equal(mine.records[1]?.outcome, 'denied');
        assert.equal(mine.records[1]?.instanceId, I);
        const service = await log.query({ instanceId: SERVICE_CHAIN_ID, limit: 10 });
        assert.equal(service.records.length, 1);
        assert.equal(service.records[0]?.instanceId, '');
        assert.deepEqual(
          await log.verify(I),
          byMode(mode, {
            'sealing every commit': {
              valid: true,
              records: 2,
              sealedThrough: 2,
              unsealedRecords: 0,
              adoptedRecords: 0,
            },
            'sealing by time': { valid: true, records: 2, sealedThrough: 0, unsealedRecords: 2, adoptedRecords: 0 },
          }),
        );
        assert.deepEqual(
          await log.verify(SERVICE_CHAIN_ID),
          byMode(mode, {
            'sealing every commit': {
              valid: true,
              records: 1,
              sealedThrough: 1,
              unsealedRecords: 0,
              adoptedRecords: 0,
            },
            'sealing by time': { valid: true, records: 1, sealedThrough: 0, unsealedRecords: 1, adoptedRecords: 0 },
          }),
        );
        assert.deepEqual(await log.verify('3f1c1f4e-8a0b-4c55-9d7e-00000000ffff'), {
          valid: true,
          records: 0,
          sealedThrough: 0,
          unsealedRecords: 0,
          adoptedRecords: 0,
        });
        await log.close();
      });

      void it('commits concurrent records together, each resolving once durable; close seals them all', async () => {
        const f = await fixture();
        const c = counting(f.storage);
        const log = await open(c.storage);
        await Promise.all(Array.from({ length: 64 }, (_, i) => log.record(entry(I, { requestId: `c-${i}` }))));
        assert.ok(c.commits() <= 4, `64 concurrent records took ${c.commits()} commits`);
        await log.close();
        const reopened = await open(await f.reopen());
        const page = await reopened.query({ instanceId: I, limit: 1000 });
        assert.deepEqual(
          page.records.map((r) => r.requestId).sort(),
          Array.from({ length: 64 }, (_, i) => `c-${i}`).sort(),
        );
        assert.deepEqual(await reopened.verify(I), {
          valid: true,
          records: 64,
          sealedThrough: 64,
          unsealedRecords: 0,
          adoptedRecords: 0,
        });
        await reopened.record(entry(I));
        assert.deepEqual(
          await reopened.verify(I),
          byMode(mode, {
            'sealing every commit': {
              valid: true,
              records: 65,
              sealedThrough: 65,
              unsealedRecords: 0,
              adoptedRecords: 0,
            },
            'sealing by time': { valid: true, records: 65, sealedThrough: 64, unsealedRecords: 1, adoptedRecords: 0 },
          }),
        );
        await reopened.close();
      });

      void it('answers a record once it is durable and hash-chained; sealing every commit, once it is sealed too', async () => {
        const f = await fixture();
        const gated = gatedSigner(await signer());
        const log = new ChainedAuditLog({ storage: f.storage, signer: gated, sealIntervalMs });
        const first = log.record(entry(I));
        if (sealIntervalMs === 0) {
          assert.equal(await settled(first), false, 'answered before its checkpoint was signed');
          assert.equal(gated.calls(), 1);
          gated.open();
          await first;
        } else {
          // No signature is awaited: the record is answered with its seal still to come.
          await first;
          assert.equal(gated.calls(), 0);
          gated.open();
        }
        await log.record(entry(I, { requestId: 'second' }));
        const rows = await f.storage.scan(I, 0, 10);
        assert.deepEqual(
          rows.map((r) => [r.seq, r.requestId === 'second', r.hash === recordHash(r)]),
          [
            [1, false, true],
            [2, true, true],
          ],
        );
        assert.equal(rows[1]?.prevHash, rows[0]?.hash);
        assert.deepEqual(
          (await f.storage.checkpoints(I)).map((cp) => [cp.n, cp.seq, cp.final]),
          byMode(mode, {
            'sealing every commit': [
              [1, 1, true],
              [2, 2, true],
            ],
            'sealing by time': [],
          }),
        );
        await log.close();
      });

      void it('answers no record before its commit is durable', async () => {
        const f = await fixture();
        const gated = gatedStorage(f.storage);
        const log = await open(gated.storage);
        const pending = log.record(entry(I));
        assert.equal(await settled(pending), false, 'answered before its commit');
        assert.deepEqual(await f.storage.scan(I, 0, 10), []);
        gated.open();
        await pending;
        assert.equal((await f.storage.scan(I, 0, 10)).length, 1);
        await log.close();
      });

      void it('reads a chain back from its last record, newest first: seq, time and request id', async () => {
        const f = await fixture();
        const log = await open(f.storage);
        const written = [entry(I), entry(J), entry(I), entry(I)];
        for (const e of written) await log.record(e);
        await log.close();
        const storage = await f.reopen();
        const mine = written.filter((e) => e.instanceId === I);
        const expected = [
          { seq: 3, time: mine[2]?.time, requestId: mine[2]?.requestId },
          { seq: 2, time: mine[1]?.time, requestId: mine[1]?.requestId },
          { seq: 1, time: mine[0]?.time, requestId: mine[0]?.requestId },
        ];
        assert.deepEqual(await storage.readBack(I, null, 10), expected);
        assert.deepEqual(await storage.readBack(I, null, 2), expected.slice(0, 2));
        assert.deepEqual(await storage.readBack(I, 2, 10), expected.slice(2));
        assert.deepEqual(await storage.readBack(I, 1, 10), []);
        assert.deepEqual(await storage.readBack(SERVICE_CHAIN_ID, null, 10), []);
        await storage.close();
      });

      void it('filters and pages oldest first', async () => {
        const f = await fixture();
        const log = await open(f.storage);
        for (let i = 0; i < 7; i++) {
          await log.record(
            entry(I, {
              keyId: i % 2 === 0 ? 'k-even' : 'k-odd',
              operation: i < 3 ? 'createKey' : 'wrapKey',
              outcome: i === 6 ? 'failed' : 'success',
            }),
          );
        }
        const even = await log.query({ instanceId: I, keyId: 'k-even', limit: 2 });
        assert.deepEqual(
          even.records.map((r) => r.seq),
          [1, 3],
        );
        assert.ok(even.nextCursor);
        const rest = await log.query({
          instanceId: I,
          keyId: 'k-even',
          limit: 2,
          cursor: even.nextCursor ?? undefined,
        });
        assert.deepEqual(
          rest.records.map((r) => r.seq),
          [5, 7],
        );
        assert.equal(rest.nextCursor, null, 'the last page has no next cursor');
        assert.deepEqual(
          (await log.query({ instanceId: I, operation: 'createKey', outcome: 'success', limit: 10 })).records.map(
            (r) => r.seq,
          ),
          [1, 2, 3],
        );
        assert.deepEqual(
          (await log.query({ instanceId: I, outcome: 'failed', limit: 10 })).records.map((r) => r.seq),
          [7],
        );
        const all = (await log.query({ instanceId: I, limit: 10 })).records;
        const window = await log.query({ instanceId: I, from: all[2]?.time, to: all[4]?.time, limit: 10 });
        assert.deepEqual(
          window.records.map((r) => r.seq),
          [3, 4, 5],
        );
        assert.equal((await log.query({ instanceId: I, limit: 10 })).nextCursor, null);
        await log.close();
      });

      const tamperCase = (
        title: string,
        act: (t: Tamper, rows: readonly AuditRecord[]) => Promise<void>,
        firstBadSeq: number,
      ) => {
        void it(`verify names record ${firstBadSeq} after ${title}, also after a reopen and more records`, async () => {
          const f = await fixture();
          const log = await open(f.storage);
          for (let i = 0; i < 6; i++) await log.record(entry(I));
          assert.equal((await log.verify(I)).valid, true);
          const rows = (await log.query({ instanceId: I, limit: 10 })).records;
          await log.close();
          await act(f.tamper, rows);
          const again = await open(await f.reopen());
          const before = await again.verify(I);
          assert.equal(before.valid, false);
          assert.equal(before.valid ? 0 : before.firstBadSeq, firstBadSeq, JSON.stringify(before));
          await again.record(entry(I));
          const after = await again.verify(I);
          assert.equal(
            after.valid ? 0 : after.firstBadSeq,
            firstBadSeq,
            `still named after more records: ${JSON.stringify(after)}`,
          );
          await again.close();
        });
      };
      tamperCase('an edited field', (t) => t.setField(I, 3, 'principalId', 'someone-else'), 3);
      tamperCase('an edited outcome', (t) => t.setField(I, 4, 'outcome', 'success-ish'), 4);
      tamperCase('a deleted record', (t) => t.deleteRow(I, 2), 2);
      tamperCase('a deleted last record', (t) => t.deleteRow(I, 6), 6);
      tamperCase('two swapped records', (t) => t.swapRows(I, 4, 5), 4);
      tamperCase(
        'a forged record chained correctly onto the end',
        async (t, rows) => {
          // A forger who knows the algorithm but not the HSM key: correct seq, prevHash and hash.
          const forged = { ...entry(I, { principalId: 'forger' }), seq: 7, prevHash: rows[5]?.hash ?? '' };
          await t.putRow(I, { ...forged, hash: recordHash(forged) });
        },
        7,
      );
      // Sealing by time, no checkpoint names record 3: the first record that betrays the forgery is 4.
      tamperCase(
        'a forged record inserted in the middle (later records renumbered)',
        async (t, rows) => {
          for (const row of [...rows].reverse().filter((r) => r.seq >= 3)) {
            await t.deleteRow(I, row.seq);
            await t.putRow(I, { ...row, seq: row.seq + 1 });
          }
          const forged = { ...entry(I, { principalId: 'forger' }), seq: 3, prevHash: rows[1]?.hash ?? '' };
          await t.putRow(I, { ...forged, hash: recordHash(forged) });
        },
        byMode(mode, { 'sealing every commit': 3, 'sealing by time': 4 }),
      );
      // Sealing every commit, checkpoint 2 seals record 2; by time, the one checkpoint (at close) seals record 6.
      const forgedCheckpoint = byMode(mode, { 'sealing every commit': 2, 'sealing by time': 1 });
      tamperCase(
        `a forged signature of checkpoint ${forgedCheckpoint}`,
        (t) => t.setCheckpointSignature(I, forgedCheckpoint, Buffer.alloc(64, 1).toString('base64')),
        byMode(mode, { 'sealing every commit': 2, 'sealing by time': 6 }),
      );

      if (sealIntervalMs > 0) {
        void it('seals the head within the interval, off the request path, and again for later records', async () => {
          const f = await fixture();
          const watched = gatedSigner(await signer());
          watched.open();
          mock.timers.enable({ apis: ['setTimeout', 'Date'] });
          try {
            const log = await open(f.storage, { signer: watched, sealIntervalMs: 100 });
            await log.record(entry(I));
            assert.equal(watched.calls(), 0, 'no signature on the request path');
            mock.timers.tick(99);
            assert.equal(watched.calls(), 0, 'no seal before the interval');
            mock.timers.tick(1);
            assert.equal(watched.calls(), 1, 'the seal starts when the interval is over');
            assert.deepEqual(
              (await checkpointsOf(f.storage, I, 1)).map((cp) => [cp.n, cp.seq, cp.final]),
              [[1, 1, false]],
            );
            await log.record(entry(I));
            await log.record(entry(I));
            mock.timers.tick(100);
            assert.deepEqual(
              (await checkpointsOf(f.storage, I, 2)).map((cp) => [cp.n, cp.seq, cp.final]),
              [
                [1, 1, false],
                [2, 3, false],
              ],
            );
            assert.deepEqual(await log.verify(I), {
              valid: true,
              records: 3,
              sealedThrough: 3,
              unsealedRecords: 0,
              adoptedRecords: 0,
            });
            mock.timers.tick(1000);
            assert.equal(watched.calls(), 2, 'no seal while nothing is unsealed');
            await log.close();
            const reopened = await f.reopen();
            assert.deepEqual(
              (await reopened.checkpoints(I)).map((cp) => [cp.n, cp.seq, cp.final]),
              [
                [1, 1, false],
                [2, 3, false],
                [3, 3, true],
              ],
              'close seals with a final checkpoint',
            );
            await reopened.close();
          } finally {
            mock.timers.reset();
          }
        });

        void it('names tampering with the unsealed tail by the hash chain, live and after a crash', async () => {
          const f = await fixture();
          const log = await open(f.storage);
          for (let i = 0; i < 6; i++) await log.record(entry(I));
          assert.deepEqual(await log.verify(I), {
            valid: true,
            records: 6,
            sealedThrough: 0,
            unsealedRecords: 6,
            adoptedRecords: 0,
          });
          await f.tamper.setField(I, 3, 'principalId', 'someone-else');
          assert.deepEqual(await log.verify(I), {
            valid: false,
            firstBadSeq: 3,
            reason: 'the record does not match its hash (edited)',
          });
          await f.tamper.deleteRow(I, 6);
          const truncated = await log.verify(I);
          assert.equal(truncated.valid ? 0 : truncated.firstBadSeq, 3);
          // A crash: the writer is gone without its final seal; its unsealed tail stays as it was.
          await f.storage.close();
          const after = await open(await f.reopen());
          assert.deepEqual(await after.verify(I), {
            valid: false,
            firstBadSeq: 3,
            reason: 'the record does not match its hash (edited)',
          });
          await after.close();
        });

        void it('names a deleted last record of the unsealed tail while its writer holds the chain', async () => {
          const f = await fixture();
          const log = await open(f.storage);
          for (let i = 0; i < 4; i++) await log.record(entry(I));
          await f.tamper.deleteRow(I, 4);
          const verdict = await log.verify(I);
          assert.equal(verdict.valid ? 0 : verdict.firstBadSeq, 4, JSON.stringify(verdict));
          await log.close();
        });

        void it('adopts the unsealed tail a crashed writer left, and says so', async () => {
          const f = await fixture();
          const crashed = await open(f.storage);
          for (let i = 0; i < 3; i++) await crashed.record(entry(I));
          await f.storage.close();
          const next = await open(await f.reopen());
          assert.deepEqual(await next.verify(I), {
            valid: true,
            records: 3,
            sealedThrough: 0,
            unsealedRecords: 3,
            adoptedRecords: 0,
          });
          await next.record(entry(I));
          assert.deepEqual(await next.verify(I), {
            valid: true,
            records: 4,
            sealedThrough: 3,
            unsealedRecords: 1,
            adoptedRecords: 3,
          });
          await next.close();
        });
      }
    });
  }
}
