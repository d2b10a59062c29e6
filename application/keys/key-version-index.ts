import type { KeyEvent, KeyVersion } from '../../domain/keys/events.ts';
import { isExisting, type KeyState } from '../../domain/keys/state.ts';
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

/** The stream of one page of a key's version index (domain/keys/version-index.ts). */
export const keyVersionIndexStreamId = (keyId: string, page: number): string => `keyVersions:${keyId}:${page}`;

/** The version a key event adds (and the key's id), if any. */
function addedVersion(event: KeyEvent, before: KeyState): { keyId: string; version: KeyVersion } | undefined {
  if (event.type === 'KeyCreated' || event.type === 'KeyImported') {
    return { keyId: event.data.keyId, version: event.data.version };
  }
  if (event.type === 'KeyVersionRotated' && isExisting(before))
    return { keyId: before.keyId, version: event.data.version };
  return undefined;
}

/**
 * The index appends of a key command's events: each version they add goes to its index page, at the
 * ordinal that follows the key's version count before them. The key's own append is in the same commit.
 */
export async function keyVersionIndexAppends(
  store: EventStore,
  before: KeyState,
  events: readonly KeyEvent[],
  scope: RequestScope,
): Promise<StreamAppend[]> {
  let ordinal = isExisting(before) ? before.versionCount : 0;
  const commands: IndexKeyVersion[] = [];
  for (const event of events) {
    const added = addedVersion(event, before);
    if (added === undefined) continue;
    ordinal += 1;
    commands.push({
      type: 'IndexKeyVersion',
      ...added,
      ordinal,
      now: event.meta.time,
      principalId: event.meta.principalId,
    });
  }
  const appends: StreamAppend[] = [];
  for (const command of commands) {
    const streamId = keyVersionIndexStreamId(command.keyId, indexPageOf(command.ordinal));
    if (appends.some((a) => a.streamId === streamId))
      throw new Error('invariant: a key command adds one version at most');
    const page = await loadState(store, keyVersionIndexAggregate, streamId);
    // Another writer's rotation committed between our read of the key and of its page: the key's own
    // append would fail its expected version, so fail now the same way and let the handler re-decide.
    if (page.state.lastOrdinal >= command.ordinal) throw new ConcurrencyError(streamId, page.version);
    const decision = decideAppend(keyVersionIndexAggregate, streamId, page, command, scope);
    if (decision.append) appends.push(decision.append);
  }
  return appends;
}
