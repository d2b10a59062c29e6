import { isUuid } from '../../domain/ids.ts';
import { loadState, SERVICE_SCOPE_ID, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { instanceAggregate, instanceStreamId } from './instance-aggregate.ts';
import { principalAggregate, principalStreamId } from './principal-aggregate.ts';
import { createInstance } from './create-instance.ts';
import { createPrincipal } from './create-principal.ts';

/** The service administrator has a fixed id, so a bootstrap interrupted half-way completes on the next run. */
export const ADMIN_PRINCIPAL_ID = '00000000-0000-4000-8000-000000000001';
/** The caller recorded on the events a bootstrap appends. */
const SYSTEM = 'system';
/** The operation its events carry; the audit reconciler writes their records from them (no request does). */
export const BOOTSTRAP_OPERATION = 'bootstrap';

function bootstrapScope(services: Pick<AppServices, 'newId'>, instanceId: string): RequestScope {
  return { instanceId, requestId: `bootstrap-${services.newId()}`, operation: BOOTSTRAP_OPERATION };
}

/** A default instance id as the bootstrap identity accepts it (README "The local server": a UUID), lower-cased. */
export function defaultInstanceIdOf(value: string, source: string): string {
  if (!isUuid(value)) throw new Error(`${source} must be a UUID`);
  return value.toLowerCase();
}

interface BootstrapIdentityInput {
  /** The default instance's id (a UUID, chosen by the caller so a repeated bootstrap uses the same one). */
  readonly defaultInstanceId: string;
  /**
   * The administrator's API key, asked for only when the administrator does not exist yet: a
   * bootstrap that finds it never reads (or generates) a key.
   */
  readonly adminApiKey: () => Promise<string>;
}

interface BootstrapIdentityResult {
  readonly defaultInstanceId: string;
  /** Whether this run created the administrator (and so used the key `adminApiKey` gave). */
  readonly createdAdmin: boolean;
  readonly createdInstance: boolean;
}

/**
 * The bootstrap identity (README "The local server"): the service administrator with its API key, and the default
 * instance. Idempotent: each part is created only when its stream is still empty, so the local server
 * (server/bootstrap.ts, at every start) and the AWS bootstrap function (functions/bootstrap/handler.ts,
 * once per deploy) share this one path.
 */
export async function ensureBootstrapIdentity(
  services: Pick<AppServices, 'store' | 'now' | 'newId'>,
  input: BootstrapIdentityInput,
): Promise<BootstrapIdentityResult> {
  const defaultInstanceId = defaultInstanceIdOf(input.defaultInstanceId, 'the default instance id');
  const { state: admin } = await loadState(services.store, principalAggregate, principalStreamId(ADMIN_PRINCIPAL_ID));
  const createdAdmin = admin.status === 'Absent';
  if (createdAdmin) {
    await createPrincipal(services, bootstrapScope(services, SERVICE_SCOPE_ID), {
      name: 'service administrator',
      admin: true,
      apiKey: await input.adminApiKey(),
      principalId: ADMIN_PRINCIPAL_ID,
      callerPrincipalId: SYSTEM,
    });
  }
  const { state: instance } = await loadState(services.store, instanceAggregate, instanceStreamId(defaultInstanceId));
  const createdInstance = instance.status === 'Absent';
  if (createdInstance) {
    await createInstance(services, bootstrapScope(services, defaultInstanceId), {
      name: 'default',
      instanceId: defaultInstanceId,
      callerPrincipalId: SYSTEM,
    });
  }
  return { defaultInstanceId, createdAdmin, createdInstance };
}
