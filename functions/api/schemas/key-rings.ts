import { z } from 'zod';
import { flagParam, limitParam, offsetParam } from './params.ts';

/** GET /api/v2/key_rings: Key Protect's paging of key rings, `limit` 1..5000 (default 100), `offset`, `totalCount`. */
export const keyRingListQuery = z.object({ limit: limitParam(5000, 100), offset: offsetParam, totalCount: flagParam });
