import { z } from 'zod';
import { booleanFilterParam, flagParam, pagingParams } from './params.ts';

/** Key Protect's default key states for GET and HEAD /keys: every state but Destroyed. */
export const DEFAULT_KEY_STATES = [0, 1, 2, 3] as const;

/** `state` and `extractable`, as GET /keys and HEAD /keys take them (the SDK joins `state` with commas). */
export const keyFilterQuery = z.object({
  state: z
    .string()
    .regex(/^[0-5](,[0-5])*$/, 'must be a comma-separated list of key states from 0 to 5')
    .optional()
    .transform((s) => (s === undefined ? [...DEFAULT_KEY_STATES] : [...new Set(s.split(',').map(Number))])),
  extractable: booleanFilterParam,
});

/** GET /keys adds paging: `limit` 1..5000 (default 200), `offset`, and `totalCount` in the metadata on request. */
export const keyListQuery = keyFilterQuery.extend({
  ...pagingParams,
  totalCount: flagParam,
});
