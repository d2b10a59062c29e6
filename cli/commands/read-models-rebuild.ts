import { configFromEnv } from '../../server/config.ts';
import { rebuildReadModels } from '../../server/rebuild-read-models.ts';
import type { Command } from '../command.ts';

/**
 * `keyledger read-models rebuild`: offline, on `$KEYLEDGER_DATA_DIR` (and, with
 * `KEYLEDGER_STORE=dynamodb`, the tables at `KEYLEDGER_DYNAMODB_ENDPOINT` under
 * `KEYLEDGER_TABLE_PREFIX`), not over HTTP. Prints `{"store","keyList":{live,tombstones,changed},"durationMs"}`.
 */
export const readModelsRebuild: Command = {
  usage: 'keyledger read-models rebuild',
  summary:
    'with the server stopped: replay every event into fresh read models (the key list) and swap them in; works on $KEYLEDGER_DATA_DIR, not over HTTP',
  options: {},
  async run(input) {
    const report = await rebuildReadModels(configFromEnv());
    input.print(JSON.stringify(report));
    return 0;
  },
};
