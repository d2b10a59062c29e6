import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateApiKey } from '../application/identity/api-key-hash.ts';
import { defaultInstanceIdOf, ensureBootstrapIdentity } from '../application/identity/bootstrap-identity.ts';
import type { AppServices } from '../application/services.ts';

export { ADMIN_PRINCIPAL_ID } from '../application/identity/bootstrap-identity.ts';

interface BootstrapResult {
  readonly defaultInstanceId: string;
  /** Set only on the start that generated the administrator's API key: print it once. */
  readonly generatedAdminApiKey?: string | undefined;
}

/**
 * First-start initialisation (README "The local server"): the administrator and its API key,
 * and the default instance. Every id is written to the data directory before the store commit
 * that uses it, so a crash between the two repeats the same work instead of inventing new ids.
 */
export async function bootstrap(
  services: AppServices,
  dataDir: string,
  env: NodeJS.ProcessEnv,
): Promise<BootstrapResult> {
  const instanceFile = join(dataDir, 'default-instance');
  let defaultInstanceId = existsSync(instanceFile) ? readFileSync(instanceFile, 'utf8').trim() : undefined;
  if (!defaultInstanceId) {
    const wanted = env.KEYLEDGER_DEFAULT_INSTANCE;
    defaultInstanceId = wanted
      ? defaultInstanceIdOf(wanted, 'KEYLEDGER_DEFAULT_INSTANCE')
      : services.newId().toLowerCase();
    writeFileSync(instanceFile, `${defaultInstanceId}\n`, { mode: 0o644 });
  }

  let generatedAdminApiKey: string | undefined;
  // Asked for only while the administrator does not exist (ensureBootstrapIdentity).
  const adminApiKey = (): Promise<string> => {
    const given = env.KEYLEDGER_ADMIN_API_KEY;
    if (given) return Promise.resolve(given);
    const keyFile = join(dataDir, 'admin-api-key');
    if (existsSync(keyFile)) {
      generatedAdminApiKey = readFileSync(keyFile, 'utf8').trim();
    } else {
      generatedAdminApiKey = generateApiKey();
      writeFileSync(keyFile, `${generatedAdminApiKey}\n`, { mode: 0o600 });
    }
    return Promise.resolve(generatedAdminApiKey);
  };
  await ensureBootstrapIdentity(services, { defaultInstanceId, adminApiKey });
  return { defaultInstanceId, generatedAdminApiKey };
}
