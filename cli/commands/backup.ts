import type { Command } from 'commander';
import type { Cli } from '../context.ts';
import { renderObject } from '../output/table.ts';

/**
 * `keyledger backup <dir>`: while the server runs, on `$KEYLEDGER_DATA_DIR`, not over HTTP. The report:
 * `{backup, bytes, durationMs, contents: {events, auditRecords, auditChains}, alsoKeep: [...]}`.
 */
export function registerBackup(program: Command, cli: Cli): void {
  program
    .command('backup')
    .argument('<dir>', 'a missing or empty directory')
    .description(
      "online copy of $KEYLEDGER_DATA_DIR's SQLite database and identity files into <dir>, with a manifest; the HSM token and its PIN are not copied (kept apart: see alsoKeep)",
    )
    .action(
      cli.act(async (run, dir: string) => {
        // Loaded here: the other commands need none of the server's modules.
        const [{ configFromEnv }, { backupDataDir }] = await Promise.all([
          import('../../server/config.ts'),
          import('../../server/backup-data-dir.ts'),
        ]);
        const report = await run
          .progress()
          .during('copying the data directory', () => backupDataDir(configFromEnv(), dir));
        run.print({
          json: report,
          table: () =>
            [
              renderObject({
                backup: report.backup,
                bytes: report.bytes,
                durationMs: report.durationMs,
                ...report.contents,
              }),
              'also keep:',
              ...report.alsoKeep.map((what) => `  ${what}`),
            ].join('\n'),
        });
      }),
    );
}
