import { ApiError, type Collection, type Key, keyType, stateName } from '../api.ts';
import { type App, describe } from '../app.ts';
import { confirmAction } from '../confirm.ts';
import { h, replace, table, time } from '../dom.ts';

interface Version {
  readonly id: string;
  readonly creationDate?: string;
}
interface Policy {
  readonly rotation?: { readonly enabled: boolean; readonly interval_month?: number };
  readonly dualAuthDelete?: { readonly enabled: boolean };
}
interface Registration {
  readonly resourceCrn: string;
  readonly preventKeyDeletion?: boolean;
  readonly description?: string;
  readonly creationDate?: string;
}
interface HistoryEvent {
  readonly version: number;
  readonly type: string;
  readonly time: string;
  readonly principalId: string;
  readonly data: Record<string, unknown>;
}

const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** What each stored event means, in words, for the timeline. */
function describeEvent(e: HistoryEvent): string {
  const d = e.data;
  switch (e.type) {
    case 'KeyCreated':
      return `Created as “${str(d.name)}” in key ring ${str(d.keyRingId)}`;
    case 'KeyImported':
      return `Imported as “${str(d.name)}” in key ring ${str(d.keyRingId)}`;
    case 'KeyVersionRotated':
      return `Rotated: new version ${str((d.version as { id?: string } | undefined)?.id)}`;
    case 'KeyDisabled':
      return 'Disabled';
    case 'KeyEnabled':
      return 'Enabled';
    case 'KeyExpired':
      return 'Expired';
    case 'KeySetForDeletion':
      return 'Deletion authorized (dual authorization)';
    case 'KeyUnsetForDeletion':
      return 'Deletion authorization withdrawn';
    case 'KeyDeleted':
      return 'Deleted';
    case 'KeyRestored':
      return 'Restored';
    case 'KeyPurged':
      return 'Purged';
    case 'KeyMovedToKeyRing':
      return `Moved from key ring ${str(d.fromKeyRingId)} to ${str(d.toKeyRingId)}`;
    case 'AliasAdded':
      return `Alias ${str(d.alias)} added`;
    case 'AliasRemoved':
      return `Alias ${str(d.alias)} removed`;
    case 'KeyPolicySet':
      return `Policy ${str(d.policy)} ${d.enabled === true ? 'enabled' : 'disabled'}${d.intervalMonth ? `, every ${str(d.intervalMonth)} months` : ''}`;
    case 'RegistrationChanged':
      return `Registration ${str(d.change)}: ${str(d.crn)}`;
    case 'KeySynced':
      return 'Associated resources synced';
    default:
      return e.type;
  }
}

function details(key: Key): HTMLElement {
  const rows: [string, Node | string][] = [
    ['ID', h('code', {}, key.id)],
    ['State', stateName(key.state)],
    ['Type', keyType(key)],
    ['Key ring', key.keyRingID ?? ''],
    ['Description', key.description ?? ''],
    ['Imported', key.imported ? 'yes' : 'no'],
    ['Current version', h('code', {}, key.keyVersion?.id ?? '')],
    ['Created', h('span', {}, time(key.creationDate), key.createdBy ? ` by ${key.createdBy}` : '')],
    ['Last updated', h('span', {}, time(key.lastUpdateDate))],
    ['Last rotated', h('span', {}, time(key.lastRotateDate))],
    ['Expires', h('span', {}, time(key.expirationDate))],
    ['Deleted', h('span', {}, time(key.deletionDate), key.deletedBy ? ` by ${key.deletedBy}` : '')],
    ['Dual authorization to delete', key.dualAuthDelete?.enabled ? 'required' : 'not required'],
    ['CRN', h('code', {}, key.crn ?? '')],
  ];
  return h(
    'dl',
    { class: 'details' },
    rows
      .filter(([, v]) => v !== '' && !(v instanceof HTMLElement && v.textContent === ''))
      .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function section(title: string, id: string, content: Node): HTMLElement {
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), content);
}

/** A key's page: metadata, versions, policies, aliases, registrations, its timeline, and the actions its state allows. */
export function keyPage(app: App, id: string): void {
  const path = `/api/v2/keys/${encodeURIComponent(id)}`;
  const head = h('div');
  app.show(h('h1', {}, 'Key'), head);
  void app.api.request<Collection<Key>>('GET', `${path}/metadata`).then(
    (found) => {
      const key = found.resources[0];
      if (key) render(app, key);
    },
    (error: unknown) => replace(head, app.errorBlock(error), h('p', {}, h('a', { href: '#/keys' }, 'Back to keys'))),
  );
}

function render(app: App, key: Key): void {
  const path = `/api/v2/keys/${encodeURIComponent(key.id)}`;
  const reload = () => keyPage(app, key.id);
  const message = h('div', { class: 'form-message' });

  /** Asks, then runs one action; the page reloads with the key's new state. */
  const action = (label: string, title: string, body: (Node | string)[], run: () => Promise<unknown>, done: string) =>
    h(
      'button',
      {
        type: 'button',
        onclick: () =>
          void confirmAction(title, body, label).then(async (yes) => {
            if (!yes) return;
            try {
              await run();
              app.announce(done);
              reload();
            } catch (error) {
              replace(message, app.errorBlock(error));
            }
          }),
      },
      label,
    );

  const root = !key.extractable;
  const destroyed = key.state === 5;
  const dual = key.dualAuthDelete?.enabled === true;
  const actions: HTMLElement[] = [];
  if (root && key.state === 1)
    actions.push(
      action(
        'Rotate',
        `Rotate ${key.name}?`,
        [
          'A new version becomes the one that wraps. Data keys wrapped with older versions still unwrap, and unwrapping them returns them rewrapped with the new version.',
        ],
        () => app.api.request('POST', `${path}/actions/rotate`),
        'Key rotated.',
      ),
      action(
        'Disable',
        `Disable ${key.name}?`,
        [
          'While disabled the key refuses wrap, unwrap and rewrap, so data protected by it cannot be read. Enable it to undo this.',
        ],
        () => app.api.request('POST', `${path}/actions/disable`),
        'Key disabled.',
      ),
    );
  if (root && key.state === 2)
    actions.push(
      action(
        'Enable',
        `Enable ${key.name}?`,
        ['The key wraps and unwraps again.'],
        () => app.api.request('POST', `${path}/actions/enable`),
        'Key enabled.',
      ),
    );
  if (!destroyed) {
    const dualNote = dual
      ? h(
          'div',
          { class: 'note' },
          h(
            'p',
            {},
            h('strong', {}, 'Dual authorization is required.'),
            ' Two people must agree to delete this key: one authorizes the deletion, then another deletes it within 7 days. Without an authorization the service refuses the deletion.',
          ),
        )
      : h('p', {}, 'This key does not require dual authorization: one person with the Manager role can delete it.');
    actions.push(
      action(
        'Delete',
        `Delete ${key.name}?`,
        [
          'The key becomes Destroyed: it can no longer wrap or unwrap. It can be restored for 30 days, and is purged for good later.',
          dualNote,
        ],
        () => app.api.request('DELETE', path),
        'Key deleted.',
      ),
    );
    if (dual)
      actions.push(
        action(
          'Authorize deletion',
          `Authorize deleting ${key.name}?`,
          [
            'Your authorization lets another person delete the key within 7 days. You cannot both authorize and delete.',
          ],
          () => app.api.request('POST', `${path}/actions/setKeyForDeletion`),
          'Deletion authorized.',
        ),
        action(
          'Withdraw authorization',
          `Withdraw the authorization to delete ${key.name}?`,
          [],
          () => app.api.request('POST', `${path}/actions/unsetKeyForDeletion`),
          'Authorization withdrawn.',
        ),
      );
  } else {
    actions.push(
      action(
        'Restore',
        `Restore ${key.name}?`,
        ['The key becomes Active again, with its versions, aliases and policies.'],
        () => app.api.request('POST', `${path}/restore`),
        'Key restored.',
      ),
    );
  }

  const versions = h('div');
  const policies = h('div');
  const registrations = h('div');
  const timeline = h('div');
  app.show(
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/keys' }, 'Keys'), ' / '),
    h('h1', {}, key.name, ' ', h('span', { class: `state state-${key.state}` }, stateName(key.state))),
    h('div', { class: 'toolbar', role: 'group', 'aria-label': 'Actions' }, actions),
    message,
    section('Details', 'details', details(key)),
    section('Versions', 'versions', versions),
    section('Policies', 'policies', policies),
    section(
      'Aliases',
      'aliases',
      key.aliases?.length
        ? h(
            'ul',
            {},
            key.aliases.map((a) => h('li', {}, h('code', {}, a))),
          )
        : h('p', { class: 'empty' }, 'None.'),
    ),
    section('Registrations', 'registrations', registrations),
    section('Timeline', 'timeline', timeline),
  );
  void app.load(
    versions,
    () => app.api.request<Collection<Version>>('GET', `${path}/versions`, { query: { totalCount: true } }),
    (c) =>
      table(
        'Versions, newest first',
        [
          { header: 'Version', cell: (v: Version) => h('code', {}, v.id) },
          { header: 'Created', cell: (v) => time(v.creationDate) },
          { header: '', cell: (v) => (v.id === key.keyVersion?.id ? 'current' : '') },
        ],
        c.resources,
      ),
  );
  void app.load(
    policies,
    () => app.api.request<Collection<Policy>>('GET', `${path}/policies`),
    (c) =>
      table(
        'Policies',
        [
          { header: 'Policy', cell: (p: Policy) => (p.rotation ? 'Rotation' : 'Dual authorization to delete') },
          { header: 'Enabled', cell: (p) => ((p.rotation ?? p.dualAuthDelete)?.enabled ? 'yes' : 'no') },
          {
            header: 'Interval',
            cell: (p) => (p.rotation?.interval_month ? `${p.rotation.interval_month} months` : ''),
          },
        ],
        c.resources,
      ),
  );
  void app.load(
    registrations,
    () => app.api.request<Collection<Registration>>('GET', `${path}/registrations`),
    (c) =>
      table(
        'Registrations',
        [
          { header: 'Resource', cell: (r: Registration) => h('code', {}, r.resourceCrn) },
          { header: 'Prevents deletion', cell: (r) => (r.preventKeyDeletion ? 'yes' : 'no') },
          { header: 'Description', cell: (r) => r.description ?? '' },
          { header: 'Created', cell: (r) => time(r.creationDate) },
        ],
        c.resources,
      ),
  );
  void loadTimeline(app, key, timeline);
}

async function loadTimeline(app: App, key: Key, target: HTMLElement): Promise<void> {
  try {
    const { events } = await app.api.request<{ events: HistoryEvent[] }>(
      'GET',
      `/admin/v1/instances/${encodeURIComponent(app.api.instance)}/keys/${encodeURIComponent(key.id)}/history`,
      { instance: false },
    );
    app.admin = true;
    replace(
      target,
      h(
        'ol',
        { class: 'timeline', reversed: true },
        [...events]
          .reverse()
          .map((e) =>
            h(
              'li',
              { class: `event event-${e.type}` },
              time(e.time),
              ' ',
              h('span', { class: 'what' }, describeEvent(e)),
              h('span', { class: 'who' }, ` by ${e.principalId}`),
            ),
          ),
      ),
    );
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      app.admin = false;
      replace(
        target,
        h(
          'p',
          { class: 'empty' },
          "The timeline is read from the administration API: it needs the service administrator's API key.",
        ),
      );
    } else replace(target, h('p', { class: 'alert', role: 'alert' }, describe(error)));
  }
}
