/**
 * Tables of the SQLite event store. `position` is the global commit order that the change feed
 * checkpoints on; AUTOINCREMENT (not plain rowid) guarantees a position is never reused, even
 * after the newest rows are gone, so a projector's checkpoint can never point at a different event.
 * SQLite admits one writer at a time, so positions become visible in order: a reader never sees
 * position N+1 before N, and "everything after my checkpoint" is never missing an earlier commit.
 */
export const EVENT_STORE_DDL = `
CREATE TABLE IF NOT EXISTS events (
  position       INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_id      TEXT    NOT NULL,
  version        INTEGER NOT NULL CHECK (version >= 1),
  type           TEXT    NOT NULL,
  schema_version INTEGER NOT NULL,
  data           TEXT    NOT NULL,
  meta           TEXT    NOT NULL,
  UNIQUE (stream_id, version)
);
CREATE TABLE IF NOT EXISTS heads (
  stream_id        TEXT    PRIMARY KEY,
  version          INTEGER NOT NULL CHECK (version >= 1),
  snapshot         TEXT,
  snapshot_version INTEGER
) WITHOUT ROWID;
`;
