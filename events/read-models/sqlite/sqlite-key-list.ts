/**
 * The key list on SQLite, usually in the same database file as the event store (the projector
 * then reads the feed and writes rows on one machine without a network hop). Removed keys stay as
 * tombstones (`deleted = 1`) so their version still guards against replays.
 */
import type Database from 'better-sqlite3';
import { SCHEDULE_FIELDS, type KeySchedule, type ScheduleField } from '../../../domain/keys/schedule.ts';
import { openDerivedSqliteConnection, promised, type SqliteSource } from '../../store/sqlite/open-database.ts';
import type {
  DueKey,
  KeyListFilter,
  KeyListReadModel,
  KeyRemoval,
  KeySummaryRow,
} from '../../../application/ports/key-list.ts';
import { assertKeySummaryRow, FINAL_REMOVAL_VERSION, storedKeySummaryRow } from '../key-summary-schema.ts';
import { PROJECTION_CHECKPOINTS_DDL, projectionCheckpoints } from './projection-checkpoints.ts';

const KEY_LIST_DDL = `
CREATE TABLE IF NOT EXISTS key_list (
  instance_id   TEXT    NOT NULL,
  key_id        TEXT    NOT NULL,
  state         INTEGER NOT NULL,
  extractable   INTEGER NOT NULL,
  key_ring_id   TEXT    NOT NULL,
  creation_date TEXT    NOT NULL,
  last_version  INTEGER NOT NULL,
  deleted       INTEGER NOT NULL DEFAULT 0,
  document      TEXT    NOT NULL,
  expires_at    TEXT,
  rotate_at     TEXT,
  rotation_base TEXT,
  deleted_at    TEXT,
  PRIMARY KEY (instance_id, key_id)
) WITHOUT ROWID;
-- The listing index holds every filter column after the list order, so a page walks it in order and
-- the total is counted from the index alone (counting from the table read each row's document:
-- seconds at 100,000 keys). It replaces the narrower key_list_listing.
DROP INDEX IF EXISTS key_list_listing;
CREATE INDEX IF NOT EXISTS key_list_listing_covering ON key_list (instance_id, deleted, creation_date, key_id, state, extractable, key_ring_id);
`;

/** The column of each schedule field; each has a partial index, so a due query reads only due rows. */
const SCHEDULE_COLUMNS: Record<ScheduleField, string> = {
  expiresAt: 'expires_at',
  rotateAt: 'rotate_at',
  rotationBase: 'rotation_base',
  deletedAt: 'deleted_at',
};

const SCHEDULE_INDEXES_DDL = Object.values(SCHEDULE_COLUMNS)
  .map(
    (c) =>
      `CREATE INDEX IF NOT EXISTS key_list_due_${c} ON key_list (${c}, instance_id, key_id) WHERE ${c} IS NOT NULL AND deleted = 0;`,
  )
  .join('\n');

/**
 * A key list made before the schedule columns existed gets them, and its projection starts over
 * (checkpoint dropped, row versions reset) so every row is rewritten with its schedule.
 */
function addScheduleColumns(db: Database.Database, projectionCheckpointsTable: string): void {
  const columns = new Set(
    db
      .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('key_list')")
      .all()
      .map((c) => c.name),
  );
  const missing = Object.values(SCHEDULE_COLUMNS).filter((c) => !columns.has(c));
  if (missing.length === 0) return;
  db.transaction(() => {
    for (const column of missing) db.exec(`ALTER TABLE key_list ADD COLUMN ${column} TEXT`);
    db.exec(
      `UPDATE key_list SET last_version = 0 WHERE deleted = 0; DELETE FROM ${projectionCheckpointsTable} WHERE projection = 'key-list'`,
    );
  })();
}

interface Row {
  instance_id: string;
  key_id: string;
  state: number;
  extractable: number;
  key_ring_id: string;
  creation_date: string;
  last_version: number;
  document: string;
  expires_at: string | null;
  rotate_at: string | null;
  rotation_base: string | null;
  deleted_at: string | null;
}

interface Filters {
  instanceId: string;
  states: string | null;
  extractable: number | null;
  keyRingIds: string | null;
  keyIds: string | null;
}

// Array filters are bound as JSON and expanded with json_each, so one prepared statement serves
// every combination of filters.
const WHERE = `
  WHERE instance_id = @instanceId AND deleted = 0
    AND (@states IS NULL OR state IN (SELECT value FROM json_each(@states)))
    AND (@extractable IS NULL OR extractable = @extractable)
    AND (@keyRingIds IS NULL OR key_ring_id IN (SELECT value FROM json_each(@keyRingIds)))
    AND (@keyIds IS NULL OR key_id IN (SELECT value FROM json_each(@keyIds)))`;
const COLUMNS =
  'instance_id, key_id, state, extractable, key_ring_id, creation_date, last_version, document, expires_at, rotate_at, rotation_base, deleted_at';

/** Opens (and creates, if needed) the key list in `file` or on a caller-owned connection. */
export function openSqliteKeyList(source: SqliteSource): Promise<KeyListReadModel> {
  return promised(() => createKeyList(source));
}

function createKeyList(source: SqliteSource): KeyListReadModel {
  const connection = openDerivedSqliteConnection(source);
  const db = connection.db;
  try {
    db.exec(KEY_LIST_DDL + PROJECTION_CHECKPOINTS_DDL);
    addScheduleColumns(db, 'projection_checkpoints');
    db.exec(SCHEDULE_INDEXES_DDL);
  } catch (error) {
    connection.release();
    throw error;
  }
  const checkpoints = projectionCheckpoints(db);

  const upsert = db.prepare<[Record<string, string | number | null>]>(
    `INSERT INTO key_list (${COLUMNS}, deleted)
     VALUES (@instanceId, @keyId, @state, @extractable, @keyRingId, @creationDate, @lastVersion, @document,
             @expiresAt, @rotateAt, @rotationBase, @deletedAt, 0)
     ON CONFLICT (instance_id, key_id) DO UPDATE SET
       state = excluded.state, extractable = excluded.extractable, key_ring_id = excluded.key_ring_id,
       creation_date = excluded.creation_date, last_version = excluded.last_version,
       document = excluded.document, expires_at = excluded.expires_at, rotate_at = excluded.rotate_at,
       rotation_base = excluded.rotation_base, deleted_at = excluded.deleted_at, deleted = 0
     WHERE excluded.last_version > key_list.last_version`,
  );
  // A tombstone keeps only its key and version, whatever row it replaces, so a rebuild (which
  // writes it fresh) equals the live table row for row.
  const remove = db.prepare<[{ instanceId: string; keyId: string; lastVersion: number }]>(
    `INSERT INTO key_list (${COLUMNS}, deleted)
     VALUES (@instanceId, @keyId, 0, 0, '', '', @lastVersion, '{}', NULL, NULL, NULL, NULL, 1)
     ON CONFLICT (instance_id, key_id) DO UPDATE SET
       deleted = 1, last_version = excluded.last_version, document = '{}', state = 0, extractable = 0,
       key_ring_id = '', creation_date = '', expires_at = NULL, rotate_at = NULL, rotation_base = NULL, deleted_at = NULL
     WHERE excluded.last_version > key_list.last_version`,
  );
  type DueParams = {
    atOrBefore: string;
    limit: number;
    afterDue: string | null;
    afterInstance: string;
    afterKey: string;
  };
  const selectDue = Object.fromEntries(
    SCHEDULE_FIELDS.map((field) => {
      const c = SCHEDULE_COLUMNS[field];
      return [
        field,
        db.prepare<[DueParams], { instance_id: string; key_id: string; due_at: string }>(
          `SELECT instance_id, key_id, ${c} AS due_at FROM key_list
       WHERE ${c} IS NOT NULL AND deleted = 0 AND ${c} <= @atOrBefore
         AND (@afterDue IS NULL OR (${c}, instance_id, key_id) > (@afterDue, @afterInstance, @afterKey))
       ORDER BY ${c}, instance_id, key_id LIMIT @limit`,
        ),
      ];
    }),
  ) as Record<ScheduleField, Database.Statement<[DueParams], { instance_id: string; key_id: string; due_at: string }>>;
  const selectOne = db.prepare<[string, string], Row>(
    `SELECT ${COLUMNS} FROM key_list WHERE instance_id = ? AND key_id = ? AND deleted = 0`,
  );
  const selectPage = db.prepare<[Filters & { limit: number; offset: number }], Row>(
    `SELECT ${COLUMNS} FROM key_list ${WHERE} ORDER BY creation_date, key_id LIMIT @limit OFFSET @offset`,
  );
  const count = db.prepare<[Filters], { total: number }>(`SELECT COUNT(*) AS total FROM key_list ${WHERE}`);

  const apply = db.transaction(
    (projection: string, checkpoint: string, upserts: readonly KeySummaryRow[], deletes: readonly KeyRemoval[]) => {
      const current = checkpoints.get(projection);
      if (current !== null && position(checkpoint) <= position(current)) return;
      for (const row of upserts) {
        upsert.run({
          instanceId: row.instanceId,
          keyId: row.keyId,
          state: row.state,
          extractable: row.extractable ? 1 : 0,
          keyRingId: row.keyRingId,
          creationDate: row.creationDate,
          lastVersion: row.lastVersion,
          document: JSON.stringify(row.document),
          expiresAt: row.schedule?.expiresAt ?? null,
          rotateAt: row.schedule?.rotateAt ?? null,
          rotationBase: row.schedule?.rotationBase ?? null,
          deletedAt: row.schedule?.deletedAt ?? null,
        });
      }
      for (const removal of deletes) {
        remove.run({
          instanceId: removal.instanceId,
          keyId: removal.keyId,
          lastVersion: removal.lastVersion ?? FINAL_REMOVAL_VERSION,
        });
      }
      checkpoints.set(projection, checkpoint);
    },
  );

  return {
    applyBatch: (projection, checkpoint, upserts, deletes) =>
      promised(() => {
        position(checkpoint);
        upserts.forEach(assertKeySummaryRow);
        apply.immediate(projection, checkpoint, upserts, deletes);
      }),
    getCheckpoint: (projection) => promised(() => checkpoints.get(projection)),
    list: (query) =>
      promised(() => {
        if (
          !Number.isSafeInteger(query.limit) ||
          query.limit < 0 ||
          !Number.isSafeInteger(query.offset) ||
          query.offset < 0
        ) {
          throw new RangeError('limit and offset must be non-negative integers');
        }
        if (query.limit === 0) return [];
        return selectPage.all({ ...boundFilters(query), limit: query.limit, offset: query.offset }).map(toSummary);
      }),
    count: (filter) => promised(() => count.get(boundFilters(filter))?.total ?? 0),
    listDue: (query) =>
      promised((): DueKey[] => {
        if (!Number.isSafeInteger(query.limit) || query.limit < 0)
          throw new RangeError('limit must be a non-negative integer');
        return selectDue[query.field]
          .all({
            atOrBefore: query.atOrBefore,
            limit: query.limit,
            afterDue: query.after?.dueAt ?? null,
            afterInstance: query.after?.instanceId ?? '',
            afterKey: query.after?.keyId ?? '',
          })
          .map((r) => ({ instanceId: r.instance_id, keyId: r.key_id, dueAt: r.due_at }));
      }),
    get: (instanceId, keyId) =>
      promised(() => {
        const row = selectOne.get(instanceId, keyId);
        return row ? toSummary(row) : null;
      }),
    close: () => promised(() => connection.release()),
  };
}

function boundFilters(filter: KeyListFilter): Filters {
  return {
    instanceId: filter.instanceId,
    states: filter.states ? JSON.stringify(filter.states) : null,
    extractable: filter.extractable === undefined ? null : filter.extractable ? 1 : 0,
    keyRingIds: filter.keyRingIds ? JSON.stringify(filter.keyRingIds) : null,
    keyIds: filter.keyIds ? JSON.stringify(filter.keyIds) : null,
  };
}

/** SQLite checkpoints are global positions of the event store; compared as numbers, not strings. */
function position(checkpoint: string): number {
  if (!/^\d+$/.test(checkpoint)) throw new RangeError(`not a SQLite change-feed checkpoint: ${checkpoint}`);
  return Number(checkpoint);
}

function toSummary(row: Row): KeySummaryRow {
  const schedule: KeySchedule = {
    ...(row.expires_at !== null ? { expiresAt: row.expires_at } : {}),
    ...(row.rotate_at !== null ? { rotateAt: row.rotate_at } : {}),
    ...(row.rotation_base !== null ? { rotationBase: row.rotation_base } : {}),
    ...(row.deleted_at !== null ? { deletedAt: row.deleted_at } : {}),
  };
  return storedKeySummaryRow(
    {
      instanceId: row.instance_id,
      keyId: row.key_id,
      state: row.state,
      extractable: row.extractable === 1,
      keyRingId: row.key_ring_id,
      creationDate: row.creation_date,
      lastVersion: row.last_version,
      document: row.document,
      ...(Object.keys(schedule).length > 0 ? { schedule } : {}),
    },
    `${row.instance_id}/${row.key_id}`,
  );
}
