import { accessDecider, type AccessCommand, type AccessEvent, type AccessState } from '../../domain/access/bindings.ts';
import { accessCodec } from '../../events/schemas/access.ts';
import type { Aggregate } from '../command-handler.ts';

export const accessAggregate: Aggregate<AccessState, AccessCommand, AccessEvent> = {
  decider: accessDecider,
  codec: accessCodec,
  snapshotVersion: 1,
};

/** One stream of access bindings per instance. */
export const accessStreamId = (instanceId: string): string => `access:${instanceId}`;
