import { isExisting, type ExistingKey } from '../../domain/keys/state.ts';
import { keyNotFound } from '../errors.ts';
import { loadState } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { keyAggregate, keyStreamId } from './key-aggregate.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The key `id` of `instanceId`, from its stream head (O(1)). A malformed id, a missing key and a
 * key of another instance all answer the same 404.
 */
export async function findKey(services: AppServices, instanceId: string, id: string): Promise<ExistingKey> {
  if (!UUID.test(id)) throw keyNotFound();
  const { state } = await loadState(services.store, keyAggregate, keyStreamId(id.toLowerCase()));
  if (!isExisting(state) || state.instanceId !== instanceId) throw keyNotFound();
  return state;
}
