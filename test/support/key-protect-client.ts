/**
 * A small HTTP client of the Key Protect API and the administration API for the fault suites: each
 * call returns status and body instead of throwing, because these suites look at every answer,
 * failures included. It can follow a server to a new URL after a restart.
 */
import { randomUUID } from 'node:crypto';
import type { AuditRecord } from '../../application/audit/audit-log.ts';
import { tokenFor } from './local-server.ts';

export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  /** The answer's headers (HEAD /keys answers in `key-total`). */
  readonly headers: Headers;
}

const KEY_COLLECTION = { collectionType: 'application/vnd.ibm.kms.key+json', collectionTotal: 1 };

export function reasonCode(answer: Answer): string | undefined {
  return (answer.body as { resources?: { reasons?: { code?: string }[] }[] } | null)?.resources?.[0]?.reasons?.[0]
    ?.code;
}

export interface CallOptions {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Aborts the request after this long (a client timeout: the answer is lost, not the request). */
  readonly timeoutMs?: number;
}

export class KeyProtectClient {
  private constructor(
    public url: string,
    private readonly apiKey: string,
    private token: string,
    readonly instanceId: string,
  ) {}

  static async connect(url: string, apiKey: string, instanceId: string): Promise<KeyProtectClient> {
    return new KeyProtectClient(url, apiKey, await tokenFor(url, apiKey), instanceId);
  }

  /** After a restart on a new port: the same identity, a new token. */
  async follow(url: string): Promise<void> {
    this.url = url;
    this.token = await tokenFor(url, this.apiKey);
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        'bluemix-instance': this.instanceId,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(options.timeoutMs) }),
    });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: res.status, body, text, headers: res.headers };
  }

  createKey(name: string, options: { root?: boolean; headers?: Record<string, string> } = {}): Promise<Answer> {
    return this.call('POST', '/api/v2/keys', {
      headers: options.headers,
      body: {
        metadata: KEY_COLLECTION,
        resources: [{ type: 'application/vnd.ibm.kms.key+json', name, extractable: options.root === false }],
      },
    });
  }

  rotate(keyId: string, headers: Record<string, string> = {}): Promise<Answer> {
    return this.call('POST', `/api/v2/keys/${keyId}/actions/rotate`, { headers });
  }

  wrap(keyId: string, plaintext: Buffer, aad: string[] = []): Promise<Answer> {
    return this.call('POST', `/api/v2/keys/${keyId}/actions/wrap`, {
      body: { plaintext: plaintext.toString('base64'), aad },
    });
  }

  unwrap(keyId: string, ciphertext: string, aad: string[] = []): Promise<Answer> {
    return this.call('POST', `/api/v2/keys/${keyId}/actions/unwrap`, { body: { ciphertext, aad } });
  }

  deleteKey(keyId: string): Promise<Answer> {
    return this.call('DELETE', `/api/v2/keys/${keyId}`);
  }

  restore(keyId: string): Promise<Answer> {
    return this.call('POST', `/api/v2/keys/${keyId}/restore`);
  }

  /** Every key of the instance (all states), by id: state and version count. */
  async listKeys(): Promise<Map<string, { state: number; name: string }>> {
    const keys = new Map<string, { state: number; name: string }>();
    for (let offset = 0; ; offset += 5000) {
      const answer = await this.call('GET', `/api/v2/keys?limit=5000&offset=${offset}&state=0,1,2,3,5`);
      if (answer.status !== 200) throw new Error(`list keys: ${answer.status} ${answer.text}`);
      const resources = (answer.body as { resources?: { id: string; state: number; name: string }[] }).resources ?? [];
      for (const r of resources) keys.set(r.id, { state: r.state, name: r.name });
      if (resources.length < 5000) return keys;
    }
  }

  /** The key's version ids, newest first, whatever its state (`allKeyStates=true`: a deleted key's too). */
  async versions(keyId: string): Promise<string[]> {
    const ids: string[] = [];
    for (let offset = 0; ; offset += 5000) {
      const answer = await this.call(
        'GET',
        `/api/v2/keys/${keyId}/versions?limit=5000&offset=${offset}&allKeyStates=true`,
      );
      if (answer.status !== 200) throw new Error(`versions of ${keyId}: ${answer.status} ${answer.text}`);
      const resources = (answer.body as { resources?: { id: string }[] }).resources ?? [];
      ids.push(...resources.map((r) => r.id));
      if (resources.length < 5000) return ids;
    }
  }

  /** Every audit record of a chain (an instance id or `_service`), oldest first. */
  async auditRecords(chain: string): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    let cursor: string | null = null;
    do {
      const answer = await this.call(
        'GET',
        `/admin/v1/instances/${chain}/audit?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      if (answer.status !== 200) throw new Error(`audit of ${chain}: ${answer.status} ${answer.text}`);
      const page = answer.body as { records: AuditRecord[]; nextCursor: string | null };
      records.push(...page.records);
      cursor = page.nextCursor;
    } while (cursor);
    return records;
  }

  async verify(chain: string): Promise<{ valid: boolean; records?: number; firstBadSeq?: number; reason?: string }> {
    const answer = await this.call('GET', `/admin/v1/instances/${chain}/audit/verify`);
    if (answer.status !== 200) throw new Error(`verify ${chain}: ${answer.status} ${answer.text}`);
    return answer.body as { valid: boolean; records?: number };
  }

  /** The cross-check of events against the audit trail. */
  async reconciliation(): Promise<Answer> {
    return this.call('GET', '/admin/v1/audit/reconciliation');
  }
}

/** A correlation id the test can find its request's audit record by. */
export function correlation(): Record<string, string> {
  return { 'correlation-id': `fault-${randomUUID()}` };
}
