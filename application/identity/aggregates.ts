import { apiKeyDecider, type ApiKeyCommand, type ApiKeyEvent, type ApiKeyState } from '../../domain/identity/api-key.ts';
import { instanceDecider, type InstanceCommand, type InstanceEvent, type InstanceState } from '../../domain/identity/instance.ts';
import { principalDecider, type PrincipalCommand, type PrincipalEvent, type PrincipalState } from '../../domain/identity/principal.ts';
import { apiKeyCodec, instanceCodec, principalCodec } from '../../events/schemas/identity.ts';
import type { Aggregate } from '../command-handler.ts';

export const principalAggregate: Aggregate<PrincipalState, PrincipalCommand, PrincipalEvent> = {
  decider: principalDecider, codec: principalCodec, snapshotVersion: 1,
};
export const apiKeyAggregate: Aggregate<ApiKeyState, ApiKeyCommand, ApiKeyEvent> = {
  decider: apiKeyDecider, codec: apiKeyCodec, snapshotVersion: 1,
};
export const instanceAggregate: Aggregate<InstanceState, InstanceCommand, InstanceEvent> = {
  decider: instanceDecider, codec: instanceCodec, snapshotVersion: 1,
};

export const principalStreamId = (principalId: string): string => `principal:${principalId}`;
export const apiKeyStreamId = (keyHash: string): string => `apikey:${keyHash}`;
export const instanceStreamId = (instanceId: string): string => `instance:${instanceId}`;
