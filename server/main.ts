import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { installRuntime } from '../functions/shared/runtime.ts';
import { errorFields, logger } from '../functions/shared/logger.ts';
import { Authorizer } from '../application/access/authorizer.ts';
import { Authenticator } from '../application/identity/authenticate.ts';
import { storeVerificationKeys } from '../application/identity/signing-keys.ts';
import { SIGNING_KEY_LABEL, TokenVerifier, tokenRulesFromEnv } from '../application/identity/tokens.ts';
import { bootstrap } from './bootstrap.ts';
import { configFromEnv, describeLocations } from './config.ts';
import { AuditReconcilerLoop } from './audit-reconciler-loop.ts';
import { ConsoleSite } from './console-site.ts';
import { assertNoIncompleteRebuild, lockDataDir } from './data-dir-lock.ts';
import { assertHsmTokenPresent } from './hsm-token-guard.ts';
import { InFlightRequests } from './in-flight-requests.ts';
import { listen } from './local-server.ts';
import { openServices } from './open-services.ts';
import { Router } from './router.ts';
import { SchedulerLoop } from './scheduler-loop.ts';

/** `npm start`: the local server (README "The local server"). */
async function main(): Promise<void> {
  const config = configFromEnv();
  // One owner of the data directory: refuses while another server or a rebuild holds it (server/data-dir-lock.ts).
  const lock = await lockDataDir(config.dataDir, 'the keyledger server');
  process.once('exit', () => lock.release());
  assertNoIncompleteRebuild(config.dataDir);
  assertHsmTokenPresent(config);
  const inFlight = new InFlightRequests();
  const services = await openServices(config, inFlight);
  const verifier = new TokenVerifier(
    storeVerificationKeys(services, await services.hsm.ensureSigningKey(SIGNING_KEY_LABEL)),
    tokenRulesFromEnv(),
  );
  const boot = await bootstrap(services, config.dataDir, process.env);
  // Before serving: every event a crash left without its audit record gets one (reconcile-audit-trail.ts).
  const reconciler = new AuditReconcilerLoop(
    {
      store: services.store,
      audit: services.audit,
      state: services.auditReconcilerState,
      now: () => services.now(),
    },
    inFlight,
    config.auditReconcileIntervalS * 1000,
  );
  await reconciler.runIdle().catch((error: unknown) => {
    logger.error('audit reconciliation at start failed; retried while serving', errorFields(error));
  });
  installRuntime({
    services,
    authenticator: new Authenticator(services, verifier),
    authorizer: new Authorizer(services),
    audit: services.audit,
    idempotency: services.idempotency,
  });
  const router = await Router.load();
  const tls = config.tls
    ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }
    : undefined;
  // The bundle (scripts/build-server.mjs) has the built console next to it.
  const site = ConsoleSite.load(fileURLToPath(new URL('./console/', import.meta.url)), boot.defaultInstanceId);
  const server = await listen(router, config.host, config.port, { tls, site, inFlight });
  reconciler.start();
  // The local DynamoDB mode runs the scheduled Lambda handler on the stack's schedule instead (server/local-schedules.ts).
  const scheduler =
    config.store === 'sqlite' && config.schedulerIntervalS > 0
      ? new SchedulerLoop(services, config.schedulerIntervalS * 1000)
      : undefined;
  scheduler?.start();

  // Before the banner: a client that acts on `listening on` may stop the server at once.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    void (async () => {
      await server.close();
      await scheduler?.stop();
      await reconciler.stop();
      await services.close();
      process.exit(0);
    })().catch((error: unknown) => {
      console.error('keyledger: error while stopping:', error instanceof Error ? error.message : error);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  if (boot.generatedAdminApiKey) {
    console.log(
      `keyledger: administrator API key (also in ${config.dataDir}/admin-api-key; shown once): ${boot.generatedAdminApiKey}`,
    );
  }
  console.log(`keyledger: default instance ${boot.defaultInstanceId}`);
  for (const line of describeLocations(config)) console.log(`keyledger: ${line}`);
  console.log(`keyledger listening on ${server.url}`);
}

main().catch((error: unknown) => {
  console.error(`keyledger: cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
