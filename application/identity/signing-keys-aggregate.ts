import {
  signingKeysDecider,
  type SigningKeysCommand,
  type SigningKeysEvent,
  type SigningKeysState,
} from '../../domain/identity/signing-keys.ts';
import { signingKeysCodec } from '../../events/schemas/identity.ts';
import type { Aggregate } from '../command-handler.ts';

export const signingKeysAggregate: Aggregate<SigningKeysState, SigningKeysCommand, SigningKeysEvent> = {
  decider: signingKeysDecider,
  codec: signingKeysCodec,
  snapshotVersion: 1,
};

/** The service's token-signing keys: one stream. */
export const SIGNING_KEYS_STREAM = 'token-signing-keys';
