/**
 * The key list on SQLite, usually in the same database file as the event store (the projector
 * then reads the feed and writes rows on one machine without a network hop). Removed keys stay as
 * tombstones (`deleted = 1`) so their version still guards against replays.
 */
import type Database from 'better-sqlite3';
import { SCHEDULE_FIELDS, type KeySchedule, type ScheduleField } from '../../../domain/keys/schedule.ts';
import {
  openDerivedSqliteConnection,
  promised,
  statementCache,
  type SqliteSource,
} from '../../store/sqlite/open-database.ts';
import {
  DEFAULT_KEY_SORT,
  KEY_DATE_FIELDS,
  KEY_SORT_FIELDS,
  searchMatches,
  type KeySort,
  type KeySortField,
  type SearchScope,
} from '../../../domain/keys/key-listing.ts';
import type {
  DueKey,
  KeyListFilter,
  KeyListReadModel,
  KeyRemoval,
  KeySummaryRow,
  ListedKeyRow,
} from '../../../application/ports/key-list.ts';
import {
  assertKeySummaryRow,
  FINAL_REMOVAL_VERSION,
  storedKeyPageRow,
  storedKeySummaryRow,
} from '../key-summary-schema.ts';
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
DROP INDEX IF EXISTS key_list_listing;
`;

/**
 * Columns added after the first schema (see {@link addColumns}): what listing sorts, filters and
 * searches on besides the original columns. `aliases` is a JSON array.
 */
const LISTING_COLUMNS = {
  name: "TEXT NOT NULL DEFAULT ''",
  aliases: "TEXT NOT NULL DEFAULT '[]'",
  imported: 'INTEGER NOT NULL DEFAULT 0',
  last_update_date: "TEXT NOT NULL DEFAULT ''",
  last_rotate_date: 'TEXT',
  deletion_date: 'TEXT',
  expiration_date: 'TEXT',
} as const;

/** The column of each sort property. */
const SORT_COLUMNS: Record<KeySortField, string> = {
  id: 'key_id',
  state: 'state',
  extractable: 'extractable',
  imported: 'imported',
  creationDate: 'creation_date',
  lastUpdateDate: 'last_update_date',
  lastRotateDate: 'last_rotate_date',
  deletionDate: 'deletion_date',
  expirationDate: 'expiration_date',
};

/**
 * One listing index per sort property: live rows of an instance in that order (key id breaking
 * ties, as domain/keys/key-listing.ts orders them), so a page of any one-property sort walks an index
 * in order, ascending or descending, and stops after its rows. Each also holds the state,
 * extractable and key ring filters, so non-matching rows are skipped without reading them, and a
 * total is counted from an index alone. (`key_list_listing_covering` is the creation date's, named
 * before the others existed.)
 */
const LISTING_INDEXES_DDL = KEY_SORT_FIELDS.map((field) => {
  const column = SORT_COLUMNS[field];
  const name = field === 'creationDate' ? 'key_list_listing_covering' : `key_list_sort_${column}`;
  const order = field === 'id' ? 'key_id' : `${column}, key_id`;
  return `CREATE INDEX IF NOT EXISTS ${name} ON key_list (instance_id, deleted, ${order}, state, extractable, key_ring_id);`;
}).join('\n');

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
 * A key list made before some columns existed gets them, and its projection starts over (checkpoint
 * dropped, row versions reset) so every row is rewritten with them.
 */
function addColumns(db: Database.Database, projectionCheckpointsTable: string): void {
  const columns = new Set(
    db
      .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('key_list')")
      .all()
      .map((c) => c.name),
  );
  const wanted: Record<string, string> = {
    ...Object.fromEntries(Object.values(SCHEDULE_COLUMNS).map((c) => [c, 'TEXT'])),
    ...LISTING_COLUMNS,
  };
  const missing = Object.entries(wanted).filter(([c]) => !columns.has(c));
  if (missing.length === 0) return;
  db.transaction(() => {
    for (const [column, type] of missing) db.exec(`ALTER TABLE key_list ADD COLUMN ${column} ${type}`);
    db.exec(
      `UPDATE key_list SET last_version = 0 WHERE deleted = 0; DELETE FROM ${projectionCheckpointsTable} WHERE projection = 'key-list'`,
    );
  })();
}

type PageRow = Pick<Row, 'instance_id' | 'key_id' | 'state' | 'document'>;

interface Row {
  instance_id: string;
  key_id: string;
  name: string;
  aliases: string;
  state: number;
  extractable: number;
  imported: number;
  key_ring_id: string;
  creation_date: string;
  last_update_date: string;
  last_rotate_date: string | null;
  deletion_date: string | null;
  expiration_date: string | null;
  last_version: number;
  document: string;
  expires_at: string | null;
  rotate_at: string | null;
  rotation_base: string | null;
  deleted_at: string | null;
}

const COLUMNS =
  'instance_id, key_id, name, aliases, state, extractable, imported, key_ring_id, creation_date, last_update_date, ' +
  'last_rotate_date, deletion_date, expiration_date, last_version, document, expires_at, rotate_at, rotation_base, deleted_at';

const DATE_OPERATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=' } as const;

/**
 * The WHERE clause and parameters of a filter. Array filters are bound as JSON and expanded with
 * json_each; dates compare as text (UTC with milliseconds); a search calls `key_search`, the
 * domain's own matcher registered as an SQL function, so both adapters match alike.
 */
function whereClause(filter: KeyListFilter): { sql: string; params: Record<string, string | number> } {
  const params: Record<string, string | number> = { instanceId: filter.instanceId };
  const terms = ['instance_id = @instanceId', 'deleted = 0'];
  const inList = (column: string, name: string, values: readonly (string | number)[]): string => {
    params[name] = JSON.stringify(values);
    return `${column} IN (SELECT value FROM json_each(@${name}))`;
  };
  if (filter.states) terms.push(inList('state', 'states', filter.states));
  if (filter.extractable !== undefined) {
    params.extractable = filter.extractable ? 1 : 0;
    terms.push('extractable = @extractable');
  }
  if (filter.keyRingIds) terms.push(inList('key_ring_id', 'keyRingIds', filter.keyRingIds));
  if (filter.visible) {
    terms.push(
      `(${inList('key_ring_id', 'visibleRings', filter.visible.keyRingIds)} OR ${inList('key_id', 'visibleKeys', filter.visible.keyIds)})`,
    );
  }
  for (const field of KEY_DATE_FIELDS) {
    const column = SORT_COLUMNS[field];
    (filter.dates?.[field] ?? []).forEach((condition, i) => {
      if (condition.op === 'none') terms.push(`${column} IS NULL`);
      else if (condition.op === 'never') terms.push('0');
      else {
        params[`${field}${i}`] = condition.at;
        terms.push(`${column} ${DATE_OPERATORS[condition.op]} @${field}${i}`);
      }
    });
  }
  if (filter.search) {
    params.searchQuery = filter.search.query;
    params.searchName = filter.search.scopes.includes('name') ? 1 : 0;
    params.searchAlias = filter.search.scopes.includes('alias') ? 1 : 0;
    params.searchNot = filter.search.not ? 1 : 0;
    params.searchExact = filter.search.exact ? 1 : 0;
    terms.push('key_search(name, aliases, @searchQuery, @searchName, @searchAlias, @searchNot, @searchExact)');
  }
  return { sql: `WHERE ${terms.join(' AND ')}`, params };
}

/** ORDER BY for a sort (domain/keys/key-listing.ts `keyOrder`: key id last, in the last property's direction). */
function orderBy(sort: readonly KeySort[] | undefined): string {
  const terms = sort && sort.length > 0 ? sort : DEFAULT_KEY_SORT;
  const last = terms[terms.length - 1] as KeySort;
  const columns = terms.map((t) => `${SORT_COLUMNS[t.field]} ${t.descending ? 'DESC' : 'ASC'}`);
  if (last.field !== 'id') columns.push(`key_id ${last.descending ? 'DESC' : 'ASC'}`);
  return `ORDER BY ${columns.join(', ')}`;
}

/** Opens (and creates, if needed) the key list in `file` or on a caller-owned connection. */
export function openSqliteKeyList(source: SqliteSource): Promise<KeyListReadModel> {
  return promised(() => createKeyList(source));
}

function createKeyList(source: SqliteSource): KeyListReadModel {
  const connection = openDerivedSqliteConnection(source);
  const db = connection.db;
  try {
    db.exec(KEY_LIST_DDL + PROJECTION_CHECKPOINTS_DDL);
    addColumns(db, 'projection_checkpoints');
    db.exec(SCHEDULE_INDEXES_DDL + LISTING_INDEXES_DDL);
    db.function('key_search', { deterministic: true }, searchFunction);
  } catch (error) {
    connection.release();
    throw error;
  }
  const checkpoints = projectionCheckpoints(db);

  const upsert = db.prepare<[Record<string, string | number | null>]>(
    `INSERT INTO key_list (${COLUMNS}, deleted)
     VALUES (@instanceId, @keyId, @name, @aliases, @state, @extractable, @imported, @keyRingId, @creationDate,
             @lastUpdateDate, @lastRotateDate, @deletionDate, @expirationDate, @lastVersion, @document,
             @expiresAt, @rotateAt, @rotationBase, @deletedAt, 0)
     ON CONFLICT (instance_id, key_id) DO UPDATE SET
       name = excluded.name, aliases = excluded.aliases, state = excluded.state, extractable = excluded.extractable,
       imported = excluded.imported, key_ring_id = excluded.key_ring_id, creation_date = excluded.creation_date,
       last_update_date = excluded.last_update_date, last_rotate_date = excluded.last_rotate_date,
       deletion_date = excluded.deletion_date, expiration_date = excluded.expiration_date,
       last_version = excluded.last_version, document = excluded.document, expires_at = excluded.expires_at,
       rotate_at = excluded.rotate_at, rotation_base = excluded.rotation_base, deleted_at = excluded.deleted_at,
       deleted = 0
     WHERE excluded.last_version > key_list.last_version`,
  );
  // A tombstone keeps only its key and version, whatever row it replaces, so a rebuild (which
  // writes it fresh) equals the live table row for row.
  const remove = db.prepare<[{ instanceId: string; keyId: string; lastVersion: number }]>(
    `INSERT INTO key_list (${COLUMNS}, deleted)
     VALUES (@instanceId, @keyId, '', '[]', 0, 0, 0, '', '', '', NULL, NULL, NULL, @lastVersion, '{}',
             NULL, NULL, NULL, NULL, 1)
     ON CONFLICT (instance_id, key_id) DO UPDATE SET
       deleted = 1, last_version = excluded.last_version, document = '{}', name = '', aliases = '[]', state = 0,
       extractable = 0, imported = 0, key_ring_id = '', creation_date = '', last_update_date = '',
       last_rotate_date = NULL, deletion_date = NULL, expiration_date = NULL, expires_at = NULL, rotate_at = NULL,
       rotation_base = NULL, deleted_at = NULL
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
  // Prepared statements by SQL text: filters and sorts come in a bounded number of shapes.
  const cached = statementCache(db);
  const statement = <R>(sql: string) => cached<[Record<string, string | number>], R>(sql);

  const apply = db.transaction(
    (projection: string, checkpoint: string, upserts: readonly KeySummaryRow[], deletes: readonly KeyRemoval[]) => {
      const current = checkpoints.get(projection);
      if (current !== null && position(checkpoint) <= position(current)) return;
      for (const row of upserts) {
        upsert.run({
          instanceId: row.instanceId,
          keyId: row.keyId,
          name: row.name,
          aliases: JSON.stringify(row.aliases),
          state: row.state,
          extractable: row.extractable ? 1 : 0,
          imported: row.imported ? 1 : 0,
          keyRingId: row.keyRingId,
          creationDate: row.creationDate,
          lastUpdateDate: row.lastUpdateDate,
          lastRotateDate: row.lastRotateDate ?? null,
          deletionDate: row.deletionDate ?? null,
          expirationDate: row.expirationDate ?? null,
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
        const where = whereClause(query);
        // Only what a page answers: the filters and the order are the query's, the other columns stay unread.
        // The limit is written into the SQL (a checked integer): with a bound limit SQLite plans for any page
        // size, and with a date filter it sorted every matching row, documents and all, to return 200 (about
        // 1 s at 100,000 keys, on the event loop); knowing the page is small, it walks the order and stops.
        return statement<PageRow>(
          `SELECT instance_id, key_id, state, document FROM key_list ${where.sql} ${orderBy(query.sort)} LIMIT ${query.limit} OFFSET @offset`,
        )
          .all({ ...where.params, offset: query.offset })
          .map((r) =>
            storedKeyPageRow(
              { instanceId: r.instance_id, keyId: r.key_id, state: r.state, documentJson: r.document },
              `${r.instance_id}/${r.key_id}`,
            ),
          );
      }),
    count: (filter, atMost) =>
      promised(() => {
        const where = whereClause(filter);
        const sql =
          atMost === undefined
            ? `SELECT COUNT(*) AS total FROM key_list ${where.sql}`
            : `SELECT COUNT(*) AS total FROM (SELECT 1 FROM key_list ${where.sql} LIMIT @atMost)`;
        return (
          statement<{ total: number }>(sql).get({ ...where.params, ...(atMost === undefined ? {} : { atMost }) })
            ?.total ?? 0
        );
      }),
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

/** `key_search(name, aliases, query, inName, inAlias, not, exact)`: 1 when the row matches the search. */
function searchFunction(
  name: unknown,
  aliases: unknown,
  query: unknown,
  inName: unknown,
  inAlias: unknown,
  not: unknown,
  exact: unknown,
): number {
  const scopes: SearchScope[] = [];
  if (inName === 1) scopes.push('name');
  if (inAlias === 1) scopes.push('alias');
  const matched = searchMatches(
    { name: String(name), aliases: JSON.parse(String(aliases)) as string[] },
    { query: String(query), scopes, not: not === 1, exact: exact === 1 },
  );
  return matched ? 1 : 0;
}

/** SQLite checkpoints are global positions of the event store; compared as numbers, not strings. */
function position(checkpoint: string): number {
  if (!/^\d+$/.test(checkpoint)) throw new RangeError(`not a SQLite change-feed checkpoint: ${checkpoint}`);
  return Number(checkpoint);
}

function toSummary(row: Row): ListedKeyRow {
  const schedule: KeySchedule = {
    ...(row.expires_at !== null ? { expiresAt: row.expires_at } : {}),
    ...(row.rotate_at !== null ? { rotateAt: row.rotate_at } : {}),
    ...(row.rotation_base !== null ? { rotationBase: row.rotation_base } : {}),
    ...(row.deleted_at !== null ? { deletedAt: row.deleted_at } : {}),
  };
  const where = `${row.instance_id}/${row.key_id}`;
  let aliases: unknown;
  try {
    aliases = JSON.parse(row.aliases);
  } catch (error) {
    throw new Error(`corrupted key list row (${where}): aliases are not JSON`, { cause: error });
  }
  return storedKeySummaryRow(
    {
      instanceId: row.instance_id,
      keyId: row.key_id,
      name: row.name,
      aliases: aliases as string[],
      state: row.state,
      extractable: row.extractable === 1,
      imported: row.imported === 1,
      keyRingId: row.key_ring_id,
      creationDate: row.creation_date,
      lastUpdateDate: row.last_update_date,
      ...(row.last_rotate_date !== null ? { lastRotateDate: row.last_rotate_date } : {}),
      ...(row.deletion_date !== null ? { deletionDate: row.deletion_date } : {}),
      ...(row.expiration_date !== null ? { expirationDate: row.expiration_date } : {}),
      lastVersion: row.last_version,
      document: row.document,
      ...(Object.keys(schedule).length > 0 ? { schedule } : {}),
    },
    where,
  );
}
