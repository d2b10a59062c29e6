import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import Database from 'better-sqlite3';
import { hsmCheckpointSigner } from '../../../application/audit/hsm-checkpoint-signer.ts';
import { openSqliteAuditStorage } from '../../../events/audit/sqlite/sqlite-audit-storage.ts';
import type { AuditRecord } from '../../../application/ports/audit-storage.ts';
import type { Hsm } from '../../../application/ports/hsm.ts';
import { openSoftHsm } from '../../../functions/crypto/pkcs11/open-softhsm.ts';
import { auditLogContract, type Tamper } from './audit-log.contract.ts';

const dir = await mkdtemp(join(tmpdir(), 'keyledger-audit-sqlite-'));
let hsm: Hsm | undefined;
after(async () => {
  await hsm?.close();
  await rm(dir, { recursive: true, force: true });
});
let count = 0;

/** Edits the database file with its own connection, as an attacker with file access would. */
function fileTamper(file: string): Tamper {
  const edit = (work: (db: Database.Database) => void): Promise<void> => {
    const db = new Database(file);
    try {
      work(db);
    } finally {
      db.close();
    }
    return Promise.resolve();
  };
  const column = { principalId: 'principal_id', outcome: 'outcome', prevHash: 'prev_hash' } as const;
  return {
    setField: (chain, seq, field, value) =>
      edit(
        (db) =>
          void db
            .prepare(`UPDATE audit_records SET ${column[field]} = ? WHERE chain = ? AND seq = ?`)
            .run(value, chain, seq),
      ),
    deleteRow: (chain, seq) =>
      edit((db) => void db.prepare('DELETE FROM audit_records WHERE chain = ? AND seq = ?').run(chain, seq)),
    swapRows: (chain, a, b) =>
      edit((db) => {
        db.transaction(() => {
          db.prepare('UPDATE audit_records SET seq = -1 WHERE chain = ? AND seq = ?').run(chain, a);
          db.prepare('UPDATE audit_records SET seq = ? WHERE chain = ? AND seq = ?').run(a, chain, b);
          db.prepare('UPDATE audit_records SET seq = ? WHERE chain = ? AND seq = -1').run(b, chain);
        })();
      }),
    putRow: (chain, row: AuditRecord) =>
      edit(
        (db) =>
          void db
            .prepare(
              `INSERT INTO audit_records (chain, seq, time, instance_id, principal_id, operation, key_id,
      key_version_id, outcome, reason, request_id, correlation_id, source_ip, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .run(
              chain,
              row.seq,
              row.time,
              row.instanceId,
              row.principalId,
              row.operation,
              row.keyId,
              row.keyVersionId,
              row.outcome,
              row.reason,
              row.requestId,
              row.correlationId,
              row.sourceIp,
              row.prevHash,
              row.hash,
            ),
      ),
    setCheckpointSignature: (chain, n, signature) =>
      edit(
        (db) =>
          void db
            .prepare('UPDATE audit_checkpoints SET signature = ? WHERE chain = ? AND n = ?')
            .run(signature, chain, n),
      ),
  };
}

auditLogContract(
  'sqlite',
  async () => {
    const file = join(dir, `audit-${++count}.db`);
    return {
      storage: await openSqliteAuditStorage({ file }),
      reopen: () => openSqliteAuditStorage({ file }),
      tamper: fileTamper(file),
    };
  },
  async () => {
    hsm ??= await openSoftHsm({ dataDir: dir });
    return hsmCheckpointSigner(hsm);
  },
);
