import type { KeyVersion } from '../../domain/keys/events.ts';
import { assertUse, checkCanListVersions } from '../../domain/keys/use-checks.ts';
import type { AppServices } from '../services.ts';
import { findKey } from './find-key.ts';

interface KeyVersionPage {
  /** Newest first, as Key Protect lists them. */
  readonly versions: readonly Pick<KeyVersion, 'id' | 'creationDate'>[];
  readonly total: number;
}

/**
 * A key's versions from its head state (O(1) reads), paged. Never material. Without `allKeyStates`
 * only an Active key lists them (Key Protect: 409 otherwise, 410 for a deleted key).
 */
export async function listKeyVersions(
  services: AppServices,
  instanceId: string,
  id: string,
  page: { limit: number; offset: number; allKeyStates: boolean },
): Promise<KeyVersionPage> {
  const key = await findKey(services, instanceId, id);
  if (!page.allKeyStates) assertUse(checkCanListVersions(key, services.now().toISOString()));
  const newestFirst = [...key.versions].reverse().map((v) => ({ id: v.id, creationDate: v.creationDate }));
  return { versions: newestFirst.slice(page.offset, page.offset + page.limit), total: newestFirst.length };
}
