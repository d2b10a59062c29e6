import { listKeyVersions } from '../application/keys/list-key-versions.ts';
import { createKey } from '../application/keys/create-key.ts';
import { findKey } from '../application/keys/find-key.ts';
import { keyStreamId } from '../application/keys/key-aggregate.ts';
import { keyVersionIndexStreamId } from '../application/keys/key-version-index.ts';
import { rotateKey } from '../application/keys/rotate-key.ts';
import { unwrapKey } from '../application/keys/unwrap-key.ts';
import { wrapKey } from '../application/keys/wrap-key.ts';
import type { EventStore } from '../application/ports/event-store.ts';
import { indexPageOf } from '../domain/keys/version-index.ts';
import { ADMIN_PRINCIPAL_ID, bootstrap } from '../server/bootstrap.ts';
import { configFromEnv } from '../server/config.ts';
import { openServices } from '../server/open-services.ts';

/**
 * One root key rotated `rotations` times through the application layer (the rotate use case with
 * SoftHSM-generated material, as POST /keys/{id}/actions/rotate runs it, minus HTTP), on the store of
 * `$KEYLEDGER_STORE`. Before the rotations a DEK is wrapped with its first version. Then, each on
 * services opened afresh on the same data (a restarted process: nothing cached), times: GET
 * /keys/{id}/versions' use case page by page (200 per page); and the first load of the key, unwrap of
 * the first version's ciphertext (cold, then again), a wrap with the newest version, one more
 * rotation; and the largest stored head snapshot and event of the key (JSON bytes; a DynamoDB item
 * adds its attribute names, under 60 bytes). Prints one JSON object.
 * Usage: KEYLEDGER_MIN_ROTATION_INTERVAL_S=0 node --import tsx bench/long-history.ts <rotations>
 */
const rotations = Number(process.argv[2] ?? '10000');
const ms = (t0: number) => Math.round((performance.now() - t0) * 100) / 100;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work();
  return { value, ms: ms(t0) };
}

/** The largest head snapshot and the largest event (data and meta) of the key's stream and its index pages. */
async function largestStored(store: EventStore, keyId: string, versionCount: number) {
  const streams = [keyStreamId(keyId)];
  for (let page = 0; versionCount > 10 && page <= indexPageOf(versionCount - 10); page++) {
    streams.push(keyVersionIndexStreamId(keyId, page));
  }
  let headBytes = 0;
  let eventBytes = 0;
  for (const streamId of streams) {
    const head = await store.readHead(streamId);
    headBytes = Math.max(headBytes, JSON.stringify(head?.snapshot ?? null).length);
    for (const e of await store.readStream(streamId, Math.max(1, (head?.version ?? 0) - 20))) {
      eventBytes = Math.max(eventBytes, JSON.stringify(e.data).length + JSON.stringify(e.meta).length);
    }
  }
  return { keyHeadBytes: headBytes, largestEventBytes: eventBytes, streams: streams.length };
}

async function main(): Promise<void> {
  const config = configFromEnv();
  let services = await openServices(config);
  const { defaultInstanceId: instanceId } = await bootstrap(services, config.dataDir, process.env);
  const scope = { instanceId };
  const key = await createKey(services, scope, ADMIN_PRINCIPAL_ID, {
    keyType: 'root',
    name: 'long-history',
    keyRingId: 'default',
  });
  const first = await wrapKey(services, instanceId, key.keyId, { aad: ['bench'] });
  const t0 = performance.now();
  let lastThousandFrom = t0;
  for (let i = 1; i <= rotations; i++) {
    if (i === rotations - 999) lastThousandFrom = performance.now();
    await rotateKey(services, scope, ADMIN_PRINCIPAL_ID, key.keyId);
  }
  const rotateAllS = ms(t0) / 1000;
  const lastThousandMsEach = ms(lastThousandFrom) / Math.min(1000, rotations);
  await services.close();

  // Listing first, on services of its own: unwrap's search would otherwise have cached the pages it reads.
  services = await openServices(config);
  const pages: number[] = [];
  let listed = 0;
  const tList = performance.now();
  for (let offset = 0; ; offset += 200) {
    const page = await timed(() =>
      listKeyVersions(services, instanceId, key.keyId, { limit: 200, offset, allKeyStates: false }),
    );
    pages.push(page.ms);
    listed += page.value.versions.length;
    if (page.value.versions.length < 200) break;
  }
  const listAllMs = ms(tList);
  if (listed !== rotations + 1) throw new Error(`listed ${listed} versions, expected ${rotations + 1}`);
  await services.close();

  services = await openServices(config);
  const load = await timed(() => findKey(services, instanceId, key.keyId));
  const unwrapCold = await timed(() =>
    unwrapKey(services, instanceId, key.keyId, { ciphertext: first.ciphertext, aad: ['bench'] }),
  );
  if (!unwrapCold.value.plaintext.equals(first.plaintext ?? Buffer.alloc(0))) throw new Error('unwrap: wrong DEK');
  const unwrapWarm = await timed(() =>
    unwrapKey(services, instanceId, key.keyId, { ciphertext: first.ciphertext, aad: ['bench'] }),
  );
  const wrap = await timed(() => wrapKey(services, instanceId, key.keyId, { aad: [] }));
  const rotateOnce = await timed(() => rotateKey(services, scope, ADMIN_PRINCIPAL_ID, key.keyId));
  const sizes = await largestStored(services.store, key.keyId, rotations + 2);
  await services.close();
  const sorted = [...pages].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      rotations,
      rotateAllS: Math.round(rotateAllS * 10) / 10,
      lastThousandMsEach: Math.round(lastThousandMsEach * 100) / 100,
      afterRestart: {
        loadMs: load.ms,
        unwrapOldestColdMs: unwrapCold.ms,
        unwrapOldestWarmMs: unwrapWarm.ms,
        wrapNewestMs: wrap.ms,
        rotateOnceMoreMs: rotateOnce.ms,
        listPages: pages.length,
        listFirstPageMs: pages[0] ?? 0,
        listLastPageMs: pages.at(-1) ?? 0,
        listPageMedianMs: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0,
        listAllMs,
      },
      ...sizes,
    }),
  );
}

await main();
