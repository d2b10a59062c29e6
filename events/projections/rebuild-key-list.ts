/**
 * Replays events into a fresh key list (a rebuild from events equals the live model: docs/architecture.md, "Read models and projections").
 * The caller owns where the fresh model lives and how it replaces the live one
 * (server/rebuild-read-models.ts).
 */
import type { KeyListReadModel } from '../../application/ports/key-list.ts';
import type { EventStore } from '../../application/ports/event-store.ts';
import { KEY_LIST_PROJECTION, projectKeyStreams } from './key-list-projection.ts';
import { Projector } from './projector.ts';

interface KeyListReplay {
  /** Key rows written (live keys and tombstones of purged ones). */
  readonly rows: number;
}

/** Hears how far a replay has come: events replayed (change feed) or key streams folded (stream heads). */
export type ReplayProgress = (done: number) => void;

/**
 * From the change feed, from its first position, through the same {@link Projector} pass as the
 * live model (the SQLite global position: it holds every event). `fresh` must be empty.
 */
export async function replayChangeFeed(
  store: EventStore,
  fresh: KeyListReadModel,
  progress?: ReplayProgress,
): Promise<void> {
  if ((await fresh.getCheckpoint(KEY_LIST_PROJECTION)) !== null)
    throw new Error('the key list to rebuild into is not fresh');
  let events = 0;
  const projector = new Projector(
    store,
    fresh,
    () => undefined,
    (n) => progress?.((events += n)),
  );
  await projector.catchUp();
}

/**
 * From stream heads (stream id -> version, in pages): each key stream is folded from its first
 * event up to its head. For stores whose change feed does not reach back to the first event
 * (DynamoDB Streams keeps 24 hours). The rows carry `checkpoint`; nothing compares it there.
 */
export async function replayKeyStreams(
  store: EventStore,
  fresh: KeyListReadModel,
  heads: AsyncIterable<ReadonlyMap<string, number>>,
  checkpoint: string,
  progress?: ReplayProgress,
): Promise<KeyListReplay> {
  let rows = 0;
  for await (const page of heads) {
    const { upserts, deletes } = await projectKeyStreams(store, page);
    await fresh.applyBatch(KEY_LIST_PROJECTION, checkpoint, upserts, deletes);
    rows += upserts.length + deletes.length;
    progress?.(rows);
  }
  return { rows };
}
