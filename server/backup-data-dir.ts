/**
 * `keyledger backup <dir>`: a consistent copy of the data directory while the server runs (README
 * "Backup and restore").
 *
 * It does not take the data directory's lock (server/data-dir-lock.ts): the running server holds that
 * for its whole life, and a backup only reads. The database is copied with SQLite's online backup API
 * (better-sqlite3's `backup()`) in a single step: one read transaction, which on a WAL database never
 * blocks the server's writers, gives a copy of one committed state. (In steps of a few pages, every
 * commit of another connection between two steps would restart the copy, so under steady writes it
 * might never end.) The copy is then turned into a single rollback-journal file, checked with
 * `PRAGMA quick_check`, and renamed into place; the manifest, written last, lists every file with
 * its SHA-256.
 *
 * Not copied, on purpose: the SoftHSM token and its PIN. Everything the backup holds is wrapped
 * under the token's master keys, and a copy of token and PIN next to the data is a copy of the
 * service (README "Security"); the manifest and the command's output say where they are, to be kept
 * apart. The DynamoDB store is refused: its tables have their own backups (PITR, on-demand).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, copyFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  BACKUP_FORMAT,
  type BackupManifest,
  DATABASE_FILE,
  describeFile,
  IDENTITY_FILES,
  MANIFEST_FILE,
} from './backup-manifest.ts';
import type { ServerConfig } from './config.ts';

export interface BackupReport {
  readonly backup: string;
  readonly bytes: number;
  readonly durationMs: number;
  readonly contents: BackupManifest['contents'];
  /** What the operator must keep besides this backup, in words. */
  readonly alsoKeep: readonly string[];
}

/** Pages per backup step: all of them, so the copy is one read transaction (see the file comment). */
const ALL_PAGES = 0x7fffffff;

/** An empty or missing directory, made with mode 0700; anything else is refused. */
export function emptyDirectory(dir: string, what: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${what} ${dir} is not empty`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

async function copyDatabase(source: string, target: string): Promise<BackupManifest['contents']> {
  const partial = `${target}.partial`;
  // Read-only: the backup must never write the live database, nor checkpoint its WAL.
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(partial, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
  const copy = new Database(partial);
  let contents: BackupManifest['contents'];
  try {
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copy of ${source} fails SQLite's quick_check: ${String(check)}`);
    const count = (sql: string) => (copy.prepare(sql).pluck().get() as number | undefined) ?? 0;
    contents = {
      events: count('SELECT count(*) FROM events'),
      auditRecords: count('SELECT count(*) FROM audit_records'),
      auditChains: count('SELECT count(DISTINCT instance_id) FROM audit_records'),
    };
  } finally {
    copy.close();
  }
  renameSync(partial, target);
  return contents;
}

/** Where the token's user PIN comes from, in words (config.ts; never the PIN itself). */
function pinSource(config: ServerConfig): string {
  return config.hsm.pin?.from ?? `the file ${join(config.hsm.dir, 'pin')}, next to the token`;
}

function alsoKeep(config: ServerConfig, inside: boolean): string[] {
  return [
    `the SoftHSM token directory ${config.hsm.dir}${inside ? ' (inside the data directory, not copied)' : ''}: ` +
      'its master keys wrap every key in this backup; without it nothing here can be unwrapped',
    `the token's user PIN, from ${pinSource(config)}`,
    'keep them apart from this backup (a copy of both next to it is a copy of the service: README "Security"), ' +
      'and copy the token again after every `keyledger signing-key rotate`',
  ];
}

/** Writes a backup of `config`'s data directory into `target` (missing or empty). */
export async function backupDataDir(config: ServerConfig, target: string): Promise<BackupReport> {
  if (config.store !== 'sqlite')
    throw new Error(
      'KEYLEDGER_STORE=dynamodb: the tables are the data, and `keyledger backup` copies only SQLite; ' +
        'back them up with DynamoDB point-in-time recovery or on-demand backups (README "Backup and restore")',
    );
  const started = Date.now();
  const source = join(config.dataDir, DATABASE_FILE);
  if (!existsSync(source))
    throw new Error(`${config.dataDir} holds no ${DATABASE_FILE}: not a keyledger data directory`);
  const dir = resolve(target);
  if (!relative(config.dataDir, dir).startsWith('..'))
    throw new Error('the backup cannot go inside the data directory');
  emptyDirectory(dir, 'the backup directory');
  try {
    const contents = await copyDatabase(source, join(dir, DATABASE_FILE));
    const names: string[] = [DATABASE_FILE];
    for (const name of IDENTITY_FILES) {
      if (!existsSync(join(config.dataDir, name))) continue;
      copyFileSync(join(config.dataDir, name), join(dir, name));
      names.push(name);
    }
    const inside = !relative(config.dataDir, config.hsm.dir).startsWith('..');
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      createdAt: new Date().toISOString(),
      store: 'sqlite',
      source: config.dataDir,
      files: names.map((name) => describeFile(dir, name)),
      contents,
      notIncluded: {
        hsmDir: config.hsm.dir,
        hsmDirInsideDataDir: inside,
        pin: pinSource(config),
      },
    };
    writeFileSync(join(dir, `${MANIFEST_FILE}.partial`), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    renameSync(join(dir, `${MANIFEST_FILE}.partial`), join(dir, MANIFEST_FILE));
    return {
      backup: dir,
      bytes: manifest.files.reduce((sum, file) => sum + file.bytes, 0),
      durationMs: Date.now() - started,
      contents,
      alsoKeep: alsoKeep(config, inside),
    };
  } catch (error) {
    rmSync(join(dir, `${DATABASE_FILE}.partial`), { force: true });
    throw error;
  }
}
