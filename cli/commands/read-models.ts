import type { Command } from 'commander';
import type { Cli } from '../context.ts';
import { renderObject } from '../output/table.ts';

/**
 * `keyledger read-models rebuild`: offline, on `$KEYLEDGER_DATA_DIR` (and, with
 * `KEYLEDGER_STORE=dynamodb`, the tables at `KEYLEDGER_DYNAMODB_ENDPOINT` under
 * `KEYLEDGER_TABLE_PREFIX`), not over HTTP.
 */
export function registerReadModels(program: Command, cli: Cli): void {
  program
    .command('read-models')
    .description("the server's read models, rebuilt from events (offline maintenance)")
    .command('rebuild')
    .description(
      'with the server stopped: replay every event into fresh read models (the key list) and swap them in; works on $KEYLEDGER_DATA_DIR, not over HTTP',
    )
    .action(
      cli.act(async (run) => {
        // Loaded here: the other commands need none of the server's modules.
        const [{ configFromEnv }, { rebuildReadModels }] = await Promise.all([
          import('../../server/config.ts'),
          import('../../server/rebuild-read-models.ts'),
        ]);
        const progress = run.progress();
        progress.update('rebuilding read models');
        const report = await rebuildReadModels(configFromEnv(), (step) => progress.update(step));
        progress.done();
        run.print({ json: report, table: () => renderObject({ ...report, keyList: undefined, ...report.keyList }) });
      }),
    );
}
