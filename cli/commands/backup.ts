import { backupDataDir } from '../../server/backup-data-dir.ts';
import { configFromEnv } from '../../server/config.ts';
import { UsageError, type Command } from '../command.ts';

/**
 * `keyledger backup <dir>`: while the server runs, on `$KEYLEDGER_DATA_DIR`, not over HTTP. Prints
 * `{"backup","bytes","durationMs","contents":{events,auditRecords,auditChains},"alsoKeep":[...]}`.
 */
export const backup: Command = {
  usage: 'keyledger backup <dir>',
  summary:
    "online copy of $KEYLEDGER_DATA_DIR's SQLite database and identity files into <dir> (missing or empty), with a manifest; the HSM token and its PIN are not copied (kept apart: see alsoKeep)",
  options: {},
  async run(input) {
    const [target, ...extra] = input.positionals;
    if (target === undefined || extra.length > 0) throw new UsageError('give one backup directory');
    input.print(JSON.stringify(await backupDataDir(configFromEnv(), target)));
    return 0;
  },
};
