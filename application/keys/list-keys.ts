import type { ListingFilter } from '../../domain/access/authorize.ts';
import { isUuid } from '../../domain/ids.ts';
import {
  datesMatch,
  searchMatches,
  type DateFilters,
  type KeySearch,
  type KeySort,
} from '../../domain/keys/key-listing.ts';
import { ApplicationError } from '../errors.ts';
import { assertKeyRingExists } from '../key-rings/key-rings-aggregate.ts';
import type { KeyListFilter, KeyPageRow, ListedKeyRow } from '../ports/key-list.ts';
import type { AppServices } from '../services.ts';
import { findKey } from './find-key.ts';

/** Which keys of an instance GET and HEAD /keys select (query parameters and `x-kms-key-ring`, parsed). */
export interface KeySelection {
  readonly states?: readonly number[] | undefined;
  readonly extractable?: boolean | undefined;
  /** `x-kms-key-ring`: only that ring's keys; a ring the instance does not have is refused. */
  readonly keyRingId?: string | undefined;
  /** `filter`'s date conditions. */
  readonly dates?: DateFilters | undefined;
  /**
   * Set for a caller without instance-wide read (application/access): only keys in these rings or
   * with these ids are listed, and counted.
   */
  readonly visible?: ListingFilter | undefined;
}

export interface ListKeysInput extends KeySelection {
  readonly search?: KeySearch | undefined;
  readonly sort?: readonly KeySort[] | undefined;
  readonly limit: number;
  readonly offset: number;
  /** Count every selected key too (`totalCount=true`). */
  readonly totalCount?: boolean | undefined;
}

export interface KeyPage {
  readonly rows: KeyPageRow[];
  /** How many keys the selection holds, when asked for. */
  readonly total?: number | undefined;
  /** The search space was too large to search; the key looked up by id or alias is all there is. */
  readonly incompleteSearch?: true | undefined;
}

/** Key Protect searches at most this many keys (after state, extractable, key ring and filter narrow them). */
export const MAX_SEARCH_SPACE = 5000;

/** The read-model filter of a selection, once the read model has caught up (and the key ring is known). */
export async function selectionFilter(
  services: AppServices,
  instanceId: string,
  selection: KeySelection,
): Promise<KeyListFilter> {
  await services.catchUpReadModels();
  if (selection.keyRingId !== undefined) await assertKeyRingExists(services, instanceId, selection.keyRingId);
  return {
    instanceId,
    states: selection.states,
    extractable: selection.extractable,
    keyRingIds: selection.keyRingId === undefined ? undefined : [selection.keyRingId],
    visible: selection.visible,
    dates: selection.dates,
  };
}

/**
 * One page of an instance's keys from the key-list read model (never a stream replay), as Key Protect
 * pages GET /keys. A search runs only over a search space of at most {@link MAX_SEARCH_SPACE} keys;
 * with a full key id, or in the `alias` scope, that key is also looked up and listed first, and
 * returned alone (`incompleteSearch`) when the space is too large to search.
 */
export async function listKeys(services: AppServices, instanceId: string, input: ListKeysInput): Promise<KeyPage> {
  const filter = await selectionFilter(services, instanceId, input);
  const { search, sort } = input;
  if (!search) {
    const [rows, total] = await Promise.all([
      services.keyList.list({ ...filter, sort, limit: input.limit, offset: input.offset }),
      input.totalCount ? services.keyList.count(filter) : undefined,
    ]);
    return { rows, total };
  }
  const [space, found] = await Promise.all([
    services.keyList.count(filter, MAX_SEARCH_SPACE + 1),
    lookUp(services, instanceId, search, filter),
  ]);
  if (space > MAX_SEARCH_SPACE) {
    if (!found) {
      throw new ApplicationError(
        'KEY_SEARCH_TOO_BROAD',
        `The search space holds more than ${MAX_SEARCH_SPACE} keys: narrow it with state, extractable, filter or x-kms-key-ring`,
      );
    }
    return {
      rows: input.offset === 0 ? [found] : [],
      total: input.totalCount ? 1 : undefined,
      incompleteSearch: true,
    };
  }
  const searched = { ...filter, search };
  if (!found) {
    const [rows, total] = await Promise.all([
      services.keyList.list({ ...searched, sort, limit: input.limit, offset: input.offset }),
      input.totalCount ? services.keyList.count(searched) : undefined,
    ]);
    return { rows, total };
  }
  // The looked-up key first, then the other matches: the space is small, so read the head of the list.
  const head = await services.keyList.list({ ...searched, sort, limit: input.offset + input.limit + 1, offset: 0 });
  const rows = [found, ...head.filter((r) => r.keyId !== found.keyId)].slice(input.offset, input.offset + input.limit);
  const total = input.totalCount
    ? (await services.keyList.count(searched)) + (searchMatches(found, search) ? 0 : 1)
    : undefined;
  return { rows, total };
}

/** The key a search names by its full id, or (in the `alias` scope) by an alias, if it is selected. */
async function lookUp(
  services: AppServices,
  instanceId: string,
  search: KeySearch,
  filter: KeyListFilter,
): Promise<ListedKeyRow | null> {
  if (search.not) return null;
  let keyId: string | undefined;
  if (isUuid(search.query)) keyId = search.query.toLowerCase();
  else if (search.scopes.includes('alias')) {
    keyId = await findKey(services, instanceId, search.query).then(
      (key) => key.keyId,
      (error: unknown) => {
        if (error instanceof ApplicationError && error.code === 'KEY_NOT_FOUND_ERR') return undefined;
        throw error;
      },
    );
  }
  if (keyId === undefined) return null;
  const row = await services.keyList.get(instanceId, keyId);
  return row && selects(filter, row) ? row : null;
}

/** Whether `row` is selected by every filter but the search (the read model's own filters, applied to one row). */
function selects(filter: KeyListFilter, row: ListedKeyRow): boolean {
  return (
    (!filter.states || filter.states.includes(row.state)) &&
    (filter.extractable === undefined || filter.extractable === row.extractable) &&
    (!filter.keyRingIds || filter.keyRingIds.includes(row.keyRingId)) &&
    (!filter.visible ||
      filter.visible.keyRingIds.includes(row.keyRingId) ||
      filter.visible.keyIds.includes(row.keyId)) &&
    datesMatch(row, filter.dates)
  );
}
