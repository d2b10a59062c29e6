import {
  apiKeyDecider,
  type ApiKeyCommand,
  type ApiKeyEvent,
  type ApiKeyState,
} from '../../domain/identity/api-key.ts';
import {
  instanceDecider,
  type InstanceCommand,
  type InstanceEvent,
  type InstanceState,
} from '../../domain/identity/instance.ts';
import {
  principalDecider,
  type PrincipalCommand,
  type PrincipalEvent,
  type PrincipalState,
} from '../../domain/identity/principal.ts';
import {
  signingKeysDecider,
  type SigningKeysCommand,
  type SigningKeysEvent,
  type SigningKeysState,
} from '../../domain/identity/signing-keys.ts';
import { apiKeyCodec, instanceCodec, principalCodec, signingKeysCodec } from '../../events/schemas/identity.ts';
import type { Aggregate } from '../command-handler.ts';

export const principalAggregate: Aggregate<PrincipalState, PrincipalCommand, PrincipalEvent> = {
  decider: principalDecider,
  codec: principalCodec,
  snapshotVersion: 2,
};
export const apiKeyAggregate: Aggregate<ApiKeyState, ApiKeyCommand, ApiKeyEvent> = {
  decider: apiKeyDecider,
  codec: apiKeyCodec,
  snapshotVersion: 1,
};
export const instanceAggregate: Aggregate<InstanceState, InstanceCommand, InstanceEvent> = {
  decider: instanceDecider,
  codec: instanceCodec,
  snapshotVersion: 1,
};

export const signingKeysAggregate: Aggregate<SigningKeysState, SigningKeysCommand, SigningKeysEvent> = {
  decider: signingKeysDecider,
  codec: signingKeysCodec,
  snapshotVersion: 1,
};

export const principalStreamId = (principalId: string): string => `principal:${principalId}`;
export const apiKeyStreamId = (keyHash: string): string => `apikey:${keyHash}`;
export const instanceStreamId = (instanceId: string): string => `instance:${instanceId}`;
/** The service's token-signing keys: one stream. */
export const SIGNING_KEYS_STREAM = 'token-signing-keys';
