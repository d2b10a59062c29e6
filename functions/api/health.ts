import { json, publicHandler } from '../shared/api-handler.ts';
import { operations } from './operations.ts';

/** GET /health: 200 once the server serves requests (README "The local server"). */
export const handler = publicHandler(operations.health, () => Promise.resolve(json(200, { status: 'ok' })), {
  audited: false,
});
