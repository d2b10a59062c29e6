import type { Decider } from '../decider.ts';
import type { EventStamp, KeyVersion } from './events.ts';

/**
 * A key's version index: the versions its state no longer keeps (state.ts keeps the newest ten), each
 * by its ordinal (1 = the version the key was created with), in pages of {@link VERSIONS_PER_INDEX_PAGE}
 * consecutive ordinals, one stream per page, and by its id, one stream per version. When a rotation
 * pushes the oldest kept version out of the key's state, the application appends that version's
 * KeyVersionIndexed to its page and to its own stream in the same atomic commit as the
 * KeyVersionRotated, so the key's state and its snapshot stay small however long its history: an
 * older version's material (to unwrap a ciphertext that names it) is one read of its own stream, and
 * a page of the version list one read per index page it reaches.
 *
 * Keys rotated past ten versions before the index existed have those versions in their own stream
 * only; the index then starts at the first version pushed out after it came (application/keys/key-versions.ts).
 */
export const VERSIONS_PER_INDEX_PAGE = 200;

/** The index page that holds a version's ordinal: 0 for ordinals 1..200, 1 for 201..400, ... */
export function indexPageOf(ordinal: number): number {
  return Math.floor((ordinal - 1) / VERSIONS_PER_INDEX_PAGE);
}

/** One index page: how many versions it holds and the last ordinal it took. */
export interface KeyVersionIndexState {
  readonly count: number;
  readonly lastOrdinal: number;
}

export interface IndexKeyVersion {
  readonly type: 'IndexKeyVersion';
  readonly keyId: string;
  readonly ordinal: number;
  readonly version: KeyVersion;
  readonly now: string;
  readonly principalId: string;
}

export interface KeyVersionIndexed {
  readonly type: 'KeyVersionIndexed';
  readonly data: { readonly keyId: string; readonly ordinal: number; readonly version: KeyVersion };
  readonly meta: EventStamp;
}

/** A page takes the ordinals of its range in increasing order; the key stream's expected version already orders them. */
export const keyVersionIndexDecider: Decider<KeyVersionIndexState, IndexKeyVersion, KeyVersionIndexed> = {
  initialState: () => ({ count: 0, lastOrdinal: 0 }),
  decide(command, state) {
    if (command.ordinal <= state.lastOrdinal) {
      throw new Error(`invariant: version ${command.ordinal} of key ${command.keyId} is indexed already`);
    }
    if (state.count > 0 && indexPageOf(command.ordinal) !== indexPageOf(state.lastOrdinal)) {
      throw new Error(`invariant: version ${command.ordinal} of key ${command.keyId} belongs to another index page`);
    }
    return [
      {
        type: 'KeyVersionIndexed',
        data: { keyId: command.keyId, ordinal: command.ordinal, version: command.version },
        meta: { time: command.now, principalId: command.principalId },
      },
    ];
  },
  evolve(state, event) {
    return { count: state.count + 1, lastOrdinal: event.data.ordinal };
  },
};
