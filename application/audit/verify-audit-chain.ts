import type { AuditCheckpoint, AuditStorage } from '../ports/audit-storage.ts';
import type { AuditVerification } from './audit-log.ts';
import { checkpointSignatureValid, GENESIS_HASH, recordHash } from './audit-hash.ts';

const PAGE = 1000;

interface VerifyOptions {
  readonly publicKeyDer: Uint8Array;
  readonly keyLabel: string;
  /** Records a writer may leave after the last checkpoint (the checkpoint policy's `everyRecords` - 1). */
  readonly maxUnsealed: number;
}

interface Problem {
  readonly seq: number;
  readonly reason: string;
}

/**
 * Checks a whole chain: seqs run 1, 2, 3... without a gap; each record's prevHash is its
 * predecessor's hash; each hash matches the record's fields; every checkpoint is signed by the HSM
 * key and matches the record it names; no more than `maxUnsealed` records follow the last
 * checkpoint; and no writer reported records it could not vouch for (a checkpoint's anomaly).
 * The smallest seq at which any of these fails is the first bad record.
 */
export async function verifyAuditChain(
  storage: AuditStorage,
  chain: string,
  options: VerifyOptions,
): Promise<AuditVerification> {
  const problems: Problem[] = [];
  const checkpoints = await storage.checkpoints(chain);
  const bySeq = new Map<number, AuditCheckpoint[]>();
  checkpoints.forEach((cp, i) => {
    if (cp.n !== i + 1) problems.push({ seq: cp.seq, reason: `checkpoint ${i + 1} is missing` });
    if (cp.keyLabel !== options.keyLabel || !checkpointSignatureValid(chain, cp, options.publicKeyDer)) {
      problems.push({ seq: cp.seq, reason: `checkpoint ${cp.n} (seq ${cp.seq}) has no valid HSM signature` });
    }
    if (cp.anomalySeq > 0)
      problems.push({ seq: cp.anomalySeq, reason: `writer found records it could not vouch for: ${cp.anomaly}` });
    bySeq.set(cp.seq, [...(bySeq.get(cp.seq) ?? []), cp]);
  });

  let expected = 1;
  let prevHash = GENESIS_HASH;
  let complete = false;
  walk: for (;;) {
    const rows = await storage.scan(chain, expected - 1, PAGE);
    for (const row of rows) {
      if (row.seq !== expected) {
        problems.push({
          seq: expected,
          reason: row.seq > expected ? `record ${expected} is missing` : `record ${row.seq} is out of order`,
        });
        break walk;
      }
      if (row.prevHash !== prevHash) {
        problems.push({ seq: row.seq, reason: `prevHash does not match the hash of record ${row.seq - 1}` });
        break walk;
      }
      if (recordHash(row) !== row.hash) {
        problems.push({ seq: row.seq, reason: 'the record does not match its hash (edited)' });
        break walk;
      }
      for (const cp of bySeq.get(row.seq) ?? []) {
        if (cp.hash !== row.hash)
          problems.push({ seq: row.seq, reason: `the record does not match signed checkpoint ${cp.n}` });
      }
      prevHash = row.hash;
      expected += 1;
    }
    if (rows.length < PAGE) {
      complete = true;
      break;
    }
  }
  const records = expected - 1;
  const first = problems.reduce<Problem | undefined>((a, b) => (a === undefined || b.seq < a.seq ? b : a), undefined);
  if (!complete && first) return { valid: false, firstBadSeq: first.seq, reason: first.reason };
  const lastCheckpoint = checkpoints.reduce<AuditCheckpoint | undefined>(
    (a, b) => (a === undefined || b.seq > a.seq ? b : a),
    undefined,
  );
  if (lastCheckpoint && lastCheckpoint.seq > records) {
    problems.push({
      seq: records + 1,
      reason: `record ${records + 1} is missing (signed checkpoint ${lastCheckpoint.n} covers up to ${lastCheckpoint.seq})`,
    });
  }
  const sealed = lastCheckpoint?.seq ?? 0;
  if (records - sealed > options.maxUnsealed) {
    problems.push({
      seq: sealed + 1,
      reason: `records from ${sealed + 1} are not covered by a signed checkpoint (inserted?)`,
    });
  }
  const worst = problems.reduce<Problem | undefined>((a, b) => (a === undefined || b.seq < a.seq ? b : a), undefined);
  return worst ? { valid: false, firstBadSeq: worst.seq, reason: worst.reason } : { valid: true, records };
}
