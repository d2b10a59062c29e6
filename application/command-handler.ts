import type { Decider } from '../domain/decider.ts';
import type { EventStamp } from '../domain/keys/events.ts';
import { snapshotOf, snapshotState, type SnapshotShape } from '../events/schemas/snapshots.ts';
import {
  ConcurrencyError,
  type EventStore,
  type NewEvent,
  type StoredEvent,
  type StreamAppend,
} from './ports/event-store.ts';

/** Turns an aggregate's domain events into stored events and back (schemas, versions, upcasting). */
interface EventCodec<Event> {
  encode(event: Event): { type: string; schemaVersion: number; data: unknown };
  decode(stored: StoredEvent): Event;
}

export interface Aggregate<State, Command, Event extends { meta: EventStamp }> extends SnapshotShape<State> {
  readonly decider: Decider<State, Command, Event>;
  readonly codec: EventCodec<Event>;
  /**
   * Appends to other streams that index this aggregate's events (the key version index), committed
   * atomically with them: given the state the events were decided on and the events.
   */
  readonly indexAppends?: (
    store: EventStore,
    before: State,
    events: readonly Event[],
    scope: RequestScope,
  ) => Promise<StreamAppend[]>;
}

/**
 * The request (or service action) a command runs for. Every event it appends carries these in its
 * meta, so the events themselves are the durable record that the change happened on behalf of this
 * request: after a crash between the append and the audit record, the audit reconciler writes the
 * missing record from them (application/audit/reconcile-audit-trail.ts).
 */
export interface RequestScope {
  /** The instance the events belong to; `*` for service-wide streams (principals, signing keys). */
  readonly instanceId: string;
  readonly requestId?: string | undefined;
  readonly correlationId?: string | undefined;
  /** The audit operation name of the request (`createKey`, `admin.grantAccess`, `scheduler.rotation`, ...). */
  readonly operation?: string | undefined;
  readonly sourceIp?: string | undefined;
}

/** The instance id of service-wide streams' events (principals, API keys, token-signing keys). */
export const SERVICE_SCOPE_ID = '*';

/**
 * Current state of a stream: the head's snapshot plus any events after it (normally none), so
 * no request replays a whole stream (docs/decisions/0001-event-sourcing.md).
 */
export async function loadState<S, C, E extends { meta: EventStamp }>(
  store: EventStore,
  aggregate: Aggregate<S, C, E>,
  streamId: string,
): Promise<{ state: S; version: number }> {
  const head = await store.readHead(streamId);
  if (!head) return { state: aggregate.decider.initialState(), version: 0 };
  let state = aggregate.decider.initialState();
  let from = 1;
  const snapshot = snapshotState(head, aggregate);
  if (snapshot) {
    state = snapshot.state;
    from = snapshot.version + 1;
  }
  if (from <= head.version) {
    const events = await store.readStream(streamId, from);
    state = events.reduce((s, e) => aggregate.decider.evolve(s, aggregate.codec.decode(e)), state);
  }
  return { state, version: head.version };
}

/** What a command decided for one stream: the append to make (null when nothing changes) and the new state. */
export interface Decision<S, E> {
  readonly append: StreamAppend | null;
  readonly state: S;
  readonly events: E[];
  readonly version: number;
  /** The aggregate's index appends for these events (Aggregate.indexAppends), committed with `append`. */
  readonly indexAppends?: ((store: EventStore) => Promise<StreamAppend[]>) | undefined;
}

/** Decides `command` against a loaded stream and prepares its append (events, expected version, snapshot). */
export function decideAppend<S, C, E extends { meta: EventStamp }>(
  aggregate: Aggregate<S, C, E>,
  streamId: string,
  loaded: { state: S; version: number },
  command: C,
  scope: RequestScope,
): Decision<S, E> {
  return decideAppends(aggregate, streamId, loaded, [command], scope);
}

/**
 * Decides `commands` one after another against a loaded stream (each sees the events of those before it)
 * and prepares their one append: a key created with its aliases is KeyCreated then AliasAdded, AliasAdded.
 */
export function decideAppends<S, C, E extends { meta: EventStamp }>(
  aggregate: Aggregate<S, C, E>,
  streamId: string,
  loaded: { state: S; version: number },
  commands: readonly C[],
  scope: RequestScope,
): Decision<S, E> {
  let state = loaded.state;
  const events: E[] = [];
  for (const command of commands) {
    const decided = aggregate.decider.decide(command, state);
    state = decided.reduce((s, e) => aggregate.decider.evolve(s, e), state);
    events.push(...decided);
  }
  if (events.length === 0) return { append: null, state, events, version: loaded.version };
  const newEvents: NewEvent[] = events.map((e) => ({
    ...aggregate.codec.encode(e),
    meta: {
      time: e.meta.time,
      principalId: e.meta.principalId,
      instanceId: scope.instanceId,
      requestId: scope.requestId,
      correlationId: scope.correlationId,
      operation: scope.operation,
      sourceIp: scope.sourceIp,
    },
  }));
  return {
    append: {
      streamId,
      expectedVersion: loaded.version,
      events: newEvents,
      snapshot: snapshotOf(aggregate, state),
    },
    state,
    events,
    version: loaded.version + events.length,
    indexAppends: aggregate.indexAppends && ((store) => aggregate.indexAppends!(store, loaded.state, events, scope)),
  };
}

const MAX_ATTEMPTS = 4;

/**
 * The one generic command handler: read -> decide -> append with the expected version, with a
 * bounded retry when another writer got there first. `decide` may be called more than once.
 */
export async function handleCommand<S, C, E extends { meta: EventStamp }>(
  store: EventStore,
  aggregate: Aggregate<S, C, E>,
  streamId: string,
  command: C,
  scope: RequestScope,
): Promise<{ state: S; events: E[]; version: number }> {
  const [decision] = await handleCommands(store, [streamId], async () => [
    decideAppend(aggregate, streamId, await loadState(store, aggregate, streamId), command, scope),
  ]);
  return decision;
}

/**
 * The command handler of a command that spans several streams (a key and the alias index streams its
 * aliases claim, a principal and its API keys): `decide` loads what it needs and decides each stream
 * (decideAppend), and all their appends commit in ONE atomic append, or none does. A ConcurrencyError on
 * any of them re-runs `decide` on fresh state, up to the same bounded attempts as handleCommand; a
 * refusal thrown by any decider refuses the whole command. Commands of this process on any of
 * `streamIds` (the streams it writes that are known up front) run one after another.
 */
export async function handleCommands<T extends readonly Pick<Decision<unknown, unknown>, 'append' | 'indexAppends'>[]>(
  store: EventStore,
  streamIds: readonly string[],
  decide: () => Promise<T>,
): Promise<T> {
  return oneAtATime(store, streamIds, async () => {
    for (let attempt = 1; ; attempt++) {
      const decisions = await decide();
      const appends = decisions.flatMap((d) => (d.append ? [d.append] : []));
      if (appends.length === 0) return decisions;
      try {
        const indexes = await Promise.all(decisions.map((d) => d.indexAppends?.(store) ?? Promise.resolve([])));
        await store.append([...appends, ...indexes.flat()]);
        return decisions;
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  });
}

/** Per store, the last command queued on each stream (removed once the stream's queue is empty). */
const streamQueues = new WeakMap<EventStore, Map<string, Promise<unknown>>>();

/**
 * Runs the commands of one process on one stream one after another. Commands made together would
 * otherwise all load the same version, and all but one would lose their append and retry, over and
 * over: with many of them (24 grants on one instance) some ran out of attempts and answered 409
 * although nothing else was writing. Other processes (a second server on the same DynamoDB tables,
 * Lambda) still meet at the append's expected version, and the retry loop handles them. A command on
 * several streams waits for the commands before it on each of them, and those after it on any of
 * them wait for it; queues are joined in one synchronous step, so they cannot wait for each other in a cycle.
 */
async function oneAtATime<T>(store: EventStore, streamIds: readonly string[], work: () => Promise<T>): Promise<T> {
  let queues = streamQueues.get(store);
  if (queues === undefined) {
    queues = new Map();
    streamQueues.set(store, queues);
  }
  const ids = [...new Set(streamIds)];
  const previous = Promise.all(ids.map((id) => queues.get(id) ?? Promise.resolve()));
  const run = previous.then(work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  for (const id of ids) queues.set(id, tail);
  try {
    return await run;
  } finally {
    for (const id of ids) if (queues.get(id) === tail) queues.delete(id);
  }
}
