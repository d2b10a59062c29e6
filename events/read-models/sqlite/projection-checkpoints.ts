/**
 * Where SQLite projections remember the change-feed position they reached. Written in the same
 * transaction as the rows a batch changes, so rows and checkpoint never disagree.
 */
import type Database from 'better-sqlite3';

export const PROJECTION_CHECKPOINTS_DDL = `
CREATE TABLE IF NOT EXISTS projection_checkpoints (
  projection TEXT PRIMARY KEY,
  checkpoint TEXT NOT NULL
) WITHOUT ROWID;
`;

export interface ProjectionCheckpoints {
  get(projection: string): string | null;
  set(projection: string, checkpoint: string): void;
}

/** Statements over `projection_checkpoints`; the table must exist (see {@link PROJECTION_CHECKPOINTS_DDL}). */
export function projectionCheckpoints(db: Database.Database): ProjectionCheckpoints {
  const select = db.prepare<[string], { checkpoint: string }>(
    'SELECT checkpoint FROM projection_checkpoints WHERE projection = ?',
  );
  const upsert = db.prepare<[string, string]>(
    `INSERT INTO projection_checkpoints (projection, checkpoint) VALUES (?, ?)
     ON CONFLICT (projection) DO UPDATE SET checkpoint = excluded.checkpoint`,
  );
  return {
    get: (projection) => select.get(projection)?.checkpoint ?? null,
    set: (projection, checkpoint) => void upsert.run(projection, checkpoint),
  };
}
