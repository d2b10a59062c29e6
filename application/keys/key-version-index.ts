import type { KeyEvent } from '../../domain/keys/events.ts';
import { RECENT_KEY_VERSIONS, isExisting, type KeyState } from '../../domain/keys/state.ts';
import {
  indexPageOf,
  keyVersionIndexDecider,
  type IndexKeyVersion,
  type KeyVersionIndexed,
  type KeyVersionIndexState,
} from '../../domain/keys/version-index.ts';
import { keyVersionIndexCodec } from '../../events/schemas/key-version-index.ts';
import { decideAppend, loadState, type Aggregate, type RequestScope } from '../command-handler.ts';
import { ConcurrencyError, type EventStore, type StreamAppend } from '../ports/event-store.ts';

export const keyVersionIndexAggregate: Aggregate<KeyVersionIndexState, IndexKeyVersion, KeyVersionIndexed> = {
  decider: keyVersionIndexDecider,
  codec: keyVersionIndexCodec,
  snapshotVersion: 1,
};

/** The stream of one page of a key's version index (domain/keys/version-index.ts): listing reads these. */
export const keyVersionIndexStreamId = (keyId: string, page: number): string => `keyVersions:${keyId}:${page}`;

/** The stream of one indexed version, by its id: unwrap reads this one when a ciphertext names the version. */
export const keyVersionStreamId = (keyId: string, versionId: string): string => `keyVersion:${keyId}:${versionId}`;

/**
 * The index appends of a key command's events: a rotation of a key whose state is full
 * ({@link RECENT_KEY_VERSIONS} versions) pushes its oldest kept version out of the state, and that
 * version goes, in the same commit, to its index page and to a stream of its own (named by its id,
 * which must not exist yet). So the index holds exactly the versions the state
 * no longer keeps (ordinals 1 up to the oldest kept, but for those of a key older than the index), and a
 * key that never rotated that often (every standard key) has none.
 */
export async function keyVersionIndexAppends(
  store: EventStore,
  before: KeyState,
  events: readonly KeyEvent[],
  scope: RequestScope,
): Promise<StreamAppend[]> {
  const rotations = events.filter((e) => e.type === 'KeyVersionRotated');
  if (rotations.length > 1) throw new Error('invariant: a key command adds one version at most');
  const [rotation] = rotations;
  const evicted = isExisting(before) ? before.recentVersions[0] : undefined;
  if (!rotation || !isExisting(before) || !evicted || before.recentVersions.length < RECENT_KEY_VERSIONS) return [];
  const command: IndexKeyVersion = {
    type: 'IndexKeyVersion',
    keyId: before.keyId,
    ordinal: before.versionCount - before.recentVersions.length + 1,
    version: evicted,
    now: rotation.meta.time,
    principalId: rotation.meta.principalId,
  };
  const streamId = keyVersionIndexStreamId(command.keyId, indexPageOf(command.ordinal));
  const page = await loadState(store, keyVersionIndexAggregate, streamId);
  // Another writer's rotation committed between our read of the key and of its page: the key's own
  // append would fail its expected version, so fail now the same way and let the handler re-decide.
  if (page.state.lastOrdinal >= command.ordinal) throw new ConcurrencyError(streamId, page.version);
  const byPage = decideAppend(keyVersionIndexAggregate, streamId, page, command, scope).append;
  const initial = { state: keyVersionIndexAggregate.decider.initialState(), version: 0 };
  const byId = decideAppend(
    keyVersionIndexAggregate,
    keyVersionStreamId(command.keyId, evicted.id),
    initial,
    command,
    scope,
  ).append;
  return [byPage, byId].filter((a) => a !== null);
}
