/**
 * The console's client of the keyledger API. The API key is exchanged at /identity/token for an
 * access token that lives in this object only (never in storage, cookies or the URL) and is gone
 * on reload or sign-out. The console can do exactly what that token's roles allow: every refusal
 * is the API's own.
 */

/** A request the API refused, with Key Protect's reason code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface RequestOptions {
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly body?: unknown;
  readonly headers?: Record<string, string | undefined>;
  /** Sends `bluemix-instance` (default: yes). */
  readonly instance?: boolean;
}

function reasonOf(status: number, body: unknown): ApiError {
  const b = body as {
    resources?: { reasons?: { code?: string; message?: string }[] }[];
    errorCode?: string;
    errorMessage?: string;
  } | null;
  const reason = b?.resources?.[0]?.reasons?.[0];
  if (reason?.code) return new ApiError(status, reason.code, reason.message ?? reason.code);
  if (b?.errorCode) return new ApiError(status, b.errorCode, b.errorMessage ?? b.errorCode);
  return new ApiError(status, `HTTP_${status}`, `The service answered ${status}.`);
}

export class Api {
  private token: string | undefined;
  private expiresAt = 0;
  /** The instance every /api/v2 request names. */
  instance = '';

  /** `base` is the API's origin ('' for the console's own origin). */
  constructor(readonly base: string) {}

  get signedIn(): boolean {
    return this.token !== undefined && Date.now() < this.expiresAt;
  }

  /** Exchanges an API key for an access token (IBM IAM's API key grant). */
  async signIn(apiKey: string): Promise<void> {
    const res = await fetch(`${this.base}/identity/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: apiKey }),
    });
    const body = (await res.json().catch(() => null)) as { access_token?: string; expires_in?: number } | null;
    if (res.status !== 200 || !body?.access_token) throw reasonOf(res.status, body);
    this.token = body.access_token;
    this.expiresAt = Date.now() + (body.expires_in ?? 3600) * 1000 - 30_000;
  }

  signOut(): void {
    this.token = undefined;
    this.expiresAt = 0;
  }

  /** One request; JSON in and out; a non-2xx answer throws {@link ApiError}. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    if (!this.token) throw new ApiError(401, 'SIGNED_OUT', 'Sign in first.');
    const url = new URL(`${this.base}${path}`, location.href);
    for (const [name, value] of Object.entries(options.query ?? {}))
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (options.instance !== false) headers['bluemix-instance'] = this.instance;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    for (const [name, value] of Object.entries(options.headers ?? {})) if (value !== undefined) headers[name] = value;
    const res = await fetch(url, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text === '' ? null : (JSON.parse(text) as unknown);
    } catch {
      body = text;
    }
    if (res.status < 200 || res.status > 299) throw reasonOf(res.status, body);
    return body as T;
  }

  /** A probe that needs no token (/metrics). */
  async probe(path: string): Promise<string | null> {
    const res = await fetch(`${this.base}${path}`);
    return res.ok ? res.text() : null;
  }
}

/** Key Protect's collection envelope. */
export interface Collection<T> {
  readonly metadata: { readonly collectionTotal: number; readonly totalCount?: number };
  readonly resources: T[];
}

export interface Key {
  readonly id: string;
  readonly name: string;
  readonly state: number;
  readonly extractable: boolean;
  readonly aliases?: string[];
  readonly description?: string;
  readonly keyRingID?: string;
  readonly crn?: string;
  readonly imported?: boolean;
  readonly creationDate?: string;
  readonly createdBy?: string;
  readonly lastUpdateDate?: string;
  readonly lastRotateDate?: string;
  readonly expirationDate?: string;
  readonly deletionDate?: string;
  readonly deletedBy?: string;
  readonly keyVersion?: { readonly id: string; readonly creationDate?: string };
  readonly dualAuthDelete?: { readonly enabled: boolean; readonly keySetForDeletion?: boolean };
}

export const KEY_STATES: Readonly<Record<number, string>> = {
  0: 'Pre-activation',
  1: 'Active',
  2: 'Suspended',
  3: 'Deactivated',
  5: 'Destroyed',
};

export const stateName = (code: number): string => KEY_STATES[code] ?? String(code);
export const keyType = (key: Key): string => (key.extractable ? 'Standard' : 'Root');
