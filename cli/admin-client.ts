import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

interface AdminResponse {
  readonly status: number;
  readonly body: unknown;
}

interface ClientSettings {
  /** Base URL of the server, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly apiKey: string;
}

/**
 * Where the CLI finds the server and its API key: flags first, then `KEYLEDGER_URL` /
 * `KEYLEDGER_API_KEY`, then the local defaults (http://127.0.0.1:$PORT and the administrator key
 * file under `$KEYLEDGER_DATA_DIR`). For an https server with a private CA, set NODE_EXTRA_CA_CERTS.
 */
export function clientSettings(
  flags: { url?: string | undefined; apiKey?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): ClientSettings {
  const url = (flags.url ?? env.KEYLEDGER_URL ?? `http://127.0.0.1:${env.PORT ?? '8080'}`).replace(/\/+$/, '');
  let apiKey = flags.apiKey ?? env.KEYLEDGER_API_KEY;
  if (!apiKey) {
    const file = join(resolve(env.KEYLEDGER_DATA_DIR ?? '.keyledger'), 'admin-api-key');
    if (existsSync(file)) apiKey = readFileSync(file, 'utf8').trim();
  }
  if (!apiKey)
    throw new Error(
      'no API key: pass --api-key, set KEYLEDGER_API_KEY, or run where $KEYLEDGER_DATA_DIR/admin-api-key exists',
    );
  return { url, apiKey };
}

/** A small HTTP client for `/admin/v1`: exchanges the API key for a token once, then sends JSON. */
export class AdminClient {
  private token: string | undefined;

  constructor(readonly settings: ClientSettings) {}

  async request(method: string, path: string, body?: unknown): Promise<AdminResponse> {
    const token = await this.accessToken();
    const res = await fetch(`${this.settings.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  }

  private async accessToken(): Promise<string> {
    if (this.token) return this.token;
    const res = await fetch(`${this.settings.url}/identity/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: this.settings.apiKey }),
    });
    if (res.status !== 200) throw new Error(`token exchange refused (${res.status})`);
    const body = (await res.json()) as { access_token?: unknown };
    if (typeof body.access_token !== 'string') throw new Error('token exchange answered without access_token');
    this.token = body.access_token;
    return this.token;
  }
}
