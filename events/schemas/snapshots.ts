import type { StreamHead } from '../../application/ports/event-store.ts';

/**
 * How an aggregate's state is kept on its stream head (the store holds it opaque): the state and the
 * version of its shape. The command handler writes and reads it (application/command-handler.ts), and
 * the key-list projection reads key states from it instead of replaying a key's whole stream.
 */
export interface Snapshot {
  readonly v: number;
  readonly state: unknown;
}

/**
 * A snapshot's shape: the version written now (bumped whenever State's shape changes), and how to lift an
 * older one; a snapshot that cannot be lifted is ignored and the stream replayed.
 */
export interface SnapshotShape<State> {
  readonly snapshotVersion: number;
  readonly upcastSnapshot?: ((snapshotVersion: number, state: unknown) => State | undefined) | undefined;
}

export function snapshotOf(shape: SnapshotShape<unknown>, state: unknown): Snapshot {
  return { v: shape.snapshotVersion, state };
}

function isSnapshot(value: unknown): value is Snapshot {
  return typeof value === 'object' && value !== null && 'v' in value && 'state' in value;
}

/** The state a head's snapshot holds and the stream version it was taken at, or null when there is none usable. */
export function snapshotState<State>(
  head: StreamHead,
  shape: SnapshotShape<State>,
): { state: State; version: number } | null {
  if (!isSnapshot(head.snapshot) || head.snapshotVersion === undefined) return null;
  const state =
    head.snapshot.v === shape.snapshotVersion
      ? (head.snapshot.state as State)
      : shape.upcastSnapshot?.(head.snapshot.v, head.snapshot.state);
  return state === undefined ? null : { state, version: head.snapshotVersion };
}
