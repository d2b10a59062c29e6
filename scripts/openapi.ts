/**
 * Writes the OpenAPI 3.1 document of the API (functions/api/openapi.ts, built from the operations table)
 * to docs/openapi.json: `npm run openapi` after changing an operation or a schema. `npm test` checks
 * that the committed file is current (test/functions/openapi.unit.test.ts).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openApiDocument } from '../functions/api/openapi.ts';

export const OPENAPI_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(OPENAPI_FILE, renderOpenApi());
  console.warn(`wrote ${OPENAPI_FILE}`);
}
