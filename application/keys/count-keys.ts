import type { AppServices } from '../services.ts';
import { visibleFilters, type KeyFilterInput } from './list-keys.ts';

/** How many keys of an instance match the filters (HEAD /keys, `totalCount`), from the key-list read model. */
export async function countKeys(services: AppServices, instanceId: string, input: KeyFilterInput): Promise<number> {
  await services.catchUpReadModels();
  const { either, both } = visibleFilters(instanceId, input);
  const counts = await Promise.all(either.map((f) => services.keyList.count(f)));
  const overlap = both ? await services.keyList.count(both) : 0;
  return counts.reduce((a, b) => a + b, 0) - overlap;
}
