import { keyDecider } from '../../domain/keys/decider.ts';
import type { KeyCommand } from '../../domain/keys/commands.ts';
import type { KeyEvent } from '../../domain/keys/events.ts';
import type { KeyState } from '../../domain/keys/state.ts';
import { decodeKeyEvent, encodeKeyEvent } from '../../events/schemas/keys.ts';
import type { Aggregate } from '../command-handler.ts';
import { keyVersionIndexAppends } from './key-version-index.ts';

export const keyAggregate: Aggregate<KeyState, KeyCommand, KeyEvent> = {
  decider: keyDecider,
  codec: { encode: encodeKeyEvent, decode: decodeKeyEvent },
  // 4: the state keeps its newest versions and a count; older versions are in the version index.
  snapshotVersion: 4,
  indexAppends: keyVersionIndexAppends,
};

export function keyStreamId(keyId: string): string {
  return `key:${keyId}`;
}
