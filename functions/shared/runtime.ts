import type { AuditLog } from '../../application/audit/audit-log.ts';
import type { AppServices } from '../../application/services.ts';
import type { Authenticator } from '../../application/identity/authenticate.ts';
import type { Authorizer } from '../../application/access/authorizer.ts';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';

/**
 * Process-wide singletons the handlers use (one module: docs/architecture.md, "Handlers, errors and logs"): the application's services, the
 * authenticator and the audit trail. The local server installs them at start; a Lambda cold start
 * builds them once through the installed factory.
 */
export interface Runtime {
  readonly services: AppServices;
  readonly authenticator: Authenticator;
  /** Instance, network policy, role and rate-limit checks of every /api/v2 request (application/access). */
  readonly authorizer: Authorizer;
  /** Every request's one record (fail closed), and the audit API's query and verification. */
  readonly audit: AuditLog;
  /** Where idempotent operations keep their records (functions/shared/idempotent-request.ts). */
  readonly idempotency: BasePersistenceLayer;
}

let current: Runtime | undefined;
let factory: (() => Promise<Runtime>) | undefined;
let pending: Promise<Runtime> | undefined;

export function installRuntime(runtime: Runtime): void {
  current = runtime;
}

/** The runtime installed in this process, if any (the local server installs one at start). */
export function installedRuntime(): Runtime | undefined {
  return current;
}

export function installRuntimeFactory(create: () => Promise<Runtime>): void {
  factory = create;
}

export async function getRuntime(): Promise<Runtime> {
  if (current) return current;
  if (!factory) throw new Error('keyledger runtime not initialised');
  // A failed build (a cold start that could not reach a table or the crypto function) is retried by the next request.
  pending ??= factory().then(
    (r) => (current = r),
    (error: unknown) => {
      pending = undefined;
      throw error;
    },
  );
  return pending;
}
