import type { ConsoleConfig } from './app.ts';
import { h, replace, table } from './dom.ts';

/**
 * The API reference page (/docs): renders the server's OpenAPI document (GET /openapi.json) as a table of
 * contents by tag and one section per operation with its parameters, request body and answers. Plain
 * DOM and text nodes, like the console: no inline script or style, nothing from another origin.
 */

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  default?: unknown;
  description?: string;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  $ref?: string;
};
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}
interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
}
interface Document {
  info: { title: string; version: string; description?: string };
  tags?: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const LIMITS: [keyof Schema, string][] = [
  ['minimum', 'min'],
  ['maximum', 'max'],
  ['minLength', 'min length'],
  ['maxLength', 'max length'],
  ['minItems', 'min items'],
  ['maxItems', 'max items'],
];

/** A one-line summary of a schema's type and rules. */
function typeOf(s: Schema): string {
  if (s.$ref) return s.$ref.split('/').pop() ?? s.$ref;
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return alternatives.map(typeOf).join(' or ');
  const type = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any');
  if (type === 'array' && s.items) return `array of ${typeOf(s.items)}`;
  const rules = [
    s.format,
    ...LIMITS.filter(([k]) => s[k] !== undefined && Math.abs(Number(s[k])) < 1e15).map(
      ([k, n]) => `${n} ${String(s[k])}`,
    ),
    s.default !== undefined ? `default ${JSON.stringify(s.default)}` : undefined,
  ].filter(Boolean);
  return rules.length ? `${type} (${rules.join(', ')})` : type;
}

/** A schema as nested lists of its fields, to `depth` levels. */
function schemaView(s: Schema, depth = 0): HTMLElement {
  const objectOf = (x: Schema): Schema | undefined =>
    x.properties ? x : x.type === 'array' && x.items?.properties ? x.items : undefined;
  const object = objectOf(s);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives && depth < 4)
    return h(
      'div',
      {},
      'One of:',
      h(
        'ol',
        {},
        alternatives.map((a) => h('li', {}, schemaView(a, depth + 1))),
      ),
    );
  if (!object?.properties || depth > 4) return h('code', {}, typeOf(s));
  return h(
    'ul',
    { class: 'schema' },
    Object.entries(object.properties).map(([name, field]) =>
      h(
        'li',
        {},
        h('code', {}, name),
        object.required?.includes(name) ? h('strong', {}, ' required') : '',
        ' ',
        objectOf(field) ? (field.type === 'array' ? 'array of objects' : 'object') : h('span', {}, typeOf(field)),
        field.description ? h('span', { class: 'hint' }, ` — ${field.description}`) : '',
        objectOf(field) || field.anyOf ? schemaView(field, depth + 1) : '',
      ),
    ),
  );
}

function anchor(op: Operation): string {
  return `op-${op.operationId.replace(/[^A-Za-z0-9]/g, '-')}`;
}

function operationView(path: string, method: string, op: Operation): HTMLElement {
  const body = op.requestBody;
  return h(
    'section',
    { class: 'operation', id: anchor(op), 'aria-labelledby': `${anchor(op)}-title` },
    h(
      'h3',
      { id: `${anchor(op)}-title` },
      h('span', { class: `method method-${method}` }, method.toUpperCase()),
      ' ',
      h('code', {}, path),
    ),
    h('p', {}, op.summary ?? '', op.security?.length === 0 ? ' (no token)' : ''),
    op.description ? h('p', { class: 'hint' }, op.description) : null,
    op.parameters?.length
      ? table(
          `Parameters of ${op.operationId}`,
          [
            { header: 'Name', cell: (p: Parameter) => h('code', {}, p.name) },
            { header: 'In', cell: (p) => p.in },
            { header: 'Required', cell: (p) => (p.required ? 'yes' : 'no') },
            { header: 'Type', cell: (p) => (p.schema ? typeOf(p.schema) : '') },
            { header: 'Description', cell: (p) => p.description ?? '' },
          ],
          op.parameters,
        )
      : null,
    body
      ? h(
          'div',
          {},
          h('h4', {}, `Request body${body.required ? '' : ' (optional)'}`),
          Object.entries(body.content).map(([type, media]) =>
            h('div', {}, h('p', {}, h('code', {}, type)), schemaView(media.schema)),
          ),
        )
      : null,
    h('h4', {}, 'Answers'),
    h(
      'dl',
      { class: 'answers' },
      Object.entries(op.responses).map(([status, r]) => [
        h('dt', {}, status),
        h(
          'dd',
          {},
          r.description,
          r.content?.['application/json'] ? schemaView(r.content['application/json'].schema) : null,
        ),
      ]),
    ),
  );
}

function render(main: HTMLElement, doc: Document): void {
  const byTag = new Map<string, [string, string, Operation][]>();
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), [path, method, op]]);
    }
  const tags = [...(doc.tags?.map((t) => t.name) ?? []), ...byTag.keys()].filter((t, i, all) => all.indexOf(t) === i);
  const errorSchema = doc.components?.schemas?.Error;
  replace(
    main,
    h('h1', {}, `${doc.info.title} API reference`),
    h('p', {}, `Version ${doc.info.version}. `, doc.info.description ?? ''),
    h(
      'nav',
      { 'aria-label': 'Operations', class: 'toc' },
      tags.map((tag) =>
        h(
          'div',
          {},
          h('h2', {}, tag),
          h(
            'ul',
            {},
            (byTag.get(tag) ?? []).map(([path, method, op]) =>
              h(
                'li',
                {},
                h('a', { href: `#${anchor(op)}` }, `${method.toUpperCase()} ${path}`),
                ` — ${op.summary ?? ''}`,
              ),
            ),
          ),
        ),
      ),
    ),
    tags.map((tag) =>
      h(
        'section',
        { class: 'tag' },
        h('h2', {}, tag),
        (byTag.get(tag) ?? []).map(([p, m, op]) => operationView(p, m, op)),
      ),
    ),
    errorSchema ? h('section', { id: 'errors' }, h('h2', {}, 'Error body'), schemaView(errorSchema)) : null,
  );
  document.title = `${doc.info.title} API reference`;
}

async function start(): Promise<void> {
  const main = document.getElementById('main') as HTMLElement;
  try {
    const config = (await fetch('config.json')
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}))) as Partial<ConsoleConfig>;
    const url = `${config.apiUrl ?? ''}/openapi.json`;
    (document.getElementById('document-link') as HTMLAnchorElement).href = url;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
    render(main, (await res.json()) as Document);
  } catch (error) {
    replace(main, h('p', { class: 'alert', role: 'alert' }, `Cannot load the API description: ${String(error)}`));
  }
}

void start();
