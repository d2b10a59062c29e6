import type { AppServices } from '../services.ts';
import { selectionFilter, type KeySelection } from './list-keys.ts';

/** How many keys of an instance a selection holds (HEAD /keys), from the key-list read model. */
export async function countKeys(services: AppServices, instanceId: string, selection: KeySelection): Promise<number> {
  return services.keyList.count(await selectionFilter(services, instanceId, selection));
}
