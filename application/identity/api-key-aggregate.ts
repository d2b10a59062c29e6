import {
  apiKeyDecider,
  type ApiKeyCommand,
  type ApiKeyEvent,
  type ApiKeyState,
} from '../../domain/identity/api-key.ts';
import { apiKeyCodec } from '../../events/schemas/identity.ts';
import type { Aggregate } from '../command-handler.ts';

export const apiKeyAggregate: Aggregate<ApiKeyState, ApiKeyCommand, ApiKeyEvent> = {
  decider: apiKeyDecider,
  codec: apiKeyCodec,
  snapshotVersion: 1,
};

/** One stream per API key, named by the key's SHA-256: the key itself is never stored. */
export const apiKeyStreamId = (keyHash: string): string => `apikey:${keyHash}`;
