/**
 * The SQLite audit commit: one IMMEDIATE transaction across chains, each chain's rows only if its
 * tail is where the writer expects it, and each checkpoint only if it seals a stored record and
 * follows the chain's last checkpoint.
 */
import type Database from 'better-sqlite3';
import { isUniqueViolation } from '../../store/sqlite/open-database.ts';
import {
  AuditChainConflictError,
  type AuditChainWrite,
  type AuditCheckpoint,
  type AuditRecord,
} from '../../../application/ports/audit-storage.ts';

export interface RecordRow {
  chain: string;
  seq: number;
  time: string;
  instance_id: string;
  principal_id: string;
  operation: string;
  key_id: string;
  key_version_id: string;
  outcome: string;
  reason: string;
  request_id: string;
  correlation_id: string;
  source_ip: string;
  prev_hash: string;
  hash: string;
}

export interface CheckpointRow {
  n: number;
  seq: number;
  hash: string;
  time: string;
  key_label: string;
  anomaly_seq: number;
  anomaly: string;
  signature: string;
  final: number;
  adopted_from_seq: number;
}

export const RECORD_COLUMNS =
  'seq, time, instance_id, principal_id, operation, key_id, key_version_id, outcome, reason, request_id, correlation_id, source_ip, prev_hash, hash';

/** Returns the commit of `db`: every write, or nothing (durable once the connection's `durable()` resolves after it). */
export function auditCommitter(db: Database.Database): (writes: readonly AuditChainWrite[]) => void {
  const lastRow = db.prepare<[string], { seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_records WHERE chain = ? ORDER BY seq DESC LIMIT 1',
  );
  const lastCheckpointN = db.prepare<[string], { n: number }>(
    'SELECT n FROM audit_checkpoints WHERE chain = ? ORDER BY n DESC LIMIT 1',
  );
  const hashAt = db.prepare<[string, number], { hash: string }>(
    'SELECT hash FROM audit_records WHERE chain = ? AND seq = ?',
  );
  const insertRow =
    db.prepare(`INSERT INTO audit_records (chain, ${RECORD_COLUMNS}) VALUES (@chain, @seq, @time, @instance_id, @principal_id, @operation,
    @key_id, @key_version_id, @outcome, @reason, @request_id, @correlation_id, @source_ip, @prev_hash, @hash)`);
  const insertCheckpoint =
    db.prepare(`INSERT INTO audit_checkpoints (chain, n, seq, hash, time, key_label, anomaly_seq, anomaly, signature, final,
    adopted_from_seq) VALUES (@chain, @n, @seq, @hash, @time, @key_label, @anomaly_seq, @anomaly, @signature, @final, @adopted_from_seq)`);
  const commitAll = db.transaction((writes: readonly AuditChainWrite[]) => {
    for (const write of writes) {
      const first = write.rows[0];
      if (first) {
        // The tail must be the record the rows were chained onto (the writer may chain a batch onto
        // one whose commit is still in flight), not merely a record with that seq.
        const tail = lastRow.get(write.chain);
        if ((tail?.seq ?? 0) !== write.afterSeq || (tail && tail.hash !== first.prevHash))
          throw new AuditChainConflictError(write.chain);
      }
      const checkpointN = lastCheckpointN.get(write.chain)?.n ?? 0;
      try {
        for (const row of write.rows) insertRow.run(toRecordRow(write.chain, row));
        const cp = write.checkpoint;
        if (cp) {
          if (cp.n !== checkpointN + 1) throw new AuditChainConflictError(write.chain);
          if (cp.seq > 0 && hashAt.get(write.chain, cp.seq)?.hash !== cp.hash)
            throw new AuditChainConflictError(write.chain);
          insertCheckpoint.run(toCheckpointRow(write.chain, cp));
        }
      } catch (error) {
        if (isUniqueViolation(error)) throw new AuditChainConflictError(write.chain, { cause: error });
        throw error;
      }
    }
  });
  return (writes) => void commitAll.immediate(writes);
}

function toRecordRow(chain: string, r: AuditRecord): RecordRow {
  return {
    chain,
    seq: r.seq,
    time: r.time,
    instance_id: r.instanceId,
    principal_id: r.principalId,
    operation: r.operation,
    key_id: r.keyId,
    key_version_id: r.keyVersionId,
    outcome: r.outcome,
    reason: r.reason,
    request_id: r.requestId,
    correlation_id: r.correlationId,
    source_ip: r.sourceIp,
    prev_hash: r.prevHash,
    hash: r.hash,
  };
}

function toCheckpointRow(chain: string, c: AuditCheckpoint): CheckpointRow & { chain: string } {
  return {
    chain,
    n: c.n,
    seq: c.seq,
    hash: c.hash,
    time: c.time,
    key_label: c.keyLabel,
    anomaly_seq: c.anomalySeq,
    anomaly: c.anomaly,
    signature: c.signature,
    final: c.final ? 1 : 0,
    adopted_from_seq: c.adoptedFromSeq,
  };
}
