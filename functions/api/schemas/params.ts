import { z } from 'zod';

/**
 * The query parameters Key Protect's endpoints share, as zod pieces for each handler's query
 * schema. A bad value is a ZodError, which the error mapper turns into Key Protect's 400
 * BAD_BODY_ERR naming the parameter (functions/shared/errors.ts).
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
  return z.coerce.number().int().min(1).max(max).default(defaultLimit);
}

/** Key Protect's paging of a list: `limit` 1..5000 (default 200) and `offset` (default 0). */
export const pagingParams = {
  limit: limitParam(5000, 200),
  offset: z.coerce.number().int().min(0).default(0),
};

/** `force=true`: a delete that goes ahead where Key Protect would otherwise refuse it. */
export const forceQuery = z.object({ force: flagParam });
