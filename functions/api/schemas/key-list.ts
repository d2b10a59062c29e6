import { z } from 'zod';
import {
  KEY_DATE_FIELDS,
  KEY_SORT_FIELDS,
  type DateCondition,
  type DateFilters,
  type KeyDateField,
  type KeySearch,
  type KeySort,
  type KeySortField,
  type SearchScope,
} from '../../../domain/keys/key-listing.ts';
import { booleanFilterParam, flagParam, pagingParams } from './params.ts';

/**
 * The query of GET and HEAD /api/v2/keys in Key Protect's syntax, as its API reference defines it
 * and the Go client builds it (`listkeys.go`): `state`, `extractable`, `filter` (both), and `search`,
 * `sort`, paging and `totalCount` (GET). Each bad value is a zod issue on its parameter, answered as
 * 400 INVALID_QUERY_PARAM_ERR.
 */

/** Key Protect's default key states for GET and HEAD /keys: every state but Destroyed. */
export const DEFAULT_KEY_STATES = [0, 1, 2, 3] as const;

const STATES = /^[0-5](,[0-5])*$/;
const states = (s: string): number[] => [...new Set(s.split(',').map(Number))];

/** Key Protect's own words for a bad `sort` and a bad `filter` (its answers in the Go client's tests). */
const SORT_RULE = `a valid string from one of this [${[...KEY_SORT_FIELDS].sort().join(',')}] for descending add '-' in the begining of the string`;
const FILTER_RULE = 'a valid filter query with a valid operator for a property specified after an "=" symbol';

/** `sort`: properties separated by commas, each optionally prefixed with `-` (descending). */
const sortParam = z.string().transform((value, ctx): KeySort[] => {
  const terms = value.split(',').map((term) => {
    const descending = term.startsWith('-');
    const field = descending ? term.slice(1) : term;
    return (KEY_SORT_FIELDS as readonly string[]).includes(field) ? { field: field as KeySortField, descending } : null;
  });
  if (terms.some((t) => t === null)) {
    ctx.addIssue({ code: 'custom', message: SORT_RULE });
    return z.NEVER;
  }
  return terms as KeySort[];
});

const SEARCH_OPTIONS = ['not:', 'exact:', 'alias:', 'name:'] as const;

/**
 * `search`: options (`not:`, `exact:`, `escape:`) and scopes (`alias:`, `name:`) in any order, then
 * the text (`escape:` takes the rest as text). The Go client appends a comma to every search
 * (`fmt.Sprint(search, ",")`), so one trailing comma is dropped.
 */
const searchParam = z.string().transform((value, ctx): KeySearch => {
  let rest = value.endsWith(',') ? value.slice(0, -1) : value;
  let not = false;
  let exact = false;
  const scopes = new Set<SearchScope>();
  for (;;) {
    if (rest.startsWith('escape:')) {
      rest = rest.slice('escape:'.length);
      break;
    }
    const option = SEARCH_OPTIONS.find((o) => rest.startsWith(o));
    if (!option) break;
    rest = rest.slice(option.length);
    if (option === 'not:') not = true;
    else if (option === 'exact:') exact = true;
    else scopes.add(option === 'alias:' ? 'alias' : 'name');
  }
  if (rest === '') {
    ctx.addIssue({ code: 'custom', message: 'a non-empty search query' });
    return z.NEVER;
  }
  return { query: rest, scopes: scopes.size > 0 ? [...scopes] : ['name', 'alias'], not, exact };
});

export interface ParsedFilter {
  readonly dates: DateFilters;
  readonly states?: readonly number[] | undefined;
  readonly extractable?: boolean | undefined;
  /** The filter's conditions exclude each other (two different `extractable` values). */
  readonly empty: boolean;
}

const FILTER_PROPERTIES = [...KEY_DATE_FIELDS, 'state', 'extractable'] as const;
/** Key Protect: "up to three of the same property may be specified at a time". */
const MAX_CONDITIONS_PER_PROPERTY = 3;
const FILTER_TERM = /^([A-Za-z]+)=(.+)$/;
const DATE_VALUE = /^(?:(gt|gte|lt|lte):)?"([^"]*)"$/;

/**
 * `filter`: `<property>=<value>` terms separated by spaces (the Go client starts the string with
 * one). Dates are quoted RFC 3339 times, optionally after `gt:`, `gte:`, `lt:` or `lte:` (none is
 * equality), or `none` (the key has no such date); `state` is a comma-separated list, `extractable`
 * true or false (case-insensitive). Conditions on one property all hold.
 */
const filterParam = z.string().transform((value, ctx): ParsedFilter => {
  const dates: Partial<Record<KeyDateField, DateCondition[]>> = {};
  const seen = new Map<string, number>();
  let filterStates: number[] | undefined;
  let extractable: boolean | undefined;
  let empty = false;
  const terms = value.trim() === '' ? [] : value.trim().split(/\s+/);
  for (const term of terms) {
    const [, property = '', operand = ''] = FILTER_TERM.exec(term) ?? [];
    const count = (seen.get(property) ?? 0) + 1;
    seen.set(property, count);
    if (!(FILTER_PROPERTIES as readonly string[]).includes(property) || count > MAX_CONDITIONS_PER_PROPERTY) {
      ctx.addIssue({ code: 'custom', message: FILTER_RULE });
      return z.NEVER;
    }
    if (property === 'state') {
      if (!STATES.test(operand)) {
        ctx.addIssue({ code: 'custom', message: FILTER_RULE });
        return z.NEVER;
      }
      filterStates = filterStates ? filterStates.filter((s) => states(operand).includes(s)) : states(operand);
    } else if (property === 'extractable') {
      const flag = operand.toLowerCase();
      if (flag !== 'true' && flag !== 'false') {
        ctx.addIssue({ code: 'custom', message: FILTER_RULE });
        return z.NEVER;
      }
      if (extractable !== undefined && extractable !== (flag === 'true')) empty = true;
      extractable = flag === 'true';
    } else {
      const condition = dateCondition(operand);
      if (!condition) {
        ctx.addIssue({ code: 'custom', message: FILTER_RULE });
        return z.NEVER;
      }
      (dates[property as KeyDateField] ??= []).push(condition);
    }
  }
  return { dates, states: filterStates, extractable, empty };
});

/** A date condition of a filter, or null when malformed. */
function dateCondition(operand: string): DateCondition | null {
  if (operand.toLowerCase() === 'none') return { op: 'none' };
  const [, op = 'eq', text = ''] = DATE_VALUE.exec(operand) ?? [];
  const time = parseRfc3339(text);
  if (!time) return null;
  // Keys' dates are kept to the millisecond: a bound finer than that rounds to the millisecond that
  // keeps the comparison exact, and an equality with such a time holds for no key.
  const floor = new Date(time.ms).toISOString();
  const ceil = new Date(time.ms + (time.finer ? 1 : 0)).toISOString();
  switch (op) {
    case 'gt':
    case 'lte':
      return { op, at: floor };
    case 'gte':
    case 'lt':
      return { op, at: ceil };
    default:
      return time.finer ? { op: 'never' } : { op: 'eq', at: floor };
  }
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 time (as Go's time.RFC3339Nano writes it: up to nine fractional digits, any offset):
 * milliseconds since the epoch, and whether it has a part finer than a millisecond. Null when
 * malformed or outside the years 0000-9999.
 */
export function parseRfc3339(text: string): { ms: number; finer: boolean } | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = (m[7] ?? '').padEnd(9, '0');
  const [offsetHours, offsetMinutes] = [Number(m[10] ?? 0), Number(m[11] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  date.setUTCHours(hour, minute, second, Number(fraction.slice(0, 3)));
  const ms = date.getTime() - (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const utcYear = new Date(ms).getUTCFullYear();
  if (utcYear < 0 || utcYear > 9999) return null;
  return { ms, finer: Number(fraction.slice(3)) > 0 };
}

const stateParam = z.string().regex(STATES, 'a list of key states from 0 to 5 separated by commas').optional();

/**
 * `state`, `extractable` and `filter`, as GET and HEAD /keys take them. A property given both in
 * `filter` and as its own parameter is refused (Key Protect: "You will get a 400 response code").
 */
const selectionParams = {
  state: stateParam,
  extractable: booleanFilterParam,
  filter: filterParam
    .optional()
    .describe(
      `\`<property>=<value>\` terms separated by spaces, up to three per property: ${KEY_DATE_FIELDS.join(', ')} (a quoted RFC 3339 time, after \`gt:\`, \`gte:\`, \`lt:\` or \`lte:\` or none for equality, or \`none\`), state (states separated by commas), extractable (true or false)`,
    ),
};

function selection(
  q: { state?: string | undefined; extractable?: boolean | undefined; filter?: ParsedFilter | undefined },
  ctx: z.RefinementCtx,
) {
  const f = q.filter;
  if (f?.states && q.state !== undefined)
    ctx.addIssue({ code: 'custom', path: ['state'], message: 'not given when filter has state' });
  if (f?.extractable !== undefined && q.extractable !== undefined)
    ctx.addIssue({ code: 'custom', path: ['extractable'], message: 'not given when filter has extractable' });
  const chosen = f?.states ?? (q.state === undefined ? [...DEFAULT_KEY_STATES] : states(q.state));
  return {
    states: f?.empty ? [] : chosen,
    extractable: f?.extractable ?? q.extractable,
    dates: f && Object.keys(f.dates).length > 0 ? f.dates : undefined,
  };
}

/** HEAD /keys: `state` (default 0,1,2,3), `extractable`, `filter`. */
export const keyFilterQuery = z.object(selectionParams).transform(selection);

/** GET /keys adds `search`, `sort`, paging (`limit` 1..5000, default 200; `offset`) and `totalCount`. */
export const keyListQuery = z
  .object({
    ...selectionParams,
    search: searchParam
      .optional()
      .describe(
        'keys whose name or alias contains the text; options before it: `not:`, `exact:`, `escape:`, and scopes `alias:`, `name:`',
      ),
    sort: sortParam
      .optional()
      .describe(`properties separated by commas, \`-\` before one for descending: ${[...KEY_SORT_FIELDS].join(', ')}`),
    ...pagingParams,
    totalCount: flagParam,
  })
  .transform((q, ctx) => ({
    ...selection(q, ctx),
    search: q.search,
    sort: q.sort,
    limit: q.limit,
    offset: q.offset,
    totalCount: q.totalCount,
  }));
