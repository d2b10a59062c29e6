import {
  instanceDecider,
  type InstanceCommand,
  type InstanceEvent,
  type InstanceState,
} from '../../domain/identity/instance.ts';
import { instanceCodec } from '../../events/schemas/identity.ts';
import type { Aggregate } from '../command-handler.ts';

export const instanceAggregate: Aggregate<InstanceState, InstanceCommand, InstanceEvent> = {
  decider: instanceDecider,
  codec: instanceCodec,
  snapshotVersion: 1,
};

export const instanceStreamId = (instanceId: string): string => `instance:${instanceId}`;
