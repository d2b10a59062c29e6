import { keyDecider } from '../../domain/keys/decider.ts';
import type { KeyCommand } from '../../domain/keys/commands.ts';
import type { KeyEvent } from '../../domain/keys/events.ts';
import type { KeyState } from '../../domain/keys/state.ts';
import { decodeKeyEvent, encodeKeyEvent } from '../../events/schemas/keys.ts';
import type { Aggregate } from '../command-handler.ts';

export const keyAggregate: Aggregate<KeyState, KeyCommand, KeyEvent> = {
  decider: keyDecider,
  codec: { encode: encodeKeyEvent, decode: decodeKeyEvent },
  snapshotVersion: 3,
};

export function keyStreamId(keyId: string): string {
  return `key:${keyId}`;
}
