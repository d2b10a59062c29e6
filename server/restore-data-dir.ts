/**
 * `keyledger restore <backup> --data-dir <dir>`: a data directory from a backup of `keyledger backup`
 * (README "Backup and restore"). Only into a missing or empty directory: restoring over a live one
 * would mix two histories. Every file is checked against the manifest's SHA-256 first, and the
 * directory is held (server/data-dir-lock.ts) while the files go in, so no server starts on half a
 * restore. The HSM token is not in the backup; the report says which token directory to start with.
 */
import { copyFileSync, renameSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { type BackupManifest, readManifest } from './backup-manifest.ts';
import { emptyDirectory } from './backup-data-dir.ts';
import { lockDataDir } from './data-dir-lock.ts';

export interface RestoreReport {
  readonly dataDir: string;
  readonly files: readonly string[];
  readonly contents: BackupManifest['contents'];
  readonly backupCreatedAt: string;
  /** What to do before the server starts on it: the token, the PIN. */
  readonly next: readonly string[];
}

function nextSteps(manifest: BackupManifest, dataDir: string): string[] {
  const { hsmDir, hsmDirInsideDataDir, pin } = manifest.notIncluded;
  const token = hsmDirInsideDataDir
    ? `copy the SoftHSM token directory the backup was taken with (it was ${hsmDir}) to ${join(dataDir, relative(manifest.source, hsmDir))}, or point KEYLEDGER_HSM_DIR at your copy of it`
    : `start with KEYLEDGER_HSM_DIR=${hsmDir} (or your copy of that token directory)`;
  return [
    token,
    `the token's user PIN as before (it came from ${pin})`,
    `then KEYLEDGER_DATA_DIR=${dataDir} npm start: a server without that token cannot unwrap any key of this backup`,
  ];
}

/** Restores the backup in `backupDir` into `dataDir`, which must be missing or empty. */
export async function restoreDataDir(backupDir: string, dataDir: string): Promise<RestoreReport> {
  const from = resolve(backupDir);
  const to = resolve(dataDir);
  const manifest = readManifest(from);
  emptyDirectory(to, 'the data directory');
  const lock = await lockDataDir(to, 'a restore');
  try {
    for (const file of manifest.files) {
      copyFileSync(join(from, file.name), join(to, `${file.name}.partial`));
      renameSync(join(to, `${file.name}.partial`), join(to, file.name));
    }
  } finally {
    lock.release();
  }
  return {
    dataDir: to,
    files: manifest.files.map((file) => file.name),
    contents: manifest.contents,
    backupCreatedAt: manifest.createdAt,
    next: nextSteps(manifest, to),
  };
}
