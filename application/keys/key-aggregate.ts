import { keyDecider } from '../../domain/keys/decider.ts';
import type { KeyCommand } from '../../domain/keys/commands.ts';
import type { KeyEvent } from '../../domain/keys/events.ts';
import type { KeyState } from '../../domain/keys/state.ts';
import { keySnapshotShape } from '../../events/schemas/key-snapshot.ts';
import { decodeKeyEvent, encodeKeyEvent } from '../../events/schemas/keys.ts';
import type { Aggregate } from '../command-handler.ts';
import { keyVersionIndexAppends } from './key-version-index.ts';

export const keyAggregate: Aggregate<KeyState, KeyCommand, KeyEvent> = {
  decider: keyDecider,
  codec: { encode: encodeKeyEvent, decode: decodeKeyEvent },
  ...keySnapshotShape,
  indexAppends: keyVersionIndexAppends,
};

export function keyStreamId(keyId: string): string {
  return `key:${keyId}`;
}
