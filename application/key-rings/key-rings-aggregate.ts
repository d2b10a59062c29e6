import { ApplicationError } from '../errors.ts';
import {
  keyRingExists,
  keyRingsDecider,
  type KeyRingsCommand,
  type KeyRingsEvent,
  type KeyRingsState,
} from '../../domain/key-rings/key-rings.ts';
import { keyRingsCodec } from '../../events/schemas/key-rings.ts';
import { loadState, type Aggregate } from '../command-handler.ts';
import type { AppServices } from '../services.ts';

export const keyRingsAggregate: Aggregate<KeyRingsState, KeyRingsCommand, KeyRingsEvent> = {
  decider: keyRingsDecider,
  codec: keyRingsCodec,
  snapshotVersion: 1,
};

export const keyRingsStreamId = (instanceId: string): string => `key-rings:${instanceId}`;

/** The instance's key rings, from the stream head (O(1)). */
export async function loadKeyRings(services: AppServices, instanceId: string): Promise<KeyRingsState> {
  return (await loadState(services.store, keyRingsAggregate, keyRingsStreamId(instanceId))).state;
}

/** Refuses a ring the instance does not have (404 KEY_RING_NOT_FOUND_ERR); `default` always exists. */
export async function assertKeyRingExists(services: AppServices, instanceId: string, keyRingId: string): Promise<void> {
  if (!keyRingExists(await loadKeyRings(services, instanceId), keyRingId)) {
    throw new ApplicationError('KEY_RING_NOT_FOUND_ERR', `Key ring ${keyRingId} does not exist in this instance`);
  }
}
