import { DEFAULT_KEY_RING } from '../../domain/key-rings/key-rings.ts';
import { handleCommand, loadState, type RequestScope } from '../command-handler.ts';
import { keyAggregate, keyStreamId } from '../keys/key-aggregate.ts';
import type { AppServices } from '../services.ts';
import { keyRingsAggregate, keyRingsStreamId } from './key-rings-aggregate.ts';

/** Key Protect's live states (every state but Destroyed). */
const LIVE_STATES = [0, 1, 2, 3];
const DESTROYED = [5];
const PAGE = 1000;

/**
 * Deletes a key ring (DELETE /key_rings/{id}[?force=true]). The keys in it are counted from the
 * key-list read model after catching it up. With force, the Destroyed keys left in the ring move
 * to `default` first (each key's own KeyMovedToKeyRing), then the ring is deleted. A key created
 * into the ring between the count and the delete is not seen (documented in the README).
 */
export async function deleteKeyRing(
  services: AppServices,
  scope: RequestScope,
  principalId: string,
  keyRingId: string,
  force: boolean,
): Promise<void> {
  await services.catchUpReadModels();
  const { instanceId } = scope;
  const now = () => services.now().toISOString();
  const liveKeys = await services.keyList.count({ instanceId, keyRingIds: [keyRingId], states: LIVE_STATES });
  const destroyed: string[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const rows = await services.keyList.list({
      instanceId,
      keyRingIds: [keyRingId],
      states: DESTROYED,
      limit: PAGE,
      offset,
    });
    destroyed.push(...rows.map((r) => r.keyId));
    if (rows.length < PAGE) break;
  }
  const command = {
    type: 'DeleteKeyRing',
    keyRingId,
    force,
    liveKeys,
    destroyedKeys: destroyed.length,
    principalId,
  } as const;
  // Ask the decider before moving anything: a refused delete moves no key.
  const { state } = await loadState(services.store, keyRingsAggregate, keyRingsStreamId(instanceId));
  keyRingsAggregate.decider.decide({ ...command, now: now() }, state);
  for (const keyId of destroyed) {
    await handleCommand(
      services.store,
      keyAggregate,
      keyStreamId(keyId),
      {
        type: 'MoveKeyToKeyRing',
        keyId,
        keyRingId: DEFAULT_KEY_RING,
        ringDeleted: true,
        now: now(),
        principalId,
        settings: services.settings,
      },
      scope,
    );
  }
  await handleCommand(
    services.store,
    keyRingsAggregate,
    keyRingsStreamId(instanceId),
    { ...command, now: now() },
    scope,
  );
}
