import { createKeyRing } from '../application/key-rings/create-key-ring.ts';
import { createKey } from '../application/keys/create-key.ts';
import { BENCH_KEY_RING } from './keyledger.ts';
import { ADMIN_PRINCIPAL_ID, bootstrap } from '../server/bootstrap.ts';
import type { EventStore, StreamAppend } from '../application/ports/event-store.ts';
import { configFromEnv } from '../server/config.ts';
import { openServices } from '../server/open-services.ts';
import { AuditReconcilerLoop } from '../server/audit-reconciler-loop.ts';
import { InFlightRequests } from '../server/in-flight-requests.ts';

/**
 * The store with appends of concurrent callers committed together: each createKey still makes its
 * own append, but those arriving within 50 ms (up to `maxBatch`) share one transaction and one fsync, so
 * 100,000 keys take seconds rather than a quarter of an hour. Each caller resolves after the commit.
 */
function groupCommitted(store: EventStore, maxBatch: number): EventStore {
  let queue: Array<{ appends: readonly StreamAppend[]; resolve: () => void; reject: (e: unknown) => void }> = [];
  const flush = () => {
    const batch = queue;
    queue = [];
    store.append(batch.flatMap((b) => b.appends)).then(
      () => batch.forEach((b) => b.resolve()),
      (error: unknown) => batch.forEach((b) => b.reject(error)),
    );
  };
  return {
    ...store,
    append: (appends) =>
      new Promise<void>((resolve, reject) => {
        queue.push({ appends, resolve, reject });
        if (queue.length >= maxBatch) flush();
        else if (queue.length === 1) setTimeout(() => queue.length && flush(), 50);
      }),
  };
}

/**
 * Fills the default instance of `$KEYLEDGER_DATA_DIR` (or the DynamoDB endpoint) with root keys
 * through the application layer, before the server starts on the same store: the same use case the
 * API calls (HSM-generated material, one event per key), minus HTTP. The first `ringKeys` go into the
 * key ring {@link BENCH_KEY_RING} (a listing narrowed to it is small enough to search), the rest into
 * `default`, and every creation gets its audit record (as the server's reconciler writes it). Prints one
 * JSON object with the time taken and the ids of the first keys. On SQLite,
 * concurrent creations share commits (groupCommitted).
 * Usage: node --import tsx bench/seed-keys.ts <count> <concurrency> [ringKeys]
 */
const [countArg = '1000', concurrencyArg = '32', ringKeysArg = '0'] = process.argv.slice(2);

async function main(): Promise<void> {
  const count = Number(countArg);
  const concurrency = Number(concurrencyArg);
  const config = configFromEnv();
  const services = await openServices(config);
  const { defaultInstanceId } = await bootstrap(services, config.dataDir, process.env);
  // DynamoDB transactions hold at most 100 items (two per new key): there each key commits alone.
  const seeding =
    config.store === 'sqlite' ? { ...services, store: groupCommitted(services.store, concurrency) } : services;
  const scope = { instanceId: defaultInstanceId };
  const ringKeys = Number(ringKeysArg);
  if (ringKeys > 0) await createKeyRing(services, scope, ADMIN_PRINCIPAL_ID, BENCH_KEY_RING);
  const first: string[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const key = await createKey(seeding, scope, ADMIN_PRINCIPAL_ID, {
          keyType: 'root',
          name: `seed-${i}`,
          keyRingId: i < ringKeys ? BENCH_KEY_RING : 'default',
        });
        if (i < 100) first[i] = key.keyId;
      }
    }),
  );
  const createS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await services.catchUpReadModels();
  const projectS = (performance.now() - t1) / 1000;
  // The creations bypassed HTTP, so none has its audit record yet: the pass the server runs at start and
  // every few seconds writes them, leaving the data directory as a server that had served these requests
  // would (otherwise the first start measured would be this pass over every seeded key).
  const t2 = performance.now();
  await new AuditReconcilerLoop(
    { store: services.store, audit: services.audit, state: services.auditReconcilerState, now: () => services.now() },
    new InFlightRequests(),
    0,
  ).runIdle();
  const auditS = (performance.now() - t2) / 1000;
  await services.close();
  console.log(
    JSON.stringify({
      count,
      concurrency,
      createS,
      projectS,
      auditS,
      keyIds: first.filter(Boolean),
      defaultInstanceId,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
