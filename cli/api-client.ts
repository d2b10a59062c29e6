import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError, ExitCode } from './exit-codes.ts';

/** Where the CLI finds the server and who it signs in as. */
export interface ClientSettings {
  /** Base URL of the server, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly apiKey: string;
}

/** The local data directory (`$KEYLEDGER_DATA_DIR`, default `./.keyledger`): admin key and default instance files. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.KEYLEDGER_DATA_DIR ?? '.keyledger');
}

/** A file of the local data directory, trimmed, or undefined when absent. */
export function dataDirFile(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = join(dataDir(env), name);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/**
 * Flags first, then `KEYLEDGER_URL` / `KEYLEDGER_API_KEY`, then the local defaults
 * (http://127.0.0.1:$PORT and `$KEYLEDGER_DATA_DIR/admin-api-key`). For an https server with a
 * private CA, set NODE_EXTRA_CA_CERTS.
 */
export function clientSettings(
  flags: { url?: string | undefined; apiKey?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): ClientSettings {
  const url = (flags.url ?? env.KEYLEDGER_URL ?? `http://127.0.0.1:${env.PORT ?? '8080'}`).replace(/\/+$/, '');
  const apiKey = flags.apiKey ?? env.KEYLEDGER_API_KEY ?? dataDirFile('admin-api-key', env);
  if (!apiKey)
    throw new CliError(
      ExitCode.noSignIn,
      'no API key: set KEYLEDGER_API_KEY, pass --api-key, or run where $KEYLEDGER_DATA_DIR/admin-api-key exists',
    );
  return { url, apiKey };
}

export interface ApiRequest {
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  /** Sends `bluemix-instance` (every /api/v2 route needs it). */
  readonly instance?: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, the text when not JSON, or null when empty. */
  readonly body: unknown;
}

/**
 * The reason of a refused request, from Key Protect's error body (`resources[0].reasons[0]`) or
 * IBM IAM's (`errorCode`, `errorMessage`).
 */
function reasonOf(status: number, body: unknown): { code: string; message: string } {
  if (typeof body === 'object' && body !== null) {
    const b = body as {
      resources?: { errorMsg?: unknown; reasons?: { code?: unknown; message?: unknown }[] }[];
      errorCode?: unknown;
      errorMessage?: unknown;
    };
    const reason = b.resources?.[0]?.reasons?.[0];
    if (typeof reason?.code === 'string')
      return { code: reason.code, message: typeof reason.message === 'string' ? reason.message : '' };
    if (typeof b.errorCode === 'string')
      return { code: b.errorCode, message: typeof b.errorMessage === 'string' ? b.errorMessage : '' };
  }
  return { code: `HTTP_${status}`, message: typeof body === 'string' ? body.slice(0, 200) : '' };
}

/** A request the service refused or failed: exit code 1, one line with the reason code. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(ExitCode.refused, `${code} (HTTP ${status})${detail ? `: ${detail.replace(/\s+/g, ' ')}` : ''}`);
    this.name = 'ApiError';
  }
}

/** An HTTP client for /api/v2 and /admin/v1: exchanges the API key for a token once, then sends JSON. */
export class ApiClient {
  private token: Promise<string> | undefined;

  constructor(readonly settings: ClientSettings) {}

  /** Sends one request; a non-2xx answer throws {@link ApiError}. */
  async call(method: string, path: string, request: ApiRequest = {}): Promise<ApiResponse> {
    const res = await this.send(method, path, request);
    if (res.status < 200 || res.status > 299) {
      const { code, message } = reasonOf(res.status, res.body);
      throw new ApiError(res.status, code, message);
    }
    return res;
  }

  /** Sends one request and returns whatever the service answered. */
  async send(method: string, path: string, request: ApiRequest = {}): Promise<ApiResponse> {
    const token = await this.accessToken();
    const url = new URL(`${this.settings.url}${path}`);
    for (const [name, value] of Object.entries(request.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (request.instance !== undefined) headers['bluemix-instance'] = request.instance;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    for (const [name, value] of Object.entries(request.headers ?? {})) if (value !== undefined) headers[name] = value;
    const res = await this.fetch(url, {
      method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
    return { status: res.status, headers: res.headers, body: await bodyOf(res) };
  }

  private accessToken(): Promise<string> {
    this.token ??= this.exchange();
    return this.token;
  }

  private async exchange(): Promise<string> {
    const res = await this.fetch(new URL(`${this.settings.url}/identity/token`), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: this.settings.apiKey }),
    });
    const body = await bodyOf(res);
    if (res.status !== 200) {
      const { code, message } = reasonOf(res.status, body);
      throw new CliError(
        ExitCode.noSignIn,
        `sign-in refused: ${code} (HTTP ${res.status})${message ? `: ${message}` : ''}`,
      );
    }
    const token = (body as { access_token?: unknown } | null)?.access_token;
    if (typeof token !== 'string')
      throw new CliError(ExitCode.noSignIn, 'the token exchange answered without access_token');
    return token;
  }

  private async fetch(url: URL, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new CliError(ExitCode.noSignIn, `cannot reach ${this.settings.url}: ${cause}`);
    }
  }
}

async function bodyOf(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
