/**
 * The audit trail's contract, run against each storage adapter (SQLite, DynamoDB Local) with a real
 * SoftHSM checkpoint signer: chaining per instance, the service-wide chain, group commit, queries,
 * verification, and detection of each single-row tampering done directly in the storage.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEntry } from '../../../application/audit/audit-log.ts';
import { GENESIS_HASH, recordHash, type CheckpointSigner } from '../../../application/audit/audit-hash.ts';
import { ChainedAuditLog } from '../../../application/audit/chained-audit-log.ts';
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

export function auditLogContract(
  name: string,
  fixture: () => Promise<AuditFixture>,
  signer: () => Promise<CheckpointSigner>,
): void {
  void describe(`audit log contract: ${name}`, () => {
    const I = '3f1c1f4e-8a0b-4c55-9d7e-000000000001';
    const J = '3f1c1f4e-8a0b-4c55-9d7e-000000000002';

    void it('chains records per instance and keeps instance-less records in the service-wide chain', async () => {
      const f = await fixture();
      const log = new ChainedAuditLog({ storage: f.storage, signer: await signer() });
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
      assert.deepEqual(await log.verify(I), { valid: true, records: 2 });
      assert.deepEqual(await log.verify(SERVICE_CHAIN_ID), { valid: true, records: 1 });
      assert.deepEqual(await log.verify('3f1c1f4e-8a0b-4c55-9d7e-00000000ffff'), { valid: true, records: 0 });
      await log.close();
    });

    void it('commits concurrent records together, each resolving once durable', async () => {
      const f = await fixture();
      const c = counting(f.storage);
      const log = new ChainedAuditLog({ storage: c.storage, signer: await signer() });
      await Promise.all(Array.from({ length: 64 }, (_, i) => log.record(entry(I, { requestId: `c-${i}` }))));
      assert.ok(c.commits() <= 4, `64 concurrent records took ${c.commits()} commits`);
      await log.close();
      const reopened = new ChainedAuditLog({ storage: await f.reopen(), signer: await signer() });
      const page = await reopened.query({ instanceId: I, limit: 1000 });
      assert.deepEqual(
        page.records.map((r) => r.requestId).sort(),
        Array.from({ length: 64 }, (_, i) => `c-${i}`).sort(),
      );
      assert.deepEqual(await reopened.verify(I), { valid: true, records: 64 });
      await reopened.close();
    });

    void it('reads a chain back from its last record, newest first: seq, time and request id', async () => {
      const f = await fixture();
      const log = new ChainedAuditLog({ storage: f.storage, signer: await signer() });
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
      const log = new ChainedAuditLog({ storage: f.storage, signer: await signer() });
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
      const rest = await log.query({ instanceId: I, keyId: 'k-even', limit: 2, cursor: even.nextCursor ?? undefined });
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
        const log = new ChainedAuditLog({ storage: f.storage, signer: await signer() });
        for (let i = 0; i < 6; i++) await log.record(entry(I));
        assert.deepEqual(await log.verify(I), { valid: true, records: 6 });
        const rows = (await log.query({ instanceId: I, limit: 10 })).records;
        await log.close();
        await act(f.tamper, rows);
        const again = new ChainedAuditLog({ storage: await f.reopen(), signer: await signer() });
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
      3,
    );
    tamperCase(
      'a forged checkpoint signature',
      (t) => t.setCheckpointSignature(I, 2, Buffer.alloc(64, 1).toString('base64')),
      2,
    );
  });
}
