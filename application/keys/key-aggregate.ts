import { keyDecider } from '../../domain/keys/decider.ts';
import type { KeyCommand } from '../../domain/keys/commands.ts';
import type { KeyEvent, KeyVersion } from '../../domain/keys/events.ts';
import { RECENT_KEY_VERSIONS, type KeyState } from '../../domain/keys/state.ts';
import { decodeKeyEvent, encodeKeyEvent } from '../../events/schemas/keys.ts';
import type { Aggregate } from '../command-handler.ts';
import { keyVersionIndexAppends } from './key-version-index.ts';

export const keyAggregate: Aggregate<KeyState, KeyCommand, KeyEvent> = {
  decider: keyDecider,
  codec: { encode: encodeKeyEvent, decode: decodeKeyEvent },
  // 4: the state keeps its newest versions and a count; older versions are in the version index.
  snapshotVersion: 4,
  upcastSnapshot: upcastKeySnapshot,
  indexAppends: keyVersionIndexAppends,
};

/**
 * Snapshot 3 held every version of the key (`versions`, oldest first); 4 holds the count and the
 * newest ones. The older versions of such a key are in its stream only, where the version lookups
 * find them (key-versions.ts). Absent and purged keys carried no versions and keep their shape.
 */
export function upcastKeySnapshot(snapshotVersion: number, state: unknown): KeyState | undefined {
  if (snapshotVersion !== 3 || typeof state !== 'object' || state === null) return undefined;
  if (!('versions' in state)) return state as KeyState;
  const { versions, ...facts } = state as { versions: readonly KeyVersion[]; status: KeyState['status'] };
  return { ...facts, versionCount: versions.length, recentVersions: versions.slice(-RECENT_KEY_VERSIONS) } as KeyState;
}

export function keyStreamId(keyId: string): string {
  return `key:${keyId}`;
}
