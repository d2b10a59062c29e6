import {
  principalDecider,
  type PrincipalCommand,
  type PrincipalEvent,
  type PrincipalState,
} from '../../domain/identity/principal.ts';
import { principalCodec } from '../../events/schemas/identity.ts';
import type { Aggregate } from '../command-handler.ts';

export const principalAggregate: Aggregate<PrincipalState, PrincipalCommand, PrincipalEvent> = {
  decider: principalDecider,
  codec: principalCodec,
  snapshotVersion: 2,
};

export const principalStreamId = (principalId: string): string => `principal:${principalId}`;
