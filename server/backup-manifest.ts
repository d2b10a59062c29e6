/**
 * The manifest of a data-directory backup (`keyledger backup`, `keyledger restore`): what the backup
 * holds, each file's size and SHA-256 (a restore refuses a backup whose files differ from them), and
 * what it does not hold and must be kept apart: the HSM token and its PIN (README "Backup and restore").
 * It is written last, so a backup directory without one is incomplete.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MANIFEST_FILE = 'keyledger-backup.json';
export const BACKUP_FORMAT = 'keyledger-backup/1';

/** The SQLite database: events, read models, the audit trail, the webhook outbox (server/open-services.ts). */
export const DATABASE_FILE = 'keyledger.db';

/** The files besides the database that a server needs from its data directory (server/bootstrap.ts). */
export const IDENTITY_FILES = ['default-instance', 'admin-api-key'] as const;

export interface BackupFile {
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface BackupManifest {
  readonly format: typeof BACKUP_FORMAT;
  readonly createdAt: string;
  readonly store: 'sqlite';
  /** The data directory the backup was taken from. */
  readonly source: string;
  readonly files: readonly BackupFile[];
  /** Rows in the copy, for a look at what it holds: events, audit records, audit chains. */
  readonly contents: { readonly events: number; readonly auditRecords: number; readonly auditChains: number };
  /** Not in the backup, and without which nothing in it can be unwrapped. */
  readonly notIncluded: {
    /** The SoftHSM token directory the server used (KEYLEDGER_HSM_DIR). */
    readonly hsmDir: string;
    /** Whether that directory is inside the data directory (the default, `$KEYLEDGER_DATA_DIR/softhsm`). */
    readonly hsmDirInsideDataDir: boolean;
    /** Where the token's user PIN came from (never the PIN). */
    readonly pin: string;
  };
}

export function describeFile(dir: string, name: string): BackupFile {
  const content = readFileSync(join(dir, name));
  return { name, bytes: content.length, sha256: createHash('sha256').update(content).digest('hex') };
}

/** Reads and checks the manifest of the backup in `dir`; throws with the reason a restore must refuse it. */
export function readManifest(dir: string): BackupManifest {
  let manifest: Partial<BackupManifest>;
  try {
    manifest = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as Partial<BackupManifest>;
  } catch (error) {
    throw new Error(`${dir} holds no readable ${MANIFEST_FILE}: not a keyledger backup, or an incomplete one`, {
      cause: error,
    });
  }
  if (manifest.format !== BACKUP_FORMAT || manifest.store !== 'sqlite' || !Array.isArray(manifest.files))
    throw new Error(`${join(dir, MANIFEST_FILE)} is not a ${BACKUP_FORMAT} manifest of an SQLite data directory`);
  for (const file of manifest.files as readonly BackupFile[]) {
    let actual: BackupFile;
    try {
      actual = describeFile(dir, file.name);
    } catch (error) {
      throw new Error(`the backup lacks ${file.name}, which its manifest lists`, { cause: error });
    }
    if (actual.bytes !== file.bytes || actual.sha256 !== file.sha256)
      throw new Error(`${file.name} in the backup differs from its manifest (size or SHA-256): the copy is damaged`);
  }
  return manifest as BackupManifest;
}
