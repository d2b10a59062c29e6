/**
 * The audit trail in SQLite: tables `audit_records` and `audit_checkpoints` in the local server's
 * keyledger.db (CONTRACT.md: a table whose name starts with `audit`, each row with its instance id).
 * A commit is one IMMEDIATE transaction across chains, with synchronous=FULL (open-database.ts):
 * once it returns, the records survive a power loss.
 */
import { isUniqueViolation, openSqliteConnection, promised, type SqliteSource } from '../../store/sqlite/open-database.ts';
import {
  AuditChainConflictError,
  type AuditChainWrite,
  type AuditCheckpoint,
  type AuditRow,
  type AuditRowFilter,
  type AuditStorage,
} from '../audit-storage.ts';

export const AUDIT_DDL = `
CREATE TABLE IF NOT EXISTS audit_records (
  chain          TEXT    NOT NULL,
  seq            INTEGER NOT NULL,
  time           TEXT    NOT NULL,
  instance_id    TEXT    NOT NULL,
  principal_id   TEXT    NOT NULL,
  operation      TEXT    NOT NULL,
  key_id         TEXT    NOT NULL,
  key_version_id TEXT    NOT NULL,
  outcome        TEXT    NOT NULL,
  reason         TEXT    NOT NULL,
  request_id     TEXT    NOT NULL,
  correlation_id TEXT    NOT NULL,
  source_ip      TEXT    NOT NULL,
  prev_hash      TEXT    NOT NULL,
  hash           TEXT    NOT NULL,
  PRIMARY KEY (chain, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS audit_records_by_key ON audit_records (chain, key_id, seq);
CREATE TABLE IF NOT EXISTS audit_checkpoints (
  chain      TEXT    NOT NULL,
  n          INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  hash       TEXT    NOT NULL,
  time       TEXT    NOT NULL,
  key_label  TEXT    NOT NULL,
  anomaly_seq INTEGER NOT NULL,
  anomaly    TEXT    NOT NULL,
  signature  TEXT    NOT NULL,
  PRIMARY KEY (chain, n)
) WITHOUT ROWID;
`;

interface RecordRow {
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

interface CheckpointRow {
  n: number;
  seq: number;
  hash: string;
  time: string;
  key_label: string;
  anomaly_seq: number;
  anomaly: string;
  signature: string;
}

const COLUMNS = 'seq, time, instance_id, principal_id, operation, key_id, key_version_id, outcome, reason, request_id, correlation_id, source_ip, prev_hash, hash';

export function openSqliteAuditStorage(source: SqliteSource): Promise<AuditStorage> {
  return promised(() => create(source));
}

function create(source: SqliteSource): AuditStorage {
  const connection = openSqliteConnection(source);
  const db = connection.db;
  try {
    db.exec(AUDIT_DDL);
  } catch (error) {
    connection.release();
    throw error;
  }
  const lastRow = db.prepare<[string], { seq: number; hash: string }>('SELECT seq, hash FROM audit_records WHERE chain = ? ORDER BY seq DESC LIMIT 1');
  const lastCheckpoint = db.prepare<[string], CheckpointRow>('SELECT * FROM audit_checkpoints WHERE chain = ? ORDER BY n DESC LIMIT 1');
  const allCheckpoints = db.prepare<[string], CheckpointRow>('SELECT * FROM audit_checkpoints WHERE chain = ? ORDER BY n');
  const insertRow = db.prepare(`INSERT INTO audit_records (chain, ${COLUMNS}) VALUES (@chain, @seq, @time, @instance_id, @principal_id, @operation,
    @key_id, @key_version_id, @outcome, @reason, @request_id, @correlation_id, @source_ip, @prev_hash, @hash)`);
  const insertCheckpoint = db.prepare(`INSERT INTO audit_checkpoints (chain, n, seq, hash, time, key_label, anomaly_seq, anomaly, signature)
    VALUES (@chain, @n, @seq, @hash, @time, @key_label, @anomaly_seq, @anomaly, @signature)`);
  const scanRows = db.prepare<[string, number, number], RecordRow>(`SELECT chain, ${COLUMNS} FROM audit_records WHERE chain = ? AND seq > ? ORDER BY seq LIMIT ?`);

  const commitAll = db.transaction((writes: readonly AuditChainWrite[]) => {
    for (const write of writes) {
      if ((lastRow.get(write.chain)?.seq ?? 0) !== write.afterSeq) throw new AuditChainConflictError(write.chain);
      const checkpointN = lastCheckpoint.get(write.chain)?.n ?? 0;
      try {
        for (const row of write.rows) insertRow.run(toRecordRow(write.chain, row));
        if (write.checkpoint) {
          if (write.checkpoint.n !== checkpointN + 1) throw new AuditChainConflictError(write.chain);
          insertCheckpoint.run(toCheckpointRow(write.chain, write.checkpoint));
        }
      } catch (error) {
        if (isUniqueViolation(error)) throw new AuditChainConflictError(write.chain, { cause: error });
        throw error;
      }
    }
  });

  return {
    tail: (chain) => promised(() => {
      const row = lastRow.get(chain);
      const cp = lastCheckpoint.get(chain);
      return { seq: row?.seq ?? 0, hash: row?.hash ?? null, checkpoint: cp ? fromCheckpointRow(cp) : null };
    }),
    commit: (writes) => promised(() => void commitAll.immediate(writes)),
    query: (filter) => promised(() => query(filter)),
    scan: (chain, afterSeq, limit) => promised(() => scanRows.all(chain, afterSeq, limit).map(fromRecordRow)),
    checkpoints: (chain) => promised(() => allCheckpoints.all(chain).map(fromCheckpointRow)),
    close: () => promised(() => connection.release()),
  };

  function query(filter: AuditRowFilter): { rows: AuditRow[]; more: boolean } {
    const where = ['chain = @chain', 'seq > @afterSeq'];
    const params: Record<string, string | number> = { chain: filter.chain, afterSeq: filter.afterSeq, limit: filter.limit + 1 };
    const optional: [keyof AuditRowFilter, string, string][] = [
      ['keyId', 'key_id = @keyId', 'keyId'], ['principalId', 'principal_id = @principalId', 'principalId'],
      ['operation', 'operation = @operation', 'operation'], ['outcome', 'outcome = @outcome', 'outcome'],
      ['from', 'time >= @from', 'from'], ['to', 'time <= @to', 'to'],
    ];
    for (const [field, clause, param] of optional) {
      const value = filter[field];
      if (value === undefined) continue;
      where.push(clause);
      params[param] = value;
    }
    const rows = db.prepare<[Record<string, string | number>], RecordRow>(
      `SELECT chain, ${COLUMNS} FROM audit_records WHERE ${where.join(' AND ')} ORDER BY seq LIMIT @limit`,
    ).all(params);
    const more = rows.length > filter.limit;
    return { rows: rows.slice(0, filter.limit).map(fromRecordRow), more };
  }
}

function toRecordRow(chain: string, r: AuditRow): RecordRow {
  return {
    chain, seq: r.seq, time: r.time, instance_id: r.instanceId, principal_id: r.principalId, operation: r.operation, key_id: r.keyId,
    key_version_id: r.keyVersionId, outcome: r.outcome, reason: r.reason, request_id: r.requestId, correlation_id: r.correlationId,
    source_ip: r.sourceIp, prev_hash: r.prevHash, hash: r.hash,
  };
}

/**
 * Rows are read back as they are, whatever was done to the file: verification must see tampered
 * values, so nothing is validated or normalised here (an unknown outcome stays as it is).
 */
function fromRecordRow(r: RecordRow): AuditRow {
  return {
    seq: r.seq, time: r.time, instanceId: r.instance_id, principalId: r.principal_id, operation: r.operation, keyId: r.key_id,
    keyVersionId: r.key_version_id, outcome: r.outcome as AuditRow['outcome'], reason: r.reason, requestId: r.request_id,
    correlationId: r.correlation_id, sourceIp: r.source_ip, prevHash: r.prev_hash, hash: r.hash,
  };
}

function toCheckpointRow(chain: string, c: AuditCheckpoint): CheckpointRow & { chain: string } {
  return { chain, n: c.n, seq: c.seq, hash: c.hash, time: c.time, key_label: c.keyLabel, anomaly_seq: c.anomalySeq, anomaly: c.anomaly, signature: c.signature };
}

function fromCheckpointRow(c: CheckpointRow): AuditCheckpoint {
  return { n: c.n, seq: c.seq, hash: c.hash, time: c.time, keyLabel: c.key_label, anomalySeq: c.anomaly_seq, anomaly: c.anomaly, signature: c.signature };
}
