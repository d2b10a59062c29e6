import type { KeyVersion } from '../../domain/keys/events.ts';
import { RECENT_KEY_VERSIONS, type KeyState } from '../../domain/keys/state.ts';
import type { SnapshotShape } from './snapshots.ts';

/**
 * The key state's snapshot shape. 4: the state keeps a count of its versions and the newest ones;
 * older versions are in the key's version index (domain/keys/version-index.ts).
 */
export const keySnapshotShape: SnapshotShape<KeyState> = {
  snapshotVersion: 4,
  upcastSnapshot: upcastKeySnapshot,
};

/**
 * Snapshot 3 held every version of the key (`versions`, oldest first); 4 holds the count and the
 * newest ones. The older versions of such a key are in its stream only, where the version lookups
 * find them (application/keys/key-versions.ts). Absent and purged keys carried no versions and keep their shape.
 */
export function upcastKeySnapshot(snapshotVersion: number, state: unknown): KeyState | undefined {
  if (snapshotVersion !== 3 || typeof state !== 'object' || state === null) return undefined;
  if (!('versions' in state)) return state as KeyState;
  const { versions, ...facts } = state as { versions: readonly KeyVersion[]; status: KeyState['status'] };
  return { ...facts, versionCount: versions.length, recentVersions: versions.slice(-RECENT_KEY_VERSIONS) } as KeyState;
}
