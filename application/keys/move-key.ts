import type { ExistingKey } from '../../domain/keys/state.ts';
import type { RequestScope } from '../command-handler.ts';
import { assertKeyRingExists } from '../key-rings/key-rings-aggregate.ts';
import type { AppServices } from '../services.ts';
import { existingAfter, runKeyCommand } from './key-command.ts';

/** Moves a key to another key ring of its instance (PATCH /keys/{id} `{keyRingID}`); the ring must exist (404 KEY_RING_NOT_FOUND_ERR). */
export async function moveKey(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  id: string,
  keyRingId: string,
): Promise<ExistingKey> {
  await assertKeyRingExists(services, scope.instanceId, keyRingId);
  return existingAfter(
    await runKeyCommand(services, scope, principalId, id, (c) => ({ type: 'MoveKeyToKeyRing', ...c, keyRingId })),
  );
}
