import { KeyStateCode, lastRotationDate, type ExistingKey } from './state.ts';

/**
 * Key Protect's listing semantics for `GET /api/v2/keys` (IBM's API reference for `search`, `sort`
 * and `filter`, as the Go client builds them): which keys a search matches, what a date condition
 * of a filter means, and how a sort orders keys. Pure, so the two key-list adapters (one in SQL, one
 * in memory) and the use case share one definition; the key-list contract suite holds both
 * adapters to it with literal expectations.
 *
 * Dates here are ISO-8601 UTC with milliseconds (`Date#toISOString`), so they compare as strings.
 */

/** The properties `sort` takes (Key Protect's list, in its order). */
export const KEY_SORT_FIELDS = [
  'id',
  'state',
  'extractable',
  'imported',
  'creationDate',
  'lastUpdateDate',
  'lastRotateDate',
  'deletionDate',
  'expirationDate',
] as const;
export type KeySortField = (typeof KEY_SORT_FIELDS)[number];

export interface KeySort {
  readonly field: KeySortField;
  readonly descending: boolean;
}

/** Key Protect's order when no `sort` is given: by id. */
export const DEFAULT_KEY_SORT: readonly KeySort[] = [{ field: 'id', descending: false }];

/** The date properties `filter` takes. */
export const KEY_DATE_FIELDS = [
  'creationDate',
  'lastUpdateDate',
  'lastRotateDate',
  'deletionDate',
  'expirationDate',
] as const;
export type KeyDateField = (typeof KEY_DATE_FIELDS)[number];

/**
 * One condition on a date: compared with `at` (ISO-8601 UTC, milliseconds), or `none`: the key
 * has no such date (e.g. never rotated). `never` matches no key: an equality with a time finer
 * than the milliseconds dates are kept in.
 */
export type DateCondition =
  | { readonly op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq'; readonly at: string }
  | { readonly op: 'none' }
  | { readonly op: 'never' };

/** Conditions per date property; a key must meet all of them. */
export type DateFilters = Partial<Readonly<Record<KeyDateField, readonly DateCondition[]>>>;

export type SearchScope = 'name' | 'alias';

/**
 * A parsed `search`: `query` is looked for in the key's name and/or aliases (`scopes`), as a
 * substring or, with `exact`, as the whole value, case-insensitively; `not` inverts the match.
 */
export interface KeySearch {
  readonly query: string;
  readonly scopes: readonly SearchScope[];
  readonly not: boolean;
  readonly exact: boolean;
}

/** What listing looks at in a key. */
export interface ListedKey {
  readonly keyId: string;
  readonly name: string;
  readonly aliases: readonly string[];
  /** Key Protect state: 0 pre-activation, 1 active, 2 suspended, 3 deactivated, 5 destroyed. */
  readonly state: number;
  readonly extractable: boolean;
  readonly imported: boolean;
  readonly creationDate: string;
  readonly lastUpdateDate: string;
  readonly lastRotateDate?: string | undefined;
  readonly deletionDate?: string | undefined;
  readonly expirationDate?: string | undefined;
}

/** A date as listing compares it: UTC with milliseconds (a caller's expiration date may carry an offset). */
export function listingDate(iso: string): string {
  return new Date(iso).toISOString();
}

/** The listing facts of a key. */
export function listedKey(key: ExistingKey): ListedKey {
  const rotated = lastRotationDate(key);
  return {
    keyId: key.keyId,
    name: key.name,
    aliases: [...key.aliases],
    state: KeyStateCode[key.status],
    extractable: key.extractable,
    imported: key.imported,
    creationDate: listingDate(key.creationDate),
    lastUpdateDate: listingDate(key.lastUpdateDate),
    ...(rotated !== undefined ? { lastRotateDate: listingDate(rotated) } : {}),
    ...(key.status === 'Destroyed' ? { deletionDate: listingDate(key.deletionDate) } : {}),
    ...(key.expirationDate !== undefined ? { expirationDate: listingDate(key.expirationDate) } : {}),
  };
}

/** Whether `key` matches `search` (Key Protect: scopes are OR-ed; `not` inverts the whole match). */
export function searchMatches(key: Pick<ListedKey, 'name' | 'aliases'>, search: KeySearch): boolean {
  const query = search.query.toLowerCase();
  const hit = (value: string): boolean => {
    const v = value.toLowerCase();
    return search.exact ? v === query : v.includes(query);
  };
  const matched =
    (search.scopes.includes('name') && hit(key.name)) || (search.scopes.includes('alias') && key.aliases.some(hit));
  return matched !== search.not;
}

/** Whether a key's date (undefined: it has none) meets `condition`. */
export function dateConditionHolds(value: string | undefined, condition: DateCondition): boolean {
  switch (condition.op) {
    case 'none':
      return value === undefined;
    case 'never':
      return false;
    case 'eq':
      return value === condition.at;
    case 'gt':
      return value !== undefined && value > condition.at;
    case 'gte':
      return value !== undefined && value >= condition.at;
    case 'lt':
      return value !== undefined && value < condition.at;
    case 'lte':
      return value !== undefined && value <= condition.at;
    default: {
      const unhandled: never = condition;
      throw new Error(`unhandled date condition ${JSON.stringify(unhandled)}`);
    }
  }
}

/** Whether `key` meets every date condition. */
export function datesMatch(key: ListedKey, dates: DateFilters | undefined): boolean {
  if (!dates) return true;
  return KEY_DATE_FIELDS.every((field) => (dates[field] ?? []).every((c) => dateConditionHolds(key[field], c)));
}

/**
 * A sort property's value as an ordered string: booleans false before true, a missing date before
 * every date (so first ascending, last descending). Its string order is the sort order.
 */
export function sortValue(key: ListedKey, field: KeySortField): string {
  switch (field) {
    case 'id':
      return key.keyId;
    case 'state':
      return String(key.state);
    case 'extractable':
    case 'imported':
      return key[field] ? '1' : '0';
    case 'creationDate':
    case 'lastUpdateDate':
    case 'lastRotateDate':
    case 'deletionDate':
    case 'expirationDate':
      return key[field] ?? '';
    default: {
      const unhandled: never = field;
      throw new Error(`unhandled sort property ${String(unhandled)}`);
    }
  }
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order of `sort`: each property in turn, and between keys equal on all of them the key id,
 * in the direction of the last property (so one index per property serves a whole sort on it).
 */
export function keyOrder(sort: readonly KeySort[]): (a: ListedKey, b: ListedKey) => number {
  const last = sort[sort.length - 1];
  const tieBreak: KeySort = { field: 'id', descending: last?.descending ?? false };
  const terms = [...sort, tieBreak];
  return (a, b) => {
    for (const term of terms) {
      const c = compareStrings(sortValue(a, term.field), sortValue(b, term.field));
      if (c !== 0) return term.descending ? -c : c;
    }
    return 0;
  };
}
