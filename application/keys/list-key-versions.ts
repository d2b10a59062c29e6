import type { KeyVersion } from '../../domain/keys/events.ts';
import { assertUse, checkCanListVersions } from '../../domain/keys/use-checks.ts';
import type { AppServices } from '../services.ts';
import { findKey } from './find-key.ts';
import { keyVersionsNewestFirst } from './key-versions.ts';

interface KeyVersionPage {
  /** Newest first, as Key Protect lists them. */
  readonly versions: readonly Pick<KeyVersion, 'id' | 'creationDate'>[];
  readonly total: number;
}

/**
 * A key's versions, paged, newest first: the newest from its state, older ones from its version index
 * (one stream read per 200 versions the page reaches into), so a page costs the same however long the
 * key's history. Never material. Without `allKeyStates` only an Active key lists them (Key Protect:
 * 409 otherwise, 410 for a deleted key).
 */
export async function listKeyVersions(
  services: AppServices,
  instanceId: string,
  id: string,
  page: { limit: number; offset: number; allKeyStates: boolean },
): Promise<KeyVersionPage> {
  const key = await findKey(services, instanceId, id);
  if (!page.allKeyStates) assertUse(checkCanListVersions(key, services.now().toISOString()));
  const from = key.versionCount - page.offset;
  const to = Math.max(1, from - page.limit + 1);
  const versions = from < 1 ? [] : await keyVersionsNewestFirst(services.store, key, from, to);
  return { versions: versions.map((v) => ({ id: v.id, creationDate: v.creationDate })), total: key.versionCount };
}
