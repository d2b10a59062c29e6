/**
 * The one command handler's retry loop (read -> decide -> append with the expected version) against a real
 * SQLite event store and the key-rings aggregate. The other writer is real too: just before the handler's
 * append, another request creates a key ring through the same store, so the handler's expected version is
 * stale exactly as when two requests race.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  decideAppend,
  handleCommand,
  handleCommands,
  loadState,
  type RequestScope,
} from '../../application/command-handler.ts';
import { keyRingsAggregate, keyRingsStreamId } from '../../application/key-rings/key-rings-aggregate.ts';
import { ConcurrencyError, type EventStore, type StreamAppend } from '../../application/ports/event-store.ts';
import { DomainError } from '../../domain/errors.ts';
import { openSqliteEventStore } from '../../events/store/sqlite/sqlite-event-store.ts';

const NOW = '2030-01-01T00:00:00.000Z';
let dir: string;
let store: EventStore;
let instance = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyledger-command-handler-'));
  store = await openSqliteEventStore({ file: join(dir, 'keyledger.db') });
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

function createRing(streamStore: EventStore, scope: RequestScope, keyRingId: string) {
  return handleCommand(
    streamStore,
    keyRingsAggregate,
    keyRingsStreamId(scope.instanceId),
    { type: 'CreateKeyRing', keyRingId, now: NOW, principalId: 'p' },
    scope,
  );
}

/**
 * The store as the handler under test sees it: before each of its first `races` appends, another request
 * creates the ring `rivalRing(n)` in the same instance through the real store. Counts the handler's appends.
 */
function racedStore(scope: RequestScope, races: number, rivalRing: (n: number) => string) {
  let appends = 0;
  const append = async (commit: readonly StreamAppend[]) => {
    appends += 1;
    if (appends <= races) await createRing(store, scope, rivalRing(appends));
    return store.append(commit);
  };
  const raced = new Proxy(store, {
    get: (target, property) => (property === 'append' ? append : (Reflect.get(target, property, target) as unknown)),
  });
  return { store: raced, appends: () => appends };
}

async function ringIds(scope: RequestScope): Promise<string[]> {
  const events = await store.readStream(keyRingsStreamId(scope.instanceId));
  return events.map((event) => (event.data as { keyRingId: string }).keyRingId);
}

void describe('handleCommand', () => {
  const newScope = (): RequestScope => ({ instanceId: `command-handler-${(instance += 1)}` });

  it('appends at once when nobody raced it', async () => {
    const scope = newScope();
    const raced = racedStore(scope, 0, () => 'unused');
    const result = await createRing(raced.store, scope, 'mine');
    assert.equal(result.version, 1);
    assert.equal(raced.appends(), 1);
    assert.deepEqual(await ringIds(scope), ['mine']);
  });

  it('retries after another writer appended first, deciding again on the state that includes it', async () => {
    const scope = newScope();
    const raced = racedStore(scope, 1, () => 'rival');
    const result = await createRing(raced.store, scope, 'mine');
    assert.equal(raced.appends(), 2);
    assert.equal(result.version, 2);
    assert.deepEqual(await ringIds(scope), ['rival', 'mine']);
    assert.equal(result.state.status, 'HasRings');
    assert.deepEqual(Object.keys(result.state.status === 'HasRings' ? result.state.rings : {}).sort(), [
      'mine',
      'rival',
    ]);
  });

  it('gives up with ConcurrencyError after 4 attempts, appending nothing of its own', async () => {
    const scope = newScope();
    const raced = racedStore(scope, Number.POSITIVE_INFINITY, (n) => `rival-${n}`);
    await assert.rejects(createRing(raced.store, scope, 'mine'), ConcurrencyError);
    assert.equal(raced.appends(), 4);
    assert.deepEqual(await ringIds(scope), ['rival-1', 'rival-2', 'rival-3', 'rival-4']);
  });

  it('surfaces a refusal on the fresh state instead of retrying it', async () => {
    const scope = newScope();
    // The rival creates the very ring this request creates: on the retry the decider refuses it.
    const raced = racedStore(scope, 1, () => 'mine');
    await assert.rejects(
      createRing(raced.store, scope, 'mine'),
      (error: unknown) => error instanceof DomainError && error.code === 'CONFLICT_ERR',
    );
    assert.equal(raced.appends(), 1);
    assert.deepEqual(await ringIds(scope), ['mine']);
  });
});

void describe('handleCommands (one command, several streams)', () => {
  const newScope = (): RequestScope => ({ instanceId: `command-handler-${(instance += 1)}` });

  /** One command creating a ring in each of two instances' streams, through `streamStore`. */
  function createRings(streamStore: EventStore, a: RequestScope, b: RequestScope, ringA: string, ringB: string) {
    const decide = async (scope: RequestScope, keyRingId: string) => {
      const streamId = keyRingsStreamId(scope.instanceId);
      return decideAppend(
        keyRingsAggregate,
        streamId,
        await loadState(streamStore, keyRingsAggregate, streamId),
        { type: 'CreateKeyRing', keyRingId, now: NOW, principalId: 'p' },
        scope,
      );
    };
    return handleCommands(
      streamStore,
      [keyRingsStreamId(a.instanceId), keyRingsStreamId(b.instanceId)],
      async () => [await decide(a, ringA), await decide(b, ringB)] as const,
    );
  }

  it('commits the events of every stream in one append', async () => {
    const [a, b] = [newScope(), newScope()];
    const raced = racedStore(b, 0, () => 'unused');
    const [first, second] = await createRings(raced.store, a, b, 'ring-a', 'ring-b');
    assert.equal(raced.appends(), 1);
    assert.deepEqual([first.version, second.version], [1, 1]);
    assert.deepEqual([await ringIds(a), await ringIds(b)], [['ring-a'], ['ring-b']]);
  });

  it('a refusal on one stream appends nothing on any', async () => {
    const [a, b] = [newScope(), newScope()];
    await createRing(store, b, 'ring-b');
    await assert.rejects(
      createRings(store, a, b, 'ring-a', 'ring-b'),
      (error: unknown) => error instanceof DomainError && error.code === 'CONFLICT_ERR',
    );
    assert.deepEqual([await ringIds(a), await ringIds(b)], [[], ['ring-b']]);
  });

  it('a race on one stream re-decides every stream and commits them together', async () => {
    const [a, b] = [newScope(), newScope()];
    const raced = racedStore(b, 1, () => 'rival');
    const [first, second] = await createRings(raced.store, a, b, 'ring-a', 'ring-b');
    assert.equal(raced.appends(), 2);
    assert.deepEqual([first.version, second.version], [1, 2]);
    assert.deepEqual([await ringIds(a), await ringIds(b)], [['ring-a'], ['rival', 'ring-b']]);
  });
});
