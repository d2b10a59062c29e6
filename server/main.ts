import { installRuntime } from '../functions/shared/runtime.ts';
import { logger } from '../functions/shared/logger.ts';
import { Authenticator } from '../application/identity/authenticate.ts';
import { SIGNING_KEY_LABEL, TokenVerifier } from '../application/identity/tokens.ts';
import { bootstrap } from './bootstrap.ts';
import { configFromEnv } from './config.ts';
import { listen } from './local-server.ts';
import { openServices } from './open-services.ts';
import { Router } from './router.ts';

/** `npm start`: the local server (CONTRACT.md "The local server"). */
async function main(): Promise<void> {
  const config = configFromEnv();
  const services = await openServices(config);
  const verifier = new TokenVerifier();
  verifier.addKey(SIGNING_KEY_LABEL, await services.hsm.ensureSigningKey(SIGNING_KEY_LABEL));
  const boot = await bootstrap(services, config.dataDir, process.env);
  installRuntime({ services, authenticator: new Authenticator(services, verifier) });
  const router = await Router.load();
  const server = await listen(router, config.host, config.port);

  if (boot.generatedAdminApiKey) {
    console.log(`keyledger: administrator API key (also in ${config.dataDir}/admin-api-key; shown once): ${boot.generatedAdminApiKey}`);
  }
  console.log(`keyledger: default instance ${boot.defaultInstanceId}`);
  console.log(`keyledger: ${config.store} store and SoftHSM token under ${config.dataDir}`);
  console.log(`keyledger listening on ${server.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    void (async () => {
      await server.close();
      await services.close();
      process.exit(0);
    })().catch((error: unknown) => {
      console.error('keyledger: error while stopping:', error instanceof Error ? error.message : error);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`keyledger: cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
