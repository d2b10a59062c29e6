import { z } from 'zod';

/** POST /api/v2/import_token: the token's lifetime in seconds and how often it may be retrieved. */
export const createImportTokenBody = z
  .object({
    expiration: z.number().optional(),
    maxAllowedRetrievals: z.number().optional(),
  })
  .default({});
