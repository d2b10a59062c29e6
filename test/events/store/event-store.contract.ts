/**
 * The contract every event store adapter passes (docs/architecture.md, "Ports and adapters"). Each adapter's `*.int.test.ts` calls
 * {@link eventStoreContract} with a factory for a fresh, empty store.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ConcurrencyError,
  InvalidAppendError,
  type EventStore,
  type NewEvent,
  type StoredEvent,
  type StreamAppend,
} from '../../../application/ports/event-store.ts';

export interface OpenedEventStore {
  /** A fresh store with no events. */
  readonly store: EventStore;
  /**
   * Another handle on the same data (a new connection or client). The first handle may still be
   * open (concurrency tests) or already closed (durability tests).
   */
  readonly reopen: () => Promise<EventStore>;
}

/** How long change-feed tests wait for events to show up (DynamoDB Streams is asynchronous). */
const FEED_TIMEOUT_MS = 15_000;

export function eventStoreContract(name: string, open: () => Promise<OpenedEventStore>): void {
  /** Runs `body` on a fresh store and closes every handle it opened, even when it fails. */
  const withStore = async (
    body: (store: EventStore, reopen: () => Promise<EventStore>) => Promise<void>,
  ): Promise<void> => {
    const opened = await open();
    const handles: EventStore[] = [opened.store];
    const reopen = async (): Promise<EventStore> => {
      const handle = await opened.reopen();
      handles.push(handle);
      return handle;
    };
    try {
      await body(opened.store, reopen);
    } finally {
      for (const handle of handles) await handle.close().catch(() => undefined);
    }
  };

  void describe(`event store contract: ${name}`, () => {
    void it('appends to a new stream at expected version 0 and reads it back', () =>
      withStore(async (store) => {
        const streamId = stream('key');
        const events = [event('KeyCreated', { name: 'a' }), event('KeyDisabled', { reason: 1 })];
        await store.append([{ streamId, expectedVersion: 0, events }]);
        assert.deepEqual(await store.readStream(streamId), stored(streamId, 1, events));
        assert.deepEqual(await store.readHead(streamId), { streamId, version: 2 });
      }));

    void it('continues a stream at its current version', () =>
      withStore(async (store) => {
        const streamId = stream('key');
        await store.append([{ streamId, expectedVersion: 0, events: [event('KeyCreated')] }]);
        await store.append([{ streamId, expectedVersion: 1, events: [event('KeyDisabled'), event('KeyEnabled')] }]);
        const read = await store.readStream(streamId);
        assert.deepEqual(
          read.map((e) => [e.version, e.type]),
          [
            [1, 'KeyCreated'],
            [2, 'KeyDisabled'],
            [3, 'KeyEnabled'],
          ],
        );
      }));

    void it('rejects an append at a wrong expected version and writes nothing', () =>
      withStore(async (store) => {
        const streamId = stream('key');
        await store.append([{ streamId, expectedVersion: 0, events: [event('KeyCreated')] }]);
        const before = await store.readStream(streamId);
        for (const expectedVersion of [0, 2, 7]) {
          await assert.rejects(
            store.append([{ streamId, expectedVersion, events: [event('KeyDisabled')], snapshot: { bad: true } }]),
            isConflict(streamId, expectedVersion),
          );
        }
        assert.deepEqual(await store.readStream(streamId), before);
        assert.deepEqual(await store.readHead(streamId), { streamId, version: 1 });
        const unknown = stream('never');
        await assert.rejects(
          store.append([{ streamId: unknown, expectedVersion: 1, events: [event('X')] }]),
          isConflict(unknown, 1),
        );
        assert.equal(await store.readHead(unknown), null);
        assert.deepEqual(await store.readStream(unknown), []);
      }));

    void it('lets exactly one of two concurrent appends at the same expected version win', () =>
      withStore(async (store, reopen) => {
        const other = await reopen();
        for (let round = 0; round < 5; round++) {
          const streamId = stream('race');
          if (round % 2 === 1) await store.append([{ streamId, expectedVersion: 0, events: [event('KeyCreated')] }]);
          const expectedVersion = round % 2;
          const results = await Promise.allSettled([
            store.append([{ streamId, expectedVersion, events: [event('Left', { side: 'left' })] }]),
            other.append([{ streamId, expectedVersion, events: [event('Right', { side: 'right' })] }]),
          ]);
          const won = results.filter((r) => r.status === 'fulfilled');
          const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
          assert.equal(won.length, 1, `round ${round}: exactly one append wins`);
          assert.equal(lost.length, 1);
          assert.ok(lost[0]?.reason instanceof ConcurrencyError, `round ${round}: the loser gets a ConcurrencyError`);
          const events = await store.readStream(streamId);
          assert.equal(events.length, expectedVersion + 1);
          const winner = results[0]?.status === 'fulfilled' ? 'Left' : 'Right';
          assert.equal(events.at(-1)?.type, winner);
          assert.equal((await other.readHead(streamId))?.version, expectedVersion + 1);
        }
      }));

    void it('settles appends made together each on its own: a conflict fails only its caller', () =>
      withStore(async (store) => {
        const first = stream('together');
        const second = stream('together');
        const behind = stream('together');
        await store.append([{ streamId: behind, expectedVersion: 0, events: [event('KeyCreated')] }]);
        const results = await Promise.allSettled([
          store.append([{ streamId: first, expectedVersion: 0, events: [event('KeyCreated')], snapshot: { n: 1 } }]),
          store.append([{ streamId: behind, expectedVersion: 0, events: [event('KeyRotated')] }]),
          store.append([{ streamId: second, expectedVersion: 0, events: [event('KeyCreated'), event('KeyRotated')] }]),
          store.append([{ streamId: second, expectedVersion: 0, events: [event('KeyDeleted')] }]),
        ]);
        assert.equal(results[0]?.status, 'fulfilled');
        const behindResult = results[1];
        assert.ok(behindResult?.status === 'rejected' && behindResult.reason instanceof ConcurrencyError);
        assert.deepEqual(
          results
            .slice(2)
            .map((r) => r.status)
            .sort(),
          ['fulfilled', 'rejected'],
          'exactly one of two appends at the same expected version wins',
        );
        const loser = results.slice(2).find((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.ok(loser?.reason instanceof ConcurrencyError);
        assert.deepEqual(await store.readHead(first), {
          streamId: first,
          version: 1,
          snapshot: { n: 1 },
          snapshotVersion: 1,
        });
        assert.deepEqual(
          (await store.readStream(behind)).map((e) => e.type),
          ['KeyCreated'],
        );
        const secondTypes = (await store.readStream(second)).map((e) => e.type);
        assert.ok(
          JSON.stringify(secondTypes) === '["KeyCreated","KeyRotated"]' ||
            JSON.stringify(secondTypes) === '["KeyDeleted"]',
          `one append's events only: ${JSON.stringify(secondTypes)}`,
        );
      }));

    void it('commits several streams atomically: all land together', () =>
      withStore(async (store) => {
        const key = stream('key');
        const ring = stream('ring');
        await store.append([
          { streamId: key, expectedVersion: 0, events: [event('KeyCreated')], snapshot: { key: 1 } },
          { streamId: ring, expectedVersion: 0, events: [event('KeyRingCreated'), event('KeyAddedToRing')] },
        ]);
        assert.deepEqual(await store.readHead(key), {
          streamId: key,
          version: 1,
          snapshot: { key: 1 },
          snapshotVersion: 1,
        });
        assert.deepEqual(await store.readHead(ring), { streamId: ring, version: 2 });
      }));

    void it('commits several streams atomically: one conflicting stream keeps every event out', () =>
      withStore(async (store) => {
        const fresh = stream('fresh');
        const existing = stream('existing');
        const third = stream('third');
        await store.append([{ streamId: existing, expectedVersion: 0, events: [event('KeyCreated')] }]);
        await store.append([{ streamId: third, expectedVersion: 0, events: [event('KeyCreated')] }]);
        await assert.rejects(
          store.append([
            {
              streamId: fresh,
              expectedVersion: 0,
              events: [event('KeyCreated'), event('KeyRotated')],
              snapshot: { s: 1 },
            },
            { streamId: third, expectedVersion: 1, events: [event('KeyRotated')] },
            { streamId: existing, expectedVersion: 0, events: [event('KeyCreated')] },
          ]),
          isConflict(existing, 0),
        );
        assert.equal(await store.readHead(fresh), null);
        assert.deepEqual(await store.readStream(fresh), []);
        assert.deepEqual(await store.readHead(third), { streamId: third, version: 1 });
        assert.equal((await store.readStream(third)).length, 1);
        assert.equal((await store.readStream(existing)).length, 1);
        const changes = await collectChanges(store, null, 100, 2);
        assert.deepEqual(changes.events.map((e) => e.streamId).sort(), [existing, third].sort());
      }));

    void it('rejects malformed appends before writing', () =>
      withStore(async (store) => {
        const streamId = stream('bad');
        await assert.rejects(store.append([]), InvalidAppendError);
        await assert.rejects(store.append([{ streamId, expectedVersion: 0, events: [] }]), InvalidAppendError);
        await assert.rejects(
          store.append([{ streamId, expectedVersion: -1, events: [event('X')] }]),
          InvalidAppendError,
        );
        await assert.rejects(
          store.append([
            { streamId, expectedVersion: 0, events: [event('X')] },
            { streamId, expectedVersion: 1, events: [event('Y')] },
          ]),
          InvalidAppendError,
        );
        const noTime = { ...event('X'), meta: { ...event('X').meta, time: 'yesterday' } };
        await assert.rejects(store.append([{ streamId, expectedVersion: 0, events: [noTime] }]), InvalidAppendError);
        assert.equal(await store.readHead(streamId), null);
      }));

    void it('reads a stream from a version', () =>
      withStore(async (store) => {
        const streamId = stream('key');
        const events = Array.from({ length: 5 }, (_, i) => event(`E${i + 1}`, { i }));
        await store.append([{ streamId, expectedVersion: 0, events }]);
        assert.deepEqual(await store.readStream(streamId, 3), stored(streamId, 1, events).slice(2));
        assert.deepEqual(await store.readStream(streamId, 1), stored(streamId, 1, events));
        assert.deepEqual(await store.readStream(streamId, 6), []);
        assert.deepEqual(await store.readStream(stream('unknown')), []);
      }));

    void it('keeps the head: version and the latest snapshot with its version', () =>
      withStore(async (store) => {
        const streamId = stream('key');
        assert.equal(await store.readHead(streamId), null);
        await store.append([{ streamId, expectedVersion: 0, events: [event('KeyCreated')] }]);
        assert.deepEqual(await store.readHead(streamId), { streamId, version: 1 });
        const snapshot = {
          status: 'Active',
          versions: [{ id: 'v1', wrapped: 'AAEC' }],
          nested: { n: 1.5, f: false, z: null },
        };
        await store.append([{ streamId, expectedVersion: 1, events: [event('A'), event('B')], snapshot }]);
        assert.deepEqual(await store.readHead(streamId), { streamId, version: 3, snapshot, snapshotVersion: 3 });
        // An append without a snapshot moves the version on and keeps the older snapshot.
        await store.append([{ streamId, expectedVersion: 3, events: [event('C')] }]);
        assert.deepEqual(await store.readHead(streamId), { streamId, version: 4, snapshot, snapshotVersion: 3 });
        // null is a snapshot like any other.
        await store.append([{ streamId, expectedVersion: 4, events: [event('D')], snapshot: null }]);
        assert.deepEqual(await store.readHead(streamId), { streamId, version: 5, snapshot: null, snapshotVersion: 5 });
      }));

    void it('feeds changes of several streams from the beginning in pages, each stream in order', () =>
      withStore(async (store) => {
        const streams = [stream('a'), stream('b'), stream('c')];
        const versions = new Map<string, number>(streams.map((s) => [s, 0]));
        for (let commit = 0; commit < 7; commit++) {
          const parts: StreamAppend[] = streams
            .filter((_, i) => (commit + i) % 2 === 0)
            .map((streamId) => {
              const expectedVersion = versions.get(streamId) ?? 0;
              const count = 1 + (commit % 3);
              versions.set(streamId, expectedVersion + count);
              return {
                streamId,
                expectedVersion,
                events: Array.from({ length: count }, (_, i) => event('E', { commit, i })),
              };
            });
          await store.append(parts);
        }
        const total = [...versions.values()].reduce((a, b) => a + b, 0);
        const { events, checkpoint, pages } = await collectChanges(store, null, 2, total);
        assert.ok(
          pages.every((page) => page <= 2),
          'no page exceeds the limit',
        );
        assert.ok(pages.length >= Math.ceil(total / 2));
        assert.equal(events.length, total, 'every event exactly once');
        assertStreamOrder(events);
        for (const [streamId, version] of versions) {
          assert.deepEqual(
            events.filter((e) => e.streamId === streamId).map((e) => e.version),
            range(1, version),
          );
        }
        assert.deepEqual(
          events.filter((e) => e.streamId === streams[0]),
          await store.readStream(streams[0] ?? ''),
        );

        // From the last checkpoint: only what came after.
        assert.notEqual(checkpoint, null);
        const streamA = streams[0] ?? '';
        const d = stream('d');
        await store.append([
          { streamId: streamA, expectedVersion: versions.get(streamA) ?? 0, events: [event('Later')] },
          { streamId: d, expectedVersion: 0, events: [event('New'), event('Newer')] },
        ]);
        const after = await collectChanges(store, checkpoint, 10, 3);
        assert.deepEqual(
          after.events.map((e) => [e.streamId, e.version, e.type]).sort(),
          [
            [streamA, (versions.get(streamA) ?? 0) + 1, 'Later'],
            [d, 1, 'New'],
            [d, 2, 'Newer'],
          ].sort(),
        );
        assertStreamOrder(after.events);
        // Nothing new: no events, and the checkpoint still continues from the same place.
        const idle = await store.readChanges(after.checkpoint, 10);
        assert.deepEqual(idle.events, []);
        const d3 = await (async () => {
          await store.append([{ streamId: d, expectedVersion: 2, events: [event('Newest')] }]);
          return collectChanges(store, idle.checkpoint, 10, 1);
        })();
        assert.deepEqual(
          d3.events.map((e) => [e.streamId, e.version]),
          [[d, 3]],
        );
      }));

    void it('reads every event of every stream with readAll, in pages, each stream in version order', () =>
      withStore(async (store) => {
        const a = stream('all-a');
        const b = stream('all-b');
        await store.append([{ streamId: a, expectedVersion: 0, events: [event('A1'), event('A2')] }]);
        await store.append([
          { streamId: b, expectedVersion: 0, events: [event('B1')] },
          { streamId: a, expectedVersion: 2, events: [event('A3')] },
        ]);
        const pages: (readonly StoredEvent[])[] = [];
        for await (const page of store.readAll(2)) pages.push(page);
        assert.ok(
          pages.every((p) => p.length >= 1 && p.length <= 2),
          `pages of ${pages.map((p) => p.length).join(',')}`,
        );
        const events = pages.flat();
        assert.deepEqual(
          events.map((e) => [e.streamId, e.version, e.type]).sort(),
          [
            [a, 1, 'A1'],
            [a, 2, 'A2'],
            [a, 3, 'A3'],
            [b, 1, 'B1'],
          ].sort(),
        );
        assertStreamOrder(events);
      }));

    void it('gives an empty feed for an empty store', () =>
      withStore(async (store) => {
        const batch = await store.readChanges(null, 10);
        assert.deepEqual(batch.events, []);
      }));

    void it('survives close and reopen with the same data', () =>
      withStore(async (store, reopen) => {
        const streamId = stream('durable');
        const events = [event('KeyCreated', { a: 1 }), event('KeyRotated', { b: [1, 2] })];
        await store.append([{ streamId, expectedVersion: 0, events, snapshot: { v: 2 } }]);
        const feedBefore = await collectChanges(store, null, 100, 2);
        await store.close();
        const again = await reopen();
        assert.deepEqual(await again.readStream(streamId), stored(streamId, 1, events));
        assert.deepEqual(await again.readHead(streamId), {
          streamId,
          version: 2,
          snapshot: { v: 2 },
          snapshotVersion: 2,
        });
        const feedAfter = await collectChanges(again, null, 100, 2);
        assert.deepEqual(feedAfter.events, feedBefore.events);
        await again.append([{ streamId, expectedVersion: 2, events: [event('KeyDisabled')] }]);
        await assert.rejects(again.append([{ streamId, expectedVersion: 2, events: [event('X')] }]), ConcurrencyError);
        const rest = await collectChanges(again, feedBefore.checkpoint, 100, 1);
        assert.deepEqual(
          rest.events.map((e) => e.version),
          [3],
        );
      }));

    void it('round-trips large data', () =>
      withStore(async (store) => {
        const streamId = stream('large');
        // About 300 KB: near DynamoDB's 400 KB item limit, but under it.
        const big = { blob: 'x'.repeat(200_000), list: Array.from({ length: 5_000 }, (_, i) => ({ i, s: `v${i}` })) };
        await store.append([{ streamId, expectedVersion: 0, events: [event('Big', big)], snapshot: { small: true } }]);
        const many = Array.from({ length: 50 }, (_, i) => event('Many', { i, pad: 'y'.repeat(1000) }));
        await store.append([{ streamId, expectedVersion: 1, events: many }]);
        const read = await store.readStream(streamId);
        assert.equal(read.length, 51);
        assert.deepEqual(read[0]?.data, big);
        assert.deepEqual(
          read.slice(1).map((e) => e.data),
          many.map((e) => e.data),
        );
        const feed = await collectChanges(store, null, 20, 51);
        assert.deepEqual(feed.events.find((e) => e.version === 1)?.data, big);
      }));

    void it('round-trips unicode in stream ids, types and data', () =>
      withStore(async (store) => {
        const streamId = `ключ/🔑/${randomUUID()}/مفتاح`;
        const data = {
          text: 'Grüße, 你好, עברית, 👩‍👩‍👧‍👦, e\u0301, \u0000 nul, \u2028 line sep, tab\t',
          lone: '\ud800 lone surrogate',
          '键名 🗝': ['ǅ', 'ﬁ', '\uFEFF'],
        };
        const events: NewEvent[] = [
          { type: 'KeyCreated', schemaVersion: 1, data, meta: { ...meta(), principalId: 'IBMid-ünïcødé 🧑‍💻' } },
        ];
        await store.append([{ streamId, expectedVersion: 0, events, snapshot: { name: '名前 🔐' } }]);
        assert.deepEqual(await store.readStream(streamId), stored(streamId, 1, events));
        assert.deepEqual(await store.readHead(streamId), {
          streamId,
          version: 1,
          snapshot: { name: '名前 🔐' },
          snapshotVersion: 1,
        });
        const feed = await collectChanges(store, null, 10, 1);
        assert.deepEqual(feed.events, stored(streamId, 1, events));
      }));

    void it('wakes append listeners, when the adapter offers them', () =>
      withStore(async (store) => {
        if (!store.onAppended) return;
        let calls = 0;
        const unsubscribe = store.onAppended(() => {
          calls += 1;
          throw new Error('a failing listener must not fail the append');
        });
        const streamId = stream('wake');
        await store.append([{ streamId, expectedVersion: 0, events: [event('A')] }]);
        assert.equal(calls, 1);
        await assert.rejects(store.append([{ streamId, expectedVersion: 0, events: [event('A')] }]), ConcurrencyError);
        assert.equal(calls, 1, 'a failed append wakes nobody');
        unsubscribe();
        await store.append([{ streamId, expectedVersion: 1, events: [event('B')] }]);
        assert.equal(calls, 1);
      }));
  });
}

// --- helpers -------------------------------------------------------------------------------

function stream(kind: string): string {
  return `${kind}-${randomUUID()}`;
}

function meta(): NewEvent['meta'] {
  return {
    time: '2024-05-01T12:00:00.000Z',
    instanceId: 'b8c2a9c5-3f4e-4d1a-9e6b-0f1d2c3b4a59',
    principalId: 'IBMid-1234',
    requestId: randomUUID(),
  };
}

function event(type: string, data: unknown = { at: type }): NewEvent {
  return { type, schemaVersion: 1, data, meta: meta() };
}

function stored(streamId: string, firstVersion: number, events: readonly NewEvent[]): StoredEvent[] {
  return events.map((e, i) => ({ ...e, streamId, version: firstVersion + i }));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function isConflict(streamId: string, expectedVersion: number) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ConcurrencyError, `expected a ConcurrencyError, got ${String(error)}`);
    assert.equal(error.code, 'CONCURRENCY_CONFLICT');
    assert.equal(error.streamId, streamId);
    assert.equal(error.expectedVersion, expectedVersion);
    return true;
  };
}

function assertStreamOrder(events: readonly StoredEvent[]): void {
  const last = new Map<string, number>();
  for (const e of events) {
    const previous = last.get(e.streamId) ?? 0;
    assert.ok(e.version > previous, `${e.streamId}: version ${e.version} after ${previous}`);
    last.set(e.streamId, e.version);
  }
}

/**
 * Reads the change feed page by page from `from` until `expected` events arrived. Polls, because
 * a DynamoDB Streams record may appear a moment after its write; an empty page is not the end.
 */
async function collectChanges(
  store: EventStore,
  from: string | null,
  limit: number,
  expected: number,
): Promise<{ events: StoredEvent[]; checkpoint: string | null; pages: number[] }> {
  const events: StoredEvent[] = [];
  const pages: number[] = [];
  let checkpoint = from;
  const deadline = Date.now() + FEED_TIMEOUT_MS;
  while (events.length < expected) {
    const batch = await store.readChanges(checkpoint, limit);
    assert.ok(batch.events.length <= limit, `a page of ${batch.events.length} exceeds the limit ${limit}`);
    if (batch.events.length > 0) pages.push(batch.events.length);
    events.push(...batch.events);
    checkpoint = batch.checkpoint;
    if (batch.events.length === 0) {
      assert.ok(Date.now() < deadline, `change feed delivered ${events.length} of ${expected} events`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  assert.equal(events.length, expected, 'no more events than expected');
  // Nothing beyond what was expected.
  const rest = await store.readChanges(checkpoint, limit);
  assert.deepEqual(rest.events, [], 'no unexpected events in the feed');
  return { events, checkpoint: rest.checkpoint ?? checkpoint, pages };
}
