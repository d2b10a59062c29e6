import type { KeyVersion } from '../../domain/keys/events.ts';
import type { AppServices } from '../services.ts';
import { findKey } from './find-key.ts';

interface KeyVersionPage {
  /** Newest first, as Key Protect lists them. */
  readonly versions: readonly Pick<KeyVersion, 'id' | 'creationDate'>[];
  readonly total: number;
}

/** A key's versions from its head state (O(1) reads), paged. Never material. */
export async function listKeyVersions(
  services: AppServices,
  instanceId: string,
  id: string,
  page: { limit: number; offset: number },
): Promise<KeyVersionPage> {
  const key = await findKey(services, instanceId, id);
  const newestFirst = [...key.versions].reverse().map((v) => ({ id: v.id, creationDate: v.creationDate }));
  return { versions: newestFirst.slice(page.offset, page.offset + page.limit), total: newestFirst.length };
}
