import { json, publicHandler } from '../shared/api-handler.ts';
import { openApiDocument } from './openapi.ts';
import { operations } from './operations.ts';

let document: Record<string, unknown> | undefined;

/** GET /openapi.json: the API's OpenAPI 3.1 description, built once from the operations table. Not audited (a probe). */
export const handler = publicHandler(
  operations.getOpenApi,
  () => Promise.resolve(json(200, (document ??= openApiDocument()), { 'cache-control': 'no-cache' })),
  { audited: false },
);
