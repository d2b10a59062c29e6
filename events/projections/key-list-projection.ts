import { keyDecider } from '../../domain/keys/decider.ts';
import { listedKey } from '../../domain/keys/key-listing.ts';
import { keyMetadata } from '../../domain/keys/key-protect-view.ts';
import { keySchedule } from '../../domain/keys/schedule.ts';
import { isExisting, type KeyState } from '../../domain/keys/state.ts';
import type { KeyRemoval, KeySummaryRow } from '../../application/ports/key-list.ts';
import { keySnapshotShape } from '../schemas/key-snapshot.ts';
import { decodeKeyEvent } from '../schemas/keys.ts';
import { snapshotState } from '../schemas/snapshots.ts';
import type { EventStore, StoredEvent } from '../../application/ports/event-store.ts';

export const KEY_LIST_PROJECTION = 'key-list';
const KEY_STREAM = /^key:(.+)$/;

interface KeyListChanges {
  readonly upserts: KeySummaryRow[];
  readonly deletes: KeyRemoval[];
}

/** The key-list row for a key state at stream version `version` (a purged key is a removal). */
function keyListChange(state: KeyState, version: number): { upsert: KeySummaryRow } | { delete: KeyRemoval } | null {
  if (state.status === 'Purged')
    return { delete: { instanceId: state.instanceId, keyId: state.keyId, lastVersion: version } };
  if (!isExisting(state)) return null;
  const schedule = keySchedule(state);
  return {
    upsert: {
      ...listedKey(state),
      instanceId: state.instanceId,
      keyRingId: state.keyRingId,
      lastVersion: version,
      document: keyMetadata(state),
      ...(Object.keys(schedule).length > 0 ? { schedule } : {}),
    },
  };
}

/**
 * What a batch of the change feed changes in the key list. For each key stream touched it folds
 * the stream up to the newest version in the batch, so a row always reflects a whole prefix of
 * its stream, whatever order or duplication the feed delivered (idempotent: docs/architecture.md, "Read models and projections").
 */
export async function projectKeyList(store: EventStore, batch: readonly StoredEvent[]): Promise<KeyListChanges> {
  const newest = new Map<string, number>();
  for (const event of batch) {
    if (!isKeyStream(event.streamId)) continue;
    newest.set(event.streamId, Math.max(newest.get(event.streamId) ?? 0, event.version));
  }
  return projectKeyStreams(store, newest);
}

/** Whether `streamId` is a key's stream (`key:<keyId>`), the only streams the key list reads. */
function isKeyStream(streamId: string): boolean {
  return KEY_STREAM.test(streamId);
}

/**
 * The key-list rows of the given key streams, each at least at the given version. The live projection
 * calls it with the newest version of each stream a batch touched; a rebuild
 * (events/projections/rebuild-key-list.ts) with stream heads. A key's state is its head's snapshot plus
 * the events after it (normally none), as the command handler loads it, so a key rotated 10,000 times
 * costs one head read, not 10,000 events per change. The row is then at the head's version, which may be
 * past the one asked for: still a whole prefix of the stream, and the key list keeps only the newest
 * row. A head without a usable snapshot is replayed from the first event up to the version asked for.
 */
export async function projectKeyStreams(
  store: EventStore,
  newest: ReadonlyMap<string, number>,
): Promise<KeyListChanges> {
  const upserts: KeySummaryRow[] = [];
  const deletes: KeyRemoval[] = [];
  for (const [streamId, version] of newest) {
    const head = await store.readHead(streamId);
    const snapshot = head && head.version >= version ? snapshotState(head, keySnapshotShape) : null;
    const to = snapshot && head ? head.version : version;
    const events = (await store.readStream(streamId, snapshot ? snapshot.version + 1 : 1)).filter(
      (e) => e.version <= to,
    );
    const state = events.reduce(
      (s, e) => keyDecider.evolve(s, decodeKeyEvent(e)),
      snapshot?.state ?? keyDecider.initialState(),
    );
    const change = keyListChange(state, to);
    if (change && 'upsert' in change) upserts.push(change.upsert);
    else if (change) deletes.push(change.delete);
  }
  return { upserts, deletes };
}
