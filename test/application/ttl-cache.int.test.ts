/** TtlCache (the hot path's key state cache, and access control's) against the real SQLite event store. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { TtlCache } from '../../application/ttl-cache.ts';
import type { EventStore } from '../../application/ports/event-store.ts';
import { openSqliteEventStore } from '../../events/store/sqlite/sqlite-event-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyledger-state-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const open = () => openSqliteEventStore({ file: join(dir, `events-${n++}.db`) });

const meta = { time: '2026-01-01T00:00:00.000Z', instanceId: 'i', principalId: 'p' };
function append(store: EventStore, streamId: string, expectedVersion: number, value: number) {
  return store.append([
    {
      streamId,
      expectedVersion,
      events: [{ type: 'Counted', schemaVersion: 1, data: { value }, meta }],
      snapshot: { value },
    },
  ]);
}
/** Loads the head's snapshot and counts loads, i.e. store reads. */
function loader(store: EventStore, streamId: string) {
  const counter = { loads: 0 };
  const load = async () => {
    counter.loads += 1;
    const head = await store.readHead(streamId);
    return { state: (head?.snapshot as { value: number } | undefined)?.value ?? 0, version: head?.version ?? 0 };
  };
  return { counter, load };
}
const always = () => true;
type Loaded = { state: number; version: number };
const now = () => performance.now();

void test('serves repeated reads from memory until an append of this store handle, then reads the new state at once', async () => {
  const store = await open();
  await append(store, 's', 0, 1);
  const cache = new TtlCache<Loaded>(store, 60_000, 100);
  const { counter, load } = loader(store, 's');
  assert.deepEqual(await cache.get('s', now(), load, always), { state: 1, version: 1 });
  assert.deepEqual(await cache.get('s', now(), load, always), { state: 1, version: 1 });
  assert.equal(counter.loads, 1);
  await append(store, 'other', 0, 7); // any append empties the cache: the listener carries no stream id
  await append(store, 's', 1, 2);
  assert.deepEqual(await cache.get('s', now(), load, always), { state: 2, version: 2 });
  assert.equal(counter.loads, 2);
  await store.close();
});

void test('a load that overlaps an append is returned but not kept', async () => {
  const store = await open();
  await append(store, 's', 0, 1);
  const cache = new TtlCache<Loaded>(store, 60_000, 100);
  const { counter, load } = loader(store, 's');
  const racing = async () => {
    const loaded = await load(); // reads version 1 ...
    await append(store, 's', 1, 2); // ... and an append lands before the load resolves
    return loaded;
  };
  assert.deepEqual(await cache.get('s', now(), racing, always), { state: 1, version: 1 });
  assert.deepEqual(await cache.get('s', now(), load, always), { state: 2, version: 2 });
  assert.equal(counter.loads, 2);
  await store.close();
});

void test('entries expire after the TTL (appends by other processes), and `keep` decides what is kept', async () => {
  const store = await open();
  await append(store, 's', 0, 1);
  const cache = new TtlCache<Loaded>(store, 50, 100);
  const { counter, load } = loader(store, 's');
  const t0 = now();
  await cache.get('s', t0, load, always);
  await cache.get('s', t0 + 49, load, always);
  assert.equal(counter.loads, 1, 'kept for the TTL');
  await cache.get('s', t0 + 50, load, always);
  assert.equal(counter.loads, 2, 'loaded again once the TTL has passed');
  const absent = loader(store, 'missing');
  await cache.get('missing', now(), absent.load, (loaded) => loaded.state !== 0);
  await cache.get('missing', now(), absent.load, (loaded) => loaded.state !== 0);
  assert.equal(absent.counter.loads, 2);
  await store.close();
});

void test('stays within its bound, and caches nothing for a store that announces no appends', async () => {
  const store = await open();
  const cache = new TtlCache<Loaded>(store, 60_000, 3);
  for (let i = 0; i < 10; i += 1)
    await cache.get(`s${i}`, now(), () => Promise.resolve({ state: i, version: 1 }), always);
  assert.equal(cache.size, 3);
  const silent: EventStore = {
    append: (a) => store.append(a),
    readStream: (s, f) => store.readStream(s, f),
    readHead: (s) => store.readHead(s),
    readChanges: (c, l) => store.readChanges(c, l),
    readAll: (n) => store.readAll(n),
    close: () => store.close(),
  };
  const uncached = new TtlCache<Loaded>(silent, 60_000, 3);
  await uncached.get('s', now(), () => Promise.resolve({ state: 1, version: 1 }), always);
  assert.equal(uncached.size, 0);
  await store.close();
});
