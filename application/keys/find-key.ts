import { isUuid } from '../../domain/ids.ts';
import { isExisting, type ExistingKey, type KeyState } from '../../domain/keys/state.ts';
import { keyNotFound } from '../errors.ts';
import { loadState } from '../command-handler.ts';
import { aliasIndexAggregate, aliasStreamId } from '../aliases/alias-index-aggregate.ts';
import type { AppServices } from '../services.ts';
import { keyAggregate, keyStreamId } from './key-aggregate.ts';
import { TtlCache } from '../ttl-cache.ts';

const ALIAS = /^[A-Za-z0-9_-]{2,90}$/;

/**
 * Key states by store handle, so wrap/unwrap/rewrap skip the head read and snapshot parse
 * (TtlCache: emptied by every append of this process, at once; other processes' appends
 * within KEY_STATE_TTL_MS, well inside the 5 s the README promises on AWS).
 */
const KEY_STATE_TTL_MS = 1000;
type LoadedKey = { readonly state: KeyState; readonly version: number };
const caches = new WeakMap<AppServices['store'], TtlCache<LoadedKey>>();
function keyStates(services: AppServices): TtlCache<LoadedKey> {
  let cache = caches.get(services.store);
  if (cache === undefined) {
    cache = new TtlCache<LoadedKey>(services.store, KEY_STATE_TTL_MS, 10_000);
    caches.set(services.store, cache);
  }
  return cache;
}

/**
 * The key `id` of `instanceId`, from its stream head (O(1)). `id` is a key id or an alias of the
 * instance (its alias index stream names the key: one more head read). A malformed id, a missing
 * key, a key of another instance and an alias of another instance all answer the same 404.
 */
export async function findKey(services: AppServices, instanceId: string, id: string): Promise<ExistingKey> {
  let keyId: string;
  if (isUuid(id)) {
    keyId = id.toLowerCase();
  } else if (ALIAS.test(id)) {
    const { state } = await loadState(services.store, aliasIndexAggregate, aliasStreamId(instanceId, id));
    if (state.status !== 'Taken') throw keyNotFound();
    keyId = state.keyId;
  } else {
    throw keyNotFound();
  }
  const streamId = keyStreamId(keyId);
  // The wall clock, not services.now(): a test's clock may stand still or jump.
  const { state } = await keyStates(services).get(
    streamId,
    performance.now(),
    () => loadState(services.store, keyAggregate, streamId),
    (loaded) => isExisting(loaded.state),
  );
  if (!isExisting(state) || state.instanceId !== instanceId) throw keyNotFound();
  if (!isUuid(id) && !state.aliases.includes(id)) throw keyNotFound();
  return state;
}
