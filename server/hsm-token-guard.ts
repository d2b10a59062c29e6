import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerConfig } from './config.ts';

/**
 * Refuses to start on a data directory that was set up before (it names its default instance) when the
 * SoftHSM token directory holds no token: SoftHSM would initialise a new, empty token, whose master keys
 * unwrap none of the keys the data holds, and the server would serve them as if nothing were wrong.
 * The usual cause is a restored backup (which leaves the token out on purpose) started without its token.
 */
export function assertHsmTokenPresent(config: Pick<ServerConfig, 'dataDir' | 'hsm'>): void {
  if (!existsSync(join(config.dataDir, 'default-instance'))) return;
  const tokens = join(config.hsm.dir, 'tokens');
  if (existsSync(tokens) && readdirSync(tokens).length > 0) return;
  throw new Error(
    `the data directory ${config.dataDir} holds keys, but the SoftHSM token directory ${config.hsm.dir} has no token: ` +
      'its master keys wrap every key, and a new token would unwrap none of them. Put the token back (see README ' +
      '"Backup and restore"), or point KEYLEDGER_HSM_DIR at it',
  );
}
