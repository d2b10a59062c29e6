import { createKeyHandler } from './create-key-handler.ts';
import { operations } from './operations.ts';

/**
 * POST /api/v2/keys: create or import a root or standard key (functions/api/create-key-handler.ts); the
 * key takes the instance's dualAuthDelete policy and has no rotation policy of its own.
 */
export const handler = createKeyHandler(operations.createKey, () => []);
