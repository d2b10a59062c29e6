/**
 * The audit trail in SQLite: tables `audit_records` and `audit_checkpoints` in the local server's
 * keyledger.db (README "Audit trail": tables whose names start with `audit`, each row with its instance id).
 * A commit is one IMMEDIATE transaction across chains (audit-commit.ts), run on the event loop; it
 * resolves once an fsync of the log that began after it ends (open-database.ts, wal-sync.ts): the records
 * then survive a power loss. The log above groups concurrent records into one commit, and the fsync runs
 * off the event loop, so the next batch commits while one is being synced and one fsync serves both.
 * bench/ab.ts measured a commit on the event loop faster than a commit thread with its own connection
 * (README, Performance: the thread's messages and wake-ups cost more than the commit).
 */
import { openSqliteConnection, promised, type SqliteSource } from '../../store/sqlite/open-database.ts';
import type {
  AuditCheckpoint,
  AuditRecord,
  AuditRowFilter,
  AuditStorage,
} from '../../../application/ports/audit-storage.ts';
import { auditCommitter, RECORD_COLUMNS as COLUMNS, type CheckpointRow, type RecordRow } from './audit-commit.ts';

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
  final      INTEGER NOT NULL DEFAULT 1,
  adopted_from_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (chain, n)
) WITHOUT ROWID;
`;

/** Columns added since the table was first created; their defaults are what every older checkpoint meant. */
const ADDED_CHECKPOINT_COLUMNS: Record<string, string> = {
  final: 'INTEGER NOT NULL DEFAULT 1',
  adopted_from_seq: 'INTEGER NOT NULL DEFAULT 0',
};

export function openSqliteAuditStorage(source: SqliteSource): Promise<AuditStorage> {
  return promised(() => create(source));
}

function create(source: SqliteSource): AuditStorage {
  const connection = openSqliteConnection(source);
  const db = connection.db;
  try {
    db.exec(AUDIT_DDL);
    const present = new Set(
      db
        .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('audit_checkpoints')")
        .all()
        .map((c) => c.name),
    );
    for (const [column, type] of Object.entries(ADDED_CHECKPOINT_COLUMNS))
      if (!present.has(column)) db.exec(`ALTER TABLE audit_checkpoints ADD COLUMN ${column} ${type}`);
  } catch (error) {
    connection.release();
    throw error;
  }
  const lastRow = db.prepare<[string], { seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_records WHERE chain = ? ORDER BY seq DESC LIMIT 1',
  );
  const lastCheckpoint = db.prepare<[string], CheckpointRow>(
    'SELECT * FROM audit_checkpoints WHERE chain = ? ORDER BY n DESC LIMIT 1',
  );
  const readBackRows = db.prepare<[string, number, number], { seq: number; time: string; request_id: string }>(
    'SELECT seq, time, request_id FROM audit_records WHERE chain = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
  );
  const allCheckpoints = db.prepare<[string], CheckpointRow>(
    'SELECT * FROM audit_checkpoints WHERE chain = ? ORDER BY n',
  );
  const scanRows = db.prepare<[string, number, number], RecordRow>(
    `SELECT chain, ${COLUMNS} FROM audit_records WHERE chain = ? AND seq > ? ORDER BY seq LIMIT ?`,
  );
  const commit = auditCommitter(db);

  return {
    tail: (chain) =>
      promised(() => {
        const row = lastRow.get(chain);
        const cp = lastCheckpoint.get(chain);
        return { seq: row?.seq ?? 0, hash: row?.hash ?? null, checkpoint: cp ? fromCheckpointRow(cp) : null };
      }),
    commit: (writes) => promised(() => commit(writes)).then(() => connection.durable()),
    query: (filter) => promised(() => query(filter)),
    scan: (chain, afterSeq, limit) => promised(() => scanRows.all(chain, afterSeq, limit).map(fromRecordRow)),
    readBack: (chain, beforeSeq, limit) =>
      promised(() =>
        readBackRows
          .all(chain, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit)
          .map((r) => ({ seq: r.seq, time: r.time, requestId: r.request_id })),
      ),
    checkpoints: (chain) => promised(() => allCheckpoints.all(chain).map(fromCheckpointRow)),
    close: () => promised(() => connection.release()),
  };

  function query(filter: AuditRowFilter): { rows: AuditRecord[]; more: boolean } {
    const where = ['chain = @chain', 'seq > @afterSeq'];
    const params: Record<string, string | number> = {
      chain: filter.chain,
      afterSeq: filter.afterSeq,
      limit: filter.limit + 1,
    };
    const optional: [keyof AuditRowFilter, string, string][] = [
      ['keyId', 'key_id = @keyId', 'keyId'],
      ['principalId', 'principal_id = @principalId', 'principalId'],
      ['operation', 'operation = @operation', 'operation'],
      ['outcome', 'outcome = @outcome', 'outcome'],
      ['from', 'time >= @from', 'from'],
      ['to', 'time <= @to', 'to'],
    ];
    for (const [field, clause, param] of optional) {
      const value = filter[field];
      if (value === undefined) continue;
      where.push(clause);
      params[param] = value;
    }
    const rows = db
      .prepare<[Record<string, string | number>], RecordRow>(
        `SELECT chain, ${COLUMNS} FROM audit_records WHERE ${where.join(' AND ')} ORDER BY seq LIMIT @limit`,
      )
      .all(params);
    const more = rows.length > filter.limit;
    return { rows: rows.slice(0, filter.limit).map(fromRecordRow), more };
  }
}

/**
 * Rows are read back as they are, whatever was done to the file: verification must see tampered
 * values, so nothing is validated or normalised here (an unknown outcome stays as it is).
 */
function fromRecordRow(r: RecordRow): AuditRecord {
  return {
    seq: r.seq,
    time: r.time,
    instanceId: r.instance_id,
    principalId: r.principal_id,
    operation: r.operation,
    keyId: r.key_id,
    keyVersionId: r.key_version_id,
    outcome: r.outcome as AuditRecord['outcome'],
    reason: r.reason,
    requestId: r.request_id,
    correlationId: r.correlation_id,
    sourceIp: r.source_ip,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

function fromCheckpointRow(c: CheckpointRow): AuditCheckpoint {
  return {
    n: c.n,
    seq: c.seq,
    hash: c.hash,
    time: c.time,
    keyLabel: c.key_label,
    anomalySeq: c.anomaly_seq,
    anomaly: c.anomaly,
    signature: c.signature,
    final: c.final !== 0,
    adoptedFromSeq: c.adopted_from_seq,
  };
}
