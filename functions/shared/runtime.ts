import type { AuditTrail } from '../../application/audit/audit-trail.ts';
import type { AppServices } from '../../application/services.ts';
import type { Authenticator } from '../../application/identity/authenticate.ts';

/**
 * Process-wide singletons the handlers use (STYLE.md 6): the application's services, the
 * authenticator and the audit trail. The local server installs them at start; a Lambda cold start
 * builds them once through the installed factory.
 */
export interface Runtime {
  readonly services: AppServices;
  readonly authenticator: Authenticator;
  /** Until the audit issue lands, a runtime may have none; then nothing is audited. */
  readonly audit?: AuditTrail | undefined;
}

let current: Runtime | undefined;
let factory: (() => Promise<Runtime>) | undefined;
let pending: Promise<Runtime> | undefined;

export function installRuntime(runtime: Runtime): void {
  current = runtime;
}

export function installRuntimeFactory(create: () => Promise<Runtime>): void {
  factory = create;
}

export async function getRuntime(): Promise<Runtime> {
  if (current) return current;
  if (!factory) throw new Error('keyledger runtime not initialised');
  pending ??= factory().then((r) => (current = r));
  return pending;
}
