/**
 * Idempotency records (functions/shared/idempotent-request.ts) in SQLite: one row of `idempotency` in
 * keyledger.db per idempotency key, as Powertools Idempotency's persistence layer expects it. The
 * DynamoDB mode and AWS use Powertools' own DynamoDB layer on the idempotency table instead.
 *
 * A record that says a create completed must not be lost while the key it names survives: its update
 * resolves once on disk, like the events (open-database.ts). The claim before it needs no fsync of its
 * own: it precedes the events in the log, which keeps commits in order. Expired rows are deleted as new
 * records are written.
 */
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import { IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError } from '@aws-lambda-powertools/idempotency';
import type { JSONValue } from '@aws-lambda-powertools/commons/types';
import { openSqliteConnection, promised, type SqliteSource } from '../../store/sqlite/open-database.ts';

const DDL = `CREATE TABLE IF NOT EXISTS idempotency (
  id                 TEXT PRIMARY KEY,
  status             TEXT NOT NULL,
  expiry             INTEGER NOT NULL,
  in_progress_expiry INTEGER,
  payload_hash       TEXT,
  response           TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idempotency_expiry ON idempotency (expiry)`;

interface Row {
  readonly id: string;
  readonly status: string;
  readonly expiry: number;
  readonly in_progress_expiry: number | null;
  readonly payload_hash: string | null;
  readonly response: string | null;
}

function toRecord(row: Row): IdempotencyRecord {
  return new IdempotencyRecord({
    idempotencyKey: row.id,
    status: row.status as 'INPROGRESS' | 'COMPLETED' | 'EXPIRED',
    expiryTimestamp: row.expiry,
    inProgressExpiryTimestamp: row.in_progress_expiry ?? undefined,
    payloadHash: row.payload_hash ?? undefined,
    responseData: row.response === null ? undefined : (JSON.parse(row.response) as JSONValue),
  });
}

export class SqliteIdempotencyStore extends BasePersistenceLayer {
  private readonly connection;
  private readonly statements;
  /** Deletes expired rows and claims the key, in one commit. */
  private readonly claim: (record: IdempotencyRecord) => void;

  constructor(source: SqliteSource) {
    super();
    this.connection = openSqliteConnection(source);
    const { db } = this.connection;
    try {
      db.exec(DDL);
    } catch (error) {
      this.connection.release();
      throw error;
    }
    this.statements = {
      select: db.prepare<[string], Row>('SELECT * FROM idempotency WHERE id = ?'),
      deleteExpired: db.prepare<[number]>('DELETE FROM idempotency WHERE expiry < ?'),
      // Powertools' conditions: a new key, an expired record, or an in-progress record whose request ran out of time.
      claim: db.prepare<[string, string, number, number | null, string | null, number, number]>(
        `INSERT INTO idempotency (id, status, expiry, in_progress_expiry, payload_hash, response)
         VALUES (?, ?, ?, ?, ?, NULL)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, expiry = excluded.expiry,
           in_progress_expiry = excluded.in_progress_expiry, payload_hash = excluded.payload_hash, response = NULL
         WHERE idempotency.expiry < ?
            OR (idempotency.status = 'INPROGRESS' AND idempotency.in_progress_expiry IS NOT NULL
                AND idempotency.in_progress_expiry < ?)`,
      ),
      update: db.prepare<[string, number, string | null, string]>(
        'UPDATE idempotency SET status = ?, expiry = ?, response = ? WHERE id = ?',
      ),
      delete: db.prepare<[string]>('DELETE FROM idempotency WHERE id = ?'),
    };
    this.claim = db.transaction((record: IdempotencyRecord) => this.claimNow(record));
  }

  protected _putRecord(record: IdempotencyRecord): Promise<void> {
    return promised(() => this.claim(record));
  }

  protected _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    return promised(() => {
      const row = this.statements.select.get(idempotencyKey);
      if (!row) throw new IdempotencyItemNotFoundError();
      return toRecord(row);
    });
  }

  protected _updateRecord(record: IdempotencyRecord): Promise<void> {
    return promised(() => {
      const response = record.responseData === undefined ? null : JSON.stringify(record.responseData);
      this.statements.update.run(record.getStatus(), record.expiryTimestamp ?? 0, response, record.idempotencyKey);
    }).then(() => this.connection.durable());
  }

  protected _deleteRecord(record: IdempotencyRecord): Promise<void> {
    return promised(() => void this.statements.delete.run(record.idempotencyKey));
  }

  close(): void {
    this.connection.release();
  }

  private claimNow(record: IdempotencyRecord): void {
    const now = Date.now();
    this.statements.deleteExpired.run(Math.floor(now / 1000));
    const { changes } = this.statements.claim.run(
      record.idempotencyKey,
      record.getStatus(),
      record.expiryTimestamp ?? 0,
      record.inProgressExpiryTimestamp ?? null,
      this.isPayloadValidationEnabled() ? (record.payloadHash ?? null) : null,
      now / 1000,
      now,
    );
    if (changes > 0) return;
    const existing = this.statements.select.get(record.idempotencyKey);
    throw new IdempotencyItemAlreadyExistsError(
      `an idempotency record exists for ${record.idempotencyKey}`,
      existing ? toRecord(existing) : undefined,
    );
  }
}
