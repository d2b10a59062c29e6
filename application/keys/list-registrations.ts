import type { ListingFilter } from '../../domain/access/authorize.ts';
import type { ExistingKey, Registration } from '../../domain/keys/state.ts';
import { loadState } from '../command-handler.ts';
import type { AppServices } from '../services.ts';
import { findKey } from './find-key.ts';
import { keyAggregate, keyStreamId } from './key-aggregate.ts';
import { isExisting } from '../../domain/keys/state.ts';

interface RegistrationFilter {
  /** A CRN, or a CRN pattern with `*` wildcards (Key Protect's urlEncodedResourceCRNQuery). */
  readonly crnQuery?: string | undefined;
  readonly preventKeyDeletion?: boolean | undefined;
  readonly limit: number;
  readonly offset: number;
}

interface RegistrationRow {
  readonly key: ExistingKey;
  readonly registration: Registration;
}

const KEYS_PAGE = 1000;

function crnMatcher(query: string | undefined): (crn: string) => boolean {
  if (query === undefined || query === '') return () => true;
  const pattern = new RegExp(
    `^${query
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return (crn) => pattern.test(crn);
}

function page(rows: RegistrationRow[], filter: RegistrationFilter): { rows: RegistrationRow[]; total: number } {
  const match = crnMatcher(filter.crnQuery);
  const matching = rows.filter(
    (r) =>
      match(r.registration.crn) &&
      (filter.preventKeyDeletion === undefined || r.registration.preventKeyDeletion === filter.preventKeyDeletion),
  );
  return { rows: matching.slice(filter.offset, filter.offset + filter.limit), total: matching.length };
}

/** Registrations of one key (GET /keys/{id}/registrations), from its stream head. */
export async function listKeyRegistrations(
  services: AppServices,
  instanceId: string,
  id: string,
  filter: RegistrationFilter,
) {
  const key = await findKey(services, instanceId, id);
  return page(
    key.registrations.map((registration) => ({ key, registration })),
    filter,
  );
}

/** Whether a scoped caller's listing filter covers the key (its ring as of now, from the head). */
function covers(visible: ListingFilter | undefined, key: ExistingKey): boolean {
  return visible === undefined || visible.keyRingIds.includes(key.keyRingId) || visible.keyIds.includes(key.keyId);
}

/**
 * Registrations of every key of the instance (GET /keys/registrations): the key list names the
 * keys, each key's head holds its registrations. O(keys in the instance) head reads. `visible` is
 * the listing filter of a caller without instance-wide read (application/access), as for GET /keys:
 * only the registrations of the keys it covers are listed and counted.
 */
export async function listAllRegistrations(
  services: AppServices,
  instanceId: string,
  filter: RegistrationFilter,
  visible?: ListingFilter,
) {
  await services.catchUpReadModels();
  const rows: RegistrationRow[] = [];
  for (let offset = 0; ; offset += KEYS_PAGE) {
    const keys = await services.keyList.list({ instanceId, limit: KEYS_PAGE, offset });
    for (const row of keys) {
      const { state } = await loadState(services.store, keyAggregate, keyStreamId(row.keyId));
      if (isExisting(state) && state.instanceId === instanceId && covers(visible, state))
        rows.push(...state.registrations.map((registration) => ({ key: state, registration })));
    }
    if (keys.length < KEYS_PAGE) break;
  }
  return page(rows, filter);
}
