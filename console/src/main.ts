import { App, currentRoute, describe, type ConsoleConfig } from './app.ts';
import { h, replace } from './dom.ts';
import { auditPage } from './pages/audit.ts';
import { keyPage } from './pages/key.ts';
import { keysPage } from './pages/keys.ts';
import { metricsPage } from './pages/metrics.ts';

/** Instances used in this browser, most recent first (ids only; no secret is ever stored). */
const RECENT = 'keyledger.recentInstances';
function recentInstances(): string[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(RECENT) ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
function remember(instance: string): void {
  localStorage.setItem(
    RECENT,
    JSON.stringify([instance, ...recentInstances().filter((i) => i !== instance)].slice(0, 8)),
  );
}

function instanceField(app: App): HTMLInputElement {
  const initial = app.api.instance || recentInstances()[0] || app.config.defaultInstance || '';
  return h('input', {
    name: 'instance',
    required: true,
    value: initial,
    list: 'recent-instances',
    autocomplete: 'off',
    spellcheck: 'false',
    pattern: '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
    title: 'an instance id (a UUID)',
  });
}

function instanceChoices(app: App): HTMLElement {
  const ids = [...new Set([...recentInstances(), app.config.defaultInstance].filter((v): v is string => !!v))];
  return h(
    'datalist',
    { id: 'recent-instances' },
    ids.map((id) => h('option', { value: id })),
  );
}

/** Checks that the token may use the instance: any role lists keys. */
async function useInstance(app: App, instance: string): Promise<void> {
  app.api.instance = instance;
  await app.api.request('GET', '/api/v2/keys', { query: { limit: 1 } });
  remember(instance);
}

function signInPage(app: App): void {
  const apiKey = h('input', {
    name: 'apikey',
    type: 'password',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const instance = instanceField(app);
  const message = h('div', { class: 'form-message' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-describedby': 'sign-in-note' },
    h('label', { class: 'field' }, h('span', { class: 'label' }, 'API key'), apiKey),
    h('label', { class: 'field' }, h('span', { class: 'label' }, 'Instance ID'), instance, instanceChoices(app)),
    message,
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    button.disabled = true;
    replace(message);
    void (async () => {
      try {
        await app.api.signIn(apiKey.value.trim());
      } catch (error) {
        replace(message, h('p', { class: 'alert', role: 'alert' }, `The API key was refused: ${describe(error)}`));
        button.disabled = false;
        apiKey.select();
        return;
      } finally {
        apiKey.value = '';
      }
      try {
        await useInstance(app, instance.value.trim());
        app.admin = undefined;
        renderChrome(app);
        app.announce('Signed in.');
        app.navigate('#/keys');
      } catch (error) {
        app.api.signOut();
        replace(message, h('p', { class: 'alert', role: 'alert' }, `No access to this instance: ${describe(error)}`));
        button.disabled = false;
      }
    })();
  });
  app.show(
    h('h1', {}, 'Sign in'),
    h(
      'p',
      { id: 'sign-in-note' },
      'Sign in with an API key. It is exchanged for an access token that this page keeps in memory only: reloading the page or signing out forgets it.',
    ),
    form,
  );
}

function instancePage(app: App): void {
  const instance = instanceField(app);
  const message = h('div', { class: 'form-message' });
  const form = h(
    'form',
    {},
    h('label', { class: 'field' }, h('span', { class: 'label' }, 'Instance ID'), instance, instanceChoices(app)),
    message,
    h('button', { type: 'submit', class: 'primary' }, 'Use this instance'),
  );
  const previous = app.api.instance;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void useInstance(app, instance.value.trim()).then(
      () => {
        renderChrome(app);
        app.navigate('#/keys');
      },
      (error: unknown) => {
        app.api.instance = previous;
        replace(message, h('p', { class: 'alert', role: 'alert' }, `No access to this instance: ${describe(error)}`));
      },
    );
  });
  app.show(h('h1', {}, 'Pick an instance'), form);
}

/** The header: navigation, the instance in use, sign out. */
function renderChrome(app: App): void {
  const nav = document.getElementById('nav');
  if (!nav) return;
  if (!app.api.signedIn) {
    replace(nav);
    return;
  }
  const { path } = currentRoute();
  const link = (hash: string, label: string, page: string) =>
    h('a', { href: hash, 'aria-current': path[0] === page ? 'page' : undefined }, label);
  replace(
    nav,
    h(
      'ul',
      {},
      h('li', {}, link('#/keys', 'Keys', 'keys')),
      h('li', {}, link('#/audit', 'Audit trail', 'audit')),
      h('li', {}, link('#/metrics', 'Metrics', 'metrics')),
    ),
    h(
      'p',
      { class: 'instance' },
      'Instance ',
      h('code', {}, app.api.instance),
      ' ',
      link('#/instance', 'Change', 'instance'),
    ),
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          app.api.signOut();
          renderChrome(app);
          app.announce('Signed out.');
          app.navigate('#/sign-in');
        },
      },
      'Sign out',
    ),
  );
}

function route(app: App): void {
  const { path, query } = currentRoute();
  app.leave();
  renderChrome(app);
  if (!app.api.signedIn) {
    signInPage(app);
    return;
  }
  switch (path[0]) {
    case 'keys':
      if (path[1]) keyPage(app, path[1]);
      else keysPage(app, query);
      return;
    case 'audit':
      auditPage(app, query);
      return;
    case 'metrics':
      metricsPage(app);
      return;
    case 'instance':
      instancePage(app);
      return;
    case undefined:
    default:
      app.navigate('#/keys');
  }
}

async function start(): Promise<void> {
  const main = document.getElementById('main');
  const status = document.getElementById('status');
  if (!main || !status) return;
  const config = (await fetch('config.json')
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}))) as Partial<ConsoleConfig>;
  const app = new App({ apiUrl: config.apiUrl ?? '', defaultInstance: config.defaultInstance }, main, status);
  window.addEventListener('hashchange', () => route(app));
  route(app);
}

void start();
