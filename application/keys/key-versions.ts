import type { KeyVersion } from '../../domain/keys/events.ts';
import type { ExistingKey } from '../../domain/keys/state.ts';
import { VERSIONS_PER_INDEX_PAGE, indexPageOf } from '../../domain/keys/version-index.ts';
import { decodeKeyEvent } from '../../events/schemas/keys.ts';
import type { EventStore } from '../ports/event-store.ts';
import { keyStreamId } from './key-aggregate.ts';
import { keyVersionIndexAggregate, keyVersionIndexStreamId, keyVersionStreamId } from './key-version-index.ts';

/**
 * A key's versions older than the newest ones its state keeps (domain/keys/state.ts), read on demand
 * from its version index (domain/keys/version-index.ts): one version by its id is one stream read of
 * one event, a page of the list one stream read of at most 200 versions. A key rotated more than ten times before the index existed has its versions of then
 * in its own stream only; they are read from there, once per process.
 *
 * Reads are cached per store handle: an indexed version, a full index page and a key's pre-index
 * versions never change (stored events are never rewritten), so a hot old version costs no read after its first.
 */

/** A version and its ordinal (1 = the version the key was created with). */
interface NumberedVersion {
  readonly ordinal: number;
  readonly version: KeyVersion;
}

/** Index pages read in parallel for one page of the version list. */
const PARALLEL_PAGE_READS = 8;
const MAX_CACHED_VERSIONS = 10_000;
const MAX_CACHED_PAGES = 1000;
const MAX_CACHED_HISTORIES = 100;

interface VersionCaches {
  readonly versions: Map<string, KeyVersion>;
  readonly pages: Map<string, readonly NumberedVersion[]>;
  readonly preIndex: Map<string, readonly NumberedVersion[]>;
}
const caches = new WeakMap<EventStore, VersionCaches>();
function cachesOf(store: EventStore): VersionCaches {
  let found = caches.get(store);
  if (found === undefined) {
    found = { versions: new Map(), pages: new Map(), preIndex: new Map() };
    caches.set(store, found);
  }
  return found;
}

function remember<T>(cache: Map<string, T>, key: string, value: T, max: number): void {
  if (cache.size >= max) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
}

/** One index page, in ordinal order (empty when no version of its range was indexed). */
async function readIndexPage(store: EventStore, keyId: string, page: number): Promise<readonly NumberedVersion[]> {
  const streamId = keyVersionIndexStreamId(keyId, page);
  const { pages } = cachesOf(store);
  const cached = pages.get(streamId);
  if (cached) return cached;
  const versions = (await store.readStream(streamId)).map((stored) => {
    const { data } = keyVersionIndexAggregate.codec.decode(stored);
    return { ordinal: data.ordinal, version: data.version };
  });
  // A page is complete once it holds the last ordinal of its range; until then it may still grow.
  if (versions.at(-1)?.ordinal === (page + 1) * VERSIONS_PER_INDEX_PAGE) {
    remember(pages, streamId, versions, MAX_CACHED_PAGES);
  }
  return versions;
}

/** Whether the index starts at the key's first version (it does unless the key's history is older than the index). */
async function indexStartsAtFirstVersion(store: EventStore, keyId: string): Promise<boolean> {
  return (await readIndexPage(store, keyId, 0))[0]?.ordinal === 1;
}

/**
 * The versions of a key whose history is older than the index, from its own stream: every version its
 * KeyCreated/KeyImported/KeyVersionRotated events added (at least through `throughOrdinal`), in order.
 */
async function preIndexVersions(
  store: EventStore,
  keyId: string,
  throughOrdinal: number,
): Promise<readonly NumberedVersion[]> {
  const { preIndex } = cachesOf(store);
  const cached = preIndex.get(keyId);
  if (cached && cached.length >= throughOrdinal) return cached;
  const versions: NumberedVersion[] = [];
  for (const stored of await store.readStream(keyStreamId(keyId))) {
    const event = decodeKeyEvent(stored);
    if (event.type === 'KeyCreated' || event.type === 'KeyImported' || event.type === 'KeyVersionRotated') {
      versions.push({ ordinal: versions.length + 1, version: event.data.version });
    }
  }
  remember(preIndex, keyId, versions, MAX_CACHED_HISTORIES);
  return versions;
}

/** The ordinal of the oldest version the key's state carries. */
function oldestRecentOrdinal(key: ExistingKey): number {
  return key.versionCount - key.recentVersions.length + 1;
}

/**
 * The version `versionId` of `key`, wherever it is kept: the state's newest versions first (no read),
 * then the version's own index stream (one read, then cached: it never changes), then, for a history
 * older than the index, the key's own stream.
 */
export async function findKeyVersion(
  store: EventStore,
  key: ExistingKey,
  versionId: string,
): Promise<KeyVersion | undefined> {
  const recent = key.recentVersions.find((v) => v.id === versionId);
  if (recent) return recent;
  const below = oldestRecentOrdinal(key) - 1;
  if (below < 1) return undefined;
  const { versions } = cachesOf(store);
  const cacheKey = `${key.keyId}:${versionId}`;
  const cached = versions.get(cacheKey);
  if (cached) return cached;
  const [indexed] = await store.readStream(keyVersionStreamId(key.keyId, versionId));
  if (indexed) {
    const { version } = keyVersionIndexAggregate.codec.decode(indexed).data;
    remember(versions, cacheKey, version, MAX_CACHED_VERSIONS);
    return version;
  }
  if (await indexStartsAtFirstVersion(store, key.keyId)) return undefined;
  return (await preIndexVersions(store, key.keyId, below)).find((v) => v.version.id === versionId)?.version;
}

/**
 * The versions with ordinals `from` down to `to` (inclusive, `from` >= `to` >= 1), newest first: the
 * state's newest versions, then the index pages that hold the rest (one stream read per 200 versions).
 */
export async function keyVersionsNewestFirst(
  store: EventStore,
  key: ExistingKey,
  from: number,
  to: number,
): Promise<KeyVersion[]> {
  const oldestRecent = oldestRecentOrdinal(key);
  const byOrdinal = new Map<number, KeyVersion>();
  key.recentVersions.forEach((version, i) => byOrdinal.set(oldestRecent + i, version));
  const olderFrom = Math.min(from, oldestRecent - 1);
  if (olderFrom >= to) {
    const pages: number[] = [];
    for (let page = indexPageOf(olderFrom); page >= indexPageOf(to); page--) pages.push(page);
    for (let i = 0; i < pages.length; i += PARALLEL_PAGE_READS) {
      const read = await Promise.all(
        pages.slice(i, i + PARALLEL_PAGE_READS).map((page) => readIndexPage(store, key.keyId, page)),
      );
      for (const v of read.flat()) byOrdinal.set(v.ordinal, v.version);
    }
    if (!byOrdinal.has(to)) {
      for (const v of await preIndexVersions(store, key.keyId, olderFrom)) {
        if (!byOrdinal.has(v.ordinal)) byOrdinal.set(v.ordinal, v.version);
      }
    }
  }
  const versions: KeyVersion[] = [];
  for (let ordinal = from; ordinal >= to; ordinal--) {
    const version = byOrdinal.get(ordinal);
    if (!version)
      throw new Error(`invariant: version ${ordinal} of key ${key.keyId} is in neither its state nor its index`);
    versions.push(version);
  }
  return versions;
}
