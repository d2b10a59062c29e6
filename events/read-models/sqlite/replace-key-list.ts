/**
 * Swaps a rebuilt key list (a fresh database file built by the same adapter) into the live
 * database in one transaction: readers see the old rows or the new ones, never a mix, and a crash
 * leaves the old ones.
 */
import { openSqliteConnection, promised } from '../../store/sqlite/open-database.ts';
import type { KeyListReplacement } from '../key-list-replacement.ts';
import { openSqliteKeyList } from './sqlite-key-list.ts';

/** Replaces the key list and the checkpoint of `projection` in `liveFile` with those in `rebuiltFile`. */
export async function replaceSqliteKeyList(
  liveFile: string,
  rebuiltFile: string,
  projection: string,
): Promise<KeyListReplacement> {
  const connection = openSqliteConnection({ file: liveFile });
  const db = connection.db;
  try {
    // Brings the live table to the current schema (columns in the same order as the rebuilt one's).
    await (await openSqliteKeyList({ database: db })).close();
    return await promised(() => {
      db.prepare('ATTACH DATABASE ? AS rebuilt').run(rebuiltFile);
      try {
        const columns = db
          .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('key_list', 'rebuilt')")
          .all()
          .map((c) => c.name)
          .join(', ');
        if (columns === '') throw new Error(`${rebuiltFile} holds no key list`);
        const changed = db.prepare<[], { n: number }>(
          `SELECT COUNT(*) AS n FROM (
             SELECT instance_id, key_id FROM (SELECT ${columns} FROM main.key_list EXCEPT SELECT ${columns} FROM rebuilt.key_list)
             UNION
             SELECT instance_id, key_id FROM (SELECT ${columns} FROM rebuilt.key_list EXCEPT SELECT ${columns} FROM main.key_list))`,
        );
        const count = db.prepare<[], { live: number; tombstones: number }>(
          'SELECT COALESCE(SUM(deleted = 0), 0) AS live, COALESCE(SUM(deleted = 1), 0) AS tombstones FROM main.key_list',
        );
        const swap = db.transaction((): KeyListReplacement => {
          const differing = changed.get()?.n ?? 0;
          db.exec(
            `DELETE FROM main.key_list; INSERT INTO main.key_list (${columns}) SELECT ${columns} FROM rebuilt.key_list;`,
          );
          db.prepare('DELETE FROM main.projection_checkpoints WHERE projection = ?').run(projection);
          db.prepare(
            `INSERT INTO main.projection_checkpoints (projection, checkpoint)
            SELECT projection, checkpoint FROM rebuilt.projection_checkpoints WHERE projection = ?`,
          ).run(projection);
          const rows = count.get() ?? { live: 0, tombstones: 0 };
          return { live: rows.live, tombstones: rows.tombstones, changed: differing };
        });
        return swap.immediate();
      } finally {
        db.exec('DETACH DATABASE rebuilt');
      }
    });
  } finally {
    connection.release();
  }
}
