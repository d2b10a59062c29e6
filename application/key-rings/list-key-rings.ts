import { DEFAULT_KEY_RING, type KeyRing } from '../../domain/key-rings/key-rings.ts';
import type { AppServices } from '../services.ts';
import { loadKeyRings } from './key-rings-aggregate.ts';

/**
 * The instance's key rings, `default` first. The default ring has no creation event: it is dated
 * by the instance's first ring event or, failing that, reported without a creation date.
 */
export async function listKeyRings(services: AppServices, instanceId: string): Promise<KeyRing[]> {
  const state = await loadKeyRings(services, instanceId);
  const rings = state.status === 'HasRings' ? Object.values(state.rings) : [];
  rings.sort((a, b) => a.creationDate.localeCompare(b.creationDate) || a.id.localeCompare(b.id));
  return [{ id: DEFAULT_KEY_RING, creationDate: '', createdBy: '' }, ...rings];
}
