import { z } from 'zod';
import { RequestError } from '../../shared/errors.ts';

/**
 * The query parameters Key Protect's endpoints share, as zod pieces for each handler's query
 * schema. A bad value is Key Protect's 400 INVALID_QUERY_PARAM_ERR naming the parameter and the
 * issue's message as its rule ("The query_param '<name>' must be: <rule>", functions/shared/api-handler.ts).
 */

/** `true` or `false`, absent meaning false: a switch such as `force` or `totalCount`. */
export const flagParam = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => v === 'true');

/** `true` or `false`, absent meaning undefined: a filter such as `extractable`, off unless given. */
export const booleanFilterParam = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true'));

/** A page size from 1 to `max`, `defaultLimit` when absent. */
export function limitParam(max: number, defaultLimit: number) {
  const rule = `an integer between 1 and ${max} (inclusive)`;
  return z.coerce.number(rule).int(rule).min(1, rule).max(max, rule).default(defaultLimit);
}

/** An offset into a list, default 0. */
export const offsetParam = z.coerce
  .number('a non-negative integer')
  .int('a non-negative integer')
  .min(0, 'a non-negative integer')
  .default(0);

/** Key Protect's paging of a list: `limit` 1..5000 (default 200) and `offset` (default 0). */
export const pagingParams = { limit: limitParam(5000, 200), offset: offsetParam };

/** `force=true`: a delete that goes ahead where Key Protect would otherwise refuse it. */
export const forceQuery = z.object({ force: flagParam });

/**
 * Parses a request's query string with `schema`; a bad parameter is Key Protect's 400
 * INVALID_QUERY_PARAM_ERR naming it ("The query_param '<name>' must be: <rule>", the rule being the
 * schema issue's message), with the parameter as its `target`.
 */
export function parseQueryParams<T>(schema: z.ZodType<T>, params: Record<string, string | undefined> | undefined): T {
  const result = schema.safeParse(params ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue?.path[0];
  throw new RequestError(
    'INVALID_QUERY_PARAM_ERR',
    `The query_param${name === undefined ? '' : ` '${String(name)}'`} must be: ${issue?.message ?? 'valid'}`,
    name === undefined ? {} : { target: { type: 'query_param', name: String(name) } },
  );
}
