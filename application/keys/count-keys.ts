import type { AppServices } from '../services.ts';
import { listKeys, type ListKeysInput } from './list-keys.ts';

/** How many keys of an instance match the filters (HEAD /keys, Key-Total), from the key-list read model. */
export async function countKeys(services: AppServices, instanceId: string, filters: Pick<ListKeysInput, 'states' | 'extractable' | 'visible'>): Promise<number> {
  const page = await listKeys(services, instanceId, { ...filters, limit: 0, offset: 0 });
  return page.total;
}
