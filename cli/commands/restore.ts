import type { Command } from 'commander';
import type { Cli } from '../context.ts';
import { renderObject } from '../output/table.ts';

/**
 * `keyledger restore <backup> --data-dir <dir>`: offline, into a missing or empty directory. The report:
 * `{dataDir, files, contents, backupCreatedAt, next: [...]}` (`next`: the token and PIN to start with).
 */
export function registerRestore(program: Command, cli: Cli): void {
  program
    .command('restore')
    .argument('<backup>', 'a directory `keyledger backup` wrote')
    .requiredOption('--data-dir <dir>', 'the data directory to make (missing or empty)')
    .description("a data directory from a `keyledger backup`, its files checked against the backup's manifest")
    .action(
      cli.act(async (run, backup: string) => {
        const { restoreDataDir } = await import('../../server/restore-data-dir.ts');
        const report = await run
          .progress()
          .during('restoring the data directory', () =>
            restoreDataDir(backup, run.opts<{ dataDir: string }>().dataDir),
          );
        run.print({
          json: report,
          table: () =>
            [
              renderObject({ dataDir: report.dataDir, backupCreatedAt: report.backupCreatedAt, ...report.contents }),
              'next:',
              ...report.next.map((step) => `  ${step}`),
            ].join('\n'),
        });
      }),
    );
}
