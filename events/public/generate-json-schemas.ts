/**
 * Renders the JSON Schemas of the published events from their zod schemas
 * (key-state-event-schemas.ts): one file per type plus the envelope, in events/public-schemas/.
 * Run `npx tsx events/public/generate-json-schemas.ts` after changing a schema; a test checks the
 * committed files are current.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import {
  PUBLIC_EVENT_TYPES,
  PUBLIC_SCHEMA_VERSION,
  publicEventEnvelope,
  publicEventSchema,
} from './key-state-event-schemas.ts';

const SCHEMA_DIR = fileURLToPath(new URL('../public-schemas/', import.meta.url));

function render(name: string, title: string, schema: z.ZodType): string {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return `${JSON.stringify({ $id: `https://keyledger.dev/schemas/events/v${PUBLIC_SCHEMA_VERSION}/${name}.json`, title, ...json }, null, 2)}\n`;
}

/** File name -> content of every schema file. */
function renderSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  files.set('envelope.json', render('envelope', 'keyledger key-state event (any type)', publicEventEnvelope));
  for (const type of PUBLIC_EVENT_TYPES)
    files.set(`${type}.json`, render(type, `keyledger ${type} event`, publicEventSchema(type)));
  return files;
}

export function staleSchemaFiles(): string[] {
  const expected = renderSchemas();
  const stale = [...expected]
    .filter(([name, content]) => {
      try {
        return readFileSync(join(SCHEMA_DIR, name), 'utf8') !== content;
      } catch {
        return true;
      }
    })
    .map(([name]) => name);
  const extra = readdirSync(SCHEMA_DIR).filter((name) => name.endsWith('.json') && !expected.has(name));
  return [...stale, ...extra];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const [name, content] of renderSchemas()) writeFileSync(join(SCHEMA_DIR, name), content);
  console.warn(`wrote ${renderSchemas().size} schemas to ${SCHEMA_DIR}`);
}
