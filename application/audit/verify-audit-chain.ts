import type { AuditCheckpoint, AuditRecord, AuditStorage } from '../ports/audit-storage.ts';
import type { AuditVerification } from './audit-log.ts';
import { checkpointSignatureValid, GENESIS_HASH, recordHash } from './audit-hash.ts';

const PAGE = 1000;

/** What the chain's live writer in this process knows it wrote (read once the walk is done). */
interface WriterHead {
  readonly seq: number;
  readonly hash: string;
  /** Rows of its commit in flight: they may be stored before the writer hears so. */
  readonly inFlight: readonly AuditRecord[];
}

interface VerifyOptions {
  readonly publicKeyDer: Uint8Array;
  readonly keyLabel: string;
  /** The chain's writer in this process, if it holds the chain. */
  readonly writer?: (() => WriterHead | undefined) | undefined;
}

interface Problem {
  readonly seq: number;
  readonly reason: string;
}

/**
 * Checks a whole chain: seqs run 1, 2, 3... without a gap; each record's prevHash is its
 * predecessor's hash; each hash matches the record's fields; every checkpoint is signed by the HSM
 * key and matches the record it names; no writer reported records it could not vouch for (a
 * checkpoint's anomaly); and the records after the last checkpoint (the unsealed tail) are ones a
 * writer may have left: its own, while it holds the chain, or a crashed writer's after a checkpoint
 * that was not final. Records after a final checkpoint, or after the live writer's own head, were
 * added behind the writer's back. The smallest seq at which any of these fails is the first bad record.
 */
export async function verifyAuditChain(
  storage: AuditStorage,
  chain: string,
  options: VerifyOptions,
): Promise<AuditVerification> {
  const problems: Problem[] = [];
  // Read before the walk, so every record they cover was stored when the walk began.
  const covering = await storage.checkpoints(chain);
  checkpointProblems(chain, covering, 1, options, problems);
  // So was every record the writer had committed.
  const before = options.writer?.();

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
      for (const cp of covering) {
        if (cp.seq === row.seq && cp.hash !== row.hash)
          problems.push({ seq: row.seq, reason: `the record does not match signed checkpoint ${cp.n}` });
      }
      if (before && row.seq === before.seq && row.hash !== before.hash)
        problems.push({ seq: row.seq, reason: `the record differs from what the chain's writer wrote` });
      prevHash = row.hash;
      expected += 1;
    }
    if (rows.length < PAGE) {
      complete = true;
      break;
    }
  }
  const records = expected - 1;
  const firstBad = (): Problem | undefined =>
    problems.reduce<Problem | undefined>((a, b) => (a === undefined || b.seq < a.seq ? b : a), undefined);
  const early = firstBad();
  if (!complete && early) return { valid: false, firstBadSeq: early.seq, reason: early.reason };

  const widest = covering.reduce<AuditCheckpoint | undefined>(
    (a, b) => (a === undefined || b.seq > a.seq ? b : a),
    undefined,
  );
  if (widest && widest.seq > records) {
    problems.push({
      seq: records + 1,
      reason: `record ${records + 1} is missing (signed checkpoint ${widest.n} covers up to ${widest.seq})`,
    });
  }
  if (before && records < before.seq)
    problems.push({
      seq: records + 1,
      reason: `record ${records + 1} is missing (the chain's writer wrote up to ${before.seq})`,
    });
  // Read again after the walk: a writer may have sealed (or, sealing each commit, written) more meanwhile.
  const lastCovering = covering.at(-1)?.n ?? 0;
  const later = (await storage.checkpoints(chain)).filter((cp) => cp.n > lastCovering && cp.seq <= records);
  checkpointProblems(chain, later, lastCovering + 1, options, problems);
  const known = [...covering, ...later];
  const sealedThrough = known.reduce((max, cp) => Math.max(max, cp.seq), 0);
  const last = known.at(-1);
  if (records > sealedThrough) {
    const after = options.writer?.();
    if (after) {
      const written = records <= after.seq || after.inFlight.some((r) => r.seq === records && r.hash === prevHash);
      if (!written)
        problems.push({
          seq: after.seq + 1,
          reason: `records from ${after.seq + 1} were not written by the chain's writer (inserted?)`,
        });
    } else if (last?.final) {
      problems.push({
        seq: sealedThrough + 1,
        reason: `records from ${sealedThrough + 1} follow checkpoint ${last.n}, which closed the chain (inserted?)`,
      });
    }
  }
  const worst = firstBad();
  if (worst) return { valid: false, firstBadSeq: worst.seq, reason: worst.reason };
  const adoptedRecords = known.reduce(
    (sum, cp) => sum + (cp.adoptedFromSeq > 0 ? cp.seq - cp.adoptedFromSeq + 1 : 0),
    0,
  );
  return { valid: true, records, sealedThrough, unsealedRecords: records - sealedThrough, adoptedRecords };
}

/** Checkpoints numbered on from `firstN` without a gap, each signed by the HSM key, none reporting an anomaly. */
function checkpointProblems(
  chain: string,
  checkpoints: readonly AuditCheckpoint[],
  firstN: number,
  options: VerifyOptions,
  problems: Problem[],
): void {
  checkpoints.forEach((cp, i) => {
    if (cp.n !== firstN + i) problems.push({ seq: cp.seq, reason: `checkpoint ${firstN + i} is missing` });
  });
  for (const cp of checkpoints) {
    if (cp.keyLabel !== options.keyLabel || !checkpointSignatureValid(chain, cp, options.publicKeyDer)) {
      problems.push({ seq: cp.seq, reason: `checkpoint ${cp.n} (seq ${cp.seq}) has no valid HSM signature` });
    }
    if (cp.anomalySeq > 0)
      problems.push({ seq: cp.anomalySeq, reason: `writer found records it could not vouch for: ${cp.anomaly}` });
  }
}
