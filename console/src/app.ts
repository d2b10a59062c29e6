import { Api, ApiError } from './api.ts';
import { h, replace } from './dom.ts';

/** Where the console finds the API (`config.json` next to the console's files). */
export interface ConsoleConfig {
  /** The API's origin; empty when the console is served by the API's own server. */
  readonly apiUrl: string;
  /** The instance to offer first (the local server's default instance, or the stack's). */
  readonly defaultInstance?: string;
}

/** What every page works with: the API client, the main region, navigation and messages. */
export class App {
  readonly api: Api;
  /** Whether the token is the service administrator's (audit, history); learnt on first use. */
  admin: boolean | undefined;

  constructor(
    readonly config: ConsoleConfig,
    readonly main: HTMLElement,
    private readonly status: HTMLElement,
  ) {
    this.api = new Api(config.apiUrl.replace(/\/+$/, ''));
  }

  private leaving: (() => void)[] = [];

  /** Runs `fn` when the user leaves the current page (stops a page's polling). */
  onLeave(fn: () => void): void {
    this.leaving.push(fn);
  }

  /** Called by the router before it shows another page. */
  leave(): void {
    for (const fn of this.leaving.splice(0)) fn();
  }

  navigate(hash: string): void {
    if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = hash;
  }

  /** A short message for everyone, screen readers included (an aria-live region). */
  announce(message: string): void {
    this.status.textContent = message;
  }

  /** Puts a page's content in the main region and moves focus to its heading (keyboard and screen reader users). */
  show(...content: Node[]): void {
    replace(this.main, ...content);
    const heading = this.main.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }
  }

  /** An error as an alert block: the reason code and the API's message. */
  errorBlock(error: unknown): HTMLElement {
    return h('div', { class: 'alert', role: 'alert' }, describe(error));
  }

  /** Runs an API call for a part of a page; a refusal becomes an alert in `target`. */
  async load<T>(target: HTMLElement, work: () => Promise<T>, render: (value: T) => Node): Promise<void> {
    replace(target, h('p', { class: 'loading' }, 'Loading…'));
    try {
      replace(target, render(await work()));
    } catch (error) {
      replace(target, this.errorBlock(error));
    }
  }
}

export function describe(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code}, HTTP ${error.status})`;
  return error instanceof Error ? error.message : String(error);
}

/** The hash route: `#/keys/abc?state=1` -> path ['keys', 'abc'] and its query. */
export function currentRoute(): { path: string[]; query: URLSearchParams } {
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

export function routeHash(path: readonly string[], query: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return `#/${path.map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`;
}
