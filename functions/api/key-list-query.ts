import { z } from 'zod';

/** Key Protect's default key states for GET and HEAD /keys: every state but Destroyed. */
export const DEFAULT_KEY_STATES = [0, 1, 2, 3] as const;

/** `state` and `extractable`, as GET /keys and HEAD /keys take them (the SDK joins `state` with commas). */
export const keyFilterQuery = z.object({
  state: z.string().regex(/^[0-5](,[0-5])*$/, 'must be a comma-separated list of key states from 0 to 5').optional()
    .transform((s) => (s === undefined ? [...DEFAULT_KEY_STATES] : [...new Set(s.split(',').map(Number))])),
  extractable: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
});

/** GET /keys adds paging: `limit` 1..5000 (default 200), `offset`, and `totalCount` in the metadata on request. */
export const keyListQuery = keyFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(5000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
  totalCount: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
});
