import { type Collection, type Key, KEY_STATES, keyType, stateName } from '../api.ts';
import { type App, describe, routeHash } from '../app.ts';
import { field, h, replace, table, time } from '../dom.ts';

const PAGE_SIZES = [25, 50, 100, 200];
const DEFAULT_STATES = '0,1,2,3';
const KEY_TYPE = 'application/vnd.ibm.kms.key+json';

/** The list's filters, kept in the URL so that back, forward and reload keep them. */
interface Filters {
  readonly search: string;
  readonly states: string;
  readonly ring: string;
  readonly offset: number;
  readonly limit: number;
}

function filtersOf(query: URLSearchParams): Filters {
  const limit = Number(query.get('limit'));
  return {
    search: query.get('search') ?? '',
    states: query.get('state') ?? DEFAULT_STATES,
    ring: query.get('ring') ?? '',
    offset: Math.max(0, Number(query.get('offset')) || 0),
    limit: PAGE_SIZES.includes(limit) ? limit : 50,
  };
}

function hashOf(f: Filters): string {
  return routeHash(['keys'], {
    search: f.search,
    state: f.states === DEFAULT_STATES ? undefined : f.states,
    ring: f.ring,
    offset: f.offset || undefined,
    limit: f.limit === 50 ? undefined : f.limit,
  });
}

/**
 * One page of keys, as the API pages them (limit and offset, so a page costs the same at 100,000
 * keys), with the total the API counts. A search for a key id or alias is the API's own lookup:
 * GET /keys/{id or alias}/metadata.
 */
async function fetchPage(app: App, f: Filters): Promise<{ keys: Key[]; total: number | undefined }> {
  if (f.search !== '') {
    try {
      const found = await app.api.request<Collection<Key>>(
        'GET',
        `/api/v2/keys/${encodeURIComponent(f.search)}/metadata`,
      );
      const keys = found.resources.filter(
        (k) => f.states.split(',').includes(String(k.state)) && (f.ring === '' || k.keyRingID === f.ring),
      );
      return { keys, total: keys.length };
    } catch (error) {
      if (error instanceof Error && 'status' in error && error.status === 404) return { keys: [], total: 0 };
      throw error;
    }
  }
  const page = await app.api.request<Collection<Key>>('GET', '/api/v2/keys', {
    query: { state: f.states, limit: f.limit, offset: f.offset, totalCount: true },
    headers: { 'x-kms-key-ring': f.ring || undefined },
  });
  return { keys: page.resources, total: page.metadata.totalCount };
}

function createKeyForm(app: App, rings: readonly string[]): HTMLElement {
  const name = h('input', { name: 'name', required: true, minlength: 2, maxlength: 90, autocomplete: 'off' });
  const description = h('input', { name: 'description', maxlength: 240, autocomplete: 'off' });
  const root = h('input', { type: 'radio', name: 'type', value: 'root', checked: true });
  const standard = h('input', { type: 'radio', name: 'type', value: 'standard' });
  const ring = h(
    'select',
    { name: 'ring' },
    rings.map((r) => h('option', { value: r }, r)),
  );
  const message = h('div', { class: 'form-message' });
  const form = h(
    'form',
    { class: 'create-key' },
    field('Name', name),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Type'),
      h('label', {}, root, ' Root key (wraps data keys; never leaves the HSM)'),
      h('label', {}, standard, ' Standard key (a secret you can read back)'),
    ),
    field('Description', description, 'optional'),
    field('Key ring', ring),
    message,
    h('button', { type: 'submit', class: 'primary' }, 'Create key'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void app.api
      .request<Collection<Key>>('POST', '/api/v2/keys', {
        headers: { prefer: 'return=representation', 'x-kms-key-ring': ring.value },
        body: {
          metadata: { collectionType: KEY_TYPE, collectionTotal: 1 },
          resources: [
            {
              type: KEY_TYPE,
              name: name.value.trim(),
              extractable: standard.checked,
              ...(description.value.trim() ? { description: description.value.trim() } : {}),
            },
          ],
        },
      })
      .then(
        (created) => {
          const key = created.resources[0];
          if (!key) return;
          app.announce(`Key ${key.name} created.`);
          app.navigate(routeHash(['keys', key.id]));
        },
        (error: unknown) => replace(message, h('p', { class: 'alert', role: 'alert' }, describe(error))),
      );
  });
  return h('details', { class: 'panel' }, h('summary', {}, 'Create a key'), form);
}

export function keysPage(app: App, query: URLSearchParams): void {
  const f = filtersOf(query);
  const go = (change: Partial<Filters>) => app.navigate(hashOf({ ...f, offset: 0, ...change }));

  const search = h('input', {
    type: 'search',
    name: 'search',
    value: f.search,
    placeholder: 'key id or alias',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const stateBoxes = Object.entries(KEY_STATES).map(([code, label]) => {
    const box = h('input', {
      type: 'checkbox',
      name: 'state',
      value: code,
      checked: f.states.split(',').includes(code),
    });
    return h('label', { class: 'check' }, box, ` ${label}`);
  });
  const ringSelect = h('select', { name: 'ring' }, h('option', { value: '' }, 'All key rings'));
  const pageSize = h(
    'select',
    { name: 'limit' },
    PAGE_SIZES.map((n) => h('option', { value: n, selected: n === f.limit }, String(n))),
  );
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter keys' },
    field('Search', search, 'a key id or alias'),
    h('fieldset', { class: 'states' }, h('legend', {}, 'States'), stateBoxes),
    field('Key ring', ringSelect),
    field('Per page', pageSize),
    h('button', { type: 'submit' }, 'Apply'),
  );
  const apply = () => {
    const states = [...filters.querySelectorAll<HTMLInputElement>('input[name=state]:checked')].map((b) => b.value);
    go({
      search: search.value.trim(),
      states: states.length ? states.join(',') : DEFAULT_STATES,
      ring: ringSelect.value,
      limit: Number(pageSize.value),
    });
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  filters.addEventListener('change', (event) => {
    if (event.target !== search) apply();
  });

  const createSlot = h('div');
  const results = h('div', { 'aria-live': 'polite' });
  app.show(h('h1', {}, 'Keys'), createSlot, filters, results);

  void app.api.request<Collection<{ id: string }>>('GET', '/api/v2/key_rings').then(
    (rings) => {
      const ids = rings.resources.map((r) => r.id);
      for (const id of ids) ringSelect.append(h('option', { value: id, selected: id === f.ring }, id));
      replace(createSlot, createKeyForm(app, ids));
    },
    // A key-scoped binding cannot list rings: creating still works into `default` if allowed.
    () => replace(createSlot, createKeyForm(app, ['default'])),
  );

  void app.load(
    results,
    () => fetchPage(app, f),
    ({ keys, total }) => {
      const first = keys.length ? f.offset + 1 : 0;
      const last = f.offset + keys.length;
      const more = total === undefined ? keys.length === f.limit : last < total;
      return h(
        'div',
        {},
        h('p', { class: 'count' }, `Keys ${first}–${last}${total === undefined ? '' : ` of ${total}`}`),
        table(
          'Keys of the instance',
          [
            { header: 'Name', cell: (k: Key) => h('a', { href: routeHash(['keys', k.id]) }, k.name) },
            { header: 'State', cell: (k) => h('span', { class: `state state-${k.state}` }, stateName(k.state)) },
            { header: 'Type', cell: keyType },
            { header: 'Key ring', cell: (k) => k.keyRingID ?? '' },
            { header: 'Aliases', cell: (k) => (k.aliases ?? []).join(', ') },
            { header: 'Created', cell: (k) => time(k.creationDate) },
            { header: 'ID', cell: (k) => h('code', {}, k.id) },
          ],
          keys,
          f.search ? `No key has the id or alias “${f.search}” in these states.` : 'No keys match.',
        ),
        h(
          'nav',
          { class: 'pager', 'aria-label': 'Pages' },
          h(
            'button',
            {
              type: 'button',
              disabled: f.offset === 0,
              onclick: () => go({ offset: Math.max(0, f.offset - f.limit) }),
            },
            'Previous page',
          ),
          h(
            'button',
            { type: 'button', disabled: !more, onclick: () => go({ offset: f.offset + f.limit }) },
            'Next page',
          ),
        ),
      );
    },
  );
}
