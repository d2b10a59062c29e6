/**
 * The key list on SQLite, usually in the same database file as the event store (the projector
 * then reads the feed and writes rows on one machine without a network hop). Removed keys stay as
 * tombstones (`deleted = 1`) so their version still guards against replays.
 */
import { openSqliteConnection, promised, type SqliteSource } from '../../store/sqlite/open-database.ts';
import type { KeyListReadModel, KeyRemoval, KeySummaryRow } from '../key-list.ts';
import { assertKeySummaryRow, FINAL_REMOVAL_VERSION, parseKeySummaryRow } from '../key-summary-schema.ts';
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
  PRIMARY KEY (instance_id, key_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS key_list_listing ON key_list (instance_id, deleted, creation_date, key_id);
`;

interface Row {
  instance_id: string;
  key_id: string;
  state: number;
  extractable: number;
  key_ring_id: string;
  creation_date: string;
  last_version: number;
  document: string;
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
const COLUMNS = 'instance_id, key_id, state, extractable, key_ring_id, creation_date, last_version, document';

/** Opens (and creates, if needed) the key list in `file` or on a caller-owned connection. */
export function openSqliteKeyList(source: SqliteSource): Promise<KeyListReadModel> {
  return promised(() => createKeyList(source));
}

function createKeyList(source: SqliteSource): KeyListReadModel {
  const connection = openSqliteConnection(source);
  const db = connection.db;
  try {
    db.exec(KEY_LIST_DDL + PROJECTION_CHECKPOINTS_DDL);
  } catch (error) {
    connection.release();
    throw error;
  }
  const checkpoints = projectionCheckpoints(db);

  const upsert = db.prepare<[Record<string, string | number>]>(
    `INSERT INTO key_list (${COLUMNS}, deleted)
     VALUES (@instanceId, @keyId, @state, @extractable, @keyRingId, @creationDate, @lastVersion, @document, 0)
     ON CONFLICT (instance_id, key_id) DO UPDATE SET
       state = excluded.state, extractable = excluded.extractable, key_ring_id = excluded.key_ring_id,
       creation_date = excluded.creation_date, last_version = excluded.last_version,
       document = excluded.document, deleted = 0
     WHERE excluded.last_version > key_list.last_version`,
  );
  const remove = db.prepare<[{ instanceId: string; keyId: string; lastVersion: number }]>(
    `INSERT INTO key_list (${COLUMNS}, deleted)
     VALUES (@instanceId, @keyId, 0, 0, '', '', @lastVersion, '{}', 1)
     ON CONFLICT (instance_id, key_id) DO UPDATE SET
       deleted = 1, last_version = excluded.last_version, document = '{}'
     WHERE excluded.last_version > key_list.last_version`,
  );
  const selectOne = db.prepare<[string, string], Row>(
    `SELECT ${COLUMNS} FROM key_list WHERE instance_id = ? AND key_id = ? AND deleted = 0`,
  );
  const selectPage = db.prepare<[Filters & { limit: number; offset: number }], Row>(
    `SELECT ${COLUMNS} FROM key_list ${WHERE} ORDER BY creation_date, key_id LIMIT @limit OFFSET @offset`,
  );
  const count = db.prepare<[Filters], { total: number }>(`SELECT COUNT(*) AS total FROM key_list ${WHERE}`);

  // Page and total in one read transaction, so they agree even while the projector writes.
  const readPage = db.transaction((filters: Filters, limit: number, offset: number) => ({
    rows: selectPage.all({ ...filters, limit, offset }).map(toSummary),
    total: count.get(filters)?.total ?? 0,
  }));
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
        });
      }
      for (const removal of deletes) {
        remove.run({ instanceId: removal.instanceId, keyId: removal.keyId, lastVersion: removal.lastVersion ?? FINAL_REMOVAL_VERSION });
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
        if (!Number.isSafeInteger(query.limit) || query.limit < 0 || !Number.isSafeInteger(query.offset) || query.offset < 0) {
          throw new RangeError('limit and offset must be non-negative integers');
        }
        const filters: Filters = {
          instanceId: query.instanceId,
          states: query.states ? JSON.stringify(query.states) : null,
          extractable: query.extractable === undefined ? null : query.extractable ? 1 : 0,
          keyRingIds: query.keyRingIds ? JSON.stringify(query.keyRingIds) : null,
          keyIds: query.keyIds ? JSON.stringify(query.keyIds) : null,
        };
        return readPage(filters, query.limit, query.offset);
      }),
    get: (instanceId, keyId) =>
      promised(() => {
        const row = selectOne.get(instanceId, keyId);
        return row ? toSummary(row) : null;
      }),
    close: () => promised(() => connection.release()),
  };
}

/** SQLite checkpoints are global positions of the event store; compared as numbers, not strings. */
function position(checkpoint: string): number {
  if (!/^\d+$/.test(checkpoint)) throw new RangeError(`not a SQLite change-feed checkpoint: ${checkpoint}`);
  return Number(checkpoint);
}

function toSummary(row: Row): KeySummaryRow {
  const where = `${row.instance_id}/${row.key_id}`;
  let document: unknown;
  try {
    document = JSON.parse(row.document);
  } catch (error) {
    throw new Error(`corrupted key list row (${where}): document is not JSON`, { cause: error });
  }
  return parseKeySummaryRow(
    {
      instanceId: row.instance_id,
      keyId: row.key_id,
      state: row.state,
      extractable: row.extractable === 1,
      keyRingId: row.key_ring_id,
      creationDate: row.creation_date,
      lastVersion: row.last_version,
      document,
    },
    where,
  );
}
