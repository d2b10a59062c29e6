/**
 * The audit reconciler's progress in SQLite: one row of `audit_reconciler` in keyledger.db. Its
 * loss only makes the reconciler read the change feed again from an earlier point, which writes
 * nothing twice (it looks every request up in the trail first).
 */
import type { AuditReconcilerState } from '../../../application/ports/audit-reconciler-state.ts';
import { openSqliteConnection, promised, type SqliteSource } from '../../store/sqlite/open-database.ts';

const DDL = `CREATE TABLE IF NOT EXISTS audit_reconciler (
  name  TEXT PRIMARY KEY,
  state TEXT NOT NULL
) WITHOUT ROWID`;

const NAME = 'events';

export function openSqliteAuditReconcilerState(source: SqliteSource): Promise<AuditReconcilerState> {
  return promised(() => {
    const connection = openSqliteConnection(source);
    try {
      connection.db.exec(DDL);
    } catch (error) {
      connection.release();
      throw error;
    }
    const select = connection.db.prepare<[string], { state: string }>(
      'SELECT state FROM audit_reconciler WHERE name = ?',
    );
    const upsert = connection.db.prepare<[string, string]>(
      'INSERT INTO audit_reconciler (name, state) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET state = excluded.state',
    );
    return {
      load: () => promised(() => select.get(NAME)?.state ?? null),
      save: (state) => promised(() => void upsert.run(NAME, state)),
      close: () => promised(() => connection.release()),
    };
  });
}
