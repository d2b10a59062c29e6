import type { KeyListPage } from '../../events/read-models/key-list.ts';
import type { AppServices } from '../services.ts';

export interface ListKeysInput {
  readonly limit: number;
  readonly offset: number;
  readonly states?: readonly number[] | undefined;
  readonly extractable?: boolean | undefined;
}

/** Keys of an instance from the key-list read model (never a stream replay). */
export async function listKeys(services: AppServices, instanceId: string, input: ListKeysInput): Promise<KeyListPage> {
  await services.catchUpReadModels();
  return services.keyList.list({ instanceId, ...input });
}
