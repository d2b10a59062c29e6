import type { KeyRing } from '../../domain/key-rings/key-rings.ts';
import { handleCommand, type RequestScope } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { keyRingsAggregate, keyRingsStreamId } from './key-rings-aggregate.ts';

/** Creates a key ring (POST /key_rings/{id}). */
export async function createKeyRing(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  keyRingId: string,
): Promise<KeyRing> {
  const { state } = await handleCommand(
    services.store,
    keyRingsAggregate,
    keyRingsStreamId(scope.instanceId),
    {
      type: 'CreateKeyRing',
      keyRingId,
      now: services.now().toISOString(),
      principalId,
    },
    scope,
  );
  const ring = state.status === 'HasRings' ? state.rings[keyRingId] : undefined;
  if (!ring) throw new Error('invariant: a created key ring exists');
  return ring;
}
