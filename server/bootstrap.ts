import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadState } from '../application/command-handler.ts';
import { instanceAggregate, instanceStreamId, principalAggregate, principalStreamId } from '../application/identity/aggregates.ts';
import { generateApiKey } from '../application/identity/api-key-hash.ts';
import { createInstance } from '../application/identity/create-instance.ts';
import { createPrincipal } from '../application/identity/create-principal.ts';
import type { AppServices } from '../application/services.ts';

/** The service administrator has a fixed id, so a bootstrap interrupted half-way completes on the next start. */
export const ADMIN_PRINCIPAL_ID = '00000000-0000-4000-8000-000000000001';
const SYSTEM = 'system';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface BootstrapResult {
  readonly defaultInstanceId: string;
  /** Set only on the start that generated the administrator's API key: print it once. */
  readonly generatedAdminApiKey?: string | undefined;
}

/**
 * First-start initialisation (CONTRACT.md "Bootstrap identity"): the administrator and its API key,
 * and the default instance. Every id is written to the data directory before the store commit
 * that uses it, so a crash between the two repeats the same work instead of inventing new ids.
 */
export async function bootstrap(services: AppServices, dataDir: string, env: NodeJS.ProcessEnv): Promise<BootstrapResult> {
  const instanceFile = join(dataDir, 'default-instance');
  let defaultInstanceId = existsSync(instanceFile) ? readFileSync(instanceFile, 'utf8').trim() : undefined;
  if (!defaultInstanceId) {
    const wanted = env.KEYLEDGER_DEFAULT_INSTANCE;
    if (wanted && !UUID.test(wanted)) throw new Error('KEYLEDGER_DEFAULT_INSTANCE must be a UUID');
    defaultInstanceId = (wanted ?? services.newId()).toLowerCase();
    writeFileSync(instanceFile, `${defaultInstanceId}\n`, { mode: 0o644 });
  }

  let generatedAdminApiKey: string | undefined;
  const { state: admin } = await loadState(services.store, principalAggregate, principalStreamId(ADMIN_PRINCIPAL_ID));
  if (admin.status === 'Absent') {
    const keyFile = join(dataDir, 'admin-api-key');
    let apiKey = env.KEYLEDGER_ADMIN_API_KEY;
    if (!apiKey) {
      if (existsSync(keyFile)) {
        apiKey = readFileSync(keyFile, 'utf8').trim();
      } else {
        apiKey = generateApiKey();
        writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 });
      }
      generatedAdminApiKey = apiKey;
    }
    await createPrincipal(services, { name: 'service administrator', admin: true, apiKey, principalId: ADMIN_PRINCIPAL_ID, callerPrincipalId: SYSTEM });
  }

  const { state: instance } = await loadState(services.store, instanceAggregate, instanceStreamId(defaultInstanceId));
  if (instance.status === 'Absent') {
    await createInstance(services, { name: 'default', instanceId: defaultInstanceId, callerPrincipalId: SYSTEM });
  }
  return { defaultInstanceId, generatedAdminApiKey };
}
