import { restoreDataDir } from '../../server/restore-data-dir.ts';
import { requiredOption, UsageError, type Command } from '../command.ts';

/**
 * `keyledger restore <backup> --data-dir <dir>`: offline, into a missing or empty directory. Prints
 * `{"dataDir","files","contents","backupCreatedAt","next":[...]}` (`next`: the token and PIN to start with).
 */
export const restore: Command = {
  usage: 'keyledger restore <backup> --data-dir <dir>',
  summary:
    'a data directory from a `keyledger backup` (its files checked against the manifest); <dir> must be missing or empty',
  options: { 'data-dir': { type: 'string' } },
  async run(input) {
    const [from, ...extra] = input.positionals;
    if (from === undefined || extra.length > 0) throw new UsageError('give one backup directory');
    input.print(JSON.stringify(await restoreDataDir(from, requiredOption(input, 'data-dir'))));
    return 0;
  },
};
